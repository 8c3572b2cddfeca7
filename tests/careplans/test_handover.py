"""After the assessment, a handover: an attended structured assessment, or a crisis
assessment ending in home treatment or admission, opens an episode of care with the
assessing team (once), with a care coordinator to be named within 5 working days; the
person is then known to services, on the team's caseload, their plan open to the team, and
step up can start. An episode closes with a reason."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from accounts import roles
from cap.models import RecordAccess
from cap.services import known_to_services_warnings
from careplans import selectors, services
from careplans.models import Episode, StepUpNotReason
from core.errors import Conflict, Invalid, NotAllowed
from scheduling import services as scheduling_services
from tests.factories import PractitionerFactory, ServiceUserFactory, TeamFactory, UserFactory
from tests.scheduling import conftest as booking_fixtures
from tests.triage import test_crisis_outcomes as crisis_fixtures
from tests.triage.test_crisis_outcomes import ARRANGING, COMPLETED, LONDON, arrange, complete, nurse
from triage.models import CrisisOutcome, WaitTarget

pytestmark = pytest.mark.django_db

# The booking tests' small team (its PCN the person's GP's) and the crisis tests' very
# urgent referral, shared rather than written again.
MONDAY_8, at = booking_fixtures.MONDAY_8, booking_fixtures.at
team, staff, room, triaged = (booking_fixtures.team, booking_fixtures.staff, booking_fixtures.room,
                              booking_fixtures.triaged)
crisis_team, very_urgent = crisis_fixtures.crisis_team, crisis_fixtures.very_urgent

COORDINATOR = "care_coordinator_named"
ATTENDED = at(0, 12, 30)  # Monday 23 November 2026, after the 10:15 assessment began


@pytest.fixture
def assessed(admin_team, triaged, staff, room):
    """A routine AMH referral booked and its structured assessment attended on Monday."""
    referral = triaged()
    option = scheduling_services.options_for(referral=referral, now=MONDAY_8).options[0]
    booking = scheduling_services.booking_create(actor=admin_team, referral=referral, option_id=option.id,
                                                 now=MONDAY_8)
    scheduling_services.booking_attended(actor=admin_team, booking=booking, now=ATTENDED)
    referral.refresh_from_db()
    return referral


@pytest.fixture
def team_nurse(staff):
    """Alex Nurse of the team, signed in as a practitioner."""
    user = UserFactory(username="alex.nurse", role=roles.PRACTITIONER)
    staff["nurse_a"].user = user
    staff["nurse_a"].save()
    return user


def coordinator_target(referral):
    return WaitTarget.objects.filter(referral=referral, definition__code=COORDINATOR).latest("started_at")


def test_an_attended_assessment_opens_an_episode_with_the_booking_team_and_the_coordinator_target(
        assessed, team, admin_team):
    episode = Episode.objects.get(service_user=assessed.service_user)
    assert (episode.team, episode.referral, episode.opened_on, episode.closed_on) == (
        team, assessed, date(2026, 11, 23), None)
    assert episode.history.get().history_user == admin_team
    target = coordinator_target(assessed)
    # Five working days from Monday 12:30: the next Monday, 12:30.
    assert (target.started_at, target.due_at, target.met_at) == (ATTENDED, at(7, 12, 30), None)
    assert assessed.status == "assessed"
    assert any("known to services: open episode with City East CTR Team" in w
               for w in known_to_services_warnings(assessed.service_user))


def test_the_handover_happens_once_however_often_it_is_asked_for(assessed, team, admin_team):
    again = services.episode_open_after_assessment(actor=admin_team, referral=assessed, team=team,
                                                   at=ATTENDED + timedelta(hours=1))
    assert Episode.objects.filter(service_user=assessed.service_user).count() == 1
    assert again == Episode.objects.get(service_user=assessed.service_user)
    assert WaitTarget.objects.filter(referral=assessed, definition__code=COORDINATOR).count() == 1


def test_the_team_sees_the_person_on_its_caseload_and_may_read_and_change_their_plan(
        assessed, team_nurse, outsider):
    person = assessed.service_user
    assert [e.service_user for e in selectors.caseload_for(team_nurse)] == [person]
    assert selectors.caseload_for(team_nurse)[0].coordinator_due_at == at(7, 12, 30)
    assert selectors.is_involved(team_nurse, person)
    assert not selectors.caseload_for(outsider).exists()
    assert not selectors.is_involved(outsider, person)
    plan = services.care_plan_start(actor=team_nurse, service_user=person)
    services.care_plan_contribute(actor=team_nurse, care_plan=plan, sections={"goals": "Sleep better"},
                                  summary="First goals")


def test_step_up_can_start_once_the_person_is_open_to_the_team(assessed, team_nurse, staff):
    step_up = services.step_up_start(
        actor=team_nurse, service_user=assessed.service_user, reason="deterioration",
        practitioners=[staff["nurse_b"]], frequency="daily", checks_confirmed=list(StepUpNotReason.values))
    assert step_up.ended_at is None


def test_the_caseload_lists_a_coordinator_to_name_soonest_due_first(assessed, team_nurse, team, staff,
                                                                    admin_team, triaged, room):
    later = triaged(received=MONDAY_8 + timedelta(days=1))
    option = scheduling_services.options_for(referral=later, now=at(1, 8)).options[0]
    booking = scheduling_services.booking_create(actor=admin_team, referral=later, option_id=option.id,
                                                 now=at(1, 8))
    scheduling_services.booking_attended(actor=admin_team, booking=booking, now=at(2, 17))
    # Known for months, their coordinator named: no target left to breach, so last.
    named = Episode.objects.create(service_user=ServiceUserFactory(), team=team,
                                   care_coordinator=staff["nurse_b"], opened_on=date(2026, 1, 5))
    order = [e.pk for e in selectors.caseload_for(team_nurse)]
    first = Episode.objects.get(referral=assessed)
    second = Episode.objects.get(referral=later)
    assert order == [first.pk, second.pk, named.pk]


def test_naming_the_care_coordinator_meets_the_target_and_names_them_on_the_plan(assessed, team_nurse,
                                                                                 staff):
    person = assessed.service_user
    plan = services.care_plan_start(actor=team_nurse, service_user=person)
    episode = Episode.objects.get(referral=assessed)
    named_at = at(2, 11)
    services.care_coordinator_name(actor=team_nurse, episode=episode, practitioner=staff["nurse_b"],
                                   now=named_at)
    episode.refresh_from_db()
    plan.refresh_from_db()
    assert episode.care_coordinator == plan.care_coordinator == staff["nurse_b"]
    assert coordinator_target(assessed).met_at == named_at
    assert episode.history.first().history_user == team_nurse


def test_a_coordinator_is_one_of_the_team_and_named_by_the_team_or_a_manager(assessed, team_nurse, outsider,
                                                                             manager, staff):
    episode = Episode.objects.get(referral=assessed)
    stranger = PractitionerFactory(name="Rhys Evans", teams=[TeamFactory(name="Other Team")])
    with pytest.raises(Invalid, match="Choose a practitioner of the City East CTR Team"):
        services.care_coordinator_name(actor=team_nurse, episode=episode, practitioner=stranger)
    with pytest.raises(NotAllowed):
        services.care_coordinator_name(actor=outsider, episode=episode, practitioner=staff["nurse_b"])
    services.care_coordinator_name(actor=manager, episode=episode, practitioner=staff["nurse_b"])
    assert coordinator_target(assessed).met_at is not None


def test_naming_the_coordinator_on_the_care_plan_meets_the_target_too(assessed, team_nurse, staff):
    plan = services.care_plan_start(actor=team_nurse, service_user=assessed.service_user)
    services.care_coordinator_set(actor=team_nurse, care_plan=plan, practitioner=staff["nurse_b"])
    assert Episode.objects.get(referral=assessed).care_coordinator == staff["nurse_b"]
    assert coordinator_target(assessed).met_at is not None


def test_an_episode_closes_discharged_to_the_gp_stopping_the_coordinator_target(assessed, team_nurse):
    episode = Episode.objects.get(referral=assessed)
    closed = services.episode_close(actor=team_nurse, episode=episode, reason="discharged_to_gp",
                                    now=at(3, 10))
    assert (closed.closed_on, closed.close_reason, closed.closed_by) == (
        date(2026, 11, 26), "discharged_to_gp", team_nurse)
    target = coordinator_target(assessed)
    assert (target.met_at, target.cancelled_at, target.cancel_reason) == (
        None, at(3, 10), "episode closed before a care coordinator was named")
    assert not known_to_services_warnings(assessed.service_user)
    with pytest.raises(Conflict, match="already closed"):
        services.episode_close(actor=team_nurse, episode=episode, reason="discharged_to_gp")


def test_another_reason_is_said_in_words_and_a_move_goes_through_a_transition(assessed, team_nurse, outsider):
    episode = Episode.objects.get(referral=assessed)
    with pytest.raises(Invalid, match="Say why the episode is closing"):
        services.episode_close(actor=team_nurse, episode=episode, reason="other", detail="  ")
    with pytest.raises(Invalid, match="plan a transition"):
        services.episode_close(actor=team_nurse, episode=episode, reason="transition")
    with pytest.raises(NotAllowed):
        services.episode_close(actor=outsider, episode=episode, reason="discharged_to_gp")
    closed = services.episode_close(actor=team_nurse, episode=episode, reason="other",
                                    detail="Moved to Scotland")
    assert (closed.close_reason, closed.close_detail) == ("other", "Moved to Scotland")


def test_home_treatment_hands_the_person_over_to_the_crisis_assessments_team(very_urgent, triage_clinician,
                                                                             crisis_team):
    arrange(triage_clinician, very_urgent, ARRANGING, nurse("Grace Obi"),
            datetime(2026, 11, 23, 14, tzinfo=LONDON))
    complete(triage_clinician, very_urgent, COMPLETED, CrisisOutcome.HOME_TREATMENT, notes="Daily visits")
    episode = Episode.objects.get(service_user=very_urgent.service_user)
    assert (episode.team, episode.referral) == (crisis_team, very_urgent)
    assert coordinator_target(very_urgent).started_at == COMPLETED


def test_an_admission_hands_over_too_but_a_further_assessment_is_booked_first(very_urgent, triage_clinician,
                                                                             crisis_team):
    complete(triage_clinician, very_urgent, COMPLETED, CrisisOutcome.ADMISSION,
             notes="Informal admission to the Bradgate Unit")
    assert Episode.objects.get(service_user=very_urgent.service_user).team == crisis_team


def test_a_further_assessment_opens_no_episode(very_urgent, triage_clinician):
    complete(triage_clinician, very_urgent, COMPLETED, CrisisOutcome.FURTHER_ASSESSMENT,
             notes="Low mood for months; needs a full assessment")
    assert not Episode.objects.exists()
    assert not WaitTarget.objects.filter(definition__code=COORDINATOR).exists()


# --- Through the pages ------------------------------------------------------------------

def test_our_caseload_page_shows_the_coordinator_to_name_and_its_time_left(assessed, team_nurse, client_for):
    with time_machine.travel(at(1, 12, 30), tick=False):
        response = client_for(team_nurse).get(reverse("careplans:caseload"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Asha Patel" in html and "Not named yet" in html
    assert "6 days" in html.split("data-time-left>")[1]  # due next Monday 12:30


def test_naming_through_the_episode_page_meets_the_target_and_logs_the_read(assessed, team_nurse, staff,
                                                                            client_for):
    episode = Episode.objects.get(referral=assessed)
    client = client_for(team_nurse)
    assert client.get(reverse("careplans:episode", args=[episode.pk])).status_code == 200
    assert RecordAccess.objects.filter(user=team_nurse, service_user=assessed.service_user).exists()
    response = client.post(reverse("careplans:episode_coordinator", args=[episode.pk]),
                           {"care_coordinator": staff["nurse_b"].pk})
    assert response.status_code == 302
    assert coordinator_target(assessed).met_at is not None


def test_closing_through_the_page_without_words_for_another_reason_keeps_the_choice(assessed, team_nurse,
                                                                                    client_for):
    episode = Episode.objects.get(referral=assessed)
    response = client_for(team_nurse).post(reverse("careplans:episode_close", args=[episode.pk]),
                                           {"reason": "other", "detail": ""})
    assert response.status_code == 400
    assert "Say why the episode is closing" in response.content.decode()
    assert 'value="other" checked' in response.content.decode().replace('value="other"\n', 'value="other" ')
    response = client_for(team_nurse).post(reverse("careplans:episode_close", args=[episode.pk]),
                                           {"reason": "nonsense"})
    assert response.status_code == 400
    episode.refresh_from_db()
    assert episode.closed_on is None


def test_someone_outside_the_team_cannot_open_or_change_the_episode(assessed, outsider, client_for, staff):
    episode = Episode.objects.get(referral=assessed)
    client = client_for(outsider)
    assert client.get(reverse("careplans:episode", args=[episode.pk])).status_code == 403
    assert client.post(reverse("careplans:episode_close", args=[episode.pk]),
                       {"reason": "discharged_to_gp"}).status_code == 403
