"""What follows urgent triage, through the UI in headless Chromium: the crisis assessment
booked into a named practitioner's diary, and the assessment completed with what follows
it. Each test signs in as the role, acts on the page, and checks what the user is told and
the rows (and their history) in the database.

- triage clinician: arrange the crisis assessment into a practitioner's diary (followup:urgent_action,
  scheduling:diary) -> test_clinician_books_the_crisis_assessment_into_a_practitioners_diary
- triage clinician: arrange the crisis assessment at a time the practitioner is booked, refused
  (followup:urgent_action) -> test_the_diary_refuses_a_time_already_booked_and_keeps_what_was_typed
- triage clinician: assessment completed, home treatment (followup:urgent_action)
  -> test_clinician_completes_the_crisis_assessment_with_home_treatment
- triage clinician: assessment completed, a self-management plan with the safety plan
  (followup:urgent_action) -> test_self_management_outcome_shows_the_safety_plan_on_the_referral
- triage clinician: assessment completed, a further assessment (followup:urgent_action,
  scheduling:booking_queue, scheduling:book)
  -> test_further_assessment_outcome_reaches_the_booking_queue_with_the_crisis_notes
"""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cap.models import ReferralStatus
from cap.services import referral_log_written
from core.formatting import clock_time
from scheduling.models import BookingKind, BookingStatus, WorkingPattern
from tests.browser.pages import (
    assert_accessible,
    fill_datetime,
    latest_history,
    sign_in,
    sign_out,
    structured_assessment_staff,
)
from tests.factories import PractitionerFactory, TeamFactory
from triage import services
from triage.models import CrisisOutcome, UrgentAction

pytestmark = [pytest.mark.browser]


@pytest.fixture
def crisis_nurse():
    """A nurse of the adult mental health crisis team, on shift every hour of every day (the
    test runs whenever it is run)."""
    team = TeamFactory(name="City Crisis Resolution Team", specialty="AMH")
    nurse = PractitionerFactory(name="Grace Obi", teams=[team])
    nurse.working_pattern.all().delete()
    for weekday in range(7):
        WorkingPattern.objects.create(practitioner=nurse, weekday=weekday, starts=time(0), ends=time(23, 45))
    return nurse


@pytest.fixture
def very_urgent(admin_team, person, gp_referrer, triage_clinician, crisis_nurse):
    referral = referral_log_written(actor=admin_team, person=person(given_name="Noor", family_name="Hussain"),
                                    referrer=gp_referrer, reason="Thoughts of ending life")
    services.triage_decision_record(actor=triage_clinician, referral=referral, urgency="very_urgent",
                                    outcome="assessment", stream="AMH", rationale="Seen within 4 hours")
    return referral


def soon() -> datetime:
    """A time in the next few hours on a quarter hour, its 90 minutes inside one day's shift."""
    local = timezone.localtime() + timedelta(minutes=45)
    local = local.replace(minute=local.minute // 15 * 15, second=0, microsecond=0)
    ends = local + timedelta(minutes=90)
    if ends.date() != local.date() or ends.time() > time(23, 45) or local.time() < time(0, 15):
        local = (local + timedelta(days=1)).replace(hour=9, minute=0)
    return local


def open_urgent_action(page, live_server, user, password, referral):
    sign_in(page, live_server.url, user.username, password)
    page.goto(f"{live_server.url}{reverse('cap:referral', args=[referral.pk])}")
    page.get_by_role("link", name="Record an urgent triage action").click()
    page.get_by_role("heading", name="Record an urgent triage action").wait_for()


def test_clinician_books_the_crisis_assessment_into_a_practitioners_diary(
        live_server, page, triage_clinician, password, very_urgent, crisis_nurse):
    starts = soon()
    open_urgent_action(page, live_server, triage_clinician, password, very_urgent)
    assert_accessible(page)
    page.get_by_label("Crisis assessment arranged", exact=True).check()
    page.get_by_label("Practitioner", exact=True).select_option(label=str(crisis_nurse))
    fill_datetime(page, "When (optional)", starts)
    page.get_by_label("Home visit", exact=True).check()
    page.get_by_label("Where (optional)", exact=True).fill("12 Mill Lane, Leicester")
    page.get_by_role("button", name="Record the action").click()

    page.get_by_text(f"Crisis assessment arranged recorded for {very_urgent.reference}.").wait_for()
    action = UrgentAction.objects.get(referral=very_urgent)
    assert (action.kind, action.who, action.where, action.when) == (
        UrgentAction.Kind.CRISIS_ASSESSMENT_ARRANGED, "Grace Obi", "Home visit: 12 Mill Lane, Leicester",
        starts)
    assert latest_history(action, triage_clinician).history_type == "+"
    booking = action.booking
    assert (booking.kind, booking.status) == (BookingKind.CRISIS, BookingStatus.BOOKED)
    assert latest_history(booking, triage_clinician).status == BookingStatus.BOOKED

    # The entry is in her diary.
    page.locator("#urgent-actions").get_by_role("link", name="Grace Obi").click()
    page.get_by_role("heading", name="Diary of Grace Obi").wait_for()
    row = page.locator("#diary tr", has_text=very_urgent.reference)
    assert "urgent crisis assessment, Home visit: 12 Mill Lane, Leicester" in row.inner_text()
    assert f"{clock_time(starts)} to {clock_time(starts + timedelta(minutes=90))}" in row.inner_text()
    assert_accessible(page)


def arranged(clinician, referral, practitioner):
    return services.urgent_action_record(actor=clinician, referral=referral,
                                         kind="crisis_assessment_arranged", when=soon(),
                                         practitioner=practitioner, place="hub")


def complete_on_the_page(page, outcome: str, notes: str):
    page.get_by_label("Assessment completed", exact=True).check()
    page.get_by_label(outcome, exact=True).check()
    page.get_by_label("Notes (optional)").fill(notes)
    page.get_by_role("button", name="Record the action").click()


def test_clinician_completes_the_crisis_assessment_with_home_treatment(
        live_server, page, triage_clinician, password, very_urgent, crisis_nurse):
    booking = arranged(triage_clinician, very_urgent, crisis_nurse).booking
    open_urgent_action(page, live_server, triage_clinician, password, very_urgent)
    complete_on_the_page(page, "Crisis resolution and home treatment",
                         "Daily visits from the home treatment team")

    page.get_by_text(f"Assessment completed recorded for {very_urgent.reference}.").wait_for()
    listed = page.locator("#urgent-actions").inner_text()
    assert "What follows: Crisis resolution and home treatment" in listed
    action = UrgentAction.objects.get(referral=very_urgent, kind=UrgentAction.Kind.ASSESSMENT_COMPLETED)
    assert (action.outcome, action.recorded_by) == (CrisisOutcome.HOME_TREATMENT, triage_clinician)
    assert latest_history(action, triage_clinician).outcome == CrisisOutcome.HOME_TREATMENT
    very_urgent.refresh_from_db()
    assert very_urgent.status == ReferralStatus.ASSESSED
    assert latest_history(very_urgent, triage_clinician).status == ReferralStatus.ASSESSED
    assert very_urgent.targets.get(definition__code="assessment_4h").met_at is not None
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ATTENDED
    assert_accessible(page)


def test_further_assessment_outcome_reaches_the_booking_queue_with_the_crisis_notes(
        live_server, page, triage_clinician, admin_team, password, very_urgent, crisis_nurse):
    structured_assessment_staff(crisis_nurse.teams.get())
    open_urgent_action(page, live_server, triage_clinician, password, very_urgent)
    complete_on_the_page(page, "A further non-urgent assessment with the aligned team",
                         "Crisis settled; a year of low mood: a full assessment with the CMHT")

    page.get_by_text(f"Assessment completed recorded for {very_urgent.reference}.").wait_for()
    very_urgent.refresh_from_db()
    assert very_urgent.status == ReferralStatus.AWAITING_BOOKING
    assert latest_history(very_urgent, triage_clinician).status == ReferralStatus.AWAITING_BOOKING
    assert {t.definition.code for t in very_urgent.targets.running().select_related("definition")} == {
        "booking", "routine_assessment"}

    sign_out(page)
    sign_in(page, live_server.url, admin_team.username, password)
    page.get_by_role("link", name="Booking queue").first.click()
    page.locator("tr", has_text=very_urgent.reference).get_by_role("link", name="Find times").click()
    page.locator("#crisis-assessment").wait_for()
    assert "a full assessment with the CMHT" in page.locator("#crisis-assessment").inner_text()
    assert_accessible(page)


def test_the_diary_refuses_a_time_already_booked_and_keeps_what_was_typed(
        live_server, page, triage_clinician, password, very_urgent, crisis_nurse, admin_team, person,
        gp_referrer):
    other = referral_log_written(actor=admin_team, person=person(given_name="Amira"), referrer=gp_referrer,
                                 reason="Crisis")
    services.triage_decision_record(actor=triage_clinician, referral=other, urgency="urgent",
                                    outcome="assessment", stream="AMH", rationale="Within 24 hours")
    taken = arranged(triage_clinician, other, crisis_nurse).when
    open_urgent_action(page, live_server, triage_clinician, password, very_urgent)
    page.get_by_label("Crisis assessment arranged", exact=True).check()
    page.get_by_label("Practitioner", exact=True).select_option(label=str(crisis_nurse))
    fill_datetime(page, "When (optional)", taken)
    page.get_by_label("Clinic", exact=True).check()
    page.get_by_label("Notes (optional)").fill("Her brother will bring her")
    page.get_by_role("button", name="Record the action").click()

    page.locator(".nhsuk-error-summary").get_by_text("Grace Obi is already booked, or away, at that "
                                                     "time").wait_for()
    assert page.get_by_label("Notes (optional)").input_value() == "Her brother will bring her"
    assert not UrgentAction.objects.filter(referral=very_urgent).exists()
    assert_accessible(page)


def test_self_management_outcome_shows_the_safety_plan_on_the_referral(
        live_server, page, triage_clinician, password, very_urgent):
    open_urgent_action(page, live_server, triage_clinician, password, very_urgent)
    page.get_by_label("Assessment completed", exact=True).check()
    page.get_by_label("A self-management plan, with the person's safety plan", exact=True).check()
    page.get_by_label("The person's safety plan", exact=True).fill(
        "Call her sister; NHS 111 option 2 at night")
    page.get_by_role("button", name="Record the action").click()

    page.get_by_text(f"Assessment completed recorded for {very_urgent.reference}.").wait_for()
    assert "Call her sister; NHS 111 option 2 at night" in page.locator("#urgent-actions").inner_text()
    action = UrgentAction.objects.get(referral=very_urgent)
    assert (action.outcome, action.safety_plan) == (CrisisOutcome.SELF_MANAGEMENT,
                                                    "Call her sister; NHS 111 option 2 at night")
    assert latest_history(action, triage_clinician).history_type == "+"
