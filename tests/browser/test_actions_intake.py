"""Every intake action, through the UI in headless Chromium: each test signs in as the
role, does the action on its page, and checks what the user is told and the row (and its
history row) in the database.

- call handler: log a call resolved by the call handler (cap:log_call)
  -> test_call_handler_logs_a_call_they_resolved_themselves
- call handler: pass a call about someone new to urgent triage (cap:log_call)
  -> test_call_handler_passes_a_call_about_someone_new_to_urgent_triage
- call handler: route a call to the person's existing team (cap:log_call)
  -> test_call_handler_routes_a_call_to_the_persons_existing_team
- call handler: pass an appointment change to the admin team (cap:log_call)
  -> test_call_handler_passes_an_appointment_change_to_the_admin_team
- admin team: mark a task done (cap:admin_tasks, cap:admin_task_done)
  -> test_call_handler_passes_an_appointment_change_to_the_admin_team
- admin team: log a written referral (cap:written_referral)
  -> test_admin_team_logs_a_written_referral_and_adds_information_gathered_before_triage
- admin team: add information gathered before triage (cap:referral_add_information, on cap:referral)
  -> test_admin_team_logs_a_written_referral_and_adds_information_gathered_before_triage
- admin team: identity check, link to the person already known (cap:match_reviews, cap:match_review)
  -> test_admin_team_links_a_possible_match_to_the_person_already_known
- admin team: identity check, confirm a new person (cap:match_reviews, cap:match_review)
  -> test_admin_team_confirms_a_possible_match_is_a_new_person
"""

from datetime import date

import pytest

from cap.models import (
    CallOutcome,
    Enquiry,
    MatchResult,
    Referral,
    ReferralStatus,
    ServiceUser,
    Task,
    TaskKind,
)
from cap.services import referral_log_written
from careplans.models import Episode
from tests.browser.pages import assert_accessible, fill_date, latest_history, sign_in
from tests.factories import GPPracticeFactory, PractitionerFactory, ServiceUserFactory, TeamFactory

pytestmark = [pytest.mark.browser]


def fill_call(page, *, caller: str, nature: str, said: str, outcome: str, done: str):
    page.get_by_label(caller, exact=True).check()
    page.get_by_label(nature, exact=True).check()
    page.get_by_label("What the caller said").fill(said)
    page.get_by_label(outcome, exact=True).check()
    page.get_by_label("What was given or done").fill(done)


def choose_known_person(page, person):
    page.locator("#person-search").get_by_label("NHS number").fill(person.nhs_number)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("button", name=f"Choose {person}").click()
    page.locator("#known-to-services").wait_for()


# --- Call handler ---------------------------------------------------------------------

def test_call_handler_logs_a_call_they_resolved_themselves(live_server, page, call_handler, password):
    sign_in(page, live_server.url, call_handler.username, password)
    page.get_by_role("link", name="Log a call").first.click()
    fill_call(page, caller="Member of the public", nature="General information",
              said="Asked for the CAP's opening hours", outcome="Resolved by the call handler",
              done="Gave the opening hours and the crisis line number")
    page.get_by_role("button", name="Save call").click()

    enquiry = Enquiry.objects.get()
    page.get_by_text(f"Call {enquiry.reference} logged.").wait_for()
    assert (enquiry.outcome_kind, enquiry.referral, enquiry.logged_by) == (
        CallOutcome.RESOLVED, None, call_handler)
    assert enquiry.outcome == "Gave the opening hours and the crisis line number"
    assert not Task.objects.exists() and not Referral.objects.exists()
    assert latest_history(enquiry, call_handler).history_type == "+"
    # The form is empty again for the next call.
    assert page.get_by_label("What the caller said").input_value() == ""


def test_call_handler_passes_a_call_about_someone_new_to_urgent_triage(
        live_server, page, call_handler, password):
    sign_in(page, live_server.url, call_handler.username, password)
    fill_call(page, caller="Carer", nature="Clinical", said="Her son has not slept for days",
              outcome="Passed to urgent clinical triage", done="Transferred to the urgent triage line")
    who = page.get_by_role("group", name="Who the call is about")
    who.get_by_label("First name").fill("Daniel")
    who.get_by_label("Last name").fill("Okonjo")
    fill_date(who, "Date of birth (optional)", date(2001, 6, 9))
    who.get_by_label("Postcode").fill("LE3 0QP")
    page.get_by_role("button", name="Save call").click()

    referral = Referral.objects.get()
    enquiry = Enquiry.objects.get()
    page.get_by_text(f"Call {enquiry.reference} logged, passed to triage as {referral.reference}.").wait_for()
    assert enquiry.referral == referral
    assert (referral.service_user.given_name, referral.service_user.family_name,
            referral.service_user.date_of_birth) == ("Daniel", "Okonjo", date(2001, 6, 9))
    assert referral.status == ReferralStatus.AWAITING_TRIAGE
    assert referral.urgent_triage_requested_at is not None
    assert referral.first_contact_at == enquiry.received_at
    assert latest_history(referral, call_handler).urgent_triage_requested_at is not None
    assert latest_history(enquiry, call_handler).history_type == "+"


def test_call_handler_routes_a_call_to_the_persons_existing_team(live_server, page, call_handler, password):
    person = ServiceUserFactory(given_name="Leah", family_name="Moss")
    team = TeamFactory(name="City West CTR Team")
    Episode.objects.create(service_user=person, team=team, opened_on=date(2026, 2, 1),
                           care_coordinator=PractitionerFactory(name="Priya Nair", teams=[team]))
    sign_in(page, live_server.url, call_handler.username, password)
    choose_known_person(page, person)
    fill_call(page, caller="Service user", nature="Navigation advice",
              said="Wants to talk to her care coordinator about her medication",
              outcome="Routed to the person's existing team", done="Told her the team will ring back today")
    assert_accessible(page)  # the call form with a chosen person, filled in
    page.get_by_role("button", name="Save call").click()

    enquiry = Enquiry.objects.get()
    page.get_by_text(f"Call {enquiry.reference} logged.").wait_for()
    assert (enquiry.outcome_kind, enquiry.service_user) == (CallOutcome.ROUTED_TO_TEAM, person)
    task = Task.objects.get()
    assert (task.kind, task.team, task.service_user, task.enquiry, task.done_at) == (
        TaskKind.ROUTED_CALL, team, person, enquiry, None)
    assert latest_history(task, call_handler).history_type == "+"
    assert not Referral.objects.exists()


def test_call_handler_passes_an_appointment_change_to_the_admin_team(
        live_server, page, call_handler, admin_team, password):
    person = ServiceUserFactory(given_name="Omar", family_name="Farah")
    sign_in(page, live_server.url, call_handler.username, password)
    choose_known_person(page, person)
    fill_call(page, caller="Service user", nature="Appointment change",
              said="Cannot make Thursday's assessment", outcome="Appointment change passed to the admin team",
              done="Asked for a morning next week")
    page.get_by_role("button", name="Save call").click()

    enquiry = Enquiry.objects.get()
    page.get_by_text(f"Call {enquiry.reference} logged.").wait_for()
    task = Task.objects.get()
    assert (task.kind, task.team, task.service_user, task.enquiry) == (
        TaskKind.APPOINTMENT_CHANGE, None, person, enquiry)
    assert latest_history(task, call_handler).history_type == "+"

    # The admin team finds it on their Tasks page.
    page.get_by_role("button", name="Log out").click()
    sign_in(page, live_server.url, admin_team.username, password)
    page.get_by_role("link", name="Tasks", exact=True).click()
    page.get_by_role("heading", name="Admin team tasks").wait_for()
    assert f"{enquiry.reference}: Asked for a morning next week" in page.locator("main").inner_text()
    assert_accessible(page)

    # ... and marks it done once the appointment is rearranged.
    page.get_by_role("button", name="Mark done").click()
    page.get_by_text("Task marked done: change an appointment for Omar Farah.").wait_for()
    assert "No open tasks." in page.locator("main").inner_text()
    task.refresh_from_db()
    assert task.done_at is not None


# --- Admin team -----------------------------------------------------------------------

def test_admin_team_logs_a_written_referral_and_adds_information_gathered_before_triage(
        live_server, page, admin_team, password):
    GPPracticeFactory(ods_code="C82001")
    sign_in(page, live_server.url, admin_team.username, password)
    page.get_by_role("link", name="Log a written referral").click()
    page.get_by_label("NHS number").fill("9434765919")
    page.get_by_label("First name").fill("Asha")
    page.get_by_label("Last name").fill("Patel")
    fill_date(page, "Date of birth", date(1984, 3, 15))
    page.get_by_label("Postcode").fill("LE2 7LX")
    page.get_by_label("GP practice ODS code").fill("C82001")
    page.get_by_label("Referrer's name").fill("Dr Helen Shaw")
    page.get_by_label("Reason for referral").fill("Low mood for several months")
    page.get_by_label("Urgency flagged by the referrer").select_option("urgent")
    page.get_by_label("Self-harm in the last week").check()
    page.get_by_role("button", name="Log referral for triage").click()

    referral = Referral.objects.get()
    page.get_by_text(f"Referral {referral.reference} logged for triage.").wait_for()
    assert (referral.service_user.nhs_number, referral.reason, referral.referrer_urgency) == (
        "9434765919", "Low mood for several months", "urgent")
    assert referral.risk_indicators == ["recent_self_harm"]
    assert referral.status == ReferralStatus.AWAITING_TRIAGE
    assert latest_history(referral, admin_team).history_type == "+"

    # On the referral page it was taken to, the admin adds what they found out.
    page.get_by_label("Information gathered").fill("Spoke to the GP: no change in medication")
    page.get_by_role("button", name="Add information").click()
    page.get_by_text("Information added to the referral.").wait_for()
    assert "Spoke to the GP: no change in medication" in page.locator("main").inner_text()
    referral.refresh_from_db()
    assert referral.additional_information.endswith(": Spoke to the GP: no change in medication")
    assert latest_history(referral, admin_team).additional_information == referral.additional_information
    assert_accessible(page)


def possible_match(admin_team, person, gp_referrer):
    """A person already known, and a referral without an NHS number for someone of the
    same family name and date of birth, waiting for an identity check."""
    known = ServiceUserFactory(given_name="Asha", family_name="Patel", date_of_birth=date(1984, 3, 15),
                               postcode="LE2 7LX", nhs_number=None)
    referral = referral_log_written(actor=admin_team, person=person(nhs_number="", given_name="Asha",
                                                                    family_name="Patel"),
                                    referrer=gp_referrer, reason="Low mood")
    assert referral.match_result == MatchResult.POSSIBLE_MATCH
    return known, referral


def open_identity_check(page, base, user, password, referral):
    sign_in(page, base, user.username, password)
    page.get_by_role("link", name="Identity checks").click()
    page.get_by_role("link", name=f"{referral.reference}:").click()
    page.get_by_role("heading", name="Is Asha Patel someone already known?").wait_for()


def test_admin_team_links_a_possible_match_to_the_person_already_known(
        live_server, page, admin_team, person, gp_referrer, password):
    known, referral = possible_match(admin_team, person, gp_referrer)
    provisional = referral.service_user
    open_identity_check(page, live_server.url, admin_team, password, referral)
    assert_accessible(page)
    page.get_by_label(f"{known}, born 15 March 1984").check()
    page.get_by_role("button", name="Link to the chosen person").click()

    page.get_by_text(f"Identity confirmed for {referral.reference}.").wait_for()
    page.get_by_text("No identity checks waiting.").wait_for()
    referral.refresh_from_db()
    provisional.refresh_from_db()
    assert (referral.service_user, referral.match_reviewed_by) == (known, admin_team)
    assert provisional.superseded_by == known  # kept, never deleted
    assert latest_history(provisional, admin_team).superseded_by_id == known.pk
    assert latest_history(referral, admin_team).service_user_id == known.pk
    assert_accessible(page)


def test_admin_team_confirms_a_possible_match_is_a_new_person(
        live_server, page, admin_team, person, gp_referrer, password):
    known, referral = possible_match(admin_team, person, gp_referrer)
    provisional = referral.service_user
    open_identity_check(page, live_server.url, admin_team, password, referral)
    page.get_by_role("button", name="This is a new person").click()

    page.get_by_text(f"Identity confirmed for {referral.reference}.").wait_for()
    referral.refresh_from_db()
    assert (referral.service_user, referral.match_reviewed_by) == (provisional, admin_team)
    assert referral.match_reviewed_at is not None
    assert ServiceUser.objects.get(pk=provisional.pk).superseded_by is None
    assert latest_history(referral, admin_team).match_reviewed_by_id == admin_team.pk
