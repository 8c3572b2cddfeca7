"""Booking an assessment into a practitioner's diary."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cap.errors import Conflict, Invalid
from cap.services import referral_log_written
from scheduling.models import Booking
from scheduling.services import booking_create
from tests.factories import PractitionerFactory, TeamFactory
from triage.services import triage_decision_record


@pytest.fixture
def awaiting_booking(admin_team, triage_clinician, person, gp_referrer):
    def make():
        referral = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                        reason="Low mood")
        triage_decision_record(actor=triage_clinician, referral=referral, urgency="routine",
                               outcome="assessment", stream="AMH", rationale="Assess")
        return referral

    return make


@pytest.fixture
def nurse_in_team(db, reference_data):
    team = TeamFactory()
    return PractitionerFactory(teams=[team]), team


@pytest.mark.django_db
def test_booking_meets_the_booking_target_and_marks_the_referral_booked(admin_team, awaiting_booking,
                                                                       nurse_in_team):
    nurse, team = nurse_in_team
    referral = awaiting_booking()
    booking_create(actor=admin_team, referral=referral, practitioner=nurse, team=team,
                   starts_at=timezone.now() + timedelta(days=1), minutes=60)
    referral.refresh_from_db()
    assert referral.status == "booked"
    assert referral.targets.get(definition__code="booking").met_at is not None
    assert referral.targets.get(definition__code="routine_assessment").met_at is None


@pytest.mark.django_db
def test_a_practitioner_cannot_be_double_booked(admin_team, awaiting_booking, nurse_in_team):
    nurse, team = nurse_in_team
    start = timezone.now() + timedelta(days=1)
    booking_create(actor=admin_team, referral=awaiting_booking(), practitioner=nurse, team=team,
                   starts_at=start, minutes=60)
    second = awaiting_booking()
    with pytest.raises(Conflict, match="already has a booking"):
        booking_create(actor=admin_team, referral=second, practitioner=nurse, team=team,
                       starts_at=start + timedelta(minutes=30), minutes=60)
    assert Booking.objects.count() == 1
    second.refresh_from_db()
    assert second.status == "awaiting_booking"


@pytest.mark.django_db
def test_back_to_back_bookings_are_allowed(admin_team, awaiting_booking, nurse_in_team):
    nurse, team = nurse_in_team
    start = timezone.now() + timedelta(days=1)
    booking_create(actor=admin_team, referral=awaiting_booking(), practitioner=nurse, team=team,
                   starts_at=start, minutes=60)
    booking_create(actor=admin_team, referral=awaiting_booking(), practitioner=nurse, team=team,
                   starts_at=start + timedelta(minutes=60), minutes=60)
    assert Booking.objects.count() == 2


@pytest.mark.django_db
def test_a_booking_in_the_past_is_refused(admin_team, awaiting_booking, nurse_in_team):
    nurse, team = nurse_in_team
    with pytest.raises(Invalid, match="future"):
        booking_create(actor=admin_team, referral=awaiting_booking(), practitioner=nurse, team=team,
                       starts_at=timezone.now() - timedelta(hours=1), minutes=60)


@pytest.mark.django_db
def test_double_booking_through_the_page_shows_the_conflict_on_the_time(client_for, admin_team,
                                                                        awaiting_booking,
                                                                        nurse_in_team):
    nurse, team = nurse_in_team
    start = timezone.now() + timedelta(days=1)
    booking_create(actor=admin_team, referral=awaiting_booking(), practitioner=nurse, team=team,
                   starts_at=start, minutes=60)
    second = awaiting_booking()
    response = client_for(admin_team).post(f"/scheduling/referrals/{second.pk}/book/", {
        "team": team.pk, "practitioner": nurse.pk,
        "starts_at": timezone.localtime(start).strftime("%Y-%m-%dT%H:%M"), "minutes": 60})
    assert response.status_code == 200
    assert "already has a booking" in " ".join(response.context["form"].errors["starts_at"])
