"""Receiving BaRS messages: a new referral goes through intake's one front door
(`referral_receive`, channel `bars`); an update or a cancellation from its sender changes
the referral while it still awaits triage. Every message is kept whole."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cap.models import Channel, Referral, ReferralStatus
from cap.referral_status import referral_status_set
from cap.services import referral_receive
from core.errors import DomainError
from core.history import save_as
from core.locks import lock_message, lock_referral
from triage import services as triage_services
from triage.models import WaitTarget
from triage.services import URGENCY_ORDER

from .message import FLAG_SAFEGUARDING, MessageRefused, ReferralMessage
from .models import MessageKind, ReceivedMessage

CANCELLED_BY_SENDER = "cancelled by the sender"


class Duplicate(Exception):
    """This message was received before: nothing is created again."""

    def __init__(self, earlier: ReceivedMessage):
        super().__init__(f"Message {earlier.message_id} was received at {earlier.received_at.isoformat()}.")
        self.earlier = earlier


@dataclass(frozen=True)
class Received:
    message: ReceivedMessage
    referral: Referral


@transaction.atomic
def message_receive(*, actor: User, message: ReferralMessage, bundle: dict[str, Any],
                    request_id: str, correlation_id: str) -> Received:
    """Receive one message from the sending system `actor`. Sent again (the same Bundle
    id), it raises Duplicate and changes nothing: the message's advisory lock makes two
    sends at once queue up, so exactly one is received. Locks the message id, then the
    referral an update or cancellation changes."""
    lock_message(f"bars:{message.message_id}")
    # One read: this message if it came before, and the sender's first about this ServiceRequest.
    known = list(ReceivedMessage.objects.filter(
        Q(message_id=message.message_id)
        | Q(received_by=actor, service_request_id=message.service_request_id)).defer("bundle").order_by("id"))
    if earlier := next((m for m in known if m.message_id == message.message_id), None):
        raise Duplicate(earlier)
    first = next((m for m in known if m.received_by_id == actor.pk
                  and m.service_request_id == message.service_request_id), None)
    try:
        kind: str
        if first is None:
            kind, referral = MessageKind.NEW, _referral_new(actor, message)
        else:
            kind, referral = _referral_change(actor, first.referral_id, message)
    except DomainError as error:
        raise MessageRefused(error.message) from error
    row = ReceivedMessage.objects.create(
        message_id=message.message_id, kind=kind, event=message.event,
        service_request_id=message.service_request_id, service_request_status=message.status,
        sender_endpoint=message.sender_endpoint[:300], sender_ods_code=message.sender_ods_code,
        referral=referral, request_id=request_id, correlation_id=correlation_id,
        flags=[flag.as_json() for flag in message.flags], callback_by=message.callback_by,
        bundle=bundle, received_by=actor)
    return Received(row, referral)


def _referral_new(actor: User, message: ReferralMessage) -> Referral:
    if message.cancels:
        raise MessageRefused("There is no referral from this sender to cancel for this ServiceRequest.")
    if message.status != "active":
        raise MessageRefused(f"A new referral's ServiceRequest must be active, not {message.status}.")
    now = timezone.now()
    receipt = referral_receive(
        actor=actor, channel=Channel.BARS, person=message.person, reason=message.reason,
        received_at=now, first_contact_at=message.authored_at or now, referrer=message.referrer,
        referrer_urgency=message.urgency, risk_indicators=message.risk_indicators,
        targets=_callback(message, now))
    return receipt.referral


def _referral_change(actor: User, referral_id: int, message: ReferralMessage) -> tuple[str, Referral]:
    """An update or a cancellation, accepted while the referral awaits triage: once a
    clinician has decided, what the sender wants changed is a conversation, not a message."""
    referral = lock_referral(referral_id)
    if referral.status != ReferralStatus.AWAITING_TRIAGE:
        raise MessageRefused(f"Referral {referral.reference} is no longer active at the CAP "
                             f"({referral.get_status_display().lower()}): call the CAP to change it.")
    now = timezone.now()
    if message.cancels:
        referral_status_set(referral=referral, to=ReferralStatus.CLOSED, actor=actor,
                            reason=f"Cancelled by the sender ({message.status})")
        for target in WaitTarget.objects.running().filter(referral=referral):
            triage_services.target_cancel(target=target, at=now, reason=CANCELLED_BY_SENDER, actor=actor)
        triage_services.next_due_refresh(referral)
        return MessageKind.CANCEL, referral
    _referral_update(actor, referral, message, now)
    return MessageKind.UPDATE, referral


def _referral_update(actor: User, referral: Referral, message: ReferralMessage, now: Any) -> None:
    """The sender's newer version: a higher urgency or a safeguarding flag starts the
    clocks it calls for (never slows them), and what it says is added, signed and dated."""
    if message.urgency and _more_urgent(message.urgency, referral.referrer_urgency):
        referral.referrer_urgency = message.urgency
    if any(flag.kind == FLAG_SAFEGUARDING for flag in message.flags):
        indicators = sorted({*referral.risk_indicators, *message.risk_indicators})
        referral.risk_indicators = indicators
        referral.suggested_urgency = triage_services.urgency_suggestion(indicators)
    stamp = timezone.localtime(now).strftime("%d %b %Y %H:%M")
    sender = message.referrer.organisation or message.sender_ods_code or "the sender"
    entry = f"{stamp}, update from {sender}: {message.reason}"
    gathered = "\n".join(filter(None, [referral.additional_information, entry]))
    referral.additional_information = gathered[-8000:]
    save_as(referral, actor)
    triage_services.intake_clocks_start(referral=referral, also=_callback(message, now))


def _callback(message: ReferralMessage, now: Any) -> list[triage_services.TargetStart]:
    """The sender's call-back deadline as a target of its own, when the message gives one."""
    if message.callback_by is None:
        return []
    return [triage_services.TargetStart(triage_services.REFERRER_CALLBACK, now, due=message.callback_by)]


def _more_urgent(new: str, old: str) -> bool:
    order: dict[str, int] = {str(urgency): rank for rank, urgency in enumerate(URGENCY_ORDER)}
    return order.get(new, len(order)) < order.get(old, len(order))
