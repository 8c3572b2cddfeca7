"""The scheduling API and pages: options, booking, 409 on a taken option, role checks,
letters, the diary feed and the managers' lists."""

import pytest
import time_machine
from django.urls import reverse

from scheduling import services
from scheduling.models import Booking

from .conftest import MONDAY_8, at


@pytest.fixture
def api(client_for, admin_team):
    return client_for(admin_team)


@pytest.mark.django_db
def test_options_api_lists_ten_options_with_an_id_times_and_practitioners_per_step(api, triaged, staff,
                                                                                    room):
    referral = triaged()
    with time_machine.travel(MONDAY_8, tick=False):
        response = api.get(reverse("api:options", args=[referral.pk]))
    assert response.status_code == 200
    body = response.json()
    assert body["none_within_target"] is False
    assert len(body["options"]) == 10
    first = body["options"][0]
    assert first["starts_at"] == "2026-11-23T10:15:00Z"
    assert first["ends_at"] == "2026-11-23T12:15:00Z"
    assessment = next(s for s in first["steps"] if s["step"] == "Assessment")
    assert [(p["name"], p["discipline"]) for p in assessment["practitioners"]] == [("Alex Nurse", "nurse")]
    assert first["room"].startswith("Room 1")


@pytest.mark.django_db
def test_booking_api_books_an_option_and_answers_409_with_fresh_options_when_it_was_taken(
        api, triaged, staff, room):
    first, second = triaged(), triaged()
    with time_machine.travel(MONDAY_8, tick=False):
        option_first = api.get(reverse("api:options", args=[first.pk])).json()["options"][0]["id"]
        option_second = api.get(reverse("api:options", args=[second.pk])).json()["options"][0]["id"]
        booked = api.post(reverse("api:bookings", args=[first.pk]), {"option": option_first},
                          content_type="application/json")
        taken = api.post(reverse("api:bookings", args=[second.pk]), {"option": option_second},
                         content_type="application/json")
    assert booked.status_code == 201
    assert booked.json()["status"] == "booked"
    assert booked.json()["starts_at"] == "2026-11-23T10:15:00Z"
    assert taken.status_code == 409
    assert "taken meanwhile" in taken.json()["detail"] or "no longer free" in taken.json()["detail"]
    assert taken.json()["options"][0]["starts_at"] == "2026-11-23T12:00:00Z"
    assert Booking.objects.count() == 1


@pytest.mark.django_db
def test_booking_api_refuses_a_bad_option_id_with_400(api, triaged, staff, room):
    referral = triaged()
    response = api.post(reverse("api:bookings", args=[referral.pk]), {"option": "not-an-option"},
                        content_type="application/json")
    assert response.status_code == 400
    assert "not valid any more" in str(response.json())


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["call_handler", "triage_clinician", "practitioner_user"])
def test_only_the_admin_team_finds_options_and_books(request, persona, client_for, triaged, staff, room):
    client = client_for(request.getfixturevalue(persona))
    referral = triaged()
    assert client.get(reverse("api:options", args=[referral.pk])).status_code == 403
    assert client.post(reverse("api:bookings", args=[referral.pk]), {"option": "x"},
                       content_type="application/json").status_code == 403
    assert client.get(reverse("scheduling:book", args=[referral.pk])).status_code == 403


@pytest.mark.django_db
def test_admin_books_from_the_page_and_prints_the_letters(api, triaged, staff, room):
    referral = triaged()
    with time_machine.travel(MONDAY_8, tick=False):
        page = api.get(reverse("scheduling:book", args=[referral.pk]))
        option = services.options_for(referral=referral, now=MONDAY_8).options[0]
        response = api.post(reverse("scheduling:book", args=[referral.pk]),
                            {"option": option.id, "action": "book"})
        booking = Booking.objects.get()
        letter = api.get(reverse("scheduling:letter", args=[booking.pk])).content.decode()
        gp = api.get(reverse("scheduling:gp_letter", args=[booking.pk])).content.decode()
    assert page.status_code == 200 and "Alex Nurse" in page.content.decode()
    assert response.status_code == 302 and response.url == reverse("scheduling:booking", args=[booking.pk])
    assert "Please arrive at 10am on Monday 23 November 2026" in letter
    assert "Neville Centre" in letter and "About 105 minutes" in letter
    assert "Your questions and concerns" in letter
    assert "Monday 23 November 2026 at 10:15am" in gp


@pytest.mark.django_db
def test_a_taken_option_on_the_page_shows_the_problem_and_fresh_options(api, triaged, staff, room,
                                                                        admin_team):
    first, second = triaged(), triaged()
    with time_machine.travel(MONDAY_8, tick=False):
        stale = services.options_for(referral=second, now=MONDAY_8).options[0]
        services.booking_create(actor=admin_team, referral=first,
                                option_id=services.options_for(referral=first, now=MONDAY_8).options[0].id)
        response = api.post(reverse("scheduling:book", args=[second.pk]),
                            {"option": stale.id, "action": "book"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Mon 23 Nov 2026, midday" in page


@pytest.mark.django_db
def test_the_diary_feed_is_icalendar_naming_no_one(client, admin_team, triaged, staff, room):
    referral = triaged()
    with time_machine.travel(MONDAY_8, tick=False):
        option = services.options_for(referral=referral, now=MONDAY_8).options[0]
        services.booking_create(actor=admin_team, referral=referral, option_id=option.id)
        feed = client.get(reverse("scheduling:feed", args=[staff["nurse_a"].feed_token]))
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    body = feed.content.decode()
    assert body.count("BEGIN:VEVENT") == 5
    assert f"Assessment: structured assessment {referral.reference}" in body
    assert "DTSTART:20261123T101500Z" in body
    assert referral.service_user.family_name not in body
    assert client.get(reverse("scheduling:feed", args=["wrong-token"])).status_code == 404


@pytest.mark.django_db
def test_managers_and_the_admin_team_see_the_never_lost_and_slot_issue_lists(client_for, manager,
                                                                             admin_team, call_handler,
                                                                             triaged, staff, room):
    referral = triaged()
    for user in (manager, admin_team):
        client = client_for(user)
        assert referral.reference in client.get(reverse("scheduling:under_cap")).content.decode()
        assert client.get(reverse("scheduling:slot_issues")).status_code == 200
    assert client_for(call_handler).get(reverse("scheduling:under_cap")).status_code == 403


@pytest.mark.django_db
def test_cancel_from_the_booking_page_needs_a_reason(api, triaged, staff, room, admin_team):
    referral = triaged()
    with time_machine.travel(MONDAY_8, tick=False):
        booking = services.booking_create(
            actor=admin_team, referral=referral,
            option_id=services.options_for(referral=referral, now=MONDAY_8).options[0].id)
        page = api.post(reverse("scheduling:booking", args=[booking.pk]),
                        {"action": "cancel", "by": "person"})
        assert "Enter reason" in page.content.decode()
        done = api.post(reverse("scheduling:booking", args=[booking.pk]),
                        {"action": "cancel", "by": "person", "reason": "On holiday"})
    assert done.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "cancelled" and booking.starts_at == at(0, 10, 15)


@pytest.mark.django_db
def test_the_booking_page_of_a_referral_not_triaged_for_assessment_says_so_with_409(
        api, admin_team, person, gp_referrer):
    from cap.services import referral_log_written

    waiting = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer, reason="Low mood")
    response = api.get(reverse("scheduling:book", args=[waiting.pk]))
    assert response.status_code == 409
    page = response.content.decode()
    assert f"There is no assessment to book for {waiting.reference}" in page
    assert "has not been triaged for an assessment" in page
    sent = api.post(reverse("scheduling:book", args=[waiting.pk]), {"option": "x", "action": "book"})
    assert sent.status_code == 409 and not Booking.objects.exists()
