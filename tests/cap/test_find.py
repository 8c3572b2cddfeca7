"""The header's search box and its results page (cap:find): a person by NHS number (with
or without spaces) or by name with date of birth, a referral by reference; each person
shown logged as read; input of any shape answered with a message, never a 500; the box
only for the roles that read every referral."""

from datetime import date

import pytest
from django.urls import reverse

from cap.find import FindKey, parse
from cap.models import RecordAccess
from cap.services import referral_log_written


@pytest.fixture
def noor(admin_team, person, gp_referrer):
    return referral_log_written(
        actor=admin_team, referrer=gp_referrer, reason="Low mood",
        person=person(nhs_number="9434765919", given_name="Noor", family_name="Khan",
                      date_of_birth=date(1990, 3, 12)))


BORN = date(1990, 3, 12)
NOOR = FindKey(family_name="Khan", given_name="Noor", date_of_birth=BORN)


def find(client, q):
    return client.get(reverse("cap:find"), {"q": q})


@pytest.mark.parametrize("typed, key", [
    ("943 476 5919", FindKey(nhs_number="9434765919")),
    ("9434765919", FindKey(nhs_number="9434765919")),
    (" 943-476-5919 ", FindKey(nhs_number="9434765919")),
    ("REF-0000123", FindKey(reference="REF-0000123")),
    ("ref 123", FindKey(reference="REF-0000123")),
    ("Noor Khan 12/03/1990", NOOR),
    ("Khan, Noor 12-3-1990", NOOR),
    ("khan 1990-03-12", FindKey(family_name="khan", date_of_birth=BORN)),
    ("Noor Khan 12 March 1990", NOOR),
    ("Noor  Khan 12 Mar 1990", NOOR),
])
def test_what_is_typed_is_read_as_an_nhs_number_a_reference_or_a_name_with_a_date_of_birth(typed, key):
    assert parse(typed) == key


@pytest.mark.parametrize("typed, says", [
    ("", "Enter at least 3 characters"),
    ("  a ", "Enter at least 3 characters"),
    ("943 476", "Enter an NHS number with 10 digits"),
    ("Noor Khan", "a name alone finds too many people"),
    ("Noor Khan 31/02/1990", "Enter a real date of birth"),
    ("12/03/1990", "Enter an NHS number, a name and date of birth"),
    ("<script>alert(1)</script> 12/03/1990", "Enter an NHS number, a name and date of birth"),
])
def test_what_cannot_be_read_says_what_to_type(typed, says):
    message = parse(typed)
    assert isinstance(message, str) and says in message


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["943 476 5919", "9434765919", "Noor Khan 12/03/1990", "khan 12/03/1990"])
def test_a_triage_clinician_finds_the_person_by_nhs_number_or_name_and_date_of_birth(
        noor, triage_clinician, client_for, typed):
    response = find(client_for(triage_clinician), typed)
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 person found" in html and "Noor Khan" in html and "943 476 5919" in html
    assert reverse("cap:referral", args=[noor.pk]) in html and noor.reference in html


@pytest.mark.django_db
def test_the_admin_team_finds_a_referral_by_its_reference(noor, admin_team, client_for):
    html = find(client_for(admin_team), noor.reference.lower()).content.decode()
    assert "Noor Khan" in html and reverse("cap:referral", args=[noor.pk]) in html


@pytest.mark.django_db
def test_each_person_shown_is_logged_as_read_once_and_nobody_when_nobody_is_shown(
        noor, admin_team, person, gp_referrer, triage_clinician, client_for):
    # A second referral for Noor: still one row for Noor.
    referral_log_written(actor=admin_team, referrer=gp_referrer, reason="Worse",
                         person=person(nhs_number="9434765919", given_name="Noor", family_name="Khan",
                                       date_of_birth=date(1990, 3, 12)))
    client = client_for(triage_clinician)
    before = RecordAccess.objects.count()
    find(client, "943 476 5919")
    rows = list(RecordAccess.objects.order_by("id")[before:])
    assert [(r.service_user_id, r.user_id, r.context) for r in rows] == [
        (noor.service_user_id, triage_clinician.pk, "find a person or referral")]
    before = RecordAccess.objects.count()
    find(client, "Nobody Here 01/01/1901")
    assert RecordAccess.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["", "x", "943", "Noor Khan", "Noor 99/99/1990", "x" * 5000, "\x00\x01",
                               "%%%", "REF-", "' OR 1=1 --"])
def test_bad_input_of_any_shape_gets_a_message_not_a_server_error(noor, triage_clinician, client_for, q):
    before = RecordAccess.objects.count()
    response = find(client_for(triage_clinician), q)
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "nhsuk-error-message" in html
    assert RecordAccess.objects.count() == before


@pytest.mark.django_db
def test_the_page_with_no_search_yet_shows_the_box_and_no_message(triage_clinician, client_for):
    html = client_for(triage_clinician).get(reverse("cap:find")).content.decode()
    assert 'id="id_q"' in html and "There is a problem" not in html


@pytest.mark.django_db
def test_the_header_box_is_for_the_roles_that_read_every_referral(
        triage_clinician, admin_team, manager, call_handler, practitioner_user, client_for, client):
    for user in (triage_clinician, admin_team, manager):
        html = client_for(user).get(reverse("accounts:password_change")).content.decode()
        assert f'action="{reverse("cap:find")}"' in html, user
    for user in (call_handler, practitioner_user):
        html = client_for(user).get(reverse("accounts:password_change")).content.decode()
        assert f'action="{reverse("cap:find")}"' not in html, user
        assert find(client, "943 476 5919").status_code == 403
