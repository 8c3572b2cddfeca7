"""A person referred by their GP, triaged routine and booked for a structured assessment
with the City East team (tests/scheduling/conftest.py's team, staff and room), open to the
team with a care plan; the FHIR API asked with real tokens."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse
from fhir.resources.R4B import get_fhir_model_class
from rest_framework.test import APIClient

from careplans import services as careplans
from careplans.models import Episode
from scheduling import services as scheduling
from tests.factories import PractitionerFactory, api_token

# The scheduling tests' fixtures, used here as they are there.
from tests.scheduling.conftest import MONDAY_8, room, staff, team, triaged  # noqa: F401


def token_client(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def parsed(body: dict):
    """The resource as fhir.resources reads it (R4B: the R4-compatible models), and each
    resource in a Bundle as its own type: a shape FHIR does not allow raises."""
    resource = get_fhir_model_class(body["resourceType"]).model_validate(body)
    for entry in body.get("entry", []):
        get_fhir_model_class(entry["resource"]["resourceType"]).model_validate(entry["resource"])
    return resource


@pytest.fixture
def api():
    return token_client


@pytest.fixture
def referral(triaged):  # noqa: F811
    return triaged()


@pytest.fixture
def booking(referral, admin_team, staff, room):  # noqa: F811
    with time_machine.travel(MONDAY_8, tick=False):
        option = scheduling.options_for(referral=referral).options[0]
        return scheduling.booking_create(actor=admin_team, referral=referral, option_id=option.id)


@pytest.fixture
def clinician(practitioner_user, team):  # noqa: F811
    """A practitioner in the team the person is open to."""
    PractitionerFactory(name="Grace Okafor", teams=[team], user=practitioner_user)
    return practitioner_user


@pytest.fixture
def in_care(referral, team, clinician):  # noqa: F811
    """The referred person, open to the team, with a care plan."""
    person = referral.service_user
    Episode.objects.create(service_user=person, team=team, referral=referral, opened_on=date(2026, 11, 30))
    plan = careplans.care_plan_start(actor=clinician, service_user=person)
    careplans.care_plan_contribute(actor=clinician, care_plan=plan, summary="First plan",
                                   sections={"plan": "Weekly visits from the CPN",
                                             "safety_plan": "Ring my sister Amira"})
    careplans.other_need_add(actor=clinician, care_plan=plan, need="Housing", level="help")
    return person


def patient_search_url(nhs_number: str) -> str:
    return f"{reverse('fhir_api:patient_search')}?identifier=https://fhir.nhs.uk/Id/nhs-number|{nhs_number}"
