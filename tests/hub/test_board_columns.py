"""The hub board's rows read as a worklist's: reference, name, NHS number, age, the hub's
own 2-hour target, its due time, time left with the Breached tag, and flags, in the
responsive table pattern, in a fixed number of queries whatever the number of rows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import roles
from hub import services
from hub.models import ArrivalRoute
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub_staff(reference_data):
    return UserFactory(username="hub.staff", role=roles.URGENT_CARE_HUB_STAFF)


def _arrive(actor, person, minutes_ago: int):
    return services.hub_arrival_record(actor=actor, person=person(), arrival=services.Arrival(
        arrived_at=timezone.now() - timedelta(minutes=minutes_ago), route=ArrivalRoute.WALK_IN,
        presenting_concern="Overwhelmed")).arrival


def test_a_waiting_row_shows_the_hubs_target_and_a_breach_past_2_hours(client_for, hub_staff, person):
    late = _arrive(hub_staff, person, 150)
    page = client_for(hub_staff).get("/hub/").content.decode()
    assert 'id="hub-waiting"' in page and "nhsuk-table--responsive" in page
    row = page[page.index(f'data-referral="{late.referral.reference}"'):]
    row = row[:row.index("</tr>")]
    for heading in ("Reference ", "NHS number ", "Age ", "Target due ", "Due ", "Time left ", "Flags "):
        assert f'aria-hidden="true">{heading}</span>' in row
    assert late.target.definition.name in row
    assert "nhsuk-tag--red\">Breached" in row
    assert "Awaiting urgent assessment" not in row  # the hub's own clock says it


def _board_queries(client) -> int:
    client.get("/hub/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/hub/").status_code == 200
    return len(queries)


def test_the_board_asks_the_same_queries_for_1_and_20_arrivals(client_for, hub_staff, person):
    client = client_for(hub_staff)
    _arrive(hub_staff, person, 10)
    one = _board_queries(client)
    for minutes in range(19):
        _arrive(hub_staff, person, 11 + minutes)
    assert _board_queries(client) == one
