"""The person's postal address, asked for wherever the person is recorded: completing an
identity and recording a hub arrival store it (audited, in the NHS.UK address pattern,
kept as typed on an error), and the referral API returns it."""

import pytest

from cap.models import Referral
from hub.models import HubArrival
from tests.hub.test_pages import arrival_form, hub_staff  # noqa: F401 (fixture)

from .test_calls import crisis_call
from .test_referral_api import body, practice, send, system  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

ADDRESS = {"address_line_1": "Flat 2", "address_line_2": "12 Church Lane", "town": "Leicester"}
IDENTITY = {"given_name": "Dan", "family_name": "Hale", "date_of_birth": "1990-02-03",
            "postcode": "le1 6tp"}


@pytest.fixture
def unconfirmed(client_for, call_handler):
    client_for(call_handler).post("/calls/new/", crisis_call(given_name="Dan", identity_not_confirmed="on"))
    return Referral.objects.get()


def test_completing_the_identity_stores_the_postal_address_audited(client_for, admin_team, unconfirmed):
    response = client_for(admin_team).post(f"/referrals/{unconfirmed.pk}/identity/", {**IDENTITY, **ADDRESS})
    assert response.status_code == 302
    person = Referral.objects.get().service_user
    assert person.postal_address == ["Dan Hale", "Flat 2", "12 Church Lane", "Leicester", "LE1 6TP"]
    assert person.history.first().history_user == admin_team


def test_the_identity_page_asks_for_the_address_in_the_nhs_address_pattern(client_for, admin_team,
                                                                            unconfirmed):
    page = client_for(admin_team).get(f"/referrals/{unconfirmed.pk}/identity/").content.decode()
    assert (page.index('name="address_line_1"') < page.index('name="address_line_2"')
            < page.index('name="town"') < page.index('name="postcode"'))
    for token in ("address-line1", "address-line2", "address-level2", "postal-code"):
        assert f'autocomplete="{token}"' in page
    assert "Postal address" in page


def test_the_identity_page_keeps_the_address_typed_when_the_date_of_birth_is_missing(
        client_for, admin_team, unconfirmed):
    response = client_for(admin_team).post(f"/referrals/{unconfirmed.pk}/identity/", {
        **IDENTITY, "date_of_birth": "", **ADDRESS})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Flat 2"' in page and 'value="12 Church Lane"' in page and 'value="Leicester"' in page
    assert Referral.objects.get().service_user.address_line_1 == ""


def test_a_town_without_the_first_line_is_refused_with_the_town_kept(client_for, admin_team, unconfirmed):
    response = client_for(admin_team).post(f"/referrals/{unconfirmed.pk}/identity/", {
        **IDENTITY, "town": "Leicester"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter address line 1, or leave the address empty." in page and 'value="Leicester"' in page
    assert not Referral.objects.get().service_user.identity_confirmed


def test_an_address_line_too_long_is_a_form_error_not_a_server_error(client_for, admin_team, unconfirmed):
    response = client_for(admin_team).post(f"/referrals/{unconfirmed.pk}/identity/", {
        **IDENTITY, "address_line_1": "x" * 101})
    assert response.status_code == 200
    assert "Address line 1 must be 100 characters or fewer" in response.content.decode()


def test_a_hub_arrival_stores_the_postal_address_typed(client_for, hub_staff):  # noqa: F811
    response = client_for(hub_staff).post("/hub/arrivals/new/", arrival_form(**ADDRESS))
    assert response.status_code == 302
    person = HubArrival.objects.get().referral.service_user
    assert (person.address_line_1, person.address_line_2, person.town) == ("Flat 2", "12 Church Lane",
                                                                          "Leicester")
    assert person.history.first().history_user == hub_staff


def test_a_hub_arrival_keeps_the_address_typed_on_an_error(client_for, hub_staff):  # noqa: F811
    response = client_for(hub_staff).post("/hub/arrivals/new/",
                                          arrival_form(presenting_concern="", **ADDRESS))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Flat 2"' in page and 'autocomplete="address-line1"' in page
    assert not HubArrival.objects.exists()


def test_the_referral_api_returns_the_postal_address(system):  # noqa: F811
    sent = send(system, body(service_user=ADDRESS)).json()
    shown = system.get(f"/api/v1/referrals/{sent['id']}/").json()["service_user"]
    assert {name: shown[name] for name in ("address_line_1", "address_line_2", "town", "postcode")} == {
        **ADDRESS, "postcode": "LE2 7LX"}
    assert (shown["given_name"], shown["family_name"]) == ("Asha", "Patel")  # the fields it had, kept


def test_the_referral_api_returns_an_empty_address_when_none_is_recorded(system):  # noqa: F811
    sent = send(system, body()).json()
    shown = system.get(f"/api/v1/referrals/{sent['id']}/").json()["service_user"]
    assert (shown["address_line_1"], shown["address_line_2"], shown["town"]) == ("", "", "")


def test_the_hub_arrival_page_shows_the_postal_address_escaped(client_for, hub_staff):  # noqa: F811
    client = client_for(hub_staff)
    client.post("/hub/arrivals/new/", arrival_form(**{**ADDRESS, "address_line_2": "<b>Lane</b>"}))
    page = client.get(f"/hub/arrivals/{HubArrival.objects.get().pk}/").content.decode()
    assert "Flat 2<br>&lt;b&gt;Lane&lt;/b&gt;<br>Leicester" in page
