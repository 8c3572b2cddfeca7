"""Every triage and alert action, through the UI in headless Chromium: each test signs in
as the role, does the action on its page, and checks what the user is told and the row (and
its history row) in the database. Routine and urgent assessments are in
test_triage_decisions.py, claiming in test_triage_queues.py, acknowledging from the
notification centre in test_alerts.py.

- triage clinician: assessment, very urgent (triage:decide)
  -> test_clinician_streams_a_very_urgent_assessment
- triage clinician: route to a directory service (triage:decide)
  -> test_clinician_routes_a_referral_to_a_service_from_the_directory
- triage clinician: route to an agency outside the directory (triage:decide)
  -> test_clinician_routes_a_referral_to_an_agency_not_in_the_directory
- triage clinician: route to the person's existing team (triage:decide)
  -> test_clinician_routes_to_the_existing_team_whose_task_is_then_marked_done
- triage clinician: team task done (followup:team_tasks, followup:team_task_done)
  -> test_clinician_routes_to_the_existing_team_whose_task_is_then_marked_done
- triage clinician: emergency services (triage:decide)
  -> test_clinician_routes_an_emergency_to_emergency_services
- triage clinician: request missing information (triage:decide)
  -> test_clinician_asks_for_missing_information_chases_it_and_records_what_came
- triage clinician: chase an information request (followup:information_requests, followup:information_chase)
  -> test_clinician_asks_for_missing_information_chases_it_and_records_what_came
- triage clinician: record the information received (followup:information_receive)
  -> test_clinician_asks_for_missing_information_chases_it_and_records_what_came
- triage clinician: send to the MDT huddle (triage:decide)
  -> test_clinician_sends_a_referral_to_the_huddle_and_records_its_discussion
- triage clinician: mark a huddle item discussed (followup:huddle_day, followup:huddle_item_discuss)
  -> test_clinician_sends_a_referral_to_the_huddle_and_records_its_discussion
- triage clinician: claim then release a referral in a queue (queues:claim, queues:release)
  -> test_clinician_claims_and_releases_a_referral_on_the_non_urgent_queue
- triage clinician: physical health checks first, and the GP letter (followup:physical_health_check,
  followup:physical_health_letter) -> test_clinician_asks_the_gp_for_physical_health_checks_first
- triage clinician: each urgent triage action kind but a crisis assessment arranged or completed
  (followup:urgent_action) -> test_clinician_records_an_urgent_triage_action[<kind>]
- triage clinician: urgent action, assessment completed (followup:urgent_action)
  -> test_clinician_records_a_completed_urgent_assessment
- manager: acknowledge an alert from the wait dashboard (alerts:acknowledge, on triage:dashboard)
  -> test_manager_acknowledges_a_breach_from_the_wait_dashboard
- triage clinician: mark a notification read (alerts:read, on alerts:index)
  -> test_clinician_marks_a_notification_read
"""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cap.models import Referral, ReferralStatus, Task, TaskKind
from cap.services import referral_log_written
from careplans.models import Episode
from directory import services as directory_services
from tests.browser.pages import assert_accessible, latest_history, sign_in
from tests.factories import PractitionerFactory, TeamFactory
from triage import services
from triage.models import (
    BreachAlert,
    DecisionOutcome,
    HuddleItem,
    InformationRequest,
    Notification,
    PhysicalHealthCheck,
    TriageClaim,
    TriageDecision,
    Urgency,
    UrgentAction,
)

pytestmark = [pytest.mark.browser]


@pytest.fixture
def referral(admin_team, person, gp_referrer):
    return referral_log_written(actor=admin_team, person=person(given_name="Noor", family_name="Hussain"),
                                referrer=gp_referrer, reason="Low mood and not sleeping")


def open_decision(page, live_server, user, password, referral):
    sign_in(page, live_server.url, user.username, password)
    page.goto(f"{live_server.url}{reverse('triage:decide', args=[referral.pk])}")


def record_decision(page, *, urgency: str, outcome: str, rationale: str):
    page.get_by_label(urgency, exact=True).check()
    page.get_by_label(outcome, exact=True).check()
    page.get_by_label("Clinical rationale").fill(rationale)
    page.get_by_role("button", name="Record decision").click()


def the_decision(referral, clinician, outcome, urgency) -> TriageDecision:
    decision = TriageDecision.objects.get(referral=referral)
    assert (decision.outcome, decision.urgency, decision.decided_by) == (outcome, urgency, clinician)
    assert latest_history(decision, clinician).history_type == "+"
    return decision


def assert_routed(referral, clinician):
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ROUTED
    assert latest_history(referral, clinician).status == ReferralStatus.ROUTED


# --- The decision's outcomes ----------------------------------------------------------

def test_clinician_streams_a_very_urgent_assessment(live_server, page, triage_clinician, password, referral):
    open_decision(page, live_server, triage_clinician, password, referral)
    page.get_by_label("Stream for assessment").check()
    page.get_by_label("Specialty stream").select_option("AMH")
    record_decision(page, urgency="Very urgent", outcome="Stream for assessment",
                    rationale="Distress escalating quickly; seen within 4 hours.")

    page.get_by_text(f"{referral.reference} streamed to Adult Mental Health for a very urgent "
                     "assessment").wait_for()
    decision = the_decision(referral, triage_clinician, DecisionOutcome.ASSESSMENT, Urgency.VERY_URGENT)
    assert (decision.stream, decision.target_timescale) == ("AMH", "4 hours")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.AWAITING_URGENT_ASSESSMENT
    assert referral.targets.filter(definition__code="assessment_4h", met_at__isnull=True).exists()


def test_clinician_routes_a_referral_to_a_service_from_the_directory(
        live_server, page, triage_clinician, knowledge_officer, password, referral):
    details = directory_services.ServiceDetails(
        name="Menphys Wellbeing Café", organisation="Voluntary Action", description="Peer support.",
        category="community_activity")
    service = directory_services.service_create(actor=knowledge_officer, details=details)
    open_decision(page, live_server, triage_clinician, password, referral)
    # The outcome first: its fields show under its radio.
    page.get_by_label("Route to services outside the trust", exact=True).check()
    page.get_by_label("Service from the directory").select_option(label="Menphys Wellbeing Café")
    record_decision(page, urgency="Routine", outcome="Route to services outside the trust",
                    rationale="Peer support meets the need; no assessment required.")

    page.get_by_text(f"{referral.reference} routed to Menphys Wellbeing Café").wait_for()
    decision = the_decision(referral, triage_clinician, DecisionOutcome.ROUTE_EXTERNAL, Urgency.ROUTINE)
    assert (decision.external_service, decision.external_agency) == (service, "")
    assert_routed(referral, triage_clinician)


def test_clinician_routes_a_referral_to_an_agency_not_in_the_directory(
        live_server, page, triage_clinician, password, referral):
    open_decision(page, live_server, triage_clinician, password, referral)
    # The outcome first: its fields show under its radio.
    page.get_by_label("Route to services outside the trust", exact=True).check()
    page.get_by_label("Or the agency's name").fill("NHS Talking Therapies")
    record_decision(page, urgency="Routine", outcome="Route to services outside the trust",
                    rationale="Mild to moderate anxiety: talking therapies first.")

    page.get_by_text(f"{referral.reference} routed to NHS Talking Therapies").wait_for()
    decision = the_decision(referral, triage_clinician, DecisionOutcome.ROUTE_EXTERNAL, Urgency.ROUTINE)
    assert (decision.external_service, decision.external_agency) == (None, "NHS Talking Therapies")
    assert_routed(referral, triage_clinician)


def test_clinician_routes_to_the_existing_team_whose_task_is_then_marked_done(
        live_server, page, triage_clinician, password, referral):
    team = TeamFactory(name="City West CTR Team")
    Episode.objects.create(service_user=referral.service_user, team=team, opened_on=date(2026, 1, 5),
                           care_coordinator=PractitionerFactory(name="Priya Nair", teams=[team]))
    open_decision(page, live_server, triage_clinician, password, referral)
    record_decision(page, urgency="Routine", outcome="Route to the person's existing team",
                    rationale="Already open to City West; their coordinator should review.")

    page.get_by_text(f"{referral.reference} routed to the person's existing team, "
                     "City West CTR Team").wait_for()
    decision = the_decision(referral, triage_clinician, DecisionOutcome.ROUTE_EXISTING_TEAM, Urgency.ROUTINE)
    assert decision.existing_team == team
    assert_routed(referral, triage_clinician)
    task = Task.objects.get()
    assert (task.kind, task.team, task.service_user, task.done_at) == (
        TaskKind.ROUTED_REFERRAL, team, referral.service_user, None)

    # The referral page links to the team's open task; marking it done closes it.
    page.goto(f"{live_server.url}{reverse('cap:referral', args=[referral.pk])}")
    page.get_by_role("link", name="See all open team tasks").click()
    page.get_by_role("heading", name="Team tasks").wait_for()
    assert_accessible(page)
    page.locator("#team-tasks").get_by_role("button", name="Mark done").click()
    page.get_by_text("Task for City West CTR Team marked done.").wait_for()
    page.get_by_text("No team tasks are open.").wait_for()
    task.refresh_from_db()
    assert (task.done_by, task.done_at is not None) == (triage_clinician, True)
    assert latest_history(task, triage_clinician).done_by_id == triage_clinician.pk


def test_clinician_routes_an_emergency_to_emergency_services(
        live_server, page, triage_clinician, password, referral):
    open_decision(page, live_server, triage_clinician, password, referral)
    record_decision(page, urgency="Emergency", outcome="Route to emergency services",
                    rationale="Taken an overdose this evening: 999 called.")

    page.get_by_text(f"{referral.reference} routed to emergency services").wait_for()
    the_decision(referral, triage_clinician, DecisionOutcome.EMERGENCY_SERVICES, Urgency.EMERGENCY)
    assert_routed(referral, triage_clinician)


def test_clinician_asks_for_missing_information_chases_it_and_records_what_came(
        live_server, page, triage_clinician, password, referral):
    open_decision(page, live_server, triage_clinician, password, referral)
    # The outcome first: its fields show under its radio.
    page.get_by_label("Ask for missing information", exact=True).check()
    page.get_by_label("The GP practice").check()
    page.get_by_label("What information is needed").fill("Current medication and recent bloods")
    record_decision(page, urgency="Routine", outcome="Ask for missing information",
                    rationale="Cannot judge the risk without the medication history.")

    page.get_by_text(f"{referral.reference}: information requested from the GP practice").wait_for()
    the_decision(referral, triage_clinician, DecisionOutcome.INFORMATION_REQUEST, Urgency.ROUTINE)
    info = InformationRequest.objects.get(referral=referral)
    assert (info.requested_from, info.what, info.chased_count) == (
        "gp", "Current medication and recent bloods", 0)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.AWAITING_TRIAGE  # its clock keeps running

    # Chased from the list of open requests.
    page.get_by_role("link", name="Information requests").click()
    assert_accessible(page)
    first_chase_due = info.chase_at
    page.get_by_role("button", name=f"Record a chase for {referral.reference}").click()
    page.get_by_text(f"Chase recorded for {referral.reference}; next chase due").wait_for()
    info.refresh_from_db()
    assert info.chased_count == 1 and info.chase_at >= first_chase_due
    assert latest_history(info, triage_clinician).chased_count == 1
    assert "Chased 1 time" in page.locator("#information-requests").inner_text()

    # Then the answer comes.
    page.get_by_role("link", name=f"Record what was received for {referral.reference}").click()
    assert_accessible(page)
    page.get_by_label("What was received").fill("Sertraline 100mg; bloods normal in March")
    page.get_by_role("button", name="Record as received").click()
    page.get_by_text(f"Information received for {referral.reference}.").wait_for()
    page.get_by_text("No information requests are waiting.").wait_for()
    info.refresh_from_db()
    assert (info.response, info.received_at is not None) == ("Sertraline 100mg; bloods normal in March", True)
    assert latest_history(info, triage_clinician).received_at == info.received_at


def test_clinician_sends_a_referral_to_the_huddle_and_records_its_discussion(
        live_server, page, triage_clinician, password, referral):
    open_decision(page, live_server, triage_clinician, password, referral)
    # The outcome first: its fields show under its radio.
    page.get_by_label("Take to the MDT huddle", exact=True).check()
    page.get_by_label("The question for the huddle").fill("Is this one for the eating disorder team?")
    record_decision(page, urgency="Routine", outcome="Take to the MDT huddle",
                    rationale="Weight loss and low mood: which team leads is unclear.")

    item = HuddleItem.objects.select_related("huddle").get(referral=referral)
    day = item.huddle.held_on
    page.get_by_text(f"{referral.reference} sent to the MDT huddle on {day:%a} {day.day} {day:%b}").wait_for()
    the_decision(referral, triage_clinician, DecisionOutcome.HUDDLE, Urgency.ROUTINE)
    assert (item.question, item.added_by, item.discussed_at) == (
        "Is this one for the eating disorder team?", triage_clinician, None)

    # At the huddle: reached from the referral page's link to that day's agenda.
    page.goto(f"{live_server.url}{reverse('cap:referral', args=[referral.pk])}")
    page.locator("main").get_by_role("link", name=str(item.huddle)).click()
    page.get_by_role("heading", name="Agenda").wait_for()
    assert_accessible(page)
    page.get_by_label("Discussion and outcome").fill("Agreed: adult mental health with dietetic advice.")
    page.get_by_role("button", name=f"Record the discussion of {referral.reference}").click()
    page.get_by_text(f"Discussion of {referral.reference} recorded.").wait_for()
    page.get_by_role("link", name=f"Record the triage decision for {referral.reference}").wait_for()
    item.refresh_from_db()
    assert (item.discussion, item.discussed_at is not None) == (
        "Agreed: adult mental health with dietetic advice.", True)
    assert latest_history(item, triage_clinician).discussion == item.discussion
    assert list(item.huddle.attendees.all()) == [triage_clinician]
    assert_accessible(page)


# --- The queues ---------------------------------------------------------------------

def test_clinician_claims_and_releases_a_referral_on_the_non_urgent_queue(
        live_server, page, triage_clinician, password, referral):
    sign_in(page, live_server.url, triage_clinician.username, password)
    page.get_by_role("link", name="Non-urgent queue").click()
    row = page.locator(f"tr[data-referral='{referral.reference}']")
    row.get_by_role("button", name=f"Claim {referral.reference}").click()
    page.get_by_text(f"You are working on {referral.reference} until").wait_for()
    claim = TriageClaim.objects.get(referral=referral)
    assert claim.clinician == triage_clinician and claim.expires_at > timezone.now()

    row.get_by_role("button", name=f"Release {referral.reference}").click()
    page.get_by_text(f"You have released {referral.reference}.").wait_for()
    assert "Not claimed" in row.inner_text()
    assert not TriageClaim.objects.filter(referral=referral).exists()
    assert_accessible(page)


# --- Around the decision ------------------------------------------------------------

def test_clinician_asks_the_gp_for_physical_health_checks_first(
        live_server, page, triage_clinician, password, referral):
    sign_in(page, live_server.url, triage_clinician.username, password)
    page.goto(f"{live_server.url}{reverse('cap:referral', args=[referral.pk])}")
    page.get_by_role("link", name="Ask the GP for physical health checks first").click()
    assert_accessible(page)
    page.get_by_label("Physical health checks needed").fill("Thyroid function, B12 and folate")
    page.get_by_label("Advice given to the person").fill("Told Noor by phone to book with her GP")
    page.get_by_role("button", name="Write the letter").click()

    page.get_by_text("Letter to the GP ready to print.").wait_for()
    check = PhysicalHealthCheck.objects.get(referral=referral)
    assert (check.checks_needed, check.requested_by) == ("Thyroid function, B12 and folate", triage_clinician)
    assert "Thyroid function, B12 and folate" in check.letter
    assert latest_history(check, triage_clinician).history_type == "+"
    assert "Thyroid function, B12 and folate" in page.locator("main").inner_text()
    assert referral.reference in page.locator("main").inner_text()
    assert_accessible(page)


def open_urgent_action(page, live_server, user, password, referral):
    sign_in(page, live_server.url, user.username, password)
    page.goto(f"{live_server.url}{reverse('cap:referral', args=[referral.pk])}")
    page.get_by_role("link", name="Record an urgent triage action").click()
    page.get_by_role("heading", name="Record an urgent triage action").wait_for()


# Arranging the crisis assessment books a practitioner's diary after the decision:
# test_actions_crisis_assessment.py.
URGENT_ACTIONS_BEFORE_ASSESSMENT = [k for k in UrgentAction.Kind
                                    if k not in (UrgentAction.Kind.ASSESSMENT_COMPLETED,
                                                 UrgentAction.Kind.CRISIS_ASSESSMENT_ARRANGED)]


@pytest.mark.parametrize("kind", URGENT_ACTIONS_BEFORE_ASSESSMENT)
def test_clinician_records_an_urgent_triage_action(
        live_server, page, triage_clinician, password, referral, kind):
    Referral.objects.filter(pk=referral.pk).update(urgent_triage_requested_at=timezone.now())
    open_urgent_action(page, live_server, triage_clinician, password, referral)
    if kind == UrgentAction.Kind.TELEPHONE_ADVICE:
        assert_accessible(page)
    page.get_by_label(kind.label, exact=True).check()
    page.get_by_label("Who (optional)", exact=True).fill("Crisis resolution team")
    page.get_by_label("Where (optional)", exact=True).fill("At home")
    page.get_by_label("Notes (optional)").fill("Spoke with Noor and her sister")
    page.get_by_role("button", name="Record the action").click()

    page.get_by_text(f"{kind.label} recorded for {referral.reference}.").wait_for()
    assert kind.label in page.locator("main").inner_text()  # listed on the referral page
    action = UrgentAction.objects.get(referral=referral)
    assert (action.kind, action.who, action.where, action.recorded_by) == (
        kind, "Crisis resolution team", "At home", triage_clinician)
    assert latest_history(action, triage_clinician).history_type == "+"
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.AWAITING_TRIAGE
    # Only a transfer takes the referral off the urgent queue.
    assert (referral.urgent_triage_requested_at is None) == (kind == UrgentAction.Kind.TRANSFER_NON_URGENT)


def test_clinician_records_a_completed_urgent_assessment(
        live_server, page, triage_clinician, password, referral):
    services.triage_decision_record(actor=triage_clinician, referral=referral, urgency=Urgency.URGENT,
                                    outcome=DecisionOutcome.ASSESSMENT, stream="AMH",
                                    rationale="Seen within 24 hours.")
    open_urgent_action(page, live_server, triage_clinician, password, referral)
    page.get_by_label("Assessment completed", exact=True).check()
    page.get_by_label("Who (optional)", exact=True).fill("Urgent care hub nurse")
    page.get_by_label("Crisis resolution and home treatment").check()
    page.get_by_role("button", name="Record the action").click()

    page.get_by_text(f"Assessment completed recorded for {referral.reference}.").wait_for()
    action = UrgentAction.objects.get(referral=referral)
    assert (action.kind, action.recorded_by) == (UrgentAction.Kind.ASSESSMENT_COMPLETED, triage_clinician)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ASSESSED
    assert latest_history(referral, triage_clinician).status == ReferralStatus.ASSESSED
    assert referral.targets.get(definition__code="assessment_24h").met_at is not None
    # Assessed: no further urgent action is offered.
    assert page.get_by_role("link", name="Record an urgent triage action").count() == 0


# --- Alerts -------------------------------------------------------------------------

def breached(admin_team, person, gp_referrer) -> Referral:
    """A referral whose triage review target breached, and the alerts the watcher raised."""
    with time_machine.travel(timezone.now() - timedelta(days=6), tick=False):
        late = referral_log_written(actor=admin_team, person=person(given_name="Ravi"),
                                    referrer=gp_referrer, reason="Low mood")
    services.scan_breaches()
    # The dashboard lists the breaches of today: this one breached days ago, so it is
    # moved to now (the watcher's timing is not what these tests are about).
    BreachAlert.objects.filter(target__referral=late).update(occurred_at=timezone.now())
    return late


def test_manager_acknowledges_a_breach_from_the_wait_dashboard(
        live_server, page, admin_team, manager, person, gp_referrer, password):
    late = breached(admin_team, person, gp_referrer)
    alert = BreachAlert.objects.get(target__referral=late, kind="breached")
    sign_in(page, live_server.url, manager.username, password)
    page.get_by_role("link", name="Wait dashboard").click()
    page.get_by_role("button", name=f"Acknowledge the breach of {late.reference}").click()

    page.get_by_text(f"Alert acknowledged: {late.reference} breached.").wait_for()
    assert page.url.endswith("/dashboard/")
    assert page.get_by_role("button", name=f"Acknowledge the breach of {late.reference}").count() == 0
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.acknowledged_at is not None, alert.next_repeat_at) == (
        manager, True, None)
    # Every notification of an acknowledged alert is read.
    assert not Notification.objects.filter(alert_ids__contains=[alert.pk], read_at__isnull=True).exists()
    assert_accessible(page)


def test_clinician_marks_a_notification_read(
        live_server, page, admin_team, triage_clinician, person, gp_referrer, password):
    late = breached(admin_team, person, gp_referrer)
    sign_in(page, live_server.url, triage_clinician.username, password)
    assert page.locator("#header-alerts [data-count='unread-alerts']").inner_text() == "1"
    page.locator("#header-alerts").click()
    page.get_by_role("heading", name="Alerts").wait_for()
    assert late.reference in page.locator("[data-notification]").inner_text()
    page.get_by_role("button", name="Mark as read").click()

    page.get_by_text("No unread alerts.").wait_for()
    assert page.locator("#header-alerts [data-count='unread-alerts']").inner_text() == "0"
    notification = Notification.objects.get(queue="non_urgent")
    assert (notification.read_by, notification.read_at is not None) == (triage_clinician, True)
    # Read is not acknowledged: the alert still waits for someone to act on it.
    assert BreachAlert.objects.get(target__referral=late, kind="breached").acknowledged_at is None
    assert_accessible(page)
    page.get_by_role("link", name="Show read notifications too").click()
    assert "; read" in page.locator("[data-notification]").inner_text()
