"""Replies from the person: confirm, cancel or ask for another time, by a text message
back to GOV.UK Notify or on the appointment page their message links to.

A cancel or a rebook request cancels the booking at once, with the reason "asked by the
person", which puts them back on the booking queue (scheduling.services.booking_cancel).
Anything the service cannot safely act on alone is kept for the admin team to read:
words it does not understand, a number it sent nothing to, or a number that had messages
about more than one booked appointment (a carer's phone, say), where acting on the latest
could cancel the wrong person's appointment.

Exactly once: a text reply is a row unique on Notify's id for it, written in the same
transaction as what it does, after the booking's lock (core.locks' order). A reader that
dies before committing leaves nothing, and the next read finds the reply again."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core.errors import Conflict, Invalid
from core.history import save_as
from core.locks import lock_booking
from scheduling.models import Booking, BookingStatus

from .models import Message, MessageChannel, MessageState, Reply, ReplyChannel, ReplyIntent, ReplyOutcome
from .notify import notify_client, notify_configured

# The reason a booking cancelled on the person's reply carries.
ASKED_BY_THE_PERSON = "asked by the person"
# A reply is about a message sent to the number in the days before it.
REPLY_WINDOW = timedelta(days=14)
# A reply is acted on only when it is one of these words (and a please or thanks):
# "I can't come to cancel my other appointment" must not cancel this one.
WORDS = {
    ReplyIntent.CONFIRM: {"yes", "y", "confirm", "confirmed", "ok", "okay", "coming"},
    ReplyIntent.CANCEL: {"cancel", "c"},
    ReplyIntent.REBOOK: {"rebook", "r", "change", "reschedule", "move"},
}
POLITE = {"please", "pls", "thanks", "thank", "you", "thankyou"}
# Notify keeps received texts for 7 days and pages them 250 at a time, newest first.
MOST_READ_AT_ONCE = 5000


def intent_of(text: str) -> str:
    """What a reply asks for: one keyword, in any case, with any punctuation around it."""
    words = [w for w in re.findall(r"[a-z]+", text.lower()) if w not in POLITE]
    if len(words) == 1:
        for intent, keywords in WORDS.items():
            if words[0] in keywords:
                return intent
    return ReplyIntent.UNCLEAR


def national(number: str) -> str:
    """A UK number as 07...: Notify gives the sender as 447...; we send to it as typed."""
    digits = re.sub(r"\D", "", number or "")
    if digits.startswith("44"):
        digits = "0" + digits[2:]
    return digits


def _spellings(number: str) -> list[str]:
    """The forms a mobile number is kept in (content.mobile_number keeps it as typed,
    spaces removed): 07700900123, +447700900123, 447700900123."""
    n = national(number)
    return [n, "+44" + n[1:], "44" + n[1:]] if n.startswith("0") else [n]


@dataclass(frozen=True)
class Matched:
    booking: Booking | None
    note: str = ""


def booking_replied_to(from_number: str, received_at: datetime) -> Matched:
    """The appointment a text reply is about: the booking of the latest text message sent
    to the number before the reply, within REPLY_WINDOW. When texts about more than one
    still-booked appointment went to the number in that time, None, with why."""
    sent = list(Message.objects.filter(channel=MessageChannel.SMS, recipient__in=_spellings(from_number),
                                       state__in=(MessageState.SENT, MessageState.DELIVERED),
                                       sent_at__lte=received_at, sent_at__gte=received_at - REPLY_WINDOW)
                .select_related("booking").order_by("-sent_at", "-pk"))
    if not sent:
        return Matched(None, "No message was sent to this number in the two weeks before.")
    booked = {m.booking_id for m in sent if m.booking and m.booking.status == BookingStatus.BOOKED}
    if len(booked) > 1:
        return Matched(None, "Messages about more than one appointment went to this number: "
                             "find which one the person means.")
    return Matched(sent[0].booking)


def reply_act(*, booking: Booking | None, intent: str, channel: str, text: str, received_at: datetime,
              from_number: str = "", notify_id: str | None = None, note: str = "") -> Reply | None:
    """Record a reply and do what it asks, in one transaction. None when this reply (the
    same Notify id) was recorded before: nothing is done twice."""
    with transaction.atomic():
        if booking is not None:
            booking = lock_booking(booking.pk)
            if channel == ReplyChannel.ONLINE and booking.status != BookingStatus.BOOKED:
                # The page offered a choice the appointment no longer has (a second click).
                raise Conflict(f"This appointment is {booking.get_status_display().lower()} already.")
        reply = Reply(channel=channel, notify_id=notify_id, from_number=from_number, text=text[:2000],
                      received_at=received_at, booking=booking, intent=intent)
        reply.outcome, reply.outcome_note = _outcome(booking, intent, note, received_at)
        try:
            with transaction.atomic():
                save_as(reply, None)
        except IntegrityError:
            return None  # another reader recorded it first
        return reply


def _outcome(booking: Booking | None, intent: str, note: str, now: datetime) -> tuple[str, str]:
    from scheduling.services import booking_cancel

    if booking is None:
        return ReplyOutcome.TO_READ, note
    if intent == ReplyIntent.UNCLEAR:
        return ReplyOutcome.TO_READ, "Not one of the words the message asked for: read it, call the person."
    if booking.status != BookingStatus.BOOKED:
        return ReplyOutcome.TO_READ, (f"The appointment is {booking.get_status_display().lower()} "
                                      "already: nothing was changed.")
    if intent == ReplyIntent.CONFIRM:
        return ReplyOutcome.DONE, "The person will come."
    try:
        booking_cancel(actor=None, booking=booking, by="person", reason=ASKED_BY_THE_PERSON, now=now)
    except (Conflict, Invalid) as error:
        return ReplyOutcome.TO_READ, str(error)[:300]
    if intent == ReplyIntent.REBOOK:
        return ReplyOutcome.DONE, "Cancelled: back on the booking queue to be offered another time."
    return ReplyOutcome.DONE, "Cancelled: back on the booking queue."


def replies_read(*, now: datetime | None = None) -> int:
    """Read the text messages Notify received since the last read and act on each, oldest
    first. Returns how many were new. Without a Notify key there is nothing to read."""
    if not notify_configured():
        return 0
    client = notify_client()
    new = []
    older_than = None
    while len(new) < MOST_READ_AT_ONCE:
        page = client.get_received_texts(older_than=older_than)
        texts = page.get("received_text_messages") or []
        ids = [t["id"] for t in texts]
        known = set(Reply.objects.filter(notify_id__in=ids).values_list("notify_id", flat=True))
        fresh = [t for t in texts if t["id"] not in known]
        new.extend(fresh)
        # Newest first: once one is known, everything older was read before.
        if len(fresh) < len(texts) or not texts or not (page.get("links") or {}).get("next"):
            break
        older_than = texts[-1]["id"]
    acted = 0
    for text in reversed(new):
        received_at = parse_datetime(text.get("created_at") or "") or now or timezone.now()
        number, words = text.get("user_number", ""), text.get("content", "")
        matched = booking_replied_to(number, received_at)
        if reply_act(booking=matched.booking, intent=intent_of(words), channel=ReplyChannel.TEXT, text=words,
                     received_at=received_at, from_number=number, notify_id=text["id"], note=matched.note):
            acted += 1
    return acted


def reply_read(*, actor: User, reply: Reply, now: datetime | None = None) -> Reply:
    """The admin team has read a reply the service could not act on, and dealt with it."""
    with transaction.atomic():
        reply = Reply.objects.select_for_update().get(pk=reply.pk)
        if reply.outcome != ReplyOutcome.TO_READ:
            return reply
        reply.outcome, reply.read_by, reply.read_at = ReplyOutcome.READ, actor, now or timezone.now()
        return save_as(reply, actor)
