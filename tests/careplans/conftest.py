from datetime import date

import pytest

from accounts import roles
from careplans.models import Episode
from tests.factories import PractitionerFactory, ServiceUserFactory, TeamFactory, UserFactory


@pytest.fixture
def team(reference_data):
    return TeamFactory(name="City East CTR Team")


@pytest.fixture
def clinician(practitioner_user, team):
    """The practitioner user, a nurse in the person's team."""
    PractitionerFactory(name="Grace Okafor", teams=[team], user=practitioner_user)
    return practitioner_user


@pytest.fixture
def known_person(team):
    """A person with an open episode with the team."""
    person = ServiceUserFactory(given_name="Noor", family_name="Hussain")
    coordinator = PractitionerFactory(name="Dev Sharma", teams=[team])
    Episode.objects.create(service_user=person, team=team, care_coordinator=coordinator,
                           opened_on=date(2026, 9, 1))
    return person


@pytest.fixture
def outsider(reference_data):
    """A practitioner in another team, not involved in the person's care."""
    user = UserFactory(username="other.practitioner", role=roles.PRACTITIONER)
    PractitionerFactory(name="Tom Reid", teams=[TeamFactory(name="County West CTR Team")], user=user)
    return user
