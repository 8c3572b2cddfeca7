"""Transitions are handovers: planned from the person's current team on a day to come,
agreed by the receiving team (or a manager), then done, moving the episode and carrying
the care coordinator target, or cancelled with a reason; each step says who and when."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts import roles
from cap.services import referral_log_written
from careplans import services
from careplans.models import Episode, Transition
from core.errors import Conflict, Invalid, NotAllowed
from tests.factories import PractitionerFactory, TeamFactory, UserFactory
from triage.models import WaitTarget

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 11, 23, 10, tzinfo=LONDON)
COORDINATOR = "care_coordinator_named"


@pytest.fixture
def older_people(reference_data):
    return TeamFactory(name="City MHSOP Team", specialty="MHSOP")


@pytest.fixture
def receiving_nurse(older_people):
    user = UserFactory(username="mhsop.nurse", role=roles.PRACTITIONER)
    PractitionerFactory(name="Ines Ward", teams=[older_people], user=user)
    return user


@pytest.fixture
def handed_over(admin_team, person, gp_referrer, team):
    """A person handed over to the City East team after their assessment on Monday, their
    care coordinator still to be named."""
    with time_machine.travel(MONDAY, tick=False):
        referral = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                        reason="Memory problems and low mood")
        services.episode_open_after_assessment(actor=admin_team, referral=referral, team=team, at=MONDAY)
    return referral


def plan(clinician, person, from_team, to_team, planned_for=date(2026, 12, 7), now=MONDAY):
    return services.transition_plan(actor=clinician, service_user=person, from_team=from_team,
                                    to_team=to_team, reason="Memory problems now lead her care",
                                    planned_for=planned_for, now=now)


def test_a_transition_goes_planned_agreed_done_and_moves_the_episode(clinician, handed_over, team,
                                                                     older_people, receiving_nurse):
    person = handed_over.service_user
    due = WaitTarget.objects.get(referral=handed_over, definition__code=COORDINATOR).due_at
    moving = plan(clinician, person, team, older_people)
    assert (moving.status, moving.recorded_by) == ("planned", clinician)

    services.transition_agree(actor=receiving_nurse, transition=moving, now=MONDAY + timedelta(days=1))
    moving.refresh_from_db()
    assert (moving.status, moving.agreed_by, moving.agreed_at) == (
        "agreed", receiving_nurse, MONDAY + timedelta(days=1))

    services.transition_done(actor=receiving_nurse, transition=moving, now=MONDAY + timedelta(days=2))
    moving.refresh_from_db()
    assert (moving.status, moving.done_by) == ("done", receiving_nurse)
    left = Episode.objects.get(service_user=person, team=team)
    assert (left.closed_on, left.close_reason, left.close_detail) == (
        date(2026, 11, 25), "transition", "To the City MHSOP Team")
    arrived = Episode.objects.open().get(service_user=person)
    assert (arrived.team, arrived.referral) == (older_people, handed_over)
    # The coordinator target still to be met carries on, due when it was.
    running = WaitTarget.objects.running().get(referral=handed_over, definition__code=COORDINATOR)
    assert running.due_at == due
    assert [h.status for h in moving.history.order_by("history_date")] == ["planned", "agreed", "done"]


def test_a_coordinator_named_by_the_first_team_is_named_again_by_the_receiving_one(
        clinician, handed_over, team, older_people, receiving_nurse):
    episode = Episode.objects.get(referral=handed_over)
    services.care_coordinator_name(actor=clinician, episode=episode,
                                   practitioner=clinician.practitioner, now=MONDAY + timedelta(hours=1))
    moving = plan(clinician, handed_over.service_user, team, older_people)
    services.transition_agree(actor=receiving_nurse, transition=moving)
    with time_machine.travel(MONDAY + timedelta(days=3), tick=False):
        services.transition_done(actor=clinician, transition=moving)
    runs = (WaitTarget.objects.filter(referral=handed_over, definition__code=COORDINATOR)
            .order_by("started_at"))
    assert [(r.met_at is not None, r.started_at) for r in runs] == [
        (True, MONDAY), (False, MONDAY + timedelta(days=3))]


def test_a_transition_starts_from_the_persons_current_team_on_a_day_to_come(clinician, known_person, team,
                                                                           older_people):
    with pytest.raises(Invalid, match="cannot be in the past"):
        plan(clinician, known_person, team, older_people, planned_for=date(2026, 11, 20))
    with pytest.raises(Invalid, match="no open episode with the City MHSOP Team"):
        plan(clinician, known_person, older_people, TeamFactory(name="City CAMHS", specialty="CAMHS"))
    today = plan(clinician, known_person, team, older_people, planned_for=date(2026, 11, 23))
    assert today.status == "planned"
    with pytest.raises(Conflict, match="already planned"):
        plan(clinician, known_person, team, older_people)


def test_only_the_receiving_team_or_a_manager_agrees(clinician, known_person, team, older_people, manager,
                                                     outsider):
    moving = plan(clinician, known_person, team, older_people)
    for someone in (clinician, outsider):
        with pytest.raises(NotAllowed, match="receiving team"):
            services.transition_agree(actor=someone, transition=moving)
    services.transition_agree(actor=manager, transition=moving)
    moving.refresh_from_db()
    assert moving.agreed_by == manager


def test_done_needs_the_receiving_teams_agreement_first(clinician, known_person, team, older_people):
    moving = plan(clinician, known_person, team, older_people)
    with pytest.raises(Conflict, match="cannot be done before the receiving team agrees"):
        services.transition_done(actor=clinician, transition=moving)
    assert Episode.objects.open().get(service_user=known_person).team == team


def test_a_cancelled_transition_says_why_and_goes_no_further(clinician, known_person, team, older_people,
                                                             receiving_nurse):
    moving = plan(clinician, known_person, team, older_people)
    with pytest.raises(Invalid, match="Say why"):
        services.transition_cancel(actor=clinician, transition=moving, reason=" ")
    services.transition_cancel(actor=clinician, transition=moving, reason="She wants to stay with us")
    moving.refresh_from_db()
    assert (moving.status, moving.cancelled_by, moving.cancel_reason) == (
        "cancelled", clinician, "She wants to stay with us")
    with pytest.raises(Conflict):
        services.transition_agree(actor=receiving_nurse, transition=moving)


def test_an_episode_with_a_planned_transition_is_not_closed_around_it(clinician, known_person, team,
                                                                      older_people):
    plan(clinician, known_person, team, older_people)
    with pytest.raises(Conflict, match="complete or cancel it first"):
        services.episode_close(actor=clinician, episode=Episode.objects.open().get(service_user=known_person),
                               reason="discharged_to_gp")


# --- Through the pages ------------------------------------------------------------------

def test_each_step_through_the_transition_page(clinician, known_person, team, older_people, receiving_nurse,
                                               client_for):
    with time_machine.travel(MONDAY, tick=False):
        response = client_for(clinician).post(reverse("careplans:transition_new", args=[known_person.pk]), {
            "from_team": team.pk, "to_team": older_people.pk, "reason": "Memory problems now lead her care",
            "planned_for": "2026-12-07"})
    moving = Transition.objects.get()
    assert response["Location"] == reverse("careplans:transition", args=[moving.pk])
    client = client_for(receiving_nurse)
    page = client.get(reverse("careplans:transition", args=[moving.pk])).content.decode()
    assert "Agree for the receiving team" in page
    client.post(reverse("careplans:transition_step", args=[moving.pk, "agree"]))
    client.post(reverse("careplans:transition_step", args=[moving.pk, "done"]))
    moving.refresh_from_db()
    assert moving.status == "done"
    assert Episode.objects.open().get(service_user=known_person).team == older_people
    assert client.post(reverse("careplans:transition_step", args=[moving.pk, "nonsense"])).status_code == 403


def test_a_past_date_on_the_page_is_refused_keeping_what_was_typed(clinician, known_person, team,
                                                                   older_people, client_for):
    with time_machine.travel(MONDAY, tick=False):
        response = client_for(clinician).post(reverse("careplans:transition_new", args=[known_person.pk]), {
            "from_team": team.pk, "to_team": older_people.pk, "reason": "Memory problems now lead her care",
            "planned_for": "2026-11-01"})
    html = response.content.decode()
    assert "The planned date cannot be in the past" in html
    assert "Memory problems now lead her care" in html
    assert not Transition.objects.exists()


def test_cancelling_on_the_page_without_a_reason_is_refused(clinician, known_person, team, older_people,
                                                            client_for):
    moving = plan(clinician, known_person, team, older_people)
    response = client_for(clinician).post(reverse("careplans:transition_cancel", args=[moving.pk]),
                                          {"reason": ""})
    assert response.status_code == 400
    moving.refresh_from_db()
    assert moving.status == "planned"
