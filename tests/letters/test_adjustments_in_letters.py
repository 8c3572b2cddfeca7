"""Every letter and copy carries the person's reasonable adjustments: all of them to the
person (so they can tell us one is wrong), to their GP only with the person's consent to
share the flag, and nothing where none is recorded or none is needed."""

import pytest
import time_machine
from django.urls import reverse

from adjustments import services as adjustments
from tests.scheduling.conftest import MONDAY_8

pytestmark = pytest.mark.django_db


def _flag(actor, person, consent, *needed, status="needed"):
    details = adjustments.FlagDetails(status=status, consent_to_share=consent, adjustments=list(needed))
    adjustments.adjustment_flag_record(actor=actor, service_user=person, now=MONDAY_8, details=details)


def letter(api, name, booking, **query):
    with time_machine.travel(MONDAY_8, tick=False):
        return api.get(reverse(name, args=[booking.pk]), query).content.decode()


@pytest.mark.parametrize("fmt", ["standard", "large_print", "easy_read"])
def test_the_persons_appointment_letter_names_every_adjustment_in_each_format(booked, admin_team, fmt):
    booking, api = booked
    _flag(admin_team, booking.referral.service_user, "no", "step_free", "bsl_interpreter")
    page = letter(api, "scheduling:letter", booking, format=fmt)
    body = page[page.index("<article"):page.index("</article>")]
    assert "Step-free access" in body and "British Sign Language interpreter" in body


@pytest.mark.parametrize(("consent", "shown"), [("yes", True), ("best_interests", True), ("no", False)])
def test_the_gp_letter_names_the_adjustments_only_with_consent_to_share(booked, admin_team, consent, shown):
    booking, api = booked
    _flag(admin_team, booking.referral.service_user, consent, "quiet_room")
    body = letter(api, "scheduling:gp_letter", booking)
    assert ("A quiet place to wait" in body) is shown
    assert ("Reasonable adjustments</h2>" in body) is shown


def test_no_adjustments_needed_or_none_recorded_adds_nothing(booked, admin_team):
    booking, api = booked
    assert "The support you told us you need" not in letter(api, "scheduling:letter", booking)
    _flag(admin_team, booking.referral.service_user, "yes", status="none_needed")
    assert "The support you told us you need" not in letter(api, "scheduling:letter", booking)
