"""The call form's outcome reveals its own fields: who the call is about sits under
"Passed to urgent clinical triage", the one outcome that reads it. Without JavaScript every
field shows, so the server decides: what was typed under triage, when another outcome is
chosen, neither blocks the call nor is stored."""

import pytest

from cap.forms import CallForm
from cap.models import CallOutcome, Enquiry, Referral, ServiceUser

from .test_calls import NEW_PERSON, call_form, crisis_call, known_person  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_a_resolved_call_is_saved_with_a_half_typed_date_of_birth_left_under_triage(
        client_for, call_handler):
    response = client_for(call_handler).post("/calls/new/", call_form(
        given_name="Leah", family_name="Moss", date_of_birth_day="31", date_of_birth_month="2",
        postcode="not a postcode", nhs_number="1234567890"))
    assert response.status_code == 302
    assert Enquiry.objects.get().outcome_kind == CallOutcome.RESOLVED


def test_an_appointment_change_stores_nobody_from_the_fields_of_triage(client_for, call_handler):
    client_for(call_handler).post("/calls/new/", call_form(
        outcome_kind=CallOutcome.APPOINTMENT_CHANGE, outcome="Asked to move Thursday's appointment",
        **NEW_PERSON))
    assert Enquiry.objects.get().service_user is None
    assert not ServiceUser.objects.exists() and not Referral.objects.exists()


def test_the_fields_of_triage_are_cleared_from_another_outcome(call_handler):
    form = CallForm(call_form(identity_not_confirmed="on", address_line_1="Flat 2", **NEW_PERSON))
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["family_name"], form.cleaned_data["address_line_1"],
            form.cleaned_data["identity_not_confirmed"]) == ("", "", False)
    assert form.person() is None


def test_a_call_passed_to_triage_still_needs_the_person(client_for, call_handler):
    response = client_for(call_handler).post("/calls/new/", crisis_call(given_name="Dan"))
    assert response.status_code == 200
    assert "A call passed to triage needs the person: enter their last name." in response.content.decode()
    assert not Enquiry.objects.exists()


def test_a_call_passed_to_triage_keeps_the_address_typed_under_it(client_for, call_handler):
    client_for(call_handler).post("/calls/new/", crisis_call(address_line_1="Flat 2", town="Leicester",
                                                             **NEW_PERSON))
    person = Referral.objects.get().service_user
    assert (person.family_name, person.address_line_1, person.town) == ("Moss", "Flat 2", "Leicester")


def test_who_the_call_is_about_is_revealed_under_triage_and_shown_as_typed_on_an_error(
        client_for, call_handler):
    response = client_for(call_handler).post("/calls/new/", call_form(
        outcome="", outcome_kind=CallOutcome.PASSED_TO_TRIAGE, family_name="Moss"))
    page = response.content.decode()
    reveal = page.index('id="id_outcome_kind-passed_to_triage-reveal"')
    assert 'data-aria-controls="id_outcome_kind-passed_to_triage-reveal"' in page
    assert reveal < page.index("Who the call is about") < page.index('name="family_name"')
    assert 'value="Moss"' in page
    # The chosen outcome's reveal shows on the page as served (the design system's class).
    assert 'nhsuk-radios__conditional" id="id_outcome_kind-passed_to_triage-reveal"' in page


def test_nothing_is_revealed_under_triage_for_a_person_chosen_from_the_search(
        client_for, call_handler, known_person):  # noqa: F811
    page = client_for(call_handler).get("/calls/new/", {"person": known_person.pk}).content.decode()
    assert "Known to services" in page
    assert 'name="family_name"' not in page
    assert "passed_to_triage-reveal" not in page
