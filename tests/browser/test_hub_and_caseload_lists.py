"""The hub board and our caseload, worked as worklists: each filtered and sorted from its
controls, the choice kept in the address (and so in the refresh and the page links).

- hub staff: filter the board by how people came and sort it by last name (hub:board)
  -> test_hub_staff_filter_the_board_by_how_people_came_and_sort_it_by_name
- practitioner: filter our caseload to care coordinators not named yet, and page it
  (careplans:caseload)
  -> test_a_practitioner_filters_the_caseload_to_coordinators_to_name_and_pages_it
"""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from careplans.models import Episode
from hub import services
from hub.models import ArrivalRoute
from tests.factories import PractitionerFactory, ServiceUserFactory, TeamFactory, UserFactory

from .pages import assert_accessible, sign_in

pytestmark = [pytest.mark.browser]


def test_hub_staff_filter_the_board_by_how_people_came_and_sort_it_by_name(
        live_server, page, password, person, reference_data):
    staff = UserFactory(username="hub.staff", role=roles.URGENT_CARE_HUB_STAFF)
    arrivals = {}
    for name, minutes, route in (("Young", 90, ArrivalRoute.POLICE), ("Adams", 30, ArrivalRoute.WALK_IN),
                                 ("Moss", 60, ArrivalRoute.POLICE)):
        arrivals[name] = services.hub_arrival_record(
            actor=staff, person=person(family_name=name), arrival=services.Arrival(
                arrived_at=timezone.now() - timedelta(minutes=minutes), route=route,
                presenting_concern="Overwhelmed")).arrival
    sign_in(page, live_server.url, staff.username, password)
    page.get_by_role("heading", name="Urgent Care Hub", level=1).wait_for()
    page.get_by_label("How they came").select_option(label="Brought by the police")
    page.get_by_label("Sort by").select_option(label="Last name")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**route=police**")
    waiting = page.locator("#hub-waiting tbody tr")
    assert [row.get_attribute("data-referral") for row in waiting.all()] == [
        arrivals["Moss"].referral.reference, arrivals["Young"].referral.reference]
    assert page.get_by_label("How they came").input_value() == "police"
    assert page.locator("[data-as-at]").inner_text().startswith("As at ")
    assert_accessible(page)


def test_a_practitioner_filters_the_caseload_to_coordinators_to_name_and_pages_it(
        live_server, page, password, practitioner_user, monkeypatch):
    monkeypatch.setattr("careplans.views.CASELOAD_PAGE", 2)
    team = TeamFactory(name="City East CTR Team")
    me = PractitionerFactory(name="Grace Okafor", teams=[team], user=practitioner_user)
    for n, coordinator in enumerate((None, me, None, None)):
        Episode.objects.create(service_user=ServiceUserFactory(family_name=f"Person{n}"), team=team,
                               care_coordinator=coordinator, opened_on=date(2026, 9, 1 + n))
    sign_in(page, live_server.url, practitioner_user.username, password)
    page.goto(live_server.url + reverse("careplans:caseload"))
    page.get_by_label("Care coordinator").select_option(label="Not named yet")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**coordinator=not_named**")
    caseload = page.locator("#caseload")
    assert caseload.locator("tbody tr").count() == 2
    assert "Person1" not in caseload.inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Next").click()
    page.wait_for_url("**page=2**")
    assert "coordinator=not_named" in page.url
    assert page.locator("#caseload tbody tr").count() == 1
    assert "Not named yet" in page.locator("#caseload").inner_text()
