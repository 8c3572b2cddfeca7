"""The appointment page's address, put in each message: signed, so it cannot be guessed
or altered, and expiring, so an old message does not open an old appointment. It is the
only credential: the page shows the appointment and its questions, nothing else about
the person."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from scheduling.models import Booking

SALT = "messaging.appointment-page"
# However far ahead the appointment, a link is never older than this (signed at booking).
LONGEST = timedelta(days=120)


class LinkNotValid(Exception):
    """The link was altered, is too old, or its appointment has started."""


def appointment_token(booking: Booking) -> str:
    return signing.dumps(booking.pk, salt=SALT)


def appointment_url(booking: Booking) -> str:
    """The absolute address sent to the person."""
    return settings.SITE_URL + reverse("messaging:appointment", args=[appointment_token(booking)])


def booking_of(token: str, now: datetime) -> Booking:
    """The booking a link is for, while the link holds: until the appointment starts (the
    questions are for before it) and at most LONGEST after it was made."""
    try:
        pk = signing.loads(token, salt=SALT, max_age=LONGEST)
    except signing.BadSignature as error:  # SignatureExpired is one
        raise LinkNotValid from error
    if not isinstance(pk, int):
        raise LinkNotValid
    booking = Booking.objects.select_related("team", "room", "template", "referral").filter(pk=pk).first()
    if booking is None or now >= booking.starts_at:
        raise LinkNotValid
    return booking
