"""Triage's target timescale sets the assessment target's due instant: parsed strictly,
shorter at any urgency, longer only for a routine assessment and with a reason; through
the service, the decide page's form and the API."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from cap.services import referral_log_written
from core.errors import Invalid
from triage.forms import TriageDecisionForm
from triage.models import AlertSchedule, TriageDecision, WaitTarget
from triage.services import triage_decision_record
from triage.timescale import Timescale, timescale_parse

LONDON = ZoneInfo("Europe/London")
RECEIVED = datetime(2026, 11, 23, 8, 0, tzinfo=LONDON)  # a Monday, GMT


@pytest.fixture
def referral(admin_team, person, gp_referrer):
    with time_machine.travel(RECEIVED, tick=False):
        return referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                    reason="Low mood for several months")


def decide(clinician, referral, **fields):
    values = {"urgency": "routine", "outcome": "assessment", "stream": "AMH", "rationale": "Assess."}
    values.update(fields)
    with time_machine.travel(RECEIVED.replace(hour=10), tick=False):
        return triage_decision_record(actor=clinician, referral=referral, **values)


def assessment_target(referral, code="routine_assessment") -> WaitTarget:
    return WaitTarget.objects.running().get(referral=referral, definition__code=code)


@pytest.mark.parametrize(("text", "parsed"), [
    ("14 days", Timescale(14, "days")), ("2 WEEKS", Timescale(2, "weeks")),
    (" 48 hours ", Timescale(48, "hours")), ("1 week", Timescale(1, "weeks")), ("", None)])
def test_a_timescale_is_a_number_and_hours_days_or_weeks(text, parsed):
    assert timescale_parse(text) == parsed


@pytest.mark.parametrize("text", ["ASAP", "two weeks", "14", "14 fortnights", "0 days", "-3 days", "1.5 days",
                                  "99999 days", "53 weeks"])
def test_anything_else_is_refused_with_what_to_type(text):
    with pytest.raises(Invalid):
        timescale_parse(text)


@pytest.mark.django_db
def test_a_shorter_timescale_sets_the_routine_assessment_due_from_receipt(triage_clinician, referral):
    decision = decide(triage_clinician, referral, target_timescale="14 days")
    target = assessment_target(referral)
    assert target.due_at == datetime(2026, 12, 7, 8, 0, tzinfo=LONDON)
    assert target.at_risk_at is not None and target.at_risk_at < target.due_at
    assert AlertSchedule.objects.get(target=target).next_alert_at == target.at_risk_at
    assert (decision.target_timescale, decision.timescale_sets_due) == ("14 days", True)


@pytest.mark.django_db
def test_an_empty_or_default_timescale_leaves_the_default_due(triage_clinician, referral):
    decision = decide(triage_clinician, referral, target_timescale="4 weeks")
    assert assessment_target(referral).due_at == datetime(2026, 12, 21, 8, 0, tzinfo=LONDON)
    assert decision.timescale_sets_due is False


@pytest.mark.django_db
def test_a_longer_timescale_without_a_reason_is_refused(triage_clinician, referral):
    with pytest.raises(Invalid, match="Give the reason") as refused:
        decide(triage_clinician, referral, target_timescale="6 weeks")
    assert refused.value.field == "timescale_reason"
    assert not TriageDecision.objects.exists()


@pytest.mark.django_db
def test_a_longer_routine_timescale_with_a_reason_sets_the_due_and_keeps_the_reason(triage_clinician,
                                                                                   referral):
    decision = decide(triage_clinician, referral, target_timescale="6 weeks",
                      timescale_reason="Abroad until mid December, by her choice.")
    assert assessment_target(referral).due_at == datetime(2027, 1, 4, 8, 0, tzinfo=LONDON)
    assert decision.timescale_reason == "Abroad until mid December, by her choice."


@pytest.mark.django_db
def test_a_shorter_timescale_applies_to_an_urgent_assessment_and_a_longer_one_is_refused(
        triage_clinician, referral, admin_team, person, gp_referrer):
    decide(triage_clinician, referral, urgency="urgent", target_timescale="12 hours")
    target = assessment_target(referral, "assessment_24h")
    assert (target.due_at - target.started_at).total_seconds() == 12 * 3600
    with time_machine.travel(RECEIVED, tick=False):
        other = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer, reason="Voices")
    with pytest.raises(Invalid, match="An urgent assessment is due within 24 hours"):
        decide(triage_clinician, other, urgency="urgent", target_timescale="3 days", timescale_reason="x")


@pytest.mark.django_db
def test_a_timescale_already_passed_is_refused(triage_clinician, referral):
    with pytest.raises(Invalid, match="has already passed"):
        decide(triage_clinician, referral, target_timescale="1 hour")


def test_the_decide_form_says_what_to_type_for_a_timescale_it_cannot_read():
    form = TriageDecisionForm({"urgency": "routine", "outcome": "assessment", "stream": "AMH",
                               "rationale": "Assess.", "target_timescale": "soonish"})
    assert not form.is_valid()
    assert form.errors["target_timescale"] == [
        "Enter the timescale as a whole number and hours, days or weeks, for example 14 days, 48 hours or "
        "2 weeks."]


@pytest.mark.django_db
def test_the_api_takes_the_timescale_and_answers_400_for_a_longer_one_without_a_reason(
        client_for, triage_clinician, referral):
    api = client_for(triage_clinician)
    url = reverse("api:triage", args=[referral.pk])
    body = {"urgency": "routine", "outcome": "assessment", "stream": "AMH", "rationale": "Assess.",
            "target_timescale": "6 weeks"}
    with time_machine.travel(RECEIVED.replace(hour=10), tick=False):
        refused = api.post(url, body, content_type="application/json")
        bad = api.post(url, {**body, "target_timescale": "whenever"}, content_type="application/json")
        done = api.post(url, {**body, "target_timescale": "10 days"}, content_type="application/json")
    assert refused.status_code == 400
    assert bad.status_code == 400
    assert done.status_code == 201
    assert assessment_target(referral).due_at == datetime(2026, 12, 3, 8, 0, tzinfo=LONDON)


@pytest.mark.django_db
def test_the_booking_queue_and_page_say_the_due_date_came_from_triage(client_for, triage_clinician, referral,
                                                                      admin_team):
    decide(triage_clinician, referral, target_timescale="14 days")
    client = client_for(admin_team)
    queue = client.get(reverse("scheduling:booking_queue")).content.decode()
    assert "Assessment due within 14 days: triage's timescale" in queue
    page = client.get(reverse("scheduling:book", args=[referral.pk])).content.decode()
    assert "From triage's timescale of 14 days" in page
