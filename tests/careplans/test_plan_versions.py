"""One plan per person, contributed to by everyone involved, with versions that are never
changed or deleted."""

import pytest
from django.urls import reverse

from careplans import selectors, services
from careplans.models import CarePlan, CarePlanVersion, OtherNeedLevel
from core.errors import Invalid, NotAllowed, StaleVersion
from directory.models import CommunityService
from tests.factories import PractitionerFactory, TeamFactory

pytestmark = pytest.mark.django_db


def test_care_plan_start_is_idempotent_and_takes_the_episode_coordinator(clinician, known_person):
    first = services.care_plan_start(actor=clinician, service_user=known_person)
    again = services.care_plan_start(actor=clinician, service_user=known_person)
    assert first.pk == again.pk
    assert CarePlan.objects.filter(service_user=known_person).count() == 1
    assert first.care_coordinator.name == "Dev Sharma"
    assert [v.summary for v in first.versions.all()] == ["Plan started"]


def test_each_contribution_is_a_new_version_naming_author_team_and_time(clinician, known_person, team):
    plan = services.care_plan_start(actor=clinician, service_user=known_person)
    v2 = services.care_plan_contribute(actor=clinician, care_plan=plan,
                                       sections={"goals": "Get back to work part time"},
                                       summary="Goals agreed with Noor")
    v3 = services.care_plan_contribute(actor=clinician, care_plan=plan,
                                       sections={"safety_plan": "Call my sister Amira"},
                                       summary="Safety plan")
    plan.refresh_from_db()
    assert (v2.number, v3.number, plan.version) == (2, 3, 3)
    assert v3.author == clinician and v3.author_name == "Grace Okafor" and v3.team == team
    assert v3.created_at is not None
    # The earlier version still holds the plan as it was.
    v2.refresh_from_db()
    assert v2.sections["goals"] == "Get back to work part time" and v2.sections["safety_plan"] == ""
    assert v3.sections["goals"] == "Get back to work part time"
    assert plan.safety_plan == "Call my sister Amira"


def test_a_version_is_never_changed_or_deleted(clinician, known_person):
    plan = services.care_plan_start(actor=clinician, service_user=known_person)
    version = plan.versions.get()
    version.summary = "Rewritten"
    with pytest.raises(NotAllowed):
        version.save()
    with pytest.raises(NotAllowed):
        version.delete()
    with pytest.raises(NotAllowed):
        CarePlanVersion.objects.filter(pk=version.pk).delete()
    with pytest.raises(NotAllowed):
        CarePlanVersion.objects.filter(pk=version.pk).update(summary="x")
    with pytest.raises(NotAllowed):
        plan.delete()


def test_a_contribution_that_changes_nothing_is_refused(clinician, known_person):
    plan = services.care_plan_start(actor=clinician, service_user=known_person)
    with pytest.raises(Invalid):
        services.care_plan_contribute(actor=clinician, care_plan=plan, sections={"goals": ""},
                                      summary="No change")


def test_contributing_as_a_team_that_is_not_yours_is_refused(clinician, known_person):
    plan = services.care_plan_start(actor=clinician, service_user=known_person)
    with pytest.raises(Invalid):
        services.care_plan_contribute(actor=clinician, care_plan=plan, sections={"goals": "x"},
                                      summary="s", team=TeamFactory())


def test_other_needs_with_their_level_and_the_directory_entries_offered_are_a_version(
        clinician, known_person):
    plan = services.care_plan_start(actor=clinician, service_user=known_person)
    service = CommunityService.objects.create(
        name="Citizens Advice Leicester", organisation="Citizens Advice", description="Benefits advice",
        category="money")
    need = services.other_need_add(actor=clinician, care_plan=plan, need="Benefits",
                                   level=OtherNeedLevel.HELP, services=[service])
    plan.refresh_from_db()
    assert list(need.services.all()) == [service]
    assert plan.version == 2
    assert plan.versions.get(number=2).sections["other_needs"] == [
        "Benefits (Needing help): Citizens Advice Leicester"]


def test_what_changed_between_two_versions(clinician, known_person, client_for):
    plan = services.care_plan_start(actor=clinician, service_user=known_person)
    services.care_plan_contribute(actor=clinician, care_plan=plan, sections={"goals": "Sleep better"},
                                  summary="Goals")
    services.care_plan_contribute(actor=clinician, care_plan=plan,
                                  sections={"goals": "Sleep better\nSee friends weekly"}, summary="More")
    changes = selectors.version_changes(plan.versions.get(number=1), plan.versions.get(number=3))
    assert [(c.heading, c.lines) for c in changes] == [
        ("The person's goals, in their own words", [("added", "Sleep better"),
                                                    ("added", "See friends weekly")])]
    page = client_for(clinician).get(reverse("careplans:versions", args=[known_person.pk]),
                                     {"from": 2, "to": 3})
    assert page.status_code == 200
    assert "Added: See friends weekly" in page.content.decode()
    assert "Removed" not in page.content.decode()


def test_the_plan_page_starts_the_plan_and_a_contribution_saves_a_version(
        clinician, known_person, client_for):
    client = client_for(clinician)
    page = client.get(reverse("careplans:person", args=[known_person.pk]))
    assert page.status_code == 200 and "Version 1" in page.content.decode()
    response = client.post(reverse("careplans:contribute", args=[known_person.pk]), {
        "goals": "Walk the dog every day", "safety_plan": "Ring the crisis line", "summary": "First plan",
        "version": 1})
    assert response.status_code == 302
    plan = CarePlan.objects.get(service_user=known_person)
    assert (plan.version, plan.goals) == (2, "Walk the dog every day")


def test_any_practitioner_of_the_persons_teams_contributes(known_person, team, reference_data):
    from accounts import roles
    from tests.factories import UserFactory
    colleague = UserFactory(username="colleague", role=roles.PRACTITIONER)
    PractitionerFactory(teams=[team], user=colleague)
    plan = services.care_plan_start(actor=colleague, service_user=known_person)
    version = services.care_plan_contribute(actor=colleague, care_plan=plan,
                                            sections={"plan": "Weekly visits"}, summary="Plan")
    assert version.author == colleague


def test_a_contribution_from_an_older_version_is_refused_and_undoes_nothing(clinician, known_person):
    plan = services.care_plan_start(actor=clinician, service_user=known_person)
    services.care_plan_contribute(actor=clinician, care_plan=plan, sections={"goals": "Sleep better"},
                                  summary="Goals", based_on=1)
    with pytest.raises(StaleVersion) as refused:
        services.care_plan_contribute(actor=clinician, care_plan=plan, sections={"goals": "Eat well"},
                                      summary="Goals", based_on=1)
    assert refused.value.current_version == 2
    plan.refresh_from_db()
    assert (plan.version, plan.goals) == (2, "Sleep better")


def test_the_page_shows_both_texts_side_by_side_and_keeps_the_practitioners_for_them_to_merge(
        clinician, known_person, client_for):
    plan = services.care_plan_start(actor=clinician, service_user=known_person)
    client = client_for(clinician)
    url = reverse("careplans:contribute", args=[known_person.pk])
    services.care_plan_contribute(actor=clinician, care_plan=plan, sections={"safety_plan": "Ring Amira"},
                                  summary="Safety plan from the home visit")
    response = client.post(url, {"safety_plan": "Ring the crisis line", "summary": "Safety plan",
                                 "version": 1})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Version 2 was saved while you were editing version 1" in page
    assert "Ring Amira" in page  # the current plan, beside ...
    assert page.count("Ring the crisis line") == 2  # ... the practitioner's text, and in the form
    assert 'name="version" value="2"' in page
    plan.refresh_from_db()
    assert (plan.version, plan.safety_plan) == (2, "Ring Amira")

    merged = client.post(url, {"safety_plan": "Ring Amira, then the crisis line", "summary": "Merged",
                               "version": 2})
    assert merged.status_code == 302
    plan.refresh_from_db()
    assert (plan.version, plan.safety_plan) == (3, "Ring Amira, then the crisis line")
