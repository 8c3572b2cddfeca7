"""The children's hub handoff: with CHILDREN_HUB_ENABLED an under-18's referral waits on
the CAP's handoff queue, with its own clock and owners, until the hub accepts it (the
target met, the referral the hub's) or returns it with a reason (back to CAP triage with
its triage clock, the reason shown). A child in crisis keeps the urgent clock from the
first contact. Exact instants."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from cap import services
from cap.models import ChildrenHubResponse, Referral, ReferralStatus
from core.errors import Conflict, Invalid
from tests.cap.test_calls import call_form
from triage import dashboard, selectors
from triage.alerts import notifications_for
from triage.models import BreachAlert, WaitTarget
from triage.services import scan_breaches

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def hub_enabled(settings):
    settings.CHILDREN_HUB_ENABLED = True


def targets_of(referral) -> dict[str, WaitTarget]:
    return {t.definition.code: t
            for t in WaitTarget.objects.filter(referral=referral).select_related("definition")}


@pytest.fixture
def refer_child(admin_team, person, gp_referrer):
    """A referral for a 15-year-old received at `at`."""

    def make(at: datetime = MONDAY_9, **details):
        with time_machine.travel(at, tick=False):
            return services.referral_log_written(
                actor=admin_team, person=person(given_name="Maya", date_of_birth=date(2011, 5, 2)),
                referrer=gp_referrer, reason="Not attending school, low mood", received_at=at, **details)

    return make


def test_an_under_eighteen_waits_on_the_handoff_queue_with_a_running_clock_until_the_hub_accepts(
        refer_child, triage_clinician):
    referral = refer_child()
    assert (referral.status, referral.triage_queue) == ("redirected_children_hub", "children_hub")
    handoff = targets_of(referral)["children_hub_handoff"]
    # One working day from the redirection: the working day ends at 17:00.
    assert (handoff.started_at, handoff.due_at) == (MONDAY_9, datetime(2026, 11, 23, 17, 0, tzinfo=LONDON))
    assert list(selectors.children_hub_queue()) == [referral]
    assert Referral.objects.get(pk=referral.pk).next_due_at == handoff.due_at

    accepted_at = MONDAY_9 + timedelta(hours=3)
    with time_machine.travel(accepted_at, tick=False):
        response = services.children_hub_accept(actor=triage_clinician, referral=referral)

    referral.refresh_from_db()
    assert (referral.status, referral.triage_queue) == ("accepted_children_hub", None)
    assert list(selectors.children_hub_queue()) == []
    handoff.refresh_from_db()
    assert handoff.met_at == accepted_at and handoff.state(accepted_at) == "met"
    assert (response.outcome, response.recorded_by, response.responded_at) == (
        "accepted", triage_clinician, accepted_at)
    latest = referral.history.first()
    assert (latest.status, latest.history_user, latest.history_change_reason) == (
        "accepted_children_hub", triage_clinician, "Accepted by the children's hub")


def test_returned_by_the_hub_it_comes_back_to_triage_with_its_clock_and_the_reason(
        refer_child, triage_clinician, client_for):
    referral = refer_child()
    returned_at = MONDAY_9 + timedelta(hours=2)
    with time_machine.travel(returned_at, tick=False):
        services.children_hub_return(actor=triage_clinician, referral=referral,
                                     reason="Turns 18 next week: adult services are better placed")

    referral.refresh_from_db()
    assert (referral.status, referral.triage_queue) == ("awaiting_triage", "non_urgent")
    targets = targets_of(referral)
    handoff = targets["children_hub_handoff"]
    assert (handoff.cancelled_at, handoff.cancel_reason, handoff.met_at) == (
        returned_at, "returned by the children's hub", None)
    # The CAP's triage review runs from the return, when the CAP has the referral back.
    assert targets["triage_review"].started_at == returned_at
    assert referral.next_due_at == targets["triage_review"].due_at
    reason = referral.history.first().history_change_reason
    assert reason.startswith("Returned by the children's hub: Turns 18")
    response = ChildrenHubResponse.objects.get()
    assert (response.outcome, response.recorded_by) == ("returned", triage_clinician)

    client = client_for(triage_clinician)
    for page in (f"/referrals/{referral.pk}/", f"/triage/referrals/{referral.pk}/decide/"):
        assert "Turns 18 next week: adult services are better placed" in client.get(page).content.decode()


def test_a_return_without_the_hubs_reason_is_refused_and_changes_nothing(refer_child, triage_clinician):
    referral = refer_child()
    with pytest.raises(Invalid, match="Enter the reason"):
        services.children_hub_return(actor=triage_clinician, referral=referral, reason="   ")
    referral.refresh_from_db()
    assert referral.status == "redirected_children_hub"
    assert not ChildrenHubResponse.objects.exists()


def test_the_hubs_answer_is_recorded_once(refer_child, triage_clinician, manager):
    referral = refer_child()
    services.children_hub_accept(actor=triage_clinician, referral=referral)
    with pytest.raises(Conflict, match="is not waiting for the children's hub"):
        services.children_hub_return(actor=manager, referral=referral, reason="Too late")
    assert ChildrenHubResponse.objects.count() == 1


def test_a_breached_handoff_raises_an_alert_told_to_the_triage_clinicians(refer_child, triage_clinician):
    referral = refer_child()
    scan_breaches(now=datetime(2026, 11, 23, 17, 0, 1, tzinfo=LONDON))
    alert = BreachAlert.objects.get(kind="breached")
    assert (alert.target.referral, alert.target.definition.code, alert.queue) == (
        referral, "children_hub_handoff", "children_hub")
    assert notifications_for(triage_clinician).filter(alert_ids__contains=[alert.pk]).exists()


def test_a_child_in_crisis_keeps_the_urgent_clock_and_a_four_hour_handoff(refer_child, triage_clinician):
    referral = refer_child(referrer_urgency="urgent")
    targets = targets_of(referral)
    assert set(targets) == {"children_hub_handoff_urgent", "assessment_24h"}
    assert targets["children_hub_handoff_urgent"].due_at == MONDAY_9 + timedelta(hours=4)
    assert targets["assessment_24h"].provisional
    assert targets["assessment_24h"].due_at == MONDAY_9 + timedelta(hours=24)

    with time_machine.travel(MONDAY_9 + timedelta(hours=1), tick=False):
        services.children_hub_accept(actor=triage_clinician, referral=referral)
    targets = targets_of(referral)
    assert targets["children_hub_handoff_urgent"].met_at == MONDAY_9 + timedelta(hours=1)
    # The hub owns the assessment now: the CAP's provisional clock stops, saying why.
    assert targets["assessment_24h"].cancel_reason == "accepted by the children's hub, which assesses"


def test_a_child_in_crisis_returned_by_the_hub_keeps_the_first_contact_clocks(refer_child, triage_clinician):
    referral = refer_child(referrer_urgency="very_urgent")
    with time_machine.travel(MONDAY_9 + timedelta(hours=1), tick=False):
        services.children_hub_return(actor=triage_clinician, referral=referral, reason="Known to adult EIP")
    referral.refresh_from_db()
    targets = targets_of(referral)
    assert referral.triage_queue == "urgent"
    assert targets["assessment_4h"].started_at == MONDAY_9 and targets["assessment_4h"].cancelled_at is None
    assert targets["urgent_triage_response"].started_at == MONDAY_9


def test_a_crisis_call_about_a_child_starts_the_urgent_handoff_in_place_of_the_routine_one(
        client_for, call_handler):
    started = timezone.localtime() - timedelta(minutes=10)
    form = call_form(nature="clinical", outcome_kind="passed_to_triage", outcome="Transferred",
                     given_name="Noah", family_name="Reid", date_of_birth="2012-02-14", postcode="LE3 0QP")
    ended = started + timedelta(minutes=5)
    form.update(started_at=f"{started:%Y-%m-%dT%H:%M}", ended_at=f"{ended:%Y-%m-%dT%H:%M}")
    assert client_for(call_handler).post("/calls/new/", form).status_code == 302
    referral = Referral.objects.get()
    assert referral.status == "redirected_children_hub"
    targets = targets_of(referral)
    assert targets["children_hub_handoff"].cancel_reason == "urgent: the 4-hour handoff target applies"
    assert targets["children_hub_handoff_urgent"].cancelled_at is None
    assert targets["assessment_24h"].started_at == referral.first_contact_at
    assert "urgent_triage_response" not in targets


def test_the_dashboard_counts_the_handoff_queue(refer_child):
    refer_child()
    rows = {row["queue"]: row["total"] for row in dashboard.open_by_queue_and_time_left(timezone.now())}
    assert rows["children_hub"] == 1
    assert dashboard.open_in(timezone.now(), "children_hub").count() == 1


# --- Through the pages ---------------------------------------------------------------

def test_the_handoff_queue_page_lists_the_child_most_at_risk_first_with_time_left_and_age(
        refer_child, client_for, triage_clinician):
    later = refer_child(at=MONDAY_9 + timedelta(hours=1))
    sooner = refer_child(at=MONDAY_9, referrer_urgency="urgent")
    with time_machine.travel(MONDAY_9 + timedelta(hours=2), tick=False):
        page = client_for(triage_clinician).get("/triage/queues/children-hub/").content.decode()
    assert page.index(sooner.reference) < page.index(later.reference)
    assert "2 h" in page  # the urgent handoff: 4 hours from 09:00, at 11:00
    assert '<span class="nhsuk-table__heading" aria-hidden="true">Age </span>15<' in page
    assert f"/referrals/{sooner.pk}/children-hub/" in page


def test_the_hubs_answer_is_recorded_through_its_page_keeping_what_was_typed(
        refer_child, client_for, triage_clinician):
    referral = refer_child()
    client = client_for(triage_clinician)
    url = f"/referrals/{referral.pk}/children-hub/"
    refused = client.post(url, {"outcome": "returned", "reason": ""})
    assert refused.status_code == 200
    assert "Enter the reason the children&#x27;s hub gave" in refused.content.decode()
    assert client.post(url, {"outcome": "sideways"}).status_code == 200  # a bad choice is a form error

    response = client.post(url, {"outcome": "returned", "reason": "Needs adult eating disorders"})
    assert response.status_code == 302 and response.url == "/triage/queues/children-hub/"
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.AWAITING_TRIAGE
    assert referral.service_user.accesses.filter(user=triage_clinician,
                                                 context="children's hub response").exists()


def test_only_those_who_work_the_handoff_queue_reach_it(refer_child, client_for, admin_team, manager):
    referral = refer_child()
    assert client_for(admin_team).get("/triage/queues/children-hub/").status_code == 403
    assert client_for(admin_team).get(f"/referrals/{referral.pk}/children-hub/").status_code == 403
    assert client_for(manager).get("/triage/queues/children-hub/").status_code == 200
