"""The crisis pathway end to end, in headless Chromium, as the people who work it: a crisis
call logged by a call handler reaches the 24/7 urgent queue with its clocks running from the
call, before anyone triages it; a triage clinician claims it, decides it, books the urgent
face-to-face assessment into a crisis practitioner's diary, and records it completed with
home treatment to follow. The 4-hour target that the call started is the one met."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cap.models import Enquiry, Referral, ReferralStatus
from core.formatting import date_and_time
from scheduling.models import BookingStatus
from tests.browser.pages import assert_accessible, fill_date, fill_datetime, sign_in, sign_out
from tests.browser.test_actions_calls import fill_crisis_call
from tests.browser.test_actions_crisis_assessment import (  # noqa: F401  (crisis_nurse: a fixture)
    complete_on_the_page,
    crisis_nurse,
    soon,
)
from triage.models import CrisisOutcome, UrgentAction

pytestmark = [pytest.mark.browser]


def row_of(page, referral):
    return page.locator(f"tr[data-referral='{referral.reference}']")


def test_a_crisis_call_is_triaged_booked_into_a_diary_assessed_and_followed_by_home_treatment(
        live_server, page, call_handler, triage_clinician, password, crisis_nurse):  # noqa: F811
    # The call handler logs the crisis call: the caller's callback number, notes, 999 advised.
    sign_in(page, live_server.url, call_handler.username, password)
    fill_crisis_call(page)
    who = page.get_by_role("group", name="Who the call is about")
    who.get_by_label("First name").fill("Daniel")
    who.get_by_label("Last name").fill("Okafor")
    fill_date(who, "Date of birth (optional)", date(2001, 6, 9))
    who.get_by_label("Postcode").fill("LE3 0QP")
    page.get_by_role("button", name="Save call").click()
    referral = Referral.objects.get()
    call = Enquiry.objects.get()
    page.get_by_text(f"passed to triage as {referral.reference}").first.wait_for()
    assert (call.callback_number, call.emergency_advised_at is not None) == ("07700 900 982", True)

    # Before anyone triages it, the 4-hour clock runs from the call (provisional), and a
    # clinician has an hour to act on it.
    four_hours = referral.targets.get(definition__code="assessment_4h")
    assert (four_hours.started_at, four_hours.provisional) == (call.received_at, True)
    assert four_hours.due_at == call.received_at + timedelta(hours=4)
    response = referral.targets.get(definition__code="urgent_triage_response")
    assert response.due_at == call.received_at + timedelta(hours=1)
    sign_out(page)

    # The triage clinician finds it on the urgent queue, due within the hour, and claims it.
    sign_in(page, live_server.url, triage_clinician.username, password)
    page.goto(f"{live_server.url}{reverse('queues:urgent')}")
    row = row_of(page, referral)
    assert date_and_time(response.due_at, weekday=True, short=True) in row.inner_text()
    assert_accessible(page)
    row.get_by_role("button", name=f"Claim {referral.reference}").click()
    page.get_by_text(f"You are working on {referral.reference}").wait_for()
    # A clinician has acted: the queue now shows the 4-hour clock from the call.
    assert date_and_time(four_hours.due_at, weekday=True, short=True) in row_of(page, referral).inner_text()
    response.refresh_from_db()
    assert response.met_at is not None and response.met_at <= response.due_at

    # The decision: very urgent, streamed to adult mental health, reading the call's context.
    row_of(page, referral).get_by_role("link", name=f"Triage {referral.reference}").click()
    assert "07700 900 982" in page.locator("#calls").inner_text()
    page.get_by_label("Very urgent", exact=True).check()
    page.get_by_label("Stream for assessment", exact=True).check()
    page.get_by_label("Specialty stream").select_option("AMH")
    page.get_by_label("Clinical rationale").fill("Plan to end his life tonight: seen within 4 hours.")
    page.get_by_role("button", name="Record decision").click()
    page.get_by_text(f"{referral.reference} streamed to Adult Mental Health for a very urgent "
                     "assessment").wait_for()
    four_hours.refresh_from_db()
    assert (four_hours.started_at, four_hours.provisional) == (call.received_at, False)

    # The urgent face-to-face assessment, booked into the crisis nurse's diary.
    starts = soon()
    page.goto(f"{live_server.url}{reverse('cap:referral', args=[referral.pk])}")
    page.get_by_role("link", name="Record an urgent triage action").click()
    page.get_by_label("Crisis assessment arranged", exact=True).check()
    page.get_by_label("Practitioner", exact=True).select_option(label=str(crisis_nurse))
    fill_datetime(page, "When (optional)", starts)
    page.get_by_label("Home visit", exact=True).check()
    page.get_by_role("button", name="Record the action").click()
    page.get_by_text(f"Crisis assessment arranged recorded for {referral.reference}.").wait_for()
    booking = UrgentAction.objects.get(referral=referral).booking
    assert (booking.status, booking.starts_at) == (BookingStatus.BOOKED, starts)
    page.locator("#urgent-actions").get_by_role("link", name=crisis_nurse.name).click()
    page.get_by_role("heading", name=f"Diary of {crisis_nurse.name}").wait_for()
    assert referral.reference in page.locator("#diary").inner_text()

    # Completed, with crisis resolution and home treatment to follow.
    page.goto(f"{live_server.url}{reverse('cap:referral', args=[referral.pk])}")
    page.get_by_role("link", name="Record an urgent triage action").click()
    complete_on_the_page(page, "Crisis resolution and home treatment", "Daily home treatment visits")
    page.get_by_text(f"Assessment completed recorded for {referral.reference}.").wait_for()
    listed = page.locator("#urgent-actions").inner_text()
    assert "What follows: Crisis resolution and home treatment" in listed
    assert_accessible(page)

    completed = UrgentAction.objects.get(referral=referral, kind=UrgentAction.Kind.ASSESSMENT_COMPLETED)
    assert completed.outcome == CrisisOutcome.HOME_TREATMENT
    referral.refresh_from_db()
    four_hours.refresh_from_db()
    booking.refresh_from_db()
    assert referral.status == ReferralStatus.ASSESSED
    assert booking.status == BookingStatus.ATTENDED
    assert call.received_at < four_hours.met_at <= timezone.now()
