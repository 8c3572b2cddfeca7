"""List endpoints have a maximum page size: the worklist at most 500 people, every
paginated list at most 100 rows a page; a bigger page is a 400 naming the maximum, never a
list quietly cut short."""

import pytest

from cap.services import referral_log_written
from triage.api import WORKLIST_MAX

pytestmark = pytest.mark.django_db

WORKLIST = "/api/v1/triage/worklist/"
BREACHES = "/api/v1/breaches/"


@pytest.fixture
def referrals(admin_team, person, gp_referrer):
    return [referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                 reason=f"Low mood, referral {n}") for n in range(3)]


def test_the_worklist_returns_up_to_page_size_people_most_at_risk_first(client_for, triage_clinician,
                                                                        referrals):
    api = client_for(triage_clinician)
    everyone = api.get(WORKLIST).json()
    assert len(everyone) == 3
    first_two = api.get(WORKLIST, {"page_size": 2}).json()
    assert [r["reference"] for r in first_two] == [r["reference"] for r in everyone[:2]]


@pytest.mark.parametrize("asked", [str(WORKLIST_MAX + 1), "100000", "0", "-1", "two", "1e3", ""])
def test_the_worklist_refuses_a_page_size_beyond_500_or_not_a_positive_number(client_for, triage_clinician,
                                                                              asked):
    response = client_for(triage_clinician).get(WORKLIST, {"page_size": asked})
    assert response.status_code == 400
    assert response.json() == {"page_size": [f"Ask for between 1 and {WORKLIST_MAX} rows."]}


def test_the_worklist_accepts_exactly_500(client_for, triage_clinician, referrals):
    assert client_for(triage_clinician).get(WORKLIST, {"page_size": WORKLIST_MAX}).status_code == 200


@pytest.mark.parametrize("name", ["limit", "page_size"])
def test_a_paginated_list_refuses_more_than_100_rows_a_page(client_for, manager, name):
    response = client_for(manager).get(BREACHES, {name: 101})
    assert response.status_code == 400
    assert response.json() == {name: ["Ask for between 1 and 100 rows."]}


@pytest.mark.parametrize("name", ["limit", "page_size"])
def test_a_paginated_list_answers_up_to_100_rows_a_page_by_either_name(client_for, manager, name):
    response = client_for(manager).get(BREACHES, {name: 100, "offset": 0})
    assert response.status_code == 200
    assert set(response.json()) >= {"count", "next", "previous", "results"}


def test_a_paginated_list_without_a_size_keeps_its_default_of_100(client_for, manager):
    response = client_for(manager).get(BREACHES)
    assert response.status_code == 200 and "results" in response.json()


def test_the_schema_documents_both_maximums(client_for, manager):
    schema = client_for(manager).get("/api/schema/", {"format": "json"}).json()
    worklist = {p["name"]: p for p in schema["paths"][WORKLIST]["get"]["parameters"]}
    breaches = {p["name"]: p for p in schema["paths"][BREACHES]["get"]["parameters"]}
    assert "page_size" in worklist
    assert breaches["limit"]["schema"]["maximum"] == 100
    assert breaches["page_size"]["schema"]["maximum"] == 100
