"""Additional support and expertise requests, tracked to completion; practitioner support
slots; planned transitions between specialties, never on a birthday alone."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from careplans import services
from careplans.models import Episode, RequestStatus, SupportLevel, Transition
from core.errors import Conflict, Invalid, NotAllowed
from directory.models import Expertise
from tests.factories import PractitionerFactory, ServiceUserFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def expert_user(reference_data):
    user = UserFactory(username="expert", role=roles.PRACTITIONER)
    PractitionerFactory(name="Ruth Ellis", teams=[TeamFactory(name="Eating Disorders Team")], user=user)
    return user


@pytest.fixture
def expertise(expert_user):
    return Expertise.objects.create(practitioner=expert_user.practitioner, specialty="eating_disorders",
                                    skills="ARFID, family work", phone_advice=True, supervision=True)


def ask(clinician, person, expertise, level=SupportLevel.SUPERVISION):
    return services.expertise_request_create(actor=clinician, service_user=person, expertise=expertise,
                                             level=level, question="Advice on meal planning")


def test_a_request_goes_from_requested_to_accepted_to_completed(clinician, known_person, expertise,
                                                                expert_user):
    made = ask(clinician, known_person, expertise)
    assert (made.status, made.expert.name) == ("requested", "Ruth Ellis")
    services.expertise_request_move(actor=expert_user, request=made, to_status=RequestStatus.ACCEPTED)
    done = services.expertise_request_move(actor=expert_user, request=made, to_status=RequestStatus.COMPLETED,
                                           note="Two supervision sessions")
    assert done.status == "completed"
    assert [(e.from_status, e.to_status) for e in done.events.all()] == [
        ("", "requested"), ("requested", "accepted"), ("accepted", "completed")]
    with pytest.raises(Conflict):
        services.expertise_request_move(actor=expert_user, request=made, to_status=RequestStatus.DECLINED)


def test_the_expert_may_decline(clinician, known_person, expertise, expert_user):
    made = ask(clinician, known_person, expertise)
    declined = services.expertise_request_move(actor=expert_user, request=made,
                                               to_status=RequestStatus.DECLINED, note="Not my area")
    assert declined.status == "declined"
    with pytest.raises(Conflict):
        services.expertise_request_move(actor=expert_user, request=made, to_status=RequestStatus.ACCEPTED)


def test_only_the_expert_asked_answers(clinician, known_person, expertise, outsider):
    made = ask(clinician, known_person, expertise)
    with pytest.raises(NotAllowed):
        services.expertise_request_move(actor=outsider, request=made, to_status=RequestStatus.ACCEPTED)
    with pytest.raises(NotAllowed):
        services.expertise_request_move(actor=clinician, request=made, to_status=RequestStatus.ACCEPTED)


def test_a_level_the_expert_does_not_offer_is_refused(clinician, known_person, expertise):
    with pytest.raises(Invalid):
        ask(clinician, known_person, expertise, level=SupportLevel.JOINT_INTERVENTIONS)


def test_a_practitioner_not_involved_cannot_ask_for_a_person(outsider, known_person, expertise):
    with pytest.raises(NotAllowed):
        ask(outsider, known_person, expertise)


def test_the_requester_takes_one_of_the_experts_support_slots_once(clinician, known_person, expertise,
                                                                   expert_user, outsider):
    start = timezone.now() + timedelta(days=2)
    slot = services.support_slot_offer(actor=expert_user, starts_at=start, ends_at=start + timedelta(hours=1))
    with pytest.raises(NotAllowed):
        services.support_slot_offer(actor=outsider, starts_at=start, ends_at=start + timedelta(hours=1))
    first, second = ask(clinician, known_person, expertise), ask(clinician, known_person, expertise)
    taken = services.support_slot_take(actor=clinician, slot=slot, request=first)
    assert taken.taken_by == first
    with pytest.raises(Conflict):
        services.support_slot_take(actor=clinician, slot=slot, request=second)


def test_the_request_pages(clinician, known_person, expertise, expert_user, client_for, client):
    page = client_for(clinician).post(reverse("careplans:expertise_request_new", args=[known_person.pk]), {
        "expertise": expertise.pk, "level": "phone_advice", "question": "Is this ARFID?"})
    assert page.status_code == 302
    made = known_person.expertise_requests.get()
    client.force_login(expert_user)
    assert "Provide phone advice to practitioner" in client.get(reverse("careplans:index")).content.decode()
    client.post(reverse("careplans:expertise_request_move", args=[made.pk, "accepted"]), {"note": "Call me"})
    made.refresh_from_db()
    assert made.status == "accepted"


def test_a_transition_is_planned_between_two_specialties_with_both_teams(clinician, known_person, team):
    older_people = TeamFactory(name="City MHSOP Team", specialty="MHSOP")
    moved = services.transition_plan(actor=clinician, service_user=known_person, from_team=team,
                                     to_team=older_people, reason="Memory problems now lead her care",
                                     planned_for=date(2027, 1, 4))
    assert (moved.from_specialty, moved.to_specialty) == ("AMH", "MHSOP")
    with pytest.raises(Invalid):
        services.transition_plan(actor=clinician, service_user=known_person, from_team=team, to_team=team,
                                 reason="Memory problems now lead her care", planned_for=date(2027, 1, 4))


def test_a_birthday_alone_never_moves_anyone(clinician, client_for, reference_data):
    camhs = TeamFactory(name="City CAMHS Team", specialty="CAMHS")
    PractitionerFactory(teams=[camhs], user=UserFactory(username="camhs.nurse", role=roles.PRACTITIONER))
    young = ServiceUserFactory(date_of_birth=date(2008, 12, 1))
    Episode.objects.create(service_user=young, team=camhs, opened_on=date(2025, 1, 6))
    with time_machine.travel(date(2026, 12, 1)):  # the eighteenth birthday
        services.care_plan_start(actor=clinician, service_user=young)
        client_for(clinician).get(reverse("careplans:person", args=[young.pk]))
        client_for(clinician).get(reverse("careplans:index"))
    assert not Transition.objects.exists()
    assert list(Episode.objects.open().filter(service_user=young).values_list("team__name", flat=True)) == [
        "City CAMHS Team"]
