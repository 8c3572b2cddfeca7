"""The call handler's keyboard speed, on the server: the search box has the focus where
the work starts, the person search answers a script with its results alone (logged as
reads, as the full page's are), and each page lists the shortcuts its script carries out."""

from datetime import date

import pytest

from cap import keyboard
from cap.models import RecordAccess
from tests.factories import ServiceUserFactory

pytestmark = pytest.mark.django_db

FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


def test_a_new_call_starts_in_the_person_searchs_nhs_number_box(client_for, call_handler):
    page = client_for(call_handler).get("/calls/new/").content.decode()
    [box] = [tag for tag in page.split("<input")[1:] if 'name="find-nhs_number"' in tag.split(">")[0]]
    assert " autofocus" in box.split(">")[0]
    assert page.count(" autofocus") == 1


def test_the_search_sent_by_the_script_answers_with_the_results_alone_and_logs_each_read(
        client_for, call_handler, reference_data):
    person = ServiceUserFactory(given_name="Leah", family_name="Moss", date_of_birth=date(1999, 1, 30))
    response = client_for(call_handler).post("/calls/new/", {
        "action": "search", "find-nhs_number": person.nhs_number, "details": "Typed notes"}, **FETCH)
    fragment = response.content.decode()
    assert response.status_code == 200
    assert fragment.lstrip().startswith('<table class="nhsuk-table" id="search-results"')
    assert "<html" not in fragment and "Typed notes" not in fragment
    assert f'value="choose:{person.pk}"' in fragment
    assert RecordAccess.objects.filter(user=call_handler, service_user=person,
                                       context="call handler: search results").count() == 1


def test_nobody_found_by_the_script_says_what_to_do(client_for, call_handler):
    response = client_for(call_handler).post("/calls/new/", {
        "action": "search", "find-nhs_number": "9434765919"}, **FETCH)
    assert "Nobody found. Check the details, or enter the person&#x27;s details below." in (
        response.content.decode())


def test_a_search_the_form_refuses_sends_the_script_back_to_the_full_page(client_for, call_handler):
    response = client_for(call_handler).post("/calls/new/", {"action": "search", "find-family_name": "Moss"},
                                             **FETCH)
    assert response.status_code == 422
    # Without the script, the full page shows the error and keeps the call.
    page = client_for(call_handler).post("/calls/new/", {
        "action": "search", "find-family_name": "Moss", "details": "Typed notes"}).content.decode()
    assert "Enter an NHS number, or a last name and date of birth." in page and "Typed notes" in page


def test_the_call_form_lists_its_shortcuts_with_what_each_does(client_for, call_handler):
    page = client_for(call_handler).get("/calls/new/").content.decode()
    for shortcut in keyboard.CALL_FORM:
        assert f'data-shortcut-key="{shortcut.key.lower()}" data-shortcut-target="{shortcut.target}"' in page
        assert f"<kbd>{shortcut.key}</kbd>" in page
    assert 'id="save-call"' in page and 'id="new-call"' in page


def test_the_calls_list_starts_in_its_search_box_and_offers_a_new_call_only_to_call_handlers(
        client_for, call_handler, triage_clinician):
    page = client_for(call_handler).get("/calls/").content.decode()
    assert 'name="q"' in page and " autofocus" in page
    assert 'data-shortcut-target="#log-a-call"' in page
    page = client_for(triage_clinician).get("/calls/").content.decode()
    assert 'data-shortcut-target="#id_q"' in page and 'data-shortcut-target="#log-a-call"' not in page
