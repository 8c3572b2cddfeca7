"""The children's hub handoff and the age confirmation, through the UI in headless
Chromium: each test signs in as the role, does the action on its page, and checks what
the user is told and the row (and its history row) in the database.

- triage clinician: record that the children's hub accepted a referral (queues:children_hub,
  cap:children_hub_response) -> test_clinician_records_that_the_hub_accepted_a_referral
- triage clinician: record a return with the hub's reason (cap:children_hub_response)
  -> test_clinician_records_a_return_with_the_hubs_reason_which_triage_then_sees
- triage clinician: a return without the hub's reason is refused (cap:children_hub_response)
  -> test_a_return_without_the_hubs_reason_is_refused_and_the_choice_kept
- manager: record the hub's answer from the referral page (cap:referral, cap:children_hub_response)
  -> test_manager_records_the_hubs_answer_from_the_referral_page
- triage clinician: confirm streaming an under-18 to an adult stream (triage:decide)
  -> test_clinician_confirms_streaming_a_sixteen_year_old_to_adult_mental_health
"""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from cap.models import ChildrenHubResponse, ReferralStatus
from cap.services import referral_log_written
from tests.browser.pages import assert_accessible, latest_history, sign_in
from triage.models import TriageDecision

pytestmark = [pytest.mark.browser]


def sixteen() -> date:
    return date(timezone.localdate().year - 16, 1, 1)


def age_now(born: date) -> int:
    today = timezone.localdate()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@pytest.fixture
def child_referral(admin_team, person, gp_referrer, settings):
    """A referral for a child, redirected to the children's hub."""
    settings.CHILDREN_HUB_ENABLED = True
    return referral_log_written(
        actor=admin_team, person=person(given_name="Maya", family_name="Khan", date_of_birth=sixteen()),
        referrer=gp_referrer, reason="Withdrawn, not attending school")


def answer_on_the_queue(page, live_server, referral):
    page.goto(f"{live_server.url}{reverse('queues:children_hub')}")
    row = page.locator(f'tr[data-referral="{referral.reference}"]')
    row.get_by_text("Maya Khan").wait_for()
    assert row.locator("[data-age]").inner_text().split()[-1] == str(age_now(sixteen()))
    assert_accessible(page)
    row.get_by_role("link", name="Record the hub's answer").click()


def test_clinician_records_that_the_hub_accepted_a_referral(live_server, page, triage_clinician, password,
                                                             child_referral):
    sign_in(page, live_server.url, triage_clinician.username, password)
    answer_on_the_queue(page, live_server, child_referral)
    assert_accessible(page)
    page.get_by_label("Accepted by the children's hub").check()
    page.get_by_role("button", name="Record the hub's answer").click()

    page.get_by_text(f"{child_referral.reference} accepted by the children's hub.").wait_for()
    page.get_by_text("No referrals are waiting in this queue.").wait_for()
    child_referral.refresh_from_db()
    assert child_referral.status == ReferralStatus.ACCEPTED_CHILDREN_HUB
    assert latest_history(child_referral, triage_clinician).status == ReferralStatus.ACCEPTED_CHILDREN_HUB
    response = ChildrenHubResponse.objects.get(referral=child_referral)
    assert (response.outcome, response.recorded_by) == ("accepted", triage_clinician)
    assert latest_history(response, triage_clinician).history_type == "+"
    assert child_referral.targets.get(definition__code="children_hub_handoff").met_at is not None


def test_clinician_records_a_return_with_the_hubs_reason_which_triage_then_sees(
        live_server, page, triage_clinician, password, child_referral):
    sign_in(page, live_server.url, triage_clinician.username, password)
    answer_on_the_queue(page, live_server, child_referral)
    page.get_by_label("Returned to CAP triage").check()
    page.get_by_label("The hub's reason for returning it").fill("Already open to adult eating disorders")
    page.get_by_role("button", name="Record the hub's answer").click()

    page.get_by_text(f"{child_referral.reference} returned by the children's hub: it is awaiting "
                     "CAP triage.").wait_for()
    child_referral.refresh_from_db()
    assert (child_referral.status, child_referral.triage_queue) == ("awaiting_triage", "non_urgent")
    history = latest_history(child_referral, triage_clinician)
    assert history.history_change_reason.startswith("Returned by the children's hub: Already open")
    response = ChildrenHubResponse.objects.get(referral=child_referral)
    assert (response.outcome, response.reason) == ("returned", "Already open to adult eating disorders")

    page.goto(f"{live_server.url}{reverse('triage:decide', args=[child_referral.pk])}")
    page.get_by_text("Already open to adult eating disorders").wait_for()


def test_a_return_without_the_hubs_reason_is_refused_and_the_choice_kept(
        live_server, page, triage_clinician, password, child_referral):
    sign_in(page, live_server.url, triage_clinician.username, password)
    page.goto(f"{live_server.url}{reverse('cap:children_hub_response', args=[child_referral.pk])}")
    page.get_by_label("Returned to CAP triage").check()
    page.get_by_role("button", name="Record the hub's answer").click()

    page.locator(".nhsuk-error-summary").get_by_text(
        "Enter the reason the children's hub gave for returning the referral.").wait_for()
    assert page.get_by_label("Returned to CAP triage").is_checked()
    assert_accessible(page)
    child_referral.refresh_from_db()
    assert child_referral.status == ReferralStatus.REDIRECTED_CHILDREN_HUB
    assert not ChildrenHubResponse.objects.exists()


def test_manager_records_the_hubs_answer_from_the_referral_page(live_server, page, manager, password,
                                                                child_referral):
    sign_in(page, live_server.url, manager.username, password)
    page.goto(f"{live_server.url}{reverse('cap:referral', args=[child_referral.pk])}")
    page.get_by_role("link", name="Record the hub's answer").click()
    page.get_by_label("Accepted by the children's hub").check()
    page.get_by_role("button", name="Record the hub's answer").click()

    page.get_by_text(f"{child_referral.reference} accepted by the children's hub.").wait_for()
    assert ChildrenHubResponse.objects.get(referral=child_referral).recorded_by == manager
    page.goto(f"{live_server.url}{reverse('cap:referral', args=[child_referral.pk])}")
    page.get_by_text("Accepted by the children's hub, ").wait_for()


def test_clinician_confirms_streaming_a_sixteen_year_old_to_adult_mental_health(
        live_server, page, triage_clinician, password, admin_team, person, gp_referrer, settings):
    settings.CHILDREN_HUB_ENABLED = False
    referral = referral_log_written(
        actor=admin_team, person=person(given_name="Maya", family_name="Khan", date_of_birth=sixteen()),
        referrer=gp_referrer, reason="Low mood")
    age = age_now(sixteen())
    sign_in(page, live_server.url, triage_clinician.username, password)
    page.goto(f"{live_server.url}{reverse('triage:decide', args=[referral.pk])}")
    page.get_by_text(f"(age {age})").wait_for()
    page.get_by_label("Routine", exact=True).check()
    page.get_by_label("Stream for assessment").check()
    page.get_by_label("Specialty stream").select_option("AMH")
    page.get_by_label("Clinical rationale").fill("Presents with adult needs; family agree.")
    page.get_by_role("button", name="Record decision").click()

    summary = page.locator(".nhsuk-error-summary")
    summary.get_by_role("link",
                        name=f"Maya Khan is {age}: confirm streaming to Adult Mental Health").wait_for()
    assert_accessible(page)
    assert not TriageDecision.objects.exists()
    assert page.get_by_label("Clinical rationale").input_value() == "Presents with adult needs; family agree."

    page.get_by_label("I confirm this adult or older people's stream is right for them").check()
    page.get_by_role("button", name="Record decision").click()
    page.get_by_text(f"{referral.reference} streamed to Adult Mental Health for a routine "
                     "assessment").wait_for()
    decision = TriageDecision.objects.get(referral=referral)
    assert (decision.stream, decision.decided_by) == ("AMH", triage_clinician)
    assert latest_history(decision, triage_clinician).history_type == "+"
