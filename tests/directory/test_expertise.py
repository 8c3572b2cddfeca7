"""The directory of expertise: searchable by specialty and skill (typos forgiven)."""

import pytest
from django.urls import reverse

from core.errors import Conflict, Invalid
from directory import services
from directory.selectors import expertise_search
from directory.services import ExpertiseDetails
from tests.factories import PractitionerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(manager):
    def add(name, specialty, skills, **offers):
        return services.expertise_save(actor=manager, practitioner=PractitionerFactory(name=name),
                                       details=ExpertiseDetails(specialty=specialty, skills=skills, **offers))
    add("Grace Okafor", "eating_disorders", "ARFID, re-feeding risk")
    add("Tom Hale", "personality_disorder", "DBT, mentalisation")
    add("Priya Shah", "personality_disorder", "Schema therapy")
    return add


def names(found):
    return [e.practitioner.name for e in found]


def test_by_specialty_by_name(listed):
    assert names(expertise_search(specialty="personality_disorder")) == ["Priya Shah", "Tom Hale"]


def test_by_skill_with_a_typo(listed):
    assert names(expertise_search(skill="mentalization")) == ["Tom Hale"]
    assert names(expertise_search(skill="refeeding")) == ["Grace Okafor"]


def test_by_specialty_and_skill(listed):
    assert names(expertise_search(specialty="eating_disorders", skill="DBT")) == []


def test_something_must_be_offered_and_a_specialty_listed_once(manager, listed):
    practitioner = PractitionerFactory(name="Ann Lee")
    with pytest.raises(Invalid):
        services.expertise_save(actor=manager, practitioner=practitioner, details=ExpertiseDetails(
            specialty="autism", skills="x", phone_advice=False))
    services.expertise_save(actor=manager, practitioner=practitioner,
                            details=ExpertiseDetails(specialty="autism", skills="x"))
    with pytest.raises(Conflict):
        services.expertise_save(actor=manager, practitioner=practitioner,
                                details=ExpertiseDetails(specialty="autism", skills="y"))


def test_a_triage_clinician_searches_the_page(client_for, triage_clinician, listed):
    response = client_for(triage_clinician).get(reverse("directory:expertise"), {"skill": "ARFID"})

    assert b"Grace Okafor" in response.content
    assert b"Tom Hale" not in response.content


def test_a_manager_adds_expertise_through_the_page(client_for, manager):
    practitioner = PractitionerFactory(name="Ann Lee")
    response = client_for(manager).post(reverse("directory:expertise_new"), {
        "practitioner": practitioner.pk, "specialty": "autism", "skills": "Autism assessment",
        "phone_advice": "on"})

    assert response.status_code == 302
    assert practitioner.expertise.get().history.first().history_user == manager
