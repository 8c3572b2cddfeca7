import pytest

from directory import services
from directory.services import LocationDetails, Opening, ServiceDetails
from tests.factories import UserFactory


@pytest.fixture
def officer(knowledge_officer):
    return knowledge_officer


@pytest.fixture
def make_service(db):
    """An entry made through the officer's action, with sensible defaults."""
    actor = UserFactory(username="directory.setup")

    def make(name="Community service", *, postcode=None, openings=(), **fields):
        fields.setdefault("organisation", "Voluntary Action")
        fields.setdefault("description", "Support for people in the community.")
        fields.setdefault("category", "community_activity")
        locations = (LocationDetails(postcode=postcode, town="Town"),) if postcode else ()
        details = ServiceDetails(name=name, locations=locations,
                                 schedules=tuple(Opening(*o) for o in openings), **fields)
        return services.service_create(actor=actor, details=details)

    return make
