"""Triage decisions: every outcome through the service, and the same rules through the
decision form and POST /api/v1/referrals/{id}/triage/."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from cap.models import RecordAccess, ReferralStatus, Task, TaskKind
from cap.services import referral_log_written
from careplans.models import Episode
from core.errors import Conflict, Invalid
from directory.models import CommunityService
from scheduling.models import Discipline
from tests.factories import PractitionerFactory, TeamFactory, UserFactory, api_token
from triage import services
from triage.models import HuddleItem, InformationRequest, TriageDecision, WaitTarget
from triage.services import Decision
from triage.views import decisions

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def new_referral(admin_team, person, gp_referrer):
    def make(**details):
        details.setdefault("reason", "Low mood for several months")
        return referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer, **details)

    return make


@pytest.fixture
def community_service():
    return CommunityService.objects.create(
        name="Leicestershire Talking Therapies", organisation="Vita Health Group",
        description="Talking therapies for anxiety and depression.", category="Mental health")


def decide(actor, referral, **fields):
    fields.setdefault("rationale", "Clinical reasoning.")
    return services.triage_decision_record(actor=actor, referral=referral, decision=Decision(**fields))


def targets_of(referral):
    return {t.definition.code: t for t in WaitTarget.objects.filter(referral=referral)
            .select_related("definition")}


def running_codes(referral):
    return {code for code, t in targets_of(referral).items()
            if t.met_at is None and t.cancelled_at is None}


def refreshed(referral):
    referral.refresh_from_db()
    return referral


# --- Every outcome, through the service -------------------------------------------------

def test_routine_assessment_awaits_booking_with_booking_and_routine_assessment_targets(
        triage_clinician, new_referral):
    referral = new_referral()
    record = decide(triage_clinician, referral, urgency="routine", outcome="assessment", stream="AMH",
                    disciplines=(Discipline.objects.get(code="nurse"),), setting="clinic")

    assert refreshed(referral).status == ReferralStatus.AWAITING_BOOKING
    assert running_codes(referral) == {"booking", "routine_assessment"}
    assert targets_of(referral)["triage_review"].met_at == record.decided_at
    assert (record.stream, record.target_timescale, record.setting) == ("AMH", "28 days", "clinic")
    assert [d.code for d in record.disciplines.all()] == ["nurse"]
    assert record.decided_by == triage_clinician


def test_very_urgent_assessment_is_due_exactly_four_hours_after_first_contact(
        triage_clinician, new_referral):
    referral = new_referral(received_at=timezone.now() - timedelta(minutes=75))
    decide(triage_clinician, referral, urgency="very_urgent", outcome="assessment", stream="AMH")

    assert refreshed(referral).status == ReferralStatus.AWAITING_URGENT_ASSESSMENT
    target = targets_of(referral)["assessment_4h"]
    assert target.started_at == referral.first_contact_at
    assert target.due_at == referral.first_contact_at + timedelta(hours=4)
    assert running_codes(referral) == {"assessment_4h"}


def test_urgent_assessment_starts_the_24_hour_target(triage_clinician, new_referral):
    referral = new_referral()
    record = decide(triage_clinician, referral, urgency="urgent", outcome="assessment", stream="MHSOP")

    assert refreshed(referral).status == ReferralStatus.AWAITING_URGENT_ASSESSMENT
    assert running_codes(referral) == {"assessment_24h"}
    assert targets_of(referral)["assessment_24h"].due_at == referral.first_contact_at + timedelta(hours=24)
    assert record.target_timescale == "24 hours"


def test_routing_to_a_directory_service_routes_the_referral(triage_clinician, new_referral,
                                                            community_service):
    referral = new_referral()
    record = decide(triage_clinician, referral, urgency="routine", outcome="route_external",
                    external_service=community_service)

    assert refreshed(referral).status == ReferralStatus.ROUTED
    assert record.external_service == community_service
    assert running_codes(referral) == set()


def test_routing_to_an_agency_outside_the_directory_names_it(triage_clinician, new_referral):
    referral = new_referral()
    record = decide(triage_clinician, referral, urgency="routine", outcome="route_external",
                    external_agency="GP")

    assert refreshed(referral).status == ReferralStatus.ROUTED
    assert record.external_agency == "GP"


def test_routing_externally_needs_a_service_or_an_agency(triage_clinician, new_referral):
    with pytest.raises(Invalid) as error:
        decide(triage_clinician, new_referral(), urgency="routine", outcome="route_external")
    assert error.value.field == "external_agency"


def test_routing_to_the_existing_team_tasks_the_team_of_the_open_episode(triage_clinician,
                                                                         new_referral):
    referral = new_referral()
    team = TeamFactory(name="City East CTR Team")
    Episode.objects.create(service_user=referral.service_user, team=TeamFactory(),
                           opened_on=timezone.localdate() - timedelta(days=400),
                           closed_on=timezone.localdate() - timedelta(days=100))
    Episode.objects.create(service_user=referral.service_user, team=team,
                           opened_on=timezone.localdate() - timedelta(days=30))

    record = decide(triage_clinician, referral, urgency="routine", outcome="route_existing_team")

    assert refreshed(referral).status == ReferralStatus.ROUTED
    assert record.existing_team == team
    task = Task.objects.get()
    assert (task.kind, task.team, task.service_user) == (TaskKind.ROUTED_REFERRAL, team,
                                                         referral.service_user)
    assert referral.reference in task.description


def test_routing_to_the_existing_team_without_an_open_episode_asks_for_the_team(
        triage_clinician, new_referral):
    with pytest.raises(Invalid) as error:
        decide(triage_clinician, new_referral(), urgency="routine", outcome="route_existing_team")
    assert error.value.field == "existing_team"
    assert not TriageDecision.objects.exists()


def test_an_emergency_is_routed_to_emergency_services(triage_clinician, new_referral):
    referral = new_referral()
    record = decide(triage_clinician, referral, urgency="emergency", outcome="emergency_services")

    assert refreshed(referral).status == ReferralStatus.ROUTED
    assert record.outcome == "emergency_services"


@pytest.mark.parametrize("urgency, outcome", [("urgent", "emergency_services"),
                                              ("emergency", "assessment")])
def test_emergency_services_only_and_always_for_an_emergency(triage_clinician, new_referral,
                                                             urgency, outcome):
    referral = new_referral()
    with pytest.raises(Invalid) as error:
        decide(triage_clinician, referral, urgency=urgency, outcome=outcome, stream="AMH")
    assert error.value.field == "outcome"
    assert refreshed(referral).status == ReferralStatus.AWAITING_TRIAGE


def test_information_request_leaves_the_referral_awaiting_triage_with_its_clock_running(
        triage_clinician, new_referral):
    referral = new_referral()
    decide(triage_clinician, referral, urgency="routine", outcome="information_request",
           information_from="referrer", information_needed="Current medication")

    assert refreshed(referral).status == ReferralStatus.AWAITING_TRIAGE
    assert running_codes(referral) == {"triage_review"}
    request = InformationRequest.objects.get(referral=referral)
    assert (request.requested_from, request.what, request.requested_by) == (
        "referrer", "Current medication", triage_clinician)


def test_huddle_puts_the_referral_on_the_next_huddle_days_agenda(triage_clinician, new_referral):
    # Monday 23 November 2026 at 14:00, after that day's 11:00 huddle.
    with time_machine.travel(datetime(2026, 11, 23, 14, 0, tzinfo=LONDON), tick=False):
        referral = new_referral()
        decide(triage_clinician, referral, urgency="routine", outcome="huddle",
               huddle_question="CTR or older people's team?")

    assert refreshed(referral).status == ReferralStatus.AWAITING_TRIAGE
    assert running_codes(referral) == {"triage_review"}
    item = HuddleItem.objects.select_related("huddle").get(referral=referral)
    assert item.huddle.held_on.isoformat() == "2026-11-24"
    assert item.question == "CTR or older people's team?"


def test_a_triaged_referral_cannot_be_decided_again(triage_clinician, new_referral):
    referral = new_referral()
    decide(triage_clinician, referral, urgency="routine", outcome="assessment", stream="AMH")
    with pytest.raises(Conflict):
        decide(triage_clinician, referral, urgency="urgent", outcome="assessment", stream="AMH")
    assert TriageDecision.objects.count() == 1


# --- Suggestion and override --------------------------------------------------------------

def test_overriding_the_suggested_urgency_is_recorded(triage_clinician, new_referral):
    referral = new_referral(risk_indicators=["intent_with_plan"])
    assert referral.suggested_urgency == "very_urgent"

    record = decide(triage_clinician, referral, urgency="urgent", outcome="assessment", stream="AMH")

    assert (record.suggested_urgency, record.urgency, record.urgency_overridden) == (
        "very_urgent", "urgent", True)


def test_accepting_the_suggested_urgency_is_not_an_override(triage_clinician, new_referral):
    referral = new_referral(risk_indicators=["referrer_flagged_crisis"])
    record = decide(triage_clinician, referral, urgency="urgent", outcome="assessment", stream="AMH")
    assert (record.suggested_urgency, record.urgency_overridden) == ("urgent", False)


def test_a_decision_is_immutable(triage_clinician, new_referral):
    record = decide(triage_clinician, new_referral(), urgency="routine", outcome="assessment",
                    stream="AMH")
    record.urgency = "urgent"
    with pytest.raises(ValueError, match="immutable"):
        record.save()
    assert TriageDecision.objects.get().urgency == "routine"


# --- Claims ---------------------------------------------------------------------------------

@pytest.fixture
def colleague(reference_data):
    return UserFactory(username="other.clinician", first_name="Ruth", last_name="Ellis",
                       role=roles.TRIAGE_CLINICIAN)


def test_a_decision_while_a_colleague_holds_a_live_claim_is_refused(triage_clinician, colleague,
                                                                    new_referral):
    referral = new_referral()
    services.claim_referral(actor=colleague, referral=referral)
    with pytest.raises(Conflict, match="Ruth Ellis"):
        decide(triage_clinician, referral, urgency="routine", outcome="assessment", stream="AMH")
    assert not TriageDecision.objects.exists()


def test_a_decision_after_a_colleagues_claim_expired_is_recorded(triage_clinician, colleague,
                                                                 new_referral):
    referral = new_referral()
    services.claim_referral(actor=colleague, referral=referral,
                            now=timezone.now() - timedelta(minutes=services.CLAIM_MINUTES + 1))
    decide(triage_clinician, referral, urgency="routine", outcome="assessment", stream="AMH")
    assert refreshed(referral).status == ReferralStatus.AWAITING_BOOKING


# --- The decision form ------------------------------------------------------------------

def decide_url(referral):
    return reverse("triage:decide", args=[referral.pk])


def test_form_shows_the_risk_indicators_and_preselects_the_suggested_urgency(
        client_for, triage_clinician, new_referral):
    referral = new_referral(risk_indicators=["intent_with_plan", "recent_self_harm"])
    page = client_for(triage_clinician).get(decide_url(referral)).content.decode()

    assert "Current intent to end life, with a plan" in page
    assert "Self-harm in the last week" in page
    assert "The urgency rules suggest: <strong>Very urgent</strong>" in page
    assert 'value="very_urgent" checked' in page
    for outcome in ["assessment", "route_external", "route_existing_team", "emergency_services",
                    "information_request", "huddle"]:
        assert f'name="outcome" type="radio" value="{outcome}"' in page
    # Each outcome's fields sit under its radio (tests/triage/test_decide_page.py).
    for outcome in ["assessment", "route_external", "route_existing_team", "information_request",
                    "huddle"]:
        assert f'id="id_outcome-{outcome}-reveal"' in page


def test_form_records_a_routine_assessment_and_says_where_it_went(client_for, triage_clinician,
                                                                  new_referral):
    referral = new_referral()
    team = TeamFactory()
    practitioner = PractitionerFactory(name="Grace Okafor", teams=[team])
    client = client_for(triage_clinician)
    response = client.post(decide_url(referral), {
        "urgency": "routine", "outcome": "assessment", "stream": "AMH",
        "disciplines": ["nurse", "social_worker"], "named_team": team.pk,
        "named_practitioners": [practitioner.pk],
        "setting": "home", "requirements": "Interpreter (Gujarati)", "rationale": "Stable.",
    })

    assert response.status_code == 302 and response["Location"] == reverse("triage:worklist")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Triage decision recorded: {referral.reference} streamed to Adult Mental Health "
        "for a routine assessment."]
    record = TriageDecision.objects.get()
    assert sorted(record.disciplines.values_list("code", flat=True)) == ["nurse", "social_worker"]
    assert list(record.named_practitioners.all()) == [practitioner]
    assert (record.setting, record.requirements) == ("home", "Interpreter (Gujarati)")
    assert refreshed(referral).status == ReferralStatus.AWAITING_BOOKING


def test_form_says_an_urgent_assessment_with_an_article_that_reads(client_for, triage_clinician,
                                                                   new_referral):
    referral = new_referral()
    response = client_for(triage_clinician).post(decide_url(referral), {
        "urgency": "urgent", "outcome": "assessment", "stream": "LD", "rationale": "Crisis."})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Triage decision recorded: {referral.reference} streamed to Learning Disabilities "
        "for an urgent assessment."]


def test_form_requests_information_and_says_from_whom(client_for, triage_clinician, new_referral):
    referral = new_referral()
    response = client_for(triage_clinician).post(decide_url(referral), {
        "urgency": "routine", "outcome": "information_request", "information_from": "referrer",
        "information_needed": "Current medication", "rationale": "Need the medication list."})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Triage decision recorded: {referral.reference}: information requested from the referrer."]
    assert InformationRequest.objects.filter(referral=referral).exists()


def test_form_sends_to_the_huddle_and_says_which_day(client_for, triage_clinician, new_referral):
    with time_machine.travel(datetime(2026, 11, 23, 14, 0, tzinfo=LONDON), tick=False):
        referral = new_referral()
        response = client_for(triage_clinician).post(decide_url(referral), {
            "urgency": "routine", "outcome": "huddle", "huddle_question": "Which team?",
            "rationale": "Unclear specialty."})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Triage decision recorded: {referral.reference} sent to the MDT huddle on Tue 24 Nov."]


def test_form_routes_to_the_existing_team_and_names_it(client_for, triage_clinician, new_referral):
    referral = new_referral()
    team = TeamFactory(name="City East CTR Team")
    response = client_for(triage_clinician).post(decide_url(referral), {
        "urgency": "routine", "outcome": "route_existing_team", "existing_team": team.pk,
        "rationale": "Known to City East."})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Triage decision recorded: {referral.reference} routed to the person's existing team, "
        "City East CTR Team."]
    assert Task.objects.get().team == team


def test_form_without_a_rationale_is_summarised_and_keeps_what_was_typed(
        client_for, triage_clinician, new_referral):
    referral = new_referral()
    response = client_for(triage_clinician).post(decide_url(referral), {
        "urgency": "urgent", "outcome": "assessment", "stream": "CAMHS",
        "requirements": "Wheelchair access"})
    page = response.content.decode()

    assert response.status_code == 200
    assert "There is a problem" in page
    assert '<a href="#id_rationale">Enter clinical rationale</a>' in page
    assert 'value="urgent" checked' in page
    assert '<option value="CAMHS" selected>' in page
    assert "Wheelchair access</textarea>" in page
    assert not TriageDecision.objects.exists()


def test_form_shows_the_services_refusal_on_the_field_it_names(client_for, triage_clinician,
                                                               new_referral):
    referral = new_referral()
    response = client_for(triage_clinician).post(decide_url(referral), {
        "urgency": "routine", "outcome": "assessment", "rationale": "Needs assessing."})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "stream": ["Choose the specialty stream for the assessment."]}
    assert not TriageDecision.objects.exists()


def test_form_refuses_a_decision_while_a_colleague_holds_a_live_claim(
        client_for, triage_clinician, colleague, new_referral):
    referral = new_referral()
    services.claim_referral(actor=colleague, referral=referral)
    response = client_for(triage_clinician).post(decide_url(referral), {
        "urgency": "routine", "outcome": "assessment", "stream": "AMH", "rationale": "x"})
    assert response.status_code == 200
    assert "Ruth Ellis is working on" in response.content.decode()
    assert not TriageDecision.objects.exists()


def test_opening_the_decision_form_logs_who_read_the_persons_record(client_for, triage_clinician,
                                                                    new_referral):
    referral = new_referral()
    assert client_for(triage_clinician).get(decide_url(referral)).status_code == 200

    access = RecordAccess.objects.get()
    assert (access.user, access.service_user, access.referral, access.context) == (
        triage_clinician, referral.service_user, referral, "triage decision")


def test_the_decision_form_shown_again_with_its_errors_logs_the_read_once(client_for, triage_clinician,
                                                                          new_referral):
    referral = new_referral()
    response = client_for(triage_clinician).post(decide_url(referral), {
        "urgency": "routine", "outcome": "assessment", "rationale": "Needs assessing."})

    assert response.status_code == 200
    assert list(RecordAccess.objects.values_list("user", "referral", "context")) == [
        (triage_clinician.pk, referral.pk, "triage decision")]


def test_a_recorded_decision_shows_the_person_nothing_more_and_logs_no_read(client_for, triage_clinician,
                                                                            new_referral):
    referral = new_referral()
    response = client_for(triage_clinician).post(decide_url(referral), {
        "urgency": "routine", "outcome": "assessment", "stream": "AMH", "rationale": "Stable."})

    assert response.status_code == 302
    assert not RecordAccess.objects.exists()


def test_logging_the_read_adds_one_insert_to_the_decision_form_and_nothing_else(
        client_for, triage_clinician, new_referral, monkeypatch):
    referral = new_referral()
    client = client_for(triage_clinician)
    client.get(decide_url(referral))  # the first request after signing in writes the session

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(decide_url(referral)).status_code == 200
        return [query["sql"] for query in captured]

    logged = queries()
    monkeypatch.setattr(decisions, "record_access_log", lambda **kwargs: None)
    unlogged = queries()

    assert len(logged) == len(unlogged) + 1
    added = [sql for sql in logged if sql.startswith("INSERT")]
    assert len(added) == 1 and added[0].startswith('INSERT INTO "cap_recordaccess"')


@pytest.mark.parametrize("persona", ["admin_team", "call_handler"])
def test_only_triage_clinicians_open_or_post_the_decision_form(client_for, request, persona,
                                                               new_referral):
    referral = new_referral()
    client = client_for(request.getfixturevalue(persona))
    assert client.get(decide_url(referral)).status_code == 403
    response = client.post(decide_url(referral), {
        "urgency": "routine", "outcome": "assessment", "stream": "AMH", "rationale": "x"})
    assert response.status_code == 403
    assert not TriageDecision.objects.exists()
    assert not RecordAccess.objects.exists()


# --- The API ----------------------------------------------------------------------------

def post_decision(client, user, referral, body):
    token = api_token(user)
    return client.post(reverse("api:triage", args=[referral.pk]), body,
                       content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}")


def test_api_records_an_assessment_with_its_requirements_and_lists_the_decision(
        client, triage_clinician, new_referral):
    referral = new_referral(risk_indicators=["intent_with_plan"])
    practitioner = PractitionerFactory()
    response = post_decision(client, triage_clinician, referral, {
        "urgency": "urgent", "outcome": "assessment", "stream": "MHSOP_MEMORY",
        "rationale": "Rapid decline.", "disciplines": ["consultant_psychiatrist", "nurse"],
        "named_practitioners": [practitioner.pk], "setting": "home",
        "requirements": "Daughter present",
    })

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["urgency"], body["stream"]) == (
        "awaiting_urgent_assessment", "urgent", "MHSOP_MEMORY")
    # The very urgent clock intake started from the risk indicator stops, the urgency
    # revised by triage; the urgent one runs from the first contact.
    assert {t["code"]: (t["state"], t["cancel_reason"]) for t in body["targets"]} == {
        "triage_review": ("met", ""), "assessment_4h": ("cancelled", "urgency revised by triage"),
        "urgent_triage_response": ("met", ""), "assessment_24h": ("running", "")}
    assert set(body["targets"][0]) == {"code", "started_at", "due_at", "met_at", "state", "provisional",
                                       "cancelled_at", "cancel_reason"}
    [decision] = body["decisions"]
    assert {k: v for k, v in decision.items() if k != "decided_at"} == {
        "urgency": "urgent", "suggested_urgency": "very_urgent", "urgency_overridden": True,
        "outcome": "assessment", "stream": "MHSOP_MEMORY", "decided_by": "triage.clinician",
        # The timescale the decision gave, shown as triage chose it: within the urgent default,
        # so it sets nothing and needs no reason.
        "target_timescale": "24 hours", "timescale_sets_due": False, "timescale_reason": None}
    record = TriageDecision.objects.get()
    assert sorted(record.disciplines.values_list("code", flat=True)) == [
        "consultant_psychiatrist", "nurse"]
    assert list(record.named_practitioners.all()) == [practitioner]
    assert (record.setting, record.target_timescale) == ("home", "24 hours")


def test_api_routes_to_a_directory_service_and_an_existing_team(client, triage_clinician,
                                                                new_referral, community_service):
    external = new_referral()
    response = post_decision(client, triage_clinician, external, {
        "urgency": "routine", "outcome": "route_external", "rationale": "Mild anxiety.",
        "external_service": community_service.pk})
    assert response.status_code == 201
    assert (response.json()["status"], response.json()["stream"]) == ("routed", None)

    known = new_referral()
    team = TeamFactory()
    response = post_decision(client, triage_clinician, known, {
        "urgency": "routine", "outcome": "route_existing_team", "rationale": "Known.",
        "existing_team": team.pk})
    assert response.status_code == 201
    assert Task.objects.get().team == team


def test_api_records_information_requests_and_huddle_items_leaving_triage_open(
        client, triage_clinician, new_referral):
    asked = new_referral()
    response = post_decision(client, triage_clinician, asked, {
        "urgency": "routine", "outcome": "information_request", "rationale": "Missing meds.",
        "information_from": "gp", "information_needed": "Medication list"})
    assert response.status_code == 201
    assert response.json()["status"] == "awaiting_triage"
    assert {t["code"]: t["state"] for t in response.json()["targets"]} == {"triage_review": "running"}
    assert InformationRequest.objects.get().requested_from == "gp"

    huddled = new_referral()
    response = post_decision(client, triage_clinician, huddled, {
        "urgency": "routine", "outcome": "huddle", "rationale": "Unclear.",
        "huddle_question": "Which stream?"})
    assert response.status_code == 201
    assert HuddleItem.objects.filter(referral=huddled).exists()


def test_api_answers_409_while_a_colleague_holds_a_live_claim(client, triage_clinician, colleague,
                                                              new_referral):
    referral = new_referral()
    services.claim_referral(actor=colleague, referral=referral)
    response = post_decision(client, triage_clinician, referral, {
        "urgency": "routine", "outcome": "assessment", "stream": "AMH", "rationale": "x"})
    assert response.status_code == 409
    assert "Ruth Ellis" in response.json()["detail"]
    assert not TriageDecision.objects.exists()


@pytest.mark.parametrize("persona", ["admin_team", "call_handler"])
def test_api_refuses_anyone_but_a_triage_clinician(client, request, persona, new_referral):
    referral = new_referral()
    response = post_decision(client, request.getfixturevalue(persona), referral, {
        "urgency": "routine", "outcome": "assessment", "stream": "AMH", "rationale": "x"})
    assert response.status_code == 403
    assert not TriageDecision.objects.exists()


@pytest.mark.parametrize("change, field", [
    ({"stream": "ADULT"}, "stream"),
    ({"disciplines": ["astrologer"]}, "disciplines"),
    ({"named_practitioners": [987654]}, "named_practitioners"),
    ({"setting": "car_park"}, "setting"),
    ({"stream": ""}, "stream"),
    ({"outcome": "route_existing_team", "existing_team": 987654}, "existing_team"),
    ({"outcome": "route_external", "external_service": 987654}, "external_service"),
    ({"urgency": "soon"}, "urgency"),
    ({"outcome": "discharge"}, "outcome"),
])
def test_api_answers_400_naming_the_field_it_cannot_accept(client, triage_clinician, new_referral,
                                                           change, field):
    referral = new_referral()
    body = {"urgency": "routine", "outcome": "assessment", "stream": "AMH", "rationale": "x"}
    response = post_decision(client, triage_clinician, referral, body | change)
    assert response.status_code == 400
    assert field in response.json()
    assert not TriageDecision.objects.exists()
    assert refreshed(referral).status == ReferralStatus.AWAITING_TRIAGE


def test_referral_detail_lists_decisions_newest_first(client, triage_clinician, new_referral):
    referral = new_referral()
    decide(triage_clinician, referral, urgency="routine", outcome="information_request",
           information_from="person", information_needed="Consent")
    decide(triage_clinician, referral, urgency="routine", outcome="assessment", stream="CAMHS")
    token = api_token(triage_clinician)

    body = client.get(reverse("api:referral", args=[referral.pk]),
                      HTTP_AUTHORIZATION=f"Token {token}").json()

    assert [d["outcome"] for d in body["decisions"]] == ["assessment", "information_request"]
    assert (body["urgency"], body["stream"]) == ("routine", "CAMHS")
    assert body["decisions"][1]["stream"] is None
