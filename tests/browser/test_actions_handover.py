"""After the assessment, a handover, through the UI in headless Chromium: an attended
structured assessment opens an episode of care the team sees on its caseload; the team
names the care coordinator (meeting its target) or closes the episode with a reason; a
transition is planned, agreed by the receiving team and done, moving the episode.

- admin team: attended, opening an episode with the booking's team (scheduling:booking, careplans:caseload)
  -> test_an_attended_assessment_opens_an_episode_the_team_sees
- practitioner: name the care coordinator (careplans:episode, careplans:episode_coordinator)
  -> test_practitioner_names_the_care_coordinator_meeting_its_target
- practitioner: close an episode with a reason (careplans:episode, careplans:episode_close)
  -> test_practitioner_closes_an_episode_discharged_to_the_gp
- practitioner: close an episode for another reason without saying it, refused
  (careplans:episode_close) -> test_closing_for_another_reason_needs_words_and_keeps_the_choice
- practitioner of the receiving team: agree a transition (careplans:transition, careplans:transition_step)
  -> test_a_transition_planned_agreed_and_done_moves_the_episode
- practitioner: mark a transition done (careplans:transition_step)
  -> test_a_transition_planned_agreed_and_done_moves_the_episode
- practitioner: cancel a transition with a reason (careplans:transition_cancel)
  -> test_practitioner_cancels_a_transition_saying_why
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from accounts import roles
from cap.services import referral_log_written
from careplans import services
from careplans.models import Episode, Transition
from scheduling import services as scheduling
from tests.factories import GPPracticeFactory, PractitionerFactory, TeamFactory, UserFactory
from triage.models import WaitTarget
from triage.services import triage_decision_record

from .pages import (
    assert_accessible,
    fill_date,
    latest_history,
    sign_in,
    sign_out,
    structured_assessment_staff,
)

pytestmark = [pytest.mark.browser]

LONDON = ZoneInfo("Europe/London")
# Weeks before the test's real clock, so an assessment booked then has started.
PAST_MONDAY_8 = datetime(2026, 11, 2, 8, 0, tzinfo=LONDON)
COORDINATOR = "care_coordinator_named"


@pytest.fixture
def team(reference_data):
    return TeamFactory(name="City East CTR Team", pcns=[GPPracticeFactory().pcn])


@pytest.fixture
def grace(team, reference_data):
    """Grace Okafor, a nurse of the City East team, with her own login."""
    user = UserFactory(username="grace.okafor", first_name="Grace", last_name="Okafor",
                       role=roles.PRACTITIONER)
    PractitionerFactory(name="Grace Okafor", teams=[team], user=user)
    return user


@pytest.fixture
def handed_over(admin_team, person, gp_referrer, team, grace):
    """Noor Hussain, handed over to the City East team after her assessment."""
    referral = referral_log_written(actor=admin_team, person=person(given_name="Noor", family_name="Hussain"),
                                    referrer=gp_referrer, reason="Low mood for several months")
    services.episode_open_after_assessment(actor=admin_team, referral=referral, team=team,
                                           at=referral.received_at)
    return Episode.objects.get(referral=referral)


def open_episode(page, live_server, user, password, name="Noor Hussain"):
    sign_in(page, live_server.url, user.username, password)
    page.get_by_role("link", name="Our caseload").click()
    page.locator("#caseload tbody tr", has_text=name).get_by_role("link").first.click()


def test_an_attended_assessment_opens_an_episode_the_team_sees(live_server, page, admin_team, grace, team,
                                                                password, triage_clinician, person,
                                                                gp_referrer):
    structured_assessment_staff(team)
    with time_machine.travel(PAST_MONDAY_8, tick=False):
        referral = referral_log_written(
            actor=admin_team, referrer=gp_referrer, reason="Low mood for several months",
            person=person(given_name="Noor", family_name="Hussain",
                          gp_practice=team.pcns.get().practices.get()))
        triage_decision_record(actor=triage_clinician, referral=referral, urgency="routine",
                               outcome="assessment", stream="AMH", rationale="Routine assessment.")
        search = scheduling.options_for(referral=referral, now=PAST_MONDAY_8)
        booking = scheduling.booking_create(actor=admin_team, referral=referral,
                                            option_id=search.options[0].id, now=PAST_MONDAY_8)
    sign_in(page, live_server.url, admin_team.username, password)
    page.goto(f"{live_server.url}/scheduling/bookings/{booking.pk}/")
    page.get_by_role("button", name="Attended", exact=True).click()
    page.get_by_text("Saved.").wait_for()
    sign_out(page)

    sign_in(page, live_server.url, grace.username, password)
    page.get_by_role("link", name="Our caseload").click()
    row = page.locator("#caseload tbody tr").first
    assert "Noor Hussain" in row.inner_text() and "City East CTR Team" in row.inner_text()
    assert row.locator("[data-coordinator]").inner_text() == "Not named yet"
    assert row.locator("[data-time-left]").inner_text() != "–"
    assert_accessible(page)
    episode = Episode.objects.get(referral=referral)
    assert (episode.team, episode.closed_on) == (team, None)
    assert latest_history(episode).history_user == admin_team
    assert WaitTarget.objects.running().filter(referral=referral, definition__code=COORDINATOR).exists()


def test_practitioner_names_the_care_coordinator_meeting_its_target(live_server, page, grace, password,
                                                                    handed_over):
    open_episode(page, live_server, grace, password)
    assert page.locator("#care-coordinator").inner_text() == "Not named yet"
    assert_accessible(page)
    page.get_by_label("Care coordinator (lead professional)").select_option(label="Grace Okafor (Nurse)")
    page.get_by_role("button", name="Name care coordinator").click()

    page.get_by_text("Grace Okafor is the care coordinator.").wait_for()
    assert page.locator("#care-coordinator").inner_text().startswith("Grace Okafor")
    assert ", met " in page.locator("#coordinator-target").inner_text()
    handed_over.refresh_from_db()
    assert handed_over.care_coordinator.name == "Grace Okafor"
    assert latest_history(handed_over).history_user == grace
    target = WaitTarget.objects.get(referral=handed_over.referral, definition__code=COORDINATOR)
    assert target.met_at is not None


def test_practitioner_closes_an_episode_discharged_to_the_gp(live_server, page, grace, password, handed_over):
    open_episode(page, live_server, grace, password)
    page.get_by_label("Discharged to the GP").check()
    page.get_by_role("button", name="Close episode").click()

    page.get_by_text("Episode of care closed.").wait_for()
    assert "Discharged to the GP" in page.locator("#episode [data-status]").inner_text()
    assert page.get_by_role("button", name="Close episode").count() == 0
    handed_over.refresh_from_db()
    assert (handed_over.close_reason, handed_over.closed_by) == ("discharged_to_gp", grace)
    assert latest_history(handed_over).history_user == grace


def test_closing_for_another_reason_needs_words_and_keeps_the_choice(live_server, page, grace, password,
                                                                      handed_over):
    open_episode(page, live_server, grace, password)
    page.get_by_label("Other").check()
    page.get_by_role("button", name="Close episode").click()

    page.locator(".nhsuk-error-summary").get_by_text("Say why the episode is closing.").wait_for()
    assert page.get_by_label("Other").is_checked()
    assert_accessible(page)
    handed_over.refresh_from_db()
    assert handed_over.closed_on is None


def test_a_transition_planned_agreed_and_done_moves_the_episode(live_server, page, grace, password,
                                                                 handed_over, team):
    older_people = TeamFactory(name="City MHSOP Team", specialty="MHSOP")
    ines = UserFactory(username="ines.ward", first_name="Ines", last_name="Ward", role=roles.PRACTITIONER)
    PractitionerFactory(name="Ines Ward", teams=[older_people], user=ines)
    sign_in(page, live_server.url, grace.username, password)
    page.goto(f"{live_server.url}/care-plans/people/{handed_over.service_user_id}/")
    page.get_by_role("link", name="Plan a transition between specialties").click()
    page.get_by_label("From team").select_option(label="City East CTR Team")
    page.get_by_label("To team").select_option(label="City MHSOP Team")
    page.get_by_label("The person's needs that call for the move").fill(
        "Memory problems now lead her care; both teams agreed at the joint review")
    fill_date(page, "Planned date", timezone.localdate())
    page.get_by_role("button", name="Plan transition").click()
    page.get_by_text("Transition planned: the receiving team agrees it next.").wait_for()
    assert page.get_by_role("button", name="Agree for the receiving team").count() == 0
    sign_out(page)

    sign_in(page, live_server.url, ines.username, password)
    page.get_by_role("link", name="Our caseload").click()
    page.locator("#transitions-to-agree").get_by_role("link", name="Noor Hussain").click()
    assert_accessible(page)
    page.get_by_role("button", name="Agree for the receiving team").click()
    page.get_by_text("Transition agreed by the receiving team.").wait_for()
    page.get_by_role("button", name="Mark done and move the episode").click()
    page.get_by_text("Transition done: the person's episode has moved.").wait_for()
    assert page.locator("#transition [data-status]").inner_text() == "Done"
    assert "Agreed by Ines Ward" in page.locator("#transition-steps").inner_text()

    transition = Transition.objects.get()
    assert (transition.status, transition.agreed_by, transition.done_by) == ("done", ines, ines)
    assert [h.status for h in transition.history.order_by("history_date")] == ["planned", "agreed", "done"]
    handed_over.refresh_from_db()
    assert (handed_over.close_reason, handed_over.closed_on is not None) == ("transition", True)
    moved = Episode.objects.open().get(service_user=handed_over.service_user)
    assert (moved.team, moved.referral) == (older_people, handed_over.referral)
    page.get_by_role("link", name="Our caseload").click()
    assert "Noor Hussain" in page.locator("#caseload").inner_text()


def test_practitioner_cancels_a_transition_saying_why(live_server, page, grace, password, handed_over):
    older_people = TeamFactory(name="City MHSOP Team", specialty="MHSOP")
    transition = services.transition_plan(
        actor=grace, service_user=handed_over.service_user, from_team=handed_over.team, to_team=older_people,
        reason="Memory problems now lead her care", planned_for=date.today())
    sign_in(page, live_server.url, grace.username, password)
    page.goto(f"{live_server.url}/care-plans/transitions/{transition.pk}/")
    page.get_by_label("Why the transition is cancelled").fill("She chose to stay with the City East team")
    page.get_by_role("button", name="Cancel transition").click()

    page.get_by_text("Transition cancelled.").wait_for()
    assert "She chose to stay with the City East team" in page.locator("#transition-steps").inner_text()
    transition.refresh_from_db()
    assert (transition.status, transition.cancelled_by) == ("cancelled", grace)
    assert latest_history(transition).history_user == grace
