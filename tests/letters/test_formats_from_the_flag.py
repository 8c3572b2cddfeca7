"""The person's Reasonable Adjustment flag decides the format of what they are sent: easy
read asked for, the appointment letter, the messages and the care plan copy come in easy
read (the GP's copy standard); large print asked for, large print; no flag, standard. A
longer appointment's letter gives the length as booked."""

import pytest
import time_machine
from django.urls import reverse

from adjustments import services as adjustment_services
from letters.formats import LetterFormat, LetterKind, letter_format
from messaging.models import Message
from scheduling import services
from scheduling.models import Booking

from .conftest import MONDAY_8

pytestmark = pytest.mark.django_db


def _flag(actor, person, *adjustments):
    adjustment_services.adjustment_flag_record(
        actor=actor, service_user=person, now=MONDAY_8,
        details=adjustment_services.FlagDetails(status="needed", consent_to_share="yes",
                                                adjustments=list(adjustments)))


def test_easy_read_asked_for_gives_an_easy_read_letter_and_easy_read_messages(
        client_for, admin_team, triaged, staff, room):
    referral = triaged()
    _flag(admin_team, referral.service_user, "easy_read", "longer_appointment")
    api = client_for(admin_team)
    with time_machine.travel(MONDAY_8, tick=False):
        option = services.options_for(referral=referral, now=MONDAY_8).options[0]
        api.post(reverse("scheduling:book", args=[referral.pk]), {"option": option.id, "action": "book"})
        booking = Booking.objects.get(referral=referral)
        page = api.get(reverse("scheduling:letter", args=[booking.pk])).content.decode()
    assert 'class="cap-easy-read__heading"' in page
    formats = set(Message.objects.filter(booking=booking).values_list("format", flat=True))
    assert formats == {"easy_read"}
    assert letter_format({}, referral.service_user, LetterKind.CARE_PLAN) == LetterFormat.EASY_READ
    assert letter_format({}, referral.service_user, LetterKind.CARE_PLAN_GP) == LetterFormat.STANDARD


def test_large_print_asked_for_and_no_flag(admin_team, triaged):
    flagged, plain = triaged(), triaged()
    _flag(admin_team, flagged.service_user, "large_print")
    assert letter_format({}, flagged.service_user, LetterKind.APPOINTMENT) == LetterFormat.LARGE_PRINT
    assert letter_format({}, plain.service_user, LetterKind.APPOINTMENT) == LetterFormat.STANDARD
    # The GP's letter is the practice's to read: never the person's format.
    assert letter_format({}, flagged.service_user, LetterKind.GP) == LetterFormat.STANDARD


def test_a_longer_appointments_letter_gives_the_length_as_booked(client_for, admin_team, triaged, staff,
                                                                 room):
    referral = triaged()
    _flag(admin_team, referral.service_user, "large_print", "longer_appointment")
    api = client_for(admin_team)
    with time_machine.travel(MONDAY_8, tick=False):
        option = services.options_for(referral=referral, now=MONDAY_8).options[0]
        api.post(reverse("scheduling:book", args=[referral.pk]), {"option": option.id, "action": "book"})
        booking = Booking.objects.get(referral=referral)
        page = api.get(reverse("scheduling:letter", args=[booking.pk])).content.decode()
    with_person = booking.entries.filter(step__in=list(booking.template.steps.filter(with_person=True)
                                                       .values_list("name", flat=True)))
    booked = max(e.ends_at for e in with_person) - min(e.starts_at for e in with_person)
    template = booking.template.steps.filter(with_person=True)
    usual = (max(s.offset_minutes + s.duration_minutes for s in template)
             - min(s.offset_minutes for s in template))
    assert int(booked.total_seconds() // 60) > usual
    assert f"About {int(booked.total_seconds() // 60)} minutes" in page
