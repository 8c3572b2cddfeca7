"""Times the person cannot do: added, changed and removed from the booking page, each
with its history, and the options follow."""

from datetime import time

import pytest
import time_machine
from django.urls import reverse

from scheduling import services
from scheduling.models import PersonUnavailability

from .conftest import MONDAY_8


def first_option(referral):
    with time_machine.travel(MONDAY_8, tick=False):
        return services.options_for(referral=referral).options[0].starts_at


@pytest.mark.django_db
def test_a_time_changed_on_its_page_is_saved_with_who_changed_it(client_for, triaged, staff, room,
                                                                  admin_team):
    referral = triaged()
    unavailable = services.unavailable_time_add(actor=admin_team, referral=referral, weekday=0,
                                                starts=time(9), ends=time(13))
    client = client_for(admin_team)
    page = client.get(reverse("scheduling:book", args=[referral.pk])).content.decode()
    assert reverse("scheduling:unavailable_time_change", args=[unavailable.pk]) in page
    response = client.post(reverse("scheduling:unavailable_time_change", args=[unavailable.pk]),
                           {"weekday": "1", "starts": "14:00", "ends": "16:30", "note": "School run"})
    assert response.status_code == 302
    unavailable.refresh_from_db()
    assert (unavailable.weekday, unavailable.starts, unavailable.ends, unavailable.note) == (
        1, time(14), time(16, 30), "School run")
    assert [h.history_type for h in unavailable.history.order_by("history_date")] == ["+", "~"]
    assert unavailable.history.first().history_user == admin_team


@pytest.mark.django_db
def test_a_change_with_the_end_before_the_start_is_refused_keeping_what_was_typed(
        client_for, triaged, staff, room, admin_team):
    referral = triaged()
    unavailable = services.unavailable_time_add(actor=admin_team, referral=referral, weekday=None,
                                                starts=time(9), ends=time(10))
    response = client_for(admin_team).post(
        reverse("scheduling:unavailable_time_change", args=[unavailable.pk]),
        {"weekday": "", "starts": "15:00", "ends": "11:00", "note": "Typed note"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "The end must be after the start" in body
    assert "Typed note" in body
    unavailable.refresh_from_db()
    assert unavailable.starts == time(9)


@pytest.mark.django_db
def test_a_removed_time_is_offered_again_and_its_removal_is_in_the_history(
        client_for, triaged, staff, room, admin_team):
    referral = triaged()
    before = first_option(referral)
    unavailable = services.unavailable_time_add(actor=admin_team, referral=referral, weekday=None,
                                                starts=time(0), ends=time(23, 45))
    with time_machine.travel(MONDAY_8, tick=False):
        assert not services.options_for(referral=referral).options  # every day blocked
    response = client_for(admin_team).post(
        reverse("scheduling:unavailable_time_remove", args=[unavailable.pk]))
    assert response.status_code == 302
    assert not PersonUnavailability.objects.filter(pk=unavailable.pk).exists()
    removed = PersonUnavailability.history.filter(id=unavailable.pk).order_by("-history_date").first()
    assert (removed.history_type, removed.history_user) == ("-", admin_team)
    assert first_option(referral) == before


@pytest.mark.django_db
def test_removing_needs_a_post_and_the_booking_permission(client_for, triaged, staff, room, admin_team,
                                                          practitioner_user):
    referral = triaged()
    unavailable = services.unavailable_time_add(actor=admin_team, referral=referral, weekday=None,
                                                starts=time(9), ends=time(10))
    url = reverse("scheduling:unavailable_time_remove", args=[unavailable.pk])
    assert client_for(admin_team).get(url).status_code == 405
    assert client_for(practitioner_user).post(url).status_code == 403
    assert PersonUnavailability.objects.filter(pk=unavailable.pk).exists()
