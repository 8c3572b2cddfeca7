"""Diaries, absences, working patterns and the duty rota through their pages (issue 18,
deliverable 6), in headless Chromium: what each role is told, and the row and its history
row in the database.

- practitioner: open their own diary and its calendar feed (scheduling:my_diary, scheduling:feed)
  -> test_practitioner_opens_their_own_diary_and_its_calendar_feed
- practitioner: record their own leave (scheduling:absence_add, scheduling:absence)
  -> test_practitioner_records_their_own_leave
- admin team: record sickness for a practitioner and see the booking it clashes with
  (scheduling:diaries, scheduling:diary, scheduling:absence_add, scheduling:absence)
  -> test_admin_team_records_sickness_and_sees_the_clashing_booking_to_rearrange
- admin team: cancel an absence (scheduling:absence) -> test_admin_team_cancels_an_absence
- manager: add and remove a working session (scheduling:working_pattern, scheduling:working_session_remove)
  -> test_manager_edits_a_working_pattern
- manager: add a duty shift and see who is on duty now (triage:duty_rota)
  -> test_manager_adds_a_duty_shift_and_sees_who_is_on_duty_now
- manager: change a duty shift (triage:duty_shift) -> test_manager_changes_a_duty_shift
"""

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cap.services import referral_log_written
from scheduling import selectors, services
from scheduling.models import DiaryException, WorkingPattern
from tests.factories import GPPracticeFactory, PractitionerFactory, TeamFactory, UserFactory
from triage import rota
from triage.models import DutyShift
from triage.services import triage_decision_record

from .pages import (
    assert_accessible,
    fill_datetime,
    latest_history,
    open_from_menu,
    sign_in,
    structured_assessment_staff,
)

pytestmark = [pytest.mark.browser]


def fill_date(page, legend, day):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


@pytest.fixture
def booked(admin_team, triage_clinician, person, gp_referrer):
    """A routine AMH assessment booked with Grace Okafor, at the first time found."""
    practice = GPPracticeFactory()
    team = TeamFactory(name="City East CTR Team", pcns=[practice.pcn])
    grace = PractitionerFactory(name="Grace Okafor", teams=[team])
    structured_assessment_staff(team)
    referral = referral_log_written(actor=admin_team, referrer=gp_referrer, reason="Low mood",
                                    person=person(gp_practice=practice))
    triage_decision_record(actor=triage_clinician, referral=referral, urgency="routine",
                           outcome="assessment", stream="AMH", rationale="Routine assessment.")
    option = services.options_for(referral=referral).options[0]
    booking = services.booking_create(actor=admin_team, referral=referral, option_id=option.id)
    assert booking.entries.filter(practitioner=grace).exists()
    return booking, grace


def test_practitioner_opens_their_own_diary_and_its_calendar_feed(live_server, page, practitioner_user,
                                                                  password):
    own = PractitionerFactory(name="Pat Okoro", user=practitioner_user)
    sign_in(page, live_server.url, practitioner_user.username, password)
    open_from_menu(page, "My diary")
    page.get_by_role("heading", name="My diary").wait_for()
    assert own.feed_token in page.locator("#feed-url").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Working pattern").click()
    page.get_by_role("heading", name="Working pattern").wait_for()
    assert "Monday" in page.locator("#working-pattern").inner_text()
    assert page.get_by_role("button", name="Add the session").count() == 0
    page.go_back()
    feed_url = page.get_by_role("link", name="your diary's calendar feed").get_attribute("href")
    feed = page.request.get(feed_url)
    assert feed.ok and feed.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VCALENDAR" in feed.text()


def test_practitioner_records_their_own_leave(live_server, page, practitioner_user, password):
    own = PractitionerFactory(name="Pat Okoro", user=practitioner_user)
    first = timezone.localdate() + timedelta(days=14)
    sign_in(page, live_server.url, practitioner_user.username, password)
    open_from_menu(page, "My diary")
    page.get_by_role("link", name="Record leave, training or sickness").click()
    page.get_by_label("Leave", exact=True).check()
    fill_date(page, "First day", first)
    fill_date(page, "Last day", first + timedelta(days=4))
    page.get_by_label("Note").fill("Family wedding")
    assert_accessible(page)
    page.get_by_role("button", name="Record it").click()

    page.get_by_text("Recorded: leave for Pat Okoro.").wait_for()
    page.locator("#no-clashes").wait_for()
    absence = DiaryException.objects.get(practitioner=own)
    assert (absence.kind, absence.note) == ("leave", "Family wedding")
    assert services.absence_days(absence) == (first, first + timedelta(days=4))
    assert latest_history(absence, practitioner_user).kind == "leave"
    assert_accessible(page)


def test_admin_team_records_sickness_and_sees_the_clashing_booking_to_rearrange(
        live_server, page, admin_team, password, booked):
    booking, grace = booked
    day = timezone.localtime(booking.starts_at).date()
    sign_in(page, live_server.url, admin_team.username, password)
    open_from_menu(page, "Diaries")
    page.get_by_role("link", name="Grace Okafor").click()
    page.get_by_role("link", name="Record leave, training or sickness").click()
    page.get_by_label("Sickness", exact=True).check()
    fill_date(page, "First day", day)
    fill_date(page, "Last day", day)
    page.get_by_role("button", name="Record it").click()

    page.get_by_text("Recorded: sickness for Grace Okafor.").wait_for()
    clashes = page.locator("#clashing-bookings")
    assert booking.referral.reference in clashes.inner_text()
    assert_accessible(page)
    absence = DiaryException.objects.get(practitioner=grace)
    assert latest_history(absence, admin_team).kind == "sickness"
    clashes.get_by_role("link", name=f"Rebook {booking.referral.reference}").click()
    page.wait_for_url(f"**{reverse('scheduling:rebook', args=[booking.pk])}")
    open_from_menu(page, "Booking queue")
    assert booking.referral.reference in page.locator("#to-rearrange").inner_text()


def test_admin_team_cancels_an_absence(live_server, page, admin_team, password, booked):
    booking, grace = booked
    day = timezone.localtime(booking.starts_at).date()
    absence = services.diary_absence_record(actor=admin_team, practitioner=grace, kind="training",
                                            first_day=day, days=1)
    sign_in(page, live_server.url, admin_team.username, password)
    page.goto(f"{live_server.url}{reverse('scheduling:diary', args=[grace.pk])}")
    page.locator("#absences").get_by_role("link").click()
    page.get_by_role("button", name="Cancel this training").click()

    page.get_by_text("Cancelled: training from").wait_for()
    assert not DiaryException.objects.filter(pk=absence.pk).exists()
    gone = DiaryException.history.filter(id=absence.pk).order_by("-history_date").first()
    assert (gone.history_type, gone.history_user) == ("-", admin_team)
    assert booking not in selectors.bookings_to_rearrange()


def test_manager_edits_a_working_pattern(live_server, page, manager, password):
    nurse = PractitionerFactory(name="Alex Moss")
    sign_in(page, live_server.url, manager.username, password)
    open_from_menu(page, "Diaries")
    page.get_by_role("link", name="Alex Moss").click()
    page.get_by_role("link", name="Working pattern").click()
    page.get_by_label("Day").select_option("Saturdays")
    page.get_by_label("Starts (24-hour clock, for example 09:00)").fill("10:00")
    page.get_by_label("Ends (for example 17:00)").fill("14:00")
    page.get_by_role("button", name="Add the session").click()

    page.get_by_text("Added: Saturday 10am to 2pm.").wait_for()
    session = WorkingPattern.objects.get(practitioner=nurse, weekday=5)
    assert (session.starts, session.ends) == (time(10), time(14))
    assert latest_history(session, manager).weekday == 5
    assert_accessible(page)

    page.get_by_label("Day").select_option("Mondays")
    page.get_by_label("Starts (24-hour clock, for example 09:00)").fill("12:00")
    page.get_by_label("Ends (for example 17:00)").fill("18:00")
    page.get_by_role("button", name="Add the session").click()
    page.get_by_text("already works 9am to 5pm that day").first.wait_for()
    assert page.get_by_label("Ends (for example 17:00)").input_value() == "18:00"
    assert_accessible(page)

    page.get_by_role("button", name="Remove Saturday 10am to 2pm").click()
    page.get_by_text("Removed: Saturday 10am to 2pm.").wait_for()
    assert not WorkingPattern.objects.filter(practitioner=nurse, weekday=5).exists()


def test_manager_adds_a_duty_shift_and_sees_who_is_on_duty_now(live_server, page, manager, password):
    now = timezone.localtime()
    starts, ends = now - timedelta(hours=1), now + timedelta(hours=8)
    sign_in(page, live_server.url, manager.username, password)
    open_from_menu(page, "Duty rota")
    assert "Nobody is on duty now: breaches are told to every manager" in page.locator(
        "#on-duty-now").inner_text()
    page.get_by_label("Duty manager").select_option(manager.get_full_name())
    fill_datetime(page, "Starts", starts)
    fill_datetime(page, "Ends", ends)
    page.get_by_role("button", name="Add the shift").click()

    page.get_by_text(f"Added: {manager.get_full_name()} on duty from").wait_for()
    assert manager.get_full_name() in page.locator("#on-duty-now").inner_text()
    assert "Nobody is on duty from" in page.locator("#rota-gaps").inner_text()
    shift = DutyShift.objects.get()
    assert shift.manager == manager
    assert latest_history(shift, manager).manager == manager
    assert rota.on_duty(timezone.now()).get() == shift
    assert_accessible(page)


def test_manager_changes_a_duty_shift(live_server, page, manager, password):
    other = UserFactory(username="other.manager", first_name="Olu", last_name="Bello", role="Manager")
    now = timezone.now()
    shift = rota.duty_shift_add(actor=manager, manager=manager, starts_at=now + timedelta(days=1),
                                ends_at=now + timedelta(days=1, hours=8))
    sign_in(page, live_server.url, manager.username, password)
    page.goto(f"{live_server.url}{reverse('triage:duty_rota')}")
    page.locator("#duty-shifts").get_by_role("link").click()
    page.get_by_label("Duty manager").select_option("Olu Bello")
    page.get_by_role("button", name="Save the change").click()

    page.get_by_text("Changed.").wait_for()
    shift.refresh_from_db()
    assert shift.manager == other
    assert latest_history(shift, manager).manager == other
    assert "Olu Bello" in page.locator("#duty-shifts").inner_text()
