"""Clocks from first contact: every signal of urgency at intake starts the matching 24/7
target at the first contact, before any triage decision; triage confirms it (keeping its
start) or stops it with the reason. Exact instants, both clock changes included."""

from datetime import UTC, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from cap.services import referral_log_written
from tests.cap.test_calls import call_form
from tests.cap.test_referral_api import body
from tests.factories import GPPracticeFactory, api_token
from triage import services
from triage.models import BreachAlert, WaitTarget
from triage.selectors import urgent_queue

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def targets_of(referral) -> dict[str, WaitTarget]:
    return {t.definition.code: t
            for t in WaitTarget.objects.filter(referral=referral).select_related("definition")}


@pytest.fixture
def refer(admin_team, person, gp_referrer):
    def make(at: datetime, **details):
        with time_machine.travel(at, tick=False):
            return referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                        reason="Crisis", received_at=at, **details)
    return make


def test_a_very_urgent_referral_sent_five_hours_ago_is_breached_before_anyone_triages_it(
        admin_team, triage_clinician):
    GPPracticeFactory(ods_code="C82001")
    received = timezone.now() - timedelta(hours=5)
    sent = APIClient()
    sent.credentials(HTTP_AUTHORIZATION=f"Token {api_token(admin_team)}")
    response = sent.post("/api/v1/referrals/", body(referrer_urgency="very_urgent",
                                                    received_at=received.isoformat()), format="json")
    assert response.status_code == 201, response.json()
    reader = APIClient()
    reader.force_authenticate(triage_clinician)
    shown = reader.get(f"/api/v1/referrals/{response.json()['id']}/").json()
    four_hours = next(t for t in shown["targets"] if t["code"] == "assessment_4h")
    assert (four_hours["state"], four_hours["provisional"]) == ("breached", True)
    assert datetime.fromisoformat(four_hours["due_at"]) == received + timedelta(hours=4)

    call_command("scan_breaches", stdout=StringIO())
    alert = BreachAlert.objects.get(kind="breached", target__definition__code="assessment_4h")
    assert alert.target.referral_id == response.json()["id"]


def sending_system(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def test_a_referral_sent_with_intent_and_a_plan_is_on_the_urgent_queue_with_its_four_hours_running(
        admin_team, triage_clinician, client_for):
    GPPracticeFactory(ods_code="C82001")
    received = datetime(2026, 11, 23, 9, tzinfo=LONDON)
    with time_machine.travel(received + timedelta(minutes=5), tick=False):
        response = sending_system(admin_team).post("/api/v1/referrals/", body(
            referrer_urgency="", risk_indicators=["intent_with_plan"],
            received_at=received.isoformat()), format="json")
        assert response.status_code == 201, response.json()
        [referral] = urgent_queue()
        four = targets_of(referral)["assessment_4h"]
        assert (four.started_at, four.due_at, four.provisional) == (
            received, received + timedelta(hours=4), True)
        assert four.state(timezone.now()) == "running"
        reader = APIClient()
        reader.force_authenticate(triage_clinician)
        shown = reader.get(f"/api/v1/referrals/{referral.pk}/").json()
    assert (referral.risk_indicators, referral.suggested_urgency) == (["intent_with_plan"], "very_urgent")
    assert (shown["risk_indicators"], shown["specific_queue"]) == (["intent_with_plan"], None)
    assert shown["urgency"] is None  # nobody has triaged it
    page = client_for(triage_clinician).get(f"/referrals/{referral.pk}/").content.decode()
    assert "Current intent to end life, with a plan" in page


def test_a_referral_sent_to_a_specific_queue_keeps_it_and_each_indicator_once(admin_team, triage_clinician):
    GPPracticeFactory(ods_code="C82001")
    response = sending_system(admin_team).post("/api/v1/referrals/", body(
        specific_queue="eating_disorders", risk_indicators=["not_eating_or_drinking"] * 2), format="json")
    assert response.status_code == 201, response.json()
    reader = APIClient()
    reader.force_authenticate(triage_clinician)
    shown = reader.get(f"/api/v1/referrals/{response.json()['id']}/").json()
    assert shown["specific_queue"] == "eating_disorders"
    assert shown["risk_indicators"] == ["not_eating_or_drinking"]


def test_a_crisis_call_at_ten_to_midnight_on_a_friday_runs_its_clocks_through_the_weekend(
        client_for, call_handler):
    friday = datetime(2026, 11, 27, 23, 50, tzinfo=LONDON)
    form = call_form(nature="clinical", outcome_kind="passed_to_triage", outcome="Transferred",
                     given_name="Leah", family_name="Moss", date_of_birth="1999-01-30", postcode="LE3 0QP")
    form.update(started_at="2026-11-27T23:50", ended_at="2026-11-27T23:58")
    with time_machine.travel(friday + timedelta(minutes=9), tick=False):
        assert client_for(call_handler).post("/calls/new/", form).status_code == 302
    [referral] = {t.referral for t in WaitTarget.objects.all()}
    targets = targets_of(referral)
    assert targets["urgent_triage_response"].due_at == datetime(2026, 11, 28, 0, 50, tzinfo=LONDON)
    assert targets["assessment_24h"].due_at == datetime(2026, 11, 28, 23, 50, tzinfo=LONDON)
    assert targets["assessment_24h"].provisional


def test_an_untriaged_crisis_contact_raises_its_alert_when_no_clinician_acts_within_the_hour(refer):
    referral = refer(datetime(2026, 11, 23, 9, tzinfo=LONDON), referrer_urgency="urgent")
    services.scan_breaches(now=datetime(2026, 11, 23, 10, 0, 1, tzinfo=LONDON))
    breached = BreachAlert.objects.get(kind="breached")
    assert (breached.target.referral, breached.target.definition.code) == (referral, "urgent_triage_response")


def test_triage_downgrading_stops_the_very_urgent_clock_and_starts_the_urgent_one_from_first_contact(
        refer, triage_clinician):
    contact = datetime(2026, 11, 23, 9, tzinfo=LONDON)
    referral = refer(contact, referrer_urgency="very_urgent")
    decided = datetime(2026, 11, 23, 9, 40, tzinfo=LONDON)
    with time_machine.travel(decided, tick=False):
        services.triage_decision_record(actor=triage_clinician, referral=referral, urgency="urgent",
                                        outcome="assessment", stream="AMH", rationale="Safe tonight.")
    targets = targets_of(referral)
    four = targets["assessment_4h"]
    assert (four.cancelled_at, four.cancel_reason) == (decided, "urgency revised by triage")
    assert four.history.first().history_user == triage_clinician
    urgent = targets["assessment_24h"]
    assert (urgent.started_at, urgent.provisional) == (contact, False)
    assert urgent.due_at == contact + timedelta(hours=24)
    assert targets["urgent_triage_response"].met_at == decided


def test_triage_upgrading_stops_the_urgent_clock_and_runs_the_four_hours_from_first_contact(
        refer, triage_clinician):
    contact = datetime(2026, 11, 23, 9, tzinfo=LONDON)
    referral = refer(contact, referrer_urgency="urgent")
    with time_machine.travel(contact + timedelta(minutes=30), tick=False):
        services.triage_decision_record(actor=triage_clinician, referral=referral, urgency="very_urgent",
                                        outcome="assessment", stream="AMH", rationale="Plan and intent.")
    targets = targets_of(referral)
    assert targets["assessment_24h"].cancel_reason == "urgency revised by triage"
    assert targets["assessment_4h"].due_at == datetime(2026, 11, 23, 13, tzinfo=LONDON)


def test_triage_confirming_the_urgency_keeps_the_clock_that_started_at_first_contact(refer, triage_clinician):
    contact = datetime(2026, 11, 23, 9, tzinfo=LONDON)
    referral = refer(contact, risk_indicators=["intent_with_plan"])  # an urgency rule: very urgent
    before = targets_of(referral)["assessment_4h"]
    with time_machine.travel(contact + timedelta(minutes=20), tick=False):
        services.triage_decision_record(actor=triage_clinician, referral=referral, urgency="very_urgent",
                                        outcome="assessment", stream="AMH", rationale="Confirmed.")
    after = targets_of(referral)["assessment_4h"]
    assert (after.pk, after.started_at) == (before.pk, contact)
    assert (after.provisional, after.cancelled_at) == (False, None)


def test_routing_elsewhere_stops_a_provisional_clock_saying_so(refer, triage_clinician):
    referral = refer(datetime(2026, 11, 23, 9, tzinfo=LONDON), referrer_urgency="urgent")
    with time_machine.travel(datetime(2026, 11, 23, 9, 10, tzinfo=LONDON), tick=False):
        services.triage_decision_record(actor=triage_clinician, referral=referral, urgency="emergency",
                                        outcome="emergency_services", rationale="Ambulance on scene.")
    reason = targets_of(referral)["assessment_24h"].cancel_reason
    assert reason == "triage decided: route to emergency services"


def test_asking_for_information_leaves_the_provisional_clock_running(refer, triage_clinician):
    referral = refer(datetime(2026, 11, 23, 9, tzinfo=LONDON), referrer_urgency="very_urgent")
    with time_machine.travel(datetime(2026, 11, 23, 9, 10, tzinfo=LONDON), tick=False):
        services.triage_decision_record(actor=triage_clinician, referral=referral, urgency="very_urgent",
                                        outcome="information_request", information_from="gp",
                                        information_needed="Current medication", rationale="Need the GP.")
    four = targets_of(referral)["assessment_4h"]
    assert (four.provisional, four.met_at, four.cancelled_at) == (True, None, None)


def test_a_routine_referral_starts_no_provisional_clock(refer):
    referral = refer(datetime(2026, 11, 23, 9, tzinfo=LONDON), referrer_urgency="routine")
    assert set(targets_of(referral)) == {"triage_review"}


@pytest.mark.parametrize("contact, due", [
    # The autumn change: 00:30 BST plus four elapsed hours is 03:30 GMT.
    (datetime(2026, 10, 25, 0, 30, tzinfo=LONDON), datetime(2026, 10, 25, 3, 30, tzinfo=UTC)),
    # The spring change: 00:30 GMT plus four elapsed hours is 05:30 BST.
    (datetime(2026, 3, 29, 0, 30, tzinfo=LONDON), datetime(2026, 3, 29, 4, 30, tzinfo=UTC)),
], ids=["autumn", "spring"])
def test_a_provisional_four_hour_clock_counts_elapsed_hours_across_the_clock_change(refer, contact, due):
    referral = refer(contact, referrer_urgency="very_urgent")
    assert targets_of(referral)["assessment_4h"].due_at == due


def test_the_referral_page_shows_a_provisional_clock_and_why_one_stopped(refer, triage_clinician, client_for):
    referral = refer(datetime(2026, 11, 23, 9, tzinfo=LONDON), referrer_urgency="very_urgent")
    client = client_for(triage_clinician)
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Provisional" in page and "until triage confirms it" in page
    with time_machine.travel(datetime(2026, 11, 23, 9, 30, tzinfo=LONDON), tick=False):
        services.triage_decision_record(actor=triage_clinician, referral=referral, urgency="urgent",
                                        outcome="assessment", stream="AMH", rationale="Safe tonight.")
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Stopped Mon 23 Nov 2026, 9:30am: urgency revised by triage" in page


def test_a_crisis_referral_starts_its_three_clocks_in_the_statements_a_routine_one_starts_one_in(
        refer, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    at = datetime(2026, 11, 23, 9, tzinfo=LONDON)
    refer(at)  # the first of a kind reads what later ones find cached (content types and the like)
    with CaptureQueriesContext(connection) as routine:
        refer(at)
    with django_assert_num_queries(len(routine.captured_queries)):
        crisis = refer(at, referrer_urgency="very_urgent")
    targets = targets_of(crisis)
    assert set(targets) == {"triage_review", "assessment_4h", "urgent_triage_response"}
    # Each as if started alone: its history, the watcher's first alert, the queue's order.
    assert [t.history.get().history_type for t in targets.values()] == ["+", "+", "+"]
    assert {t.code: t.next_alert_at for t in _schedules(crisis)} == {
        code: t.at_risk_at or t.due_at for code, t in targets.items()}
    crisis.refresh_from_db()
    assert crisis.next_due_at == min(t.due_at for t in targets.values()) == at + timedelta(hours=1)


def _schedules(referral):
    from triage.models import AlertSchedule

    schedules = AlertSchedule.objects.filter(target__referral=referral).select_related("target__definition")
    for schedule in schedules:
        schedule.code = schedule.target.definition.code
        yield schedule


def test_starting_targets_together_starts_each_once_and_follows_a_stopped_run_only_when_asked(refer):
    at = datetime(2026, 11, 23, 9, tzinfo=LONDON)
    referral = refer(at, referrer_urgency="urgent")
    review = targets_of(referral)["triage_review"]
    services.target_meet(referral=referral, code="triage_review", at=at + timedelta(hours=1))
    later = at + timedelta(hours=2)
    again, same, twice_a, twice_b = services.targets_start(referral=referral, starts=[
        services.TargetStart("triage_review", later, again=True),
        services.TargetStart("assessment_24h", later),
        services.TargetStart("assessment_4h", later),
        services.TargetStart("assessment_4h", later + timedelta(minutes=5)),
    ])
    assert again.pk != review.pk and again.started_at == later
    assert same.started_at == at and same.provisional  # started at intake: kept as it began
    assert twice_a.pk == twice_b.pk and twice_a.started_at == later
    with pytest.raises(services.TargetDefinition.DoesNotExist):
        services.targets_start(referral=referral, starts=[services.TargetStart("no_such_target", later)])
