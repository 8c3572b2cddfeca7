"""Scheduling actions: booking assessments into practitioners' diaries."""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from cap.errors import Conflict, Invalid
from cap.history import save_as
from cap.models import Referral, ReferralStatus
from triage.services import target_meet

from .models import Booking, Practitioner, Team


def booking_create(*, actor, referral: Referral, practitioner: Practitioner, team: Team,
                   starts_at: datetime, minutes: int, location: str = "") -> Booking:
    """Book a triaged referral's assessment into a practitioner's diary.

    The exclusion constraint on bookings is the guarantee against double booking;
    its violation is turned into a Conflict here, never a server error."""
    if starts_at <= timezone.now():
        raise Invalid("Book the assessment for a time in the future.", field="starts_at")
    if not practitioner.teams.filter(pk=team.pk).exists():
        raise Invalid(f"{practitioner.name} is not a member of {team.name}.", field="practitioner")
    try:
        with transaction.atomic():
            referral = Referral.objects.select_for_update().get(pk=referral.pk)
            if referral.status != ReferralStatus.AWAITING_BOOKING:
                raise Conflict(f"{referral.reference} is not waiting for a booking.")
            booking = save_as(Booking(
                referral=referral, practitioner=practitioner, team=team, starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=minutes), location=location,
                booked_by=actor,
            ), actor)
            target_meet(referral=referral, code="booking", at=booking.created_at, actor=actor)
            referral.status = ReferralStatus.BOOKED
            save_as(referral, actor)
    except IntegrityError as error:
        if "no_double_booking_of_a_practitioner" in str(error):
            raise Conflict(f"{practitioner.name} already has a booking at that time.",
                           field="starts_at") from None
        raise
    return booking
