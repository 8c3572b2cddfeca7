"""The hub board sorts and filters from its address, as a worklist does: by how people
came (each of its lists), due first by default or by arrival or last name; the refresh
keeps the choice; a parameter of any shape is ignored, never an error."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hub import services
from hub.models import ArrivalRoute
from tests.hub.test_board_columns import hub_staff  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db


def _arrive(actor, person, minutes_ago: int, *, family_name: str, route=ArrivalRoute.WALK_IN):
    return services.hub_arrival_record(actor=actor, person=person(family_name=family_name),
                                       arrival=services.Arrival(
        arrived_at=timezone.now() - timedelta(minutes=minutes_ago), route=route,
        presenting_concern="Overwhelmed")).arrival


def _order(html: str, *arrivals) -> list[str]:
    references = [a.referral.reference for a in arrivals]
    return sorted(references, key=lambda ref: html.index(f'data-referral="{ref}"'))


@pytest.fixture
def three(hub_staff, person):  # noqa: F811
    return (_arrive(hub_staff, person, 90, family_name="Young", route=ArrivalRoute.POLICE),
            _arrive(hub_staff, person, 30, family_name="Adams"),
            _arrive(hub_staff, person, 60, family_name="Moss", route=ArrivalRoute.POLICE))


def test_the_board_lists_the_nearest_to_breaching_first_by_default(client_for, hub_staff, three):  # noqa: F811
    young, adams, moss = three
    html = client_for(hub_staff).get("/hub/").content.decode()
    assert _order(html, *three) == [young.referral.reference, moss.referral.reference,
                                    adams.referral.reference]
    assert 'id="filter-route"' in html and 'id="filter-sort"' in html


def test_the_board_sorts_by_last_name_and_filters_by_how_they_came(client_for, hub_staff, three):  # noqa: F811
    young, adams, moss = three
    client = client_for(hub_staff)
    html = client.get("/hub/", {"sort": "name"}).content.decode()
    assert _order(html, *three) == [adams.referral.reference, moss.referral.reference,
                                    young.referral.reference]
    police = client.get("/hub/", {"route": "police", "sort": "arrived"}).content.decode()
    assert adams.referral.reference not in police
    assert _order(police, young, moss) == [young.referral.reference, moss.referral.reference]
    assert '<option value="police" selected>' in police


def test_the_refresh_keeps_the_filter_and_an_empty_list_says_why(client_for, hub_staff, three):  # noqa: F811
    client = client_for(hub_staff)
    fragment = client.get("/hub/", {"route": "ambulance"}, headers={"X-Requested-With": "fetch"})
    html = fragment.content.decode()
    assert "<h1" not in html and "data-as-at" in html
    assert "Nobody is waiting who came this way." in html


@pytest.mark.parametrize("query", [{"route": "x" * 5000}, {"sort": "'; drop table"}, {"route": ["a", "b"]},
                                   {"sort": "\x00"}])
def test_a_parameter_of_any_shape_shows_the_default_board(client_for, hub_staff, three, query):  # noqa: F811
    response = client_for(hub_staff).get("/hub/", query)
    assert response.status_code == 200
    assert all(a.referral.reference in response.content.decode() for a in three)
