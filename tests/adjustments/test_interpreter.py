"""An interpreter the flag asks for becomes part of the booking: it is held as
"interpreter to confirm" until the admin team records who is booked to interpret, on the
booking's page (typing kept on an error); a booking for someone who needs none has none."""

from datetime import timedelta

import pytest
from django.urls import reverse

from adjustments import services
from scheduling import services as scheduling_services
from scheduling.models import Booking
from tests.scheduling.conftest import MONDAY_8

pytestmark = pytest.mark.django_db


def _book(referral, admin_team) -> Booking:
    option = scheduling_services.options_for(referral=referral, now=MONDAY_8).options[0]
    return scheduling_services.booking_create(actor=admin_team, referral=referral, option_id=option.id,
                                              now=MONDAY_8 + timedelta(minutes=2))


def _flag(admin_team, referral, **details):
    services.adjustment_flag_record(actor=admin_team, service_user=referral.service_user,
                                    now=MONDAY_8 + timedelta(minutes=1),
                                    details=services.FlagDetails(consent_to_share="yes", **details))


def test_a_booking_for_someone_who_needs_a_polish_interpreter_is_held_as_interpreter_to_confirm(
        ld_referral, admin_team, staff, room, client_for):
    _flag(admin_team, ld_referral, status="needed", adjustments=["language_interpreter"],
          interpreter_language="Polish")
    booking = _book(ld_referral, admin_team)
    assert (booking.interpreter_needed, booking.interpreter_booked) == ("Polish", "")
    page = client_for(admin_team).get(reverse("scheduling:booking", args=[booking.pk])).content.decode()
    assert "Interpreter to confirm" in page and "Polish" in page


def test_the_admin_team_records_who_is_booked_to_interpret(ld_referral, admin_team, staff, room,
                                                           client_for):
    _flag(admin_team, ld_referral, status="needed", adjustments=["bsl_interpreter"])
    booking = _book(ld_referral, admin_team)
    url = reverse("scheduling:booking", args=[booking.pk])
    response = client_for(admin_team).post(url, {"action": "interpreter", "who": "  "})
    assert response.status_code == 200
    assert "Enter who is booked to interpret" in response.content.decode()
    long = client_for(admin_team).post(url, {"action": "interpreter", "who": "Signly " * 40})
    assert "200 characters or fewer" in long.content.decode() and "Signly Signly" in long.content.decode()
    response = client_for(admin_team).post(url, {"action": "interpreter", "who": "Signly, Jo Bloggs"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.interpreter_booked == "Signly, Jo Bloggs" and booking.interpreter_confirmed_at
    assert booking.history.first().history_user == admin_team
    page = client_for(admin_team).get(url).content.decode()
    assert "Interpreter booked" in page and "Signly, Jo Bloggs" in page


def test_no_interpreter_is_needed_or_can_be_recorded_without_the_flag_asking(
        ld_referral, admin_team, staff, room, client_for):
    _flag(admin_team, ld_referral, status="none_needed")
    booking = _book(ld_referral, admin_team)
    assert booking.interpreter_needed == ""
    url = reverse("scheduling:booking", args=[booking.pk])
    client_for(admin_team).post(url, {"action": "interpreter", "who": "Signly"})
    booking.refresh_from_db()
    assert booking.interpreter_booked == ""
    assert "Interpreter" not in client_for(admin_team).get(url).content.decode().split("<main")[1].split(
        'id="diary-entries"')[0]
