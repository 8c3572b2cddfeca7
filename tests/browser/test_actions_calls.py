"""The call's context reaching triage, through the UI in headless Chromium: each test signs
in as the role, does the action on its page, and checks what the user is told and the rows
(and history) in the database.

- call handler: log a crisis call with the caller, callback number, notes and 999 advised,
  passed to urgent triage (cap:log_call)
  -> test_a_crisis_call_with_its_callback_number_reaches_the_referral_and_decide_pages
- triage clinician: read the call's context on the decide page and the referral page
  (triage:decide, cap:referral)
  -> test_a_crisis_call_with_its_callback_number_reaches_the_referral_and_decide_pages
- call handler: log a crisis call about someone with an open routine referral, which joins it
  (cap:log_call) -> test_a_crisis_call_about_someone_awaiting_booking_joins_their_referral
- call handler: search the calls logged (cap:calls)
  -> test_the_call_handler_finds_a_call_by_its_callback_number_and_opens_it
- call handler: open a call (cap:call)
  -> test_the_call_handler_finds_a_call_by_its_callback_number_and_opens_it
- manager: search the calls of a day (cap:calls)
  -> test_a_manager_finds_the_calls_of_a_day_and_opens_the_referral
- call handler: pass a crisis call to urgent triage with the identity not confirmed (cap:log_call)
  -> test_a_crisis_call_with_identity_not_confirmed_is_completed_later_on_the_referral
- triage clinician: complete the identity of a person passed to triage without it
  (cap:referral_identity)
  -> test_a_crisis_call_with_identity_not_confirmed_is_completed_later_on_the_referral
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from cap.models import CallOutcome, Enquiry, RecordAccess, Referral
from cap.services import Call, Caller, call_log, referral_log_written
from tests.browser.pages import assert_accessible, fill_date, latest_history, sign_in, sign_out
from tests.factories import ServiceUserFactory
from triage.services import Decision, triage_decision_record

pytestmark = [pytest.mark.browser]

SAID = "Says her brother has a plan to end his life tonight"
DONE = "Stayed on the line; gave the crisis line number"


def fill_crisis_call(page, *, callback="07700 900 982"):
    page.get_by_label("Carer", exact=True).check()
    page.get_by_label("Caller's name").fill("Maya Okafor")
    page.get_by_label("Caller's relationship to the person").fill("Sister")
    page.get_by_label("Callback number").fill(callback)
    page.get_by_label("Clinical", exact=True).check()
    page.get_by_label("What the caller said").fill(SAID)
    page.get_by_label("Current intent to end life, with a plan").check()
    page.get_by_label("Passed to urgent clinical triage").check()
    page.get_by_label("What was given or done").fill(DONE)
    page.get_by_label("The caller was in immediate danger and was advised to call 999").check()


def test_a_crisis_call_with_its_callback_number_reaches_the_referral_and_decide_pages(
        live_server, page, call_handler, triage_clinician, password):
    sign_in(page, live_server.url, call_handler.username, password)
    fill_crisis_call(page)
    who = page.get_by_role("group", name="Who the call is about")
    who.get_by_label("First name").fill("Daniel")
    who.get_by_label("Last name").fill("Okafor")
    fill_date(who, "Date of birth (optional)", date(2001, 6, 9))
    who.get_by_label("Postcode").fill("LE3 0QP")
    assert_accessible(page)
    page.get_by_role("button", name="Save call").click()

    enquiry = Enquiry.objects.get()
    referral = Referral.objects.get()
    page.get_by_text(f"Call {enquiry.reference} logged, passed to triage as {referral.reference}.").wait_for()
    assert (enquiry.callback_number, enquiry.referral) == ("07700 900 982", referral)
    assert enquiry.emergency_advised_at is not None
    assert latest_history(enquiry, call_handler).history_type == "+"
    assert referral.suggested_urgency == "very_urgent"
    sign_out(page)

    sign_in(page, live_server.url, triage_clinician.username, password)
    page.goto(f"{live_server.url}/triage/referrals/{referral.pk}/decide/")
    calls = page.locator("#calls")
    for shown in ("Maya Okafor (Sister)", "07700 900 982", SAID, DONE, "999 advised"):
        assert shown in calls.inner_text(), shown
    assert calls.get_by_role("link", name="07700 900 982").get_attribute("href") == "tel:07700900982"
    assert_accessible(page)
    page.get_by_role("link", name="Read the whole referral").click()
    page.get_by_role("heading", name="Calls about this referral").wait_for()
    assert "07700 900 982" in page.locator("#calls").inner_text()
    assert_accessible(page)


def test_a_crisis_call_about_someone_awaiting_booking_joins_their_referral(
        live_server, page, call_handler, triage_clinician, admin_team, person, gp_referrer, password):
    existing = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                    reason="Low mood for months")
    triage_decision_record(actor=triage_clinician, referral=existing, decision=Decision(
        urgency="routine", outcome="assessment", stream="AMH", rationale="Routine assessment"))
    sign_in(page, live_server.url, call_handler.username, password)
    page.locator("#person-search").get_by_label("NHS number").fill(existing.service_user.nhs_number)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("button", name=f"Choose {existing.service_user}").click()
    page.locator("#known-to-services").wait_for()
    assert "awaiting booking" in page.locator("#known-to-services").inner_text()
    fill_crisis_call(page)
    page.get_by_role("button", name="Save call").click()

    page.get_by_text(f"Call added to {existing.reference} (awaiting booking): it is back on the "
                     "urgent triage queue").wait_for()
    existing.refresh_from_db()
    assert Referral.objects.count() == 1
    assert (existing.status, existing.triage_queue) == ("awaiting_triage", "urgent")
    reason = latest_history(existing, call_handler).history_change_reason
    assert reason == "Crisis call: back to urgent triage"
    assert Enquiry.objects.get().referral == existing
    assert_accessible(page)


def test_the_call_handler_finds_a_call_by_its_callback_number_and_opens_it(
        live_server, page, call_handler, password):
    sign_in(page, live_server.url, call_handler.username, password)
    fill_crisis_call(page, callback="0116 496 0123")
    who = page.get_by_role("group", name="Who the call is about")
    who.get_by_label("First name").fill("Daniel")
    who.get_by_label("Last name").fill("Okafor")
    fill_date(who, "Date of birth (optional)", date(2001, 6, 9))
    who.get_by_label("Postcode").fill("LE3 0QP")
    page.get_by_role("button", name="Save call").click()
    enquiry = Enquiry.objects.get()
    page.get_by_text(f"Call {enquiry.reference} logged").wait_for()

    page.get_by_role("link", name="Calls", exact=True).first.click()
    page.get_by_label("Reference, caller's or person's name, or callback number").fill("01164960123")
    page.get_by_role("button", name="Search").click()
    row = page.locator(f'tr[data-call="{enquiry.reference}"]')
    row.wait_for()
    assert page.locator("#calls tbody tr").count() == 1
    assert page.get_by_label("Reference, caller's or person's name, or callback number").input_value() \
        == "01164960123"
    assert_accessible(page)
    row.get_by_role("link", name=enquiry.reference).click()
    page.get_by_role("heading", name="Call about Daniel Okafor").wait_for()
    assert f"Created referral {enquiry.referral.reference}" in page.locator("#call-referral").inner_text()
    assert_accessible(page)


def test_a_manager_finds_the_calls_of_a_day_and_opens_the_referral(
        live_server, page, call_handler, manager, password):
    started = timezone.now() - timedelta(days=2)
    enquiry = call_log(actor=call_handler, call=Call(
        started_at=started, caller_type="professional", nature="clinical",
        outcome_kind=CallOutcome.PASSED_TO_TRIAGE, outcome="Transferred",
        caller=Caller(name="Sam Reid", relationship="Community nurse", callback_number="0116 496 0000")),
        service_user=ServiceUserFactory(given_name="Iris", family_name="Campbell")).enquiry
    call_log(actor=call_handler, call=Call(started_at=timezone.now() - timedelta(minutes=5),
                                           caller_type="public", nature="general_information",
                                           outcome_kind=CallOutcome.RESOLVED, outcome="Opening times"))
    sign_in(page, live_server.url, manager.username, password)
    page.get_by_role("link", name="Calls", exact=True).first.click()
    fill_date(page, "Date of the call (optional)", timezone.localtime(started).date())
    page.get_by_role("button", name="Search").click()
    page.locator(f'tr[data-call="{enquiry.reference}"]').wait_for()
    assert page.locator("#calls tbody tr").count() == 1
    assert_accessible(page)
    page.get_by_role("link", name=enquiry.reference).click()
    page.get_by_role("link", name=f"referral {enquiry.referral.reference}").click()
    page.get_by_role("heading", name="Calls about this referral").wait_for()
    assert "Sam Reid (Community nurse)" in page.locator("#calls").inner_text()
    # Iris was shown twice in the list (all calls, then the day's): two reads of her record.
    assert RecordAccess.objects.filter(user=manager, context="call list",
                                       service_user=enquiry.service_user).count() == 2


def test_a_crisis_call_with_identity_not_confirmed_is_completed_later_on_the_referral(
        live_server, page, call_handler, triage_clinician, password):
    sign_in(page, live_server.url, call_handler.username, password)
    fill_crisis_call(page)
    who = page.get_by_role("group", name="Who the call is about")
    who.get_by_label("First name").fill("Dan")
    who.get_by_label("Identity not confirmed").check()
    page.get_by_role("button", name="Save call").click()

    referral = Referral.objects.get()
    page.get_by_text(f"{referral.reference} is marked identity not confirmed").wait_for()
    assert referral.service_user.date_of_birth is None and not referral.service_user.identity_confirmed
    assert referral.triage_queue == "urgent"
    sign_out(page)

    sign_in(page, live_server.url, triage_clinician.username, password)
    page.get_by_role("link", name="Urgent queue").first.click()
    assert "Identity not confirmed" in page.locator(f'tr[data-referral="{referral.reference}"]').inner_text()
    page.goto(f"{live_server.url}/referrals/{referral.pk}/")
    page.get_by_role("link", name="Complete the identity").click()
    page.get_by_label("Last name").fill("Hale")
    fill_date(page, "Date of birth", date(1990, 2, 3))
    page.get_by_label("Postcode").fill("LE1 6TP")
    assert_accessible(page)
    page.get_by_role("button", name="Confirm the identity").click()

    page.get_by_text(f"Identity confirmed for {referral.reference}: Dan Hale.").wait_for()
    person = Referral.objects.get().service_user
    assert (person.date_of_birth, person.postcode, person.identity_confirmed) == (
        date(1990, 2, 3), "LE1 6TP", True)
    assert latest_history(person, triage_clinician).identity_confirmed
    assert page.locator("#identity-not-confirmed").count() == 0
    assert_accessible(page)
