"""Our caseload works as a worklist does: the worklist's columns, filters by team and by
whether a care coordinator is named (or is me), sorts, pages of 50 with the filters kept in
the page links, refreshes itself, ignores a parameter of any shape, and asks the same
queries for 1 and for 20 open episodes."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from careplans.models import Episode
from careplans.views import CASELOAD_PAGE
from tests.factories import PractitionerFactory, ServiceUserFactory, TeamFactory

pytestmark = pytest.mark.django_db

CASELOAD = reverse("careplans:caseload")


@pytest.fixture
def second_team(clinician):
    """A second team the clinician works in."""
    team = TeamFactory(name="County North CTR Team")
    clinician.practitioner.teams.add(team)
    return team


def _episode(team, family_name: str, *, opened: date, coordinator=None) -> Episode:
    return Episode.objects.create(service_user=ServiceUserFactory(family_name=family_name), team=team,
                                  care_coordinator=coordinator, opened_on=opened)


def _rows(html: str) -> list[str]:
    """The last names on the caseload, in the order shown."""
    cells = html.split('data-name><span class="nhsuk-table__heading" aria-hidden="true">Name </span>')[1:]
    return [cell.split("</td>")[0].split()[-1] for cell in cells]


def test_each_row_shows_the_worklist_columns_in_the_responsive_table(clinician, known_person, client_for):
    html = client_for(clinician).get(CASELOAD).content.decode()
    assert "nhsuk-table--responsive" in html and 'id="caseload"' in html
    for heading in ("Reference", "NHS number", "Age", "Team", "Care coordinator", "Due"):
        assert f'role="columnheader">{heading}</th>' in html
    assert "data-as-at" in html and 'id="filter-team"' in html and 'id="filter-coordinator"' in html


def test_the_caseload_filters_by_team_and_by_a_coordinator_named_or_not(clinician, team, second_team,
                                                                        client_for):
    named = PractitionerFactory(name="Dev Sharma", teams=[team])
    _episode(team, "Adams", opened=date(2026, 9, 1), coordinator=named)
    _episode(team, "Brown", opened=date(2026, 9, 2))
    _episode(second_team, "Clarke", opened=date(2026, 9, 3), coordinator=clinician.practitioner)
    client = client_for(clinician)
    assert _rows(client.get(CASELOAD, {"team": second_team.pk}).content.decode()) == ["Clarke"]
    assert _rows(client.get(CASELOAD, {"coordinator": "not_named"}).content.decode()) == ["Brown"]
    named_only = client.get(CASELOAD, {"coordinator": "named"}).content.decode()
    assert sorted(_rows(named_only)) == ["Adams", "Clarke"]
    assert _rows(client.get(CASELOAD, {"coordinator": "mine"}).content.decode()) == ["Clarke"]
    empty = client.get(CASELOAD, {"team": team.pk, "coordinator": "mine"}).content.decode()
    assert "No open episodes match these filters." in empty


def test_a_team_the_practitioner_is_not_in_is_not_offered_and_shows_their_whole_caseload(
        clinician, team, client_for):
    other = TeamFactory(name="County West CTR Team")
    _episode(team, "Adams", opened=date(2026, 9, 1))
    _episode(other, "Outside", opened=date(2026, 9, 1))
    html = client_for(clinician).get(CASELOAD, {"team": other.pk}).content.decode()
    assert f'value="{other.pk}"' not in html
    assert _rows(html) == ["Adams"]


def test_the_caseload_sorts_by_last_name_or_the_day_opened(clinician, team, client_for):
    _episode(team, "Young", opened=date(2026, 9, 1))
    _episode(team, "Adams", opened=date(2026, 9, 3))
    _episode(team, "Moss", opened=date(2026, 9, 2))
    client = client_for(clinician)
    assert _rows(client.get(CASELOAD, {"sort": "name"}).content.decode()) == ["Adams", "Moss", "Young"]
    assert _rows(client.get(CASELOAD, {"sort": "opened"}).content.decode()) == ["Young", "Moss", "Adams"]


def test_the_caseload_pages_by_50_and_keeps_the_filters_in_the_page_links(clinician, team, client_for):
    for n in range(CASELOAD_PAGE + 3):
        _episode(team, f"Person{n:03}", opened=date(2026, 9, 1))
    client = client_for(clinician)
    first = client.get(CASELOAD, {"sort": "name", "team": team.pk}).content.decode()
    assert len(_rows(first)) == CASELOAD_PAGE
    assert f'href="?team={team.pk}&amp;sort=name&amp;page=2"' in first
    assert "53 episodes, 1 to 50 shown" in first
    second = client.get(CASELOAD, {"sort": "name", "team": team.pk, "page": 2}).content.decode()
    assert _rows(second) == ["Person050", "Person051", "Person052"]


def test_the_refresh_answers_with_the_list_alone(clinician, known_person, client_for):
    response = client_for(clinician).get(CASELOAD, headers={"X-Requested-With": "fetch"})
    html = response.content.decode()
    assert response.status_code == 200 and "<h1" not in html and "Hussain" in html and "data-as-at" in html


@pytest.mark.parametrize("query", [{"team": "x" * 5000}, {"coordinator": "everyone"}, {"sort": ["a", "b"]},
                                   {"page": "-1"}, {"page": "9" * 40}, {"team": "\x00"}])
def test_a_parameter_of_any_shape_shows_the_caseload(clinician, known_person, client_for, query):
    response = client_for(clinician).get(CASELOAD, query)
    assert response.status_code == 200
    assert "Hussain" in response.content.decode()


def _caseload_queries(client) -> int:
    client.get(CASELOAD)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(CASELOAD).status_code == 200
    return len(queries)


def test_the_caseload_asks_the_same_queries_for_1_and_20_episodes(clinician, team, client_for):
    client = client_for(clinician)
    _episode(team, "First", opened=date(2026, 9, 1))
    one = _caseload_queries(client)
    for n in range(19):
        _episode(team, f"More{n}", opened=date(2026, 9, 1), coordinator=PractitionerFactory(teams=[team]))
    assert _caseload_queries(client) == one
