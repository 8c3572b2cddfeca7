"""The Urgent Care Hub: an arrival starts the 2-hour assessment target from the time of
arrival; the board puts the nearest to breaching first; completing the assessment meets
the target (breached after 2 hours); recorded times must be plausible; the hub's figures;
its alerts reach the hub staff."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts import roles
from cap.models import Channel, ReferralStatus, ServiceUser
from cap.services import referral_log_written
from core.errors import Conflict, Invalid
from hub import selectors, services
from hub.models import ArrivalRoute, HubArrival, HubOutcome
from tests.factories import UserFactory
from triage import alerts
from triage.dashboard import live_figures
from triage.models import BreachAlert, Notification

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)  # a Friday afternoon (GMT)


@pytest.fixture
def hub_staff(reference_data):
    return UserFactory(username="hub.staff", role=roles.URGENT_CARE_HUB_STAFF)


@pytest.fixture
def arrive(hub_staff, person):
    """Record an arrival at `now`, `minutes_ago` minutes after the person arrived."""

    def make(minutes_ago=30, *, now=NOW, route=ArrivalRoute.POLICE, service_user=None, **details):
        with time_machine.travel(now, tick=False):
            return services.hub_arrival_record(
                actor=hub_staff, service_user=service_user,
                person=None if service_user else person(**details),
                arrival=services.Arrival(arrived_at=now - timedelta(minutes=minutes_ago), route=route,
                                         presenting_concern="Found on a bridge by the police",
                                         accompanied_by="Two police officers"))
    return make


def complete(actor, arrival, *, minutes_after_arrival, outcome=HubOutcome.SAFETY_PLAN, now=None):
    completed_at = arrival.arrived_at + timedelta(minutes=minutes_after_arrival)
    with time_machine.travel(now or completed_at, tick=False):
        return services.hub_assessment_complete(actor=actor, arrival=arrival, completed_at=completed_at,
                                                outcome=outcome)


# --- The arrival and its clock -------------------------------------------------------------

def test_an_arrival_starts_the_2_hour_assessment_target_from_the_time_of_arrival(arrive, hub_staff):
    receipt = arrive(minutes_ago=45)
    arrival = receipt.arrival
    target, referral = arrival.target, arrival.referral

    assert not receipt.joined
    assert target.definition.code == "hub_assessment_2h"
    assert target.started_at == NOW - timedelta(minutes=45) == arrival.arrived_at
    assert target.due_at == NOW + timedelta(minutes=75)
    assert (referral.channel, referral.status) == (Channel.HUB, ReferralStatus.AWAITING_URGENT_ASSESSMENT)
    assert referral.first_contact_at == arrival.arrived_at
    assert referral.next_due_at == target.due_at  # the urgent queue and the dashboard order by it
    assert referral.referrer_role == "Brought by the police"
    assert arrival.history.get().history_user == hub_staff


def test_a_name_is_enough_to_record_an_arrival(arrive):
    arrival = arrive(nhs_number="", date_of_birth=None, postcode="", gp_practice=None,
                     given_name="Ryan", family_name="Cooper").arrival

    person = ServiceUser.objects.get(pk=arrival.referral.service_user_id)
    assert (str(person), person.date_of_birth, person.postcode) == ("Ryan Cooper", None, "")
    assert arrival.target.due_at == arrival.arrived_at + timedelta(hours=2)


def test_an_arrival_of_someone_with_an_open_referral_joins_it(arrive, admin_team, person, gp_referrer):
    with time_machine.travel(NOW - timedelta(days=2), tick=False):
        open_referral = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                             reason="Low mood")

    receipt = arrive(service_user=open_referral.service_user)

    assert receipt.joined and receipt.arrival.referral == open_referral
    open_referral.refresh_from_db()
    assert open_referral.status == ReferralStatus.AWAITING_TRIAGE  # its own pathway carries on
    assert open_referral.targets.filter(definition__code="hub_assessment_2h").exists()


def test_a_second_arrival_after_the_first_assessment_runs_the_two_hours_again_on_the_same_referral(
        arrive, hub_staff, admin_team, person, gp_referrer):
    """The first arrival's hub assessment is over: the second arrival joins the same open
    referral and its 2-hour target runs again from the second arrival, the first run kept."""
    with time_machine.travel(NOW - timedelta(days=2), tick=False):
        open_referral = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                             reason="Low mood")
    first = arrive(minutes_ago=300, service_user=open_referral.service_user).arrival
    complete(hub_staff, first, minutes_after_arrival=60, outcome=HubOutcome.SECONDARY_CARE, now=NOW)
    again = arrive(minutes_ago=10, service_user=open_referral.service_user)

    assert first.referral == open_referral
    assert again.joined and again.arrival.referral == open_referral
    assert again.arrival.target != first.target
    assert again.arrival.target.started_at == NOW - timedelta(minutes=10)
    first.target.refresh_from_db()
    assert first.target.met_at == first.arrived_at + timedelta(minutes=60)


def test_someone_recorded_twice_while_waiting_gets_a_second_referral_not_a_shared_clock(
        arrive, admin_team, person, gp_referrer):
    with time_machine.travel(NOW - timedelta(days=2), tick=False):
        open_referral = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                             reason="Low mood")
    first = arrive(minutes_ago=30, service_user=open_referral.service_user).arrival
    again = arrive(minutes_ago=10, service_user=open_referral.service_user)

    assert first.referral == open_referral
    assert not again.joined and again.arrival.referral != open_referral
    assert again.arrival.target.started_at == NOW - timedelta(minutes=10)


@pytest.mark.parametrize(("minutes_ago", "message"), [
    (-1, "The time of arrival cannot be in the future."),
    (24 * 60 + 1, "The time of arrival must be within the last 24 hours."),
])
def test_the_time_of_arrival_must_lie_between_a_day_ago_and_now(arrive, minutes_ago, message):
    with pytest.raises(Invalid, match=message) as refused:
        arrive(minutes_ago=minutes_ago)
    assert refused.value.field == "arrived_at"
    assert not HubArrival.objects.exists()


def test_an_arrival_a_day_ago_to_the_minute_is_accepted(arrive):
    assert arrive(minutes_ago=24 * 60).arrival.target.due_at == NOW - timedelta(hours=22)


# --- The board -----------------------------------------------------------------------------

def test_the_board_shows_the_person_nearest_to_breaching_first(arrive, hub_staff):
    recent = arrive(minutes_ago=5, family_name="Recent").arrival
    longest = arrive(minutes_ago=100, family_name="Longest").arrival
    middle = arrive(minutes_ago=50, family_name="Middle").arrival
    started = arrive(minutes_ago=70, family_name="Started").arrival
    with time_machine.travel(NOW, tick=False):
        services.hub_assessment_start(actor=hub_staff, arrival=started)

    assert list(selectors.hub_waiting()) == [longest, middle, recent]
    assert list(selectors.hub_being_assessed()) == [started]


def test_an_assessment_cannot_be_started_twice(arrive, hub_staff):
    arrival = arrive().arrival
    services.hub_assessment_start(actor=hub_staff, arrival=arrival)
    with pytest.raises(Conflict, match="started this assessment"):
        services.hub_assessment_start(actor=hub_staff, arrival=arrival)


# --- Completing the assessment -------------------------------------------------------------

def test_completing_the_assessment_within_2_hours_meets_the_target(arrive, hub_staff):
    arrival = complete(hub_staff, arrive(minutes_ago=0).arrival, minutes_after_arrival=110,
                       outcome=HubOutcome.HOME_TREATMENT)

    arrival.target.refresh_from_db()
    assert arrival.target.met_at == arrival.arrived_at + timedelta(minutes=110)
    assert arrival.target.state(NOW + timedelta(days=1)) == "met"
    referral = arrival.referral
    referral.refresh_from_db()
    assert (referral.status, referral.next_due_at) == (ReferralStatus.ASSESSED, None)
    assert referral.history.first().history_change_reason == (
        "Urgent Care Hub assessment: Crisis resolution and home treatment")
    assert list(selectors.hub_recently_assessed(NOW + timedelta(hours=2))) == [arrival]


def test_referred_on_through_the_cap_the_person_waits_for_cap_triage_with_what_the_hub_found(
        arrive, hub_staff):
    arrival = arrive(minutes_ago=0).arrival
    completed_at = arrival.arrived_at + timedelta(minutes=90)
    with time_machine.travel(completed_at, tick=False):
        services.hub_assessment_complete(actor=hub_staff, arrival=arrival, completed_at=completed_at,
                                         outcome=HubOutcome.SECONDARY_CARE,
                                         notes="Low mood for a year; no plan; wants talking therapy")

    referral = arrival.referral
    referral.refresh_from_db()
    assert (referral.status, referral.triage_queue) == (ReferralStatus.AWAITING_TRIAGE, "non_urgent")
    assert referral.history.first().history_change_reason == "Urgent Care Hub: referred on to CAP triage"
    review = referral.targets.get(definition__code="triage_review")
    assert (review.started_at, review.met_at) == (completed_at, None)
    assert referral.next_due_at == review.due_at
    assert "Urgent Care Hub assessment: Low mood for a year" in referral.additional_information


def test_an_assessment_completed_after_2_hours_is_breached(arrive, hub_staff):
    arrival = complete(hub_staff, arrive(minutes_ago=0).arrival, minutes_after_arrival=121)

    arrival.target.refresh_from_db()
    assert arrival.target.state(NOW + timedelta(days=1)) == "breached"


def test_a_joined_referral_keeps_its_status_when_the_hub_assessment_is_done(
        arrive, hub_staff, admin_team, person, gp_referrer):
    with time_machine.travel(NOW - timedelta(days=2), tick=False):
        open_referral = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                             reason="Low mood")
    arrival = complete(hub_staff, arrive(service_user=open_referral.service_user).arrival,
                       minutes_after_arrival=60, now=NOW + timedelta(hours=1))
    open_referral.refresh_from_db()
    assert open_referral.status == ReferralStatus.AWAITING_TRIAGE
    assert arrival.target.met_at is not None


@pytest.mark.parametrize(("minutes_after_arrival", "message"), [
    (-1, "cannot be completed before the person arrived"),
    (31, "cannot be completed in the future"),
])
def test_the_completion_time_must_lie_between_the_arrival_and_now(arrive, hub_staff, minutes_after_arrival,
                                                                  message):
    arrival = arrive(minutes_ago=30).arrival
    with pytest.raises(Invalid, match=message):
        complete(hub_staff, arrival, minutes_after_arrival=minutes_after_arrival, now=NOW)
    arrival.refresh_from_db()
    assert arrival.assessed_at is None and arrival.target.met_at is None


def test_an_assessment_cannot_be_completed_twice(arrive, hub_staff):
    arrival = complete(hub_staff, arrive().arrival, minutes_after_arrival=20, now=NOW)
    with pytest.raises(Conflict, match="already been completed"):
        complete(hub_staff, arrival, minutes_after_arrival=25, now=NOW)


# --- The breach watcher --------------------------------------------------------------------

def test_a_breach_of_the_2_hour_target_is_told_to_the_hub_staff(arrive, hub_staff, triage_clinician):
    arrival = arrive(minutes_ago=125).arrival

    alerts.scan_breaches(now=NOW + timedelta(seconds=1))

    alert = BreachAlert.objects.get(target=arrival.target, kind="breached")
    assert alert.queue == alerts.HUB_QUEUE
    told = Notification.objects.get(queue=alerts.HUB_QUEUE, alert_ids__contains=[alert.pk])
    assert alerts.notifications_for(hub_staff).filter(pk=told.pk).exists()
    assert not alerts.notifications_for(triage_clinician).filter(alert_ids__contains=[alert.pk]).exists()


# --- The hub's figures ----------------------------------------------------------------------

def test_the_hubs_figures_count_arrivals_today_assessments_in_time_referrals_on_and_diversions(
        arrive, hub_staff):
    in_time = arrive(minutes_ago=600).arrival   # 04:00 today
    late = arrive(minutes_ago=900).arrival      # 23:00 yesterday
    sent_to_ae = arrive(minutes_ago=400).arrival
    arrive(minutes_ago=200)                     # waiting past 2 hours: missed, not yet assessed
    arrive(minutes_ago=30)                      # waiting, in time so far: not yet counted
    complete(hub_staff, in_time, minutes_after_arrival=100, outcome=HubOutcome.ADMITTED, now=NOW)
    complete(hub_staff, late, minutes_after_arrival=150, outcome=HubOutcome.SAFETY_PLAN, now=NOW)
    complete(hub_staff, sent_to_ae, minutes_after_arrival=60, outcome=HubOutcome.SENT_TO_AE, now=NOW)
    arrive(minutes_ago=60, now=NOW - timedelta(days=31))  # over 30 days ago: not counted

    figures = live_figures(NOW)["urgent_care_hub"]

    assert figures == {
        "arrivals_today": 4, "assessed_in_time": 2, "assessed_in_time_of": 4,
        "assessed_in_time_share": 50, "assessed": 3, "referred_on": 1, "referral_rate_share": 33,
        "diverted_from_ae": 2,
    }


def test_the_hubs_figures_have_no_shares_before_anyone_is_assessed(reference_data):
    figures = selectors.hub_figures(NOW, today_start=NOW - timedelta(hours=14))
    assert (figures["assessed_in_time_share"], figures["referral_rate_share"]) == (None, None)


def test_the_dashboard_api_adds_the_hubs_figures(client_for, manager, arrive):
    arrive(minutes_ago=10, now=timezone.now())
    shown = client_for(manager).get("/api/v1/dashboard/").json()
    assert shown["urgent_care_hub"]["arrivals_today"] in (0, 1)  # 1 unless run just after midnight
    assert "open_total" in shown and "watcher_overdue" in shown  # nothing renamed
