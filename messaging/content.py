"""What a message says and how it reaches the person: the channel from the referral's
contact preference and details, the format the person asked for, and the words."""

import re
from dataclasses import dataclass, field

from django.template.loader import render_to_string

from adjustments import selectors as adjustment_selectors
from cap.models import ContactPreference, Referral, ServiceUser
from core.formatting import day_date
from scheduling.models import Booking

from . import links
from .models import MessageChannel, MessageFormat, MessageKind

# A UK mobile number, however it was typed (07700 900123, +44 7700 900123): Notify sends
# text messages to mobiles only, so a landline is no use for a reminder.
UK_MOBILE = re.compile(r"(?:\+?44|0)7\d{9}")
# GOV.UK Notify's letter service needs the name, at least one more line and the postcode.
LETTER_MIN_LINES = 3
NO_WAY_TO_SEND = "No mobile number, email address or full postal address to send it to."


def preferred_format(service_user: ServiceUser) -> str:
    """The format the person's Reasonable Adjustment flag asks for: "standard",
    "large_print" or "easy_read" (adjustments.selectors.letter_format decides)."""
    return MessageFormat(adjustment_selectors.letter_format(service_user))


@dataclass(frozen=True)
class Route:
    """Where a message goes: a channel and its recipient, or no usable route at all."""

    channel: str
    recipient: str = ""
    address: list[str] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        return bool(self.recipient) or len(self.address) >= LETTER_MIN_LINES


def mobile_number(phone: str) -> str:
    """The number as typed, if it is a UK mobile; "" otherwise."""
    digits = re.sub(r"[\s\-().]", "", phone or "")
    return digits if UK_MOBILE.fullmatch(digits) else ""


def route_for(referral: Referral) -> Route:
    """The person's chosen channel where its details are usable; otherwise the next that
    is (a text, then an email), and a letter through Notify's letter service when there is
    no usable phone or email. A phone-call preference has no automatic channel of its own,
    so it is treated as no preference."""
    person = referral.service_user
    mobile, email = mobile_number(referral.contact_phone), referral.contact_email.strip()
    letter = Route(MessageChannel.LETTER, address=person.postal_address)
    chosen = referral.contact_preference
    if chosen == ContactPreference.LETTER:
        return letter
    if chosen == ContactPreference.EMAIL and email:
        return Route(MessageChannel.EMAIL, recipient=email)
    if mobile:
        return Route(MessageChannel.SMS, recipient=mobile)
    if email:
        return Route(MessageChannel.EMAIL, recipient=email)
    return letter


SUBJECTS = {
    MessageKind.CONFIRMATION: "Your appointment with {team}",
    MessageKind.REMINDER_7_DAYS: "Reminder: your appointment on {day}",
    MessageKind.REMINDER_2_DAYS: "Reminder: your appointment on {day}",
}


def render(*, booking: Booking, kind: str, channel: str, format: str) -> tuple[str, str]:
    """The subject and body of a message, in the person's format. A text message is short;
    an email and a letter say the same at more length. Large print changes how a letter
    is printed, not what it says."""
    day = day_date(booking.starts_at, weekday=True)
    subject = SUBJECTS[MessageKind(kind)].format(team=booking.team, day=day)
    length = "text" if channel == MessageChannel.SMS else "long"
    style = "easy_read" if format == MessageFormat.EASY_READ else "standard"
    body = render_to_string(f"messaging/{style}_{length}.txt", {
        "booking": booking, "person": booking.referral.service_user, "kind": kind,
        "reference": booking.referral.reference, "link": links.appointment_url(booking),
    })
    return subject, _tidy(body)


def _tidy(text: str) -> str:
    """Template tags leave blank lines; a message keeps single blank lines between paragraphs."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
