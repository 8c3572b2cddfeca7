"""Messages to the person about their appointment: queued in the booking's own
transaction, cancelled with it, and sent from the outbox exactly once.

Sending follows RELIABILITY.md's outbox: a sender claims one due row with
SELECT ... FOR UPDATE SKIP LOCKED and commits the claim (`sending`, with a lease) before
it calls Notify, so two senders never hold the same message and a sender killed mid-send
leaves a row that is claimed again once its lease ends. A message claimed again after an
earlier attempt is first looked up at Notify by its reference (its own id): if Notify
accepted it, it is marked sent, not sent again."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from notifications_python_client import NotificationsAPIClient
from notifications_python_client.errors import APIError

from core.history import save_as
from scheduling.models import Booking

from . import content
from .models import Message, MessageKind, MessageState
from .notify import notification_already_accepted, notification_send, notify_client, notify_configured

LONDON = ZoneInfo("Europe/London")
# Reminders go at a civil hour of the day they fall on, never in the night.
REMINDER_HOUR = time(10, 0)
REMINDER_DAYS_BEFORE = {MessageKind.REMINDER_7_DAYS: 7, MessageKind.REMINDER_2_DAYS: 2}
# The longest wait between two tries, however many errors came before.
RETRY_AT_MOST = timedelta(hours=1)
# Messages still to be sent that a cancelled or moved booking takes with it.
CANCELLABLE = (MessageState.QUEUED, MessageState.RENDERED_ONLY)


def reminder_due(starts_at: datetime, days_before: int) -> datetime:
    """REMINDER_HOUR London time, `days_before` calendar days before the appointment's day
    (wall time, so a reminder across a clock change still goes at 10am)."""
    day = timezone.localtime(starts_at, LONDON).date() - timedelta(days=days_before)
    return datetime.combine(day, REMINDER_HOUR, tzinfo=LONDON)


def appointment_messages_queue(booking: Booking, now: datetime) -> list[Message]:
    """Queue the booking's confirmation, due now, and its reminders 7 and 2 days before
    (a reminder whose time has passed is not queued). Runs in the booking's transaction,
    so the messages exist exactly when the booking does. Idempotent: a message already
    queued for the booking and kind is left as it is (the database keeps one of each)."""
    referral = booking.referral
    route = content.route_for(referral)
    style = content.preferred_format(referral.service_user)
    due = {MessageKind.CONFIRMATION: now}
    due.update({kind: at for kind, days in REMINDER_DAYS_BEFORE.items()
                if (at := reminder_due(booking.starts_at, days)) > now})
    already = set(Message.objects.filter(booking=booking).values_list("kind", flat=True))
    queued = []
    for kind, due_at in due.items():
        if kind in already:
            continue
        subject, body = content.render(booking=booking, kind=kind, channel=route.channel, format=style)
        message = Message(service_user=referral.service_user, booking=booking, kind=kind,
                          channel=route.channel, format=style, recipient=route.recipient,
                          address=route.address, subject=subject, body=body, due_at=due_at, created_at=now)
        if not route.usable:
            message.state, message.failed_at, message.last_error = (MessageState.FAILED, now,
                                                                    content.NO_WAY_TO_SEND)
        elif not notify_configured():
            message.state = MessageState.RENDERED_ONLY
        queued.append(save_as(message, None))
    return queued


def appointment_messages_cancel(booking: Booking, now: datetime) -> int:
    """Cancel the messages of a cancelled or moved booking that are still to go: queued
    ones, and in the demo those rendered but not yet due. A message a sender has already
    claimed (`sending`) cannot be called back. Runs in the cancelling transaction, after
    the booking's lock (core.locks' order: the messages come after their booking)."""
    cancelled = 0
    for message in (Message.objects.select_for_update().filter(booking=booking, state__in=CANCELLABLE)
                    .exclude(state=MessageState.RENDERED_ONLY, due_at__lte=now)):
        message.state, message.cancelled_at = MessageState.CANCELLED, now
        save_as(message, None)
        cancelled += 1
    return cancelled


def messages_send_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Send the messages that are due, one claim at a time, up to `limit` (the next run
    takes the rest). Returns how many were sent. Without a Notify key nothing is sent."""
    if not notify_configured():
        return 0
    client = notify_client()
    sent = 0
    for _ in range(limit):
        at = now or timezone.now()
        claimed = _claim_next(at)
        if claimed is None:
            break
        message, tried_before = claimed
        sent += _send(client, message, tried_before, at)
    return sent


def _lease() -> timedelta:
    # Longer than the client's timeout: a sender still waiting for Notify keeps its claim.
    return timedelta(seconds=3 * settings.NOTIFY_TIMEOUT_SECONDS)


def _claim_next(now: datetime) -> tuple[Message, bool] | None:
    """Claim the most overdue message, committed before anything is sent. Rows another
    sender holds are skipped, not waited for."""
    with transaction.atomic():
        message = (Message.objects.select_for_update(skip_locked=True)
                   .filter(Q(state=MessageState.QUEUED, due_at__lte=now)
                           | Q(state=MessageState.SENDING, lease_until__lte=now))
                   .order_by("due_at", "pk").first())
        if message is None:
            return None
        tried_before = message.attempts > 0
        message.state, message.lease_until = MessageState.SENDING, now + _lease()
        message.attempts += 1
        save_as(message, None)
    return message, tried_before


def _send(client: NotificationsAPIClient, message: Message, tried_before: bool, now: datetime) -> int:
    if message.attempts > settings.NOTIFY_MAX_ATTEMPTS:
        # Claimed again and again (a sender dies on it each time): stop, and say so.
        _record(message, MessageState.FAILED, now, error="Gave up: no sender finished sending it.")
        return 0
    try:
        notify_id = notification_already_accepted(client, message) if tried_before else ""
        if not notify_id:
            notify_id = notification_send(client, message)
    except APIError as error:
        _retry_or_fail(message, error, now)
        return 0
    _record(message, MessageState.SENT, now, notify_id=notify_id)
    return 1


def _retry_or_fail(message: Message, error: APIError, now: datetime) -> None:
    """A server error, a timeout (the client reports it as 503) or a rate limit is tried
    again after a wait that doubles each time; a refusal (a bad number, a bad key) or the
    last allowed attempt fails the message, for staff to see on the referral."""
    status = error.status_code
    retryable = status >= 500 or status == 429
    text = f"GOV.UK Notify answered {status}: {error.message}"[:500]
    if not retryable or message.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
        _record(message, MessageState.FAILED, now, error=text)
        return
    wait = min(timedelta(seconds=settings.NOTIFY_RETRY_SECONDS * 2 ** (message.attempts - 1)), RETRY_AT_MOST)
    _record(message, MessageState.QUEUED, now, error=text, due_at=now + wait)


def _record(message: Message, state: str, now: datetime, *, notify_id: str = "", error: str = "",
            due_at: datetime | None = None) -> None:
    """Write what became of this sender's claim, if it still holds it: a claim whose lease
    ran out may have been taken by another sender, whose outcome then stands."""
    with transaction.atomic():
        current = Message.objects.select_for_update().get(pk=message.pk)
        if current.state != MessageState.SENDING or current.attempts != message.attempts:
            return
        current.state, current.lease_until = state, None
        if error:
            current.last_error = error
        if state == MessageState.SENT:
            current.notify_id, current.sent_at = notify_id, now
        elif state == MessageState.FAILED:
            current.failed_at = now
        elif due_at is not None:
            current.due_at = due_at
        save_as(current, None)


# GOV.UK Notify's delivery receipt statuses: arrived (a letter: posted), or never will.
ARRIVED = {"delivered", "received"}
NOT_DELIVERED = {
    "permanent-failure": "the number or address does not exist",
    "temporary-failure": "the phone was off or the inbox full for 72 hours",
    "technical-failure": "a fault at GOV.UK Notify",
    "validation-failed": "the letter could not be printed",
    "virus-scan-failed": "the letter could not be printed",
}


def delivery_receipt_record(*, reference: str, status: str, at: datetime) -> Message | None:
    """What Notify's delivery receipt says of one of our messages (its reference is the
    message's id): delivered, or failed with why, for the referral page to show. A receipt
    for a message we do not have, a status on the way (sending, accepted) and a receipt
    sent again change nothing."""
    if not reference.isdigit() or (status not in ARRIVED and status not in NOT_DELIVERED):
        return None
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=int(reference)).first()
        if message is None or message.state != MessageState.SENT:
            return message
        if status in ARRIVED:
            message.state, message.delivered_at = MessageState.DELIVERED, at
        else:
            message.state, message.failed_at = MessageState.FAILED, at
            message.last_error = f"Not delivered: {NOT_DELIVERED[status]}."
        return save_as(message, None)
