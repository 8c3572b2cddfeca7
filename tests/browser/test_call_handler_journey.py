"""The call handler's screen, driven by keyboard alone in headless Chromium."""

from datetime import date

import pytest

from cap.models import Enquiry, Referral
from careplans.models import Episode
from tests.browser.pages import assert_accessible, date_typed, fill_date, sign_in
from tests.factories import PractitionerFactory, ServiceUserFactory, TeamFactory

pytestmark = [pytest.mark.browser]


def test_call_handler_finds_a_known_person_and_passes_the_call_to_triage_by_keyboard(
        live_server, page, call_handler, password):
    person = ServiceUserFactory(given_name="Leah", family_name="Moss", date_of_birth=date(1999, 1, 30))
    team = TeamFactory(name="City West CTR Team")
    Episode.objects.create(service_user=person, team=team, opened_on=date(2026, 2, 1),
                           care_coordinator=PractitionerFactory(name="Priya Nair", teams=[team]))
    sign_in(page, live_server.url, call_handler.username, password)
    assert page.url.endswith("/calls/new/")

    page.locator("#person-search").get_by_label("NHS number").focus()
    page.keyboard.type(person.nhs_number)
    page.keyboard.press("Enter")
    page.locator("#search-results").wait_for()
    assert "City West CTR Team" in page.locator("#search-results").inner_text()
    assert_accessible(page)

    assert page.evaluate("document.activeElement.id") == "search-results"
    page.get_by_role("button", name="Choose Leah Moss").focus()
    page.keyboard.press("Enter")
    card = page.locator("#known-to-services")
    card.wait_for()
    assert "Priya Nair" in card.inner_text()
    assert page.evaluate("document.activeElement.id") == "known-to-services"

    page.get_by_label("Professional").focus()
    page.keyboard.press("Space")
    page.get_by_label("Clinical", exact=True).focus()
    page.keyboard.press("Space")
    page.get_by_label("What the caller said").focus()
    page.keyboard.type("Community nurse worried about rising distress")
    page.get_by_label("Passed to urgent clinical triage").focus()
    page.keyboard.press("Space")
    page.get_by_label("What was given or done").focus()
    page.keyboard.type("Transferred to the urgent triage line")
    assert_accessible(page)
    page.get_by_role("button", name="Save call").focus()
    page.keyboard.press("Enter")
    page.get_by_text("passed to triage as REF-").wait_for()

    referral = Referral.objects.get(service_user=person)
    assert Enquiry.objects.get().referral == referral
    assert referral.urgent_triage_requested_at is not None


def test_searching_part_way_through_a_call_keeps_the_notes_and_fills_in_who_it_is_about(
        live_server, page, call_handler, password):
    sign_in(page, live_server.url, call_handler.username, password)
    notes = "Mother worried: her son has not slept for days"
    page.get_by_label("What the caller said").fill(notes)
    page.get_by_label("Clinical", exact=True).check()
    page.locator("#person-search").get_by_label("Last name").fill("Okonjo")
    fill_date(page.locator("#person-search"), "Date of birth (optional)", date(2001, 6, 9))
    page.get_by_role("button", name="Search").click()
    page.locator("#search-results").wait_for()
    assert "Nobody found" in page.locator("#search-results").inner_text()
    assert page.evaluate("document.activeElement.id") == "search-results"
    assert page.get_by_label("What the caller said").input_value() == notes
    assert page.get_by_label("Clinical", exact=True).is_checked()
    # Who the call is about is revealed under the outcome that needs it, filled in already.
    page.get_by_label("Passed to urgent clinical triage").check()
    who = page.get_by_role("group", name="Who the call is about")
    assert who.get_by_label("Last name").input_value() == "Okonjo"
    assert date_typed(who, "Date of birth (optional)") == date(2001, 6, 9)
    assert_accessible(page)
