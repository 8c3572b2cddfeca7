"""Leave, training and sickness recorded on the diary pages (issue 18, deliverable 6): whole
days, first to last, never over another absence of the same practitioner, at most a year,
with history; recorded by the admin team and managers for anyone and by a practitioner for
themselves; the booked assessments an absence clashes with shown on its page and listed
for the admin team to rearrange."""

from datetime import UTC, date, timedelta

import pytest
import time_machine
from django.urls import reverse

from core.errors import Invalid
from scheduling import selectors, services
from scheduling.models import DiaryException
from simulation.behaviour import leave_record
from tests.factories import PractitionerFactory

from .conftest import MONDAY_8, at

MONDAY = date(2026, 11, 23)


def book(admin_team, referral, now):
    option = services.options_for(referral=referral, now=now).options[0]
    return services.booking_create(actor=admin_team, referral=referral, option_id=option.id, now=now)


def day_fields(name: str, day: date) -> dict[str, str]:
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


@pytest.mark.django_db
def test_an_absence_runs_from_midnight_of_its_first_day_to_midnight_after_its_last(admin_team, staff):
    absence = services.diary_absence_record(actor=admin_team, practitioner=staff["nurse_a"], kind="leave",
                                            first_day=MONDAY, last_day=MONDAY + timedelta(days=4),
                                            note=" Half term ")
    assert (absence.starts_at, absence.ends_at, absence.note) == (at(0, 0), at(5, 0), "Half term")
    assert services.absence_days(absence) == (MONDAY, MONDAY + timedelta(days=4))


@pytest.mark.django_db
def test_days_counts_whole_days_from_the_first(admin_team, staff):
    absence = services.diary_absence_record(actor=admin_team, practitioner=staff["nurse_a"],
                                            kind="sickness", first_day=MONDAY, days=3)
    assert (absence.starts_at, absence.ends_at) == (at(0, 0), at(3, 0))


@pytest.mark.django_db
def test_an_absence_across_the_clocks_going_back_still_ends_at_midnight(admin_team, staff):
    # The clocks go back on Sunday 25 October 2026: that day has 25 hours.
    absence = services.diary_absence_record(actor=admin_team, practitioner=staff["nurse_a"], kind="leave",
                                            first_day=date(2026, 10, 24), last_day=date(2026, 10, 25))
    assert services.absence_days(absence) == (date(2026, 10, 24), date(2026, 10, 25))
    # Elapsed time, in UTC: wall-clock subtraction in one zone would say 48 hours.
    assert absence.ends_at.astimezone(UTC) - absence.starts_at.astimezone(UTC) == timedelta(hours=49)


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "last_day", "field", "says"), [
    ("leave", MONDAY - timedelta(days=1), "last_day", "same as or after the first day"),
    ("leave", MONDAY + timedelta(days=366), "last_day", "up to 366 days"),
    ("commitment", MONDAY, "kind", "Choose leave, training or sickness"),
])
def test_an_impossible_absence_is_refused_with_the_reason(admin_team, staff, kind, last_day, field, says):
    with pytest.raises(Invalid, match=says) as refused:
        services.diary_absence_record(actor=admin_team, practitioner=staff["nurse_a"], kind=kind,
                                      first_day=MONDAY, last_day=last_day)
    assert refused.value.field == field
    assert not DiaryException.objects.exists()


@pytest.mark.django_db
def test_an_absence_over_another_of_the_same_practitioner_is_refused_naming_its_days(admin_team, staff):
    services.diary_absence_record(actor=admin_team, practitioner=staff["nurse_a"], kind="leave",
                                  first_day=MONDAY, days=5)
    with pytest.raises(Invalid, match="already has leave recorded from 23 November 2026 to 27 November 2026"):
        services.diary_absence_record(actor=admin_team, practitioner=staff["nurse_a"], kind="sickness",
                                      first_day=MONDAY + timedelta(days=4), days=2)
    # Another practitioner's absence, and the next day, are no clash.
    services.diary_absence_record(actor=admin_team, practitioner=staff["nurse_b"], kind="sickness",
                                  first_day=MONDAY, days=2)
    services.diary_absence_record(actor=admin_team, practitioner=staff["nurse_a"], kind="training",
                                  first_day=MONDAY + timedelta(days=5), days=1)
    assert DiaryException.objects.count() == 3


@pytest.mark.django_db
def test_change_and_cancel_are_kept_in_the_history_with_who_did_them(admin_team, manager, staff):
    absence = services.diary_absence_record(actor=admin_team, practitioner=staff["nurse_a"], kind="leave",
                                            first_day=MONDAY, days=5)
    services.diary_absence_change(actor=manager, absence=absence, kind="leave", first_day=MONDAY,
                                  last_day=MONDAY + timedelta(days=1), note="Back early")
    assert absence.ends_at == at(2, 0)
    services.diary_absence_cancel(actor=admin_team, absence=absence)
    assert not DiaryException.objects.exists()
    history = list(DiaryException.history.order_by("history_date")
                   .values_list("history_type", "history_user"))
    assert history == [("+", admin_team.pk), ("~", manager.pk), ("-", admin_team.pk)]


@pytest.mark.django_db
def test_a_change_is_not_refused_for_overlapping_the_absence_itself(admin_team, staff):
    absence = services.diary_absence_record(actor=admin_team, practitioner=staff["nurse_a"], kind="leave",
                                            first_day=MONDAY, days=5)
    services.diary_absence_change(actor=admin_team, absence=absence, kind="leave", first_day=MONDAY,
                                  last_day=MONDAY + timedelta(days=9))
    assert absence.ends_at == at(10, 0)


@pytest.mark.django_db
def test_sickness_recorded_by_the_admin_team_shows_the_booked_assessment_it_clashes_with(
        client_for, admin_team, triaged, staff, room):
    booking = book(admin_team, triaged(), MONDAY_8)
    entry = booking.entries.filter(practitioner__isnull=False).first()
    sick_day = booking.starts_at.astimezone(MONDAY_8.tzinfo).date()
    client = client_for(admin_team)
    with time_machine.travel(MONDAY_8, tick=False):
        response = client.post(reverse("scheduling:absence_add", args=[entry.practitioner_id]), {
            "kind": "sickness", **day_fields("first_day", sick_day), **day_fields("last_day", sick_day),
            "note": "Off sick"}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="clashing-bookings"' in page and booking.referral.reference in page
    assert reverse("scheduling:rebook", args=[booking.pk]) in page
    absence = DiaryException.objects.get()
    assert absence.history.get().history_user == admin_team
    assert list(selectors.bookings_clashing_with(absence, now=MONDAY_8)) == [booking]
    assert booking in selectors.bookings_to_rearrange(now=MONDAY_8)
    with time_machine.travel(MONDAY_8, tick=False):
        queue = client.get(reverse("scheduling:booking_queue")).content.decode()
    assert reverse("scheduling:rebook", args=[booking.pk]) in queue


@pytest.mark.django_db
def test_a_practitioner_records_their_own_leave_and_not_anothers(client_for, practitioner_user, staff):
    own = PractitionerFactory(name="Pat Practitioner", user=practitioner_user)
    client = client_for(practitioner_user)
    fields = {"kind": "leave", **day_fields("first_day", MONDAY), **day_fields("last_day", MONDAY)}
    response = client.post(reverse("scheduling:absence_add", args=[own.pk]), fields)
    absence = DiaryException.objects.get(practitioner=own)
    assert response.status_code == 302 and response.url == reverse("scheduling:absence", args=[absence.pk])
    assert client.get(reverse("scheduling:absence", args=[absence.pk])).status_code == 200

    other = staff["nurse_a"]
    assert client.post(reverse("scheduling:absence_add", args=[other.pk]), fields).status_code == 403
    theirs = services.diary_absence_record(actor=practitioner_user, practitioner=other, kind="leave",
                                           first_day=MONDAY, days=1)
    assert client.get(reverse("scheduling:absence", args=[theirs.pk])).status_code == 403
    cancel = client.post(reverse("scheduling:absence", args=[theirs.pk]), {"action": "cancel"})
    assert cancel.status_code == 403
    assert DiaryException.objects.filter(practitioner=other).exists()


@pytest.mark.django_db
def test_a_practitioner_sees_their_own_diary_and_its_feed_but_not_another_practitioners(
        client_for, practitioner_user, staff):
    own = PractitionerFactory(name="Pat Practitioner", user=practitioner_user)
    client = client_for(practitioner_user)
    mine = client.get(reverse("scheduling:my_diary"))
    assert mine.status_code == 200
    feed = reverse("scheduling:feed", args=[own.feed_token])
    assert feed in mine.content.decode() and "My diary" in mine.content.decode()
    assert client.get(reverse("scheduling:diary", args=[own.pk])).status_code == 200
    assert client.get(reverse("scheduling:diary", args=[staff["nurse_a"].pk])).status_code == 403
    assert staff["nurse_a"].feed_token not in client.get(reverse("scheduling:my_diary")).content.decode()


@pytest.mark.django_db
def test_a_practitioner_with_no_diary_is_told_it_is_not_found(client_for, practitioner_user):
    assert client_for(practitioner_user).get(reverse("scheduling:my_diary")).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("fields", [
    {},
    {"kind": "holiday", "first_day_day": "31", "first_day_month": "2", "first_day_year": "2027"},
    {"kind": "leave", "first_day_day": "x", "first_day_month": "13", "first_day_year": "20",
     "last_day": "not a date", "note": "n" * 500},
    {"kind": ["leave", "sickness"], "first_day": "2026-11-30", "last_day": "2026-11-23"},
])
def test_a_form_of_any_shape_is_refused_with_a_message_keeping_what_was_typed(client_for, admin_team, staff,
                                                                             fields):
    response = client_for(admin_team).post(reverse("scheduling:absence_add", args=[staff["nurse_a"].pk]),
                                           fields)
    assert response.status_code == 400
    assert 'class="nhsuk-error-summary' in response.content.decode()
    assert not DiaryException.objects.exists()
    if fields.get("first_day_month") == "13":
        assert 'value="13"' in response.content.decode()


@pytest.mark.django_db
def test_an_overlap_on_the_page_is_a_message_on_the_first_day(client_for, admin_team, staff):
    services.diary_absence_record(actor=admin_team, practitioner=staff["nurse_a"], kind="training",
                                  first_day=MONDAY, days=1)
    response = client_for(admin_team).post(reverse("scheduling:absence_add", args=[staff["nurse_a"].pk]), {
        "kind": "leave", **day_fields("first_day", MONDAY), **day_fields("last_day", MONDAY)})
    assert response.status_code == 400
    assert "already has training recorded" in response.content.decode()


@pytest.mark.django_db
def test_the_simulation_records_leave_through_the_service_and_skips_a_second_over_the_first(
        manager, staff):
    first = leave_record(actor=manager, practitioner=staff["nurse_a"], kind="sickness", first_day=MONDAY,
                         days=3, note="Off sick")
    assert first is not None and first.history.get().history_user == manager
    assert leave_record(actor=manager, practitioner=staff["nurse_a"], kind="leave", first_day=MONDAY,
                        days=5, note="Leave") is None
    assert DiaryException.objects.count() == 1
