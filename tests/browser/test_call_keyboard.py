"""The call handler's keyboard speed, in headless Chromium: the focus where the work
starts, the person search without reloading the page, and the Alt+Shift shortcuts the
page lists (cap/keyboard.py says why those keys).

- call handler: log a call by keyboard alone with the shortcuts (cap:log_call)
  -> test_call_handler_logs_a_call_by_keyboard_alone_with_the_shortcuts
- call handler: search for the person without reloading, keeping the call typed (cap:log_call)
  -> test_the_search_swaps_its_results_in_without_reloading_and_keeps_the_call_typed
- call handler: find a call from the calls list's search box, and start a new call by its shortcut (cap:calls)
  -> test_the_calls_list_starts_in_its_search_box_and_alt_shift_n_logs_a_new_call
"""

from datetime import date

import pytest

from cap.models import CallOutcome, Enquiry
from tests.browser.pages import assert_accessible, latest_history, sign_in
from tests.factories import ServiceUserFactory

pytestmark = [pytest.mark.browser]


def focused(page) -> str:
    return page.evaluate("document.activeElement.id")


def mark_the_page(page):
    """A flag a reload would clear: the search must not reload the page."""
    page.evaluate("window.notReloaded = true")


def still_the_same_page(page) -> bool:
    return page.evaluate("window.notReloaded === true")


def test_call_handler_logs_a_call_by_keyboard_alone_with_the_shortcuts(live_server, page, call_handler,
                                                                       password):
    person = ServiceUserFactory(given_name="Leah", family_name="Moss", date_of_birth=date(1999, 1, 30))
    sign_in(page, live_server.url, call_handler.username, password)
    assert page.url.endswith("/calls/new/")
    assert "Alt + Shift + F" in page.locator("#keyboard-shortcuts").text_content()
    assert focused(page) == "id_find-nhs_number"  # where the work starts

    mark_the_page(page)
    page.keyboard.type(person.nhs_number)
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Choose Leah Moss").wait_for()
    assert still_the_same_page(page)
    assert focused(page) == "search-results"
    page.keyboard.press("Tab")  # to the result's Choose button
    page.keyboard.press("Enter")
    page.locator("#known-to-services").wait_for()

    page.keyboard.press("Alt+Shift+C")
    assert focused(page) == "id_caller_type_0"
    page.keyboard.press("Space")  # a service user
    page.keyboard.press("Tab")
    page.keyboard.type("Leah Moss")
    for _ in range(3):  # the relationship, the callback number, then the nature of the call
        page.keyboard.press("Tab")
    page.keyboard.press("Space")  # general information
    # Past the notes and the risk indicators in one key.
    page.keyboard.press("Alt+Shift+O")
    assert focused(page) == "id_outcome_kind_0"
    page.keyboard.press("Space")  # resolved by the call handler
    page.keyboard.press("Tab")
    page.keyboard.type("Gave the opening times of the wellbeing café")
    assert_accessible(page)
    page.keyboard.press("Alt+Shift+S")
    page.get_by_text("Call ENQ-").first.wait_for()

    call = Enquiry.objects.get()
    assert (call.service_user, call.caller_type, call.caller_name, call.nature, call.outcome_kind) == (
        person, "service_user", "Leah Moss", "general_information", CallOutcome.RESOLVED)
    assert call.outcome == "Gave the opening times of the wellbeing café"
    assert latest_history(call, call_handler).history_type == "+"


def test_the_search_swaps_its_results_in_without_reloading_and_keeps_the_call_typed(
        live_server, page, call_handler, password):
    sign_in(page, live_server.url, call_handler.username, password)
    notes = "Mother worried: her son has not slept for days"
    page.get_by_label("What the caller said").fill(notes)
    page.get_by_label("Clinical", exact=True).check()
    mark_the_page(page)
    page.keyboard.press("Alt+Shift+F")
    assert focused(page) == "id_find-nhs_number"
    page.keyboard.type("9434765919")
    page.keyboard.press("Enter")
    page.get_by_text("Nobody found").wait_for()

    assert still_the_same_page(page)
    assert focused(page) == "search-results"
    assert page.get_by_label("What the caller said").input_value() == notes
    assert page.get_by_label("Clinical", exact=True).is_checked()
    page.get_by_label("Passed to urgent clinical triage").check()  # reveals who the call is about
    who = page.get_by_role("group", name="Who the call is about")
    assert who.get_by_label("NHS number").input_value() == "9434765919"  # carried from the search
    assert_accessible(page)


def test_the_calls_list_starts_in_its_search_box_and_alt_shift_n_logs_a_new_call(
        live_server, page, call_handler, password):
    sign_in(page, live_server.url, call_handler.username, password)
    page.goto(f"{live_server.url}/calls/")
    page.locator("#keyboard-shortcuts").wait_for()
    assert focused(page) == "id_q"
    assert_accessible(page)
    page.keyboard.press("Alt+Shift+N")
    page.wait_for_url("**/calls/new/")
    assert focused(page) == "id_find-nhs_number"
