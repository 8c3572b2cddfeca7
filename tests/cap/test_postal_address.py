"""The person's postal address, for letters: optional wherever the person's details are
recorded (the written referral, the API), kept on their one record, and never overwritten
by a later contact's."""

import pytest

from cap.models import Referral, ServiceUser
from cap.services import referral_log_written

from .test_referral_api import body, practice, send, system  # noqa: F401 (fixtures)
from .test_written_referral import letter, private_media  # noqa: F401 (fixtures)

ADDRESS = {"address_line_1": "Flat 2", "address_line_2": "12 Church Lane", "town": "Leicester"}


@pytest.mark.django_db
def test_the_api_takes_the_postal_address_as_optional_fields(system):  # noqa: F811
    response = send(system, body(service_user=ADDRESS))
    assert response.status_code == 201
    person = ServiceUser.objects.get()
    assert person.postal_address == ["Asha Patel", "Flat 2", "12 Church Lane", "Leicester", "LE2 7LX"]


@pytest.mark.django_db
def test_an_address_line_too_long_is_a_400_under_the_field(system):  # noqa: F811
    response = send(system, body(service_user={"address_line_1": "x" * 101}))
    assert response.status_code == 400
    assert "address_line_1" in response.json()["service_user"]
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_a_written_referral_records_the_address_typed(client_for, admin_team):
    response = client_for(admin_team).post("/referrals/new/", letter(**ADDRESS))
    assert response.status_code == 302
    person = ServiceUser.objects.get()
    assert (person.address_line_1, person.address_line_2, person.town) == ("Flat 2", "12 Church Lane",
                                                                          "Leicester")


@pytest.mark.django_db
def test_the_written_referral_form_asks_for_the_address_before_the_postcode(client_for, admin_team):
    page = client_for(admin_team).get("/referrals/new/").content.decode()
    assert page.index('name="address_line_1"') < page.index('name="town"') < page.index('name="postcode"')


@pytest.mark.django_db
def test_a_known_person_gets_an_address_only_when_their_record_has_none(admin_team, person, gp_referrer):
    first = referral_log_written(actor=admin_team, person=person(nhs_number="9434765919"),
                                 referrer=gp_referrer, reason="Low mood")
    record = first.service_user
    assert record.address_line_1 == ""
    referral_log_written(actor=admin_team, person=person(nhs_number="9434765919", **ADDRESS),
                         referrer=gp_referrer, reason="Still low")
    record.refresh_from_db()
    assert record.address_line_1 == "Flat 2"
    assert record.history.first().history_user == admin_team
    referral_log_written(actor=admin_team, person=person(nhs_number="9434765919", address_line_1="1 New Road",
                                                         town="Hinckley"),
                         referrer=gp_referrer, reason="Again")
    record.refresh_from_db()
    assert (record.address_line_1, record.town) == ("Flat 2", "Leicester")
