"""The triage clinician's worklist as they work from it, and the header's search box, in
headless Chromium.

- triage clinician: read the worklist's columns and tags (triage:worklist)
  -> test_the_worklist_shows_the_nhs_number_age_target_and_a_breached_tag
- triage clinician: filter the worklist by queue and page through it (triage:worklist)
  -> test_the_worklist_filters_by_queue_and_pages_keeping_the_filter
- triage clinician: let the worklist refresh itself, and pause it (triage:worklist)
  -> test_the_worklist_refreshes_itself_with_the_as_at_time_keeps_its_page_and_pauses
- triage clinician: find a person by NHS number from the header (cap:find)
  -> test_the_header_search_finds_a_person_by_nhs_number
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from cap.services import referral_log_written
from tests.browser.pages import assert_accessible, sign_in

pytestmark = [pytest.mark.browser]


@pytest.fixture
def refer(admin_team, person, gp_referrer):
    def make(days_ago=0, **details):
        given = details.pop("given_name", "Asha")
        nhs = details.pop("nhs_number", None)
        people = {"given_name": given, **({"nhs_number": nhs} if nhs else {})}
        return referral_log_written(actor=admin_team, person=person(**people), referrer=gp_referrer,
                                    reason="Low mood", received_at=timezone.now() - timedelta(days=days_ago),
                                    **details)

    return make


def test_the_worklist_shows_the_nhs_number_age_target_and_a_breached_tag(
        live_server, page, refer, triage_clinician, password):
    late = refer(days_ago=6, given_name="Noor", nhs_number="9434765919")
    sign_in(page, live_server.url, triage_clinician.username, password)
    page.get_by_role("heading", name="Triage worklist").wait_for()
    row = page.locator(f"tr[data-referral='{late.reference}']")
    assert "Noor Patel" in row.locator("[data-name]").inner_text()
    assert "943 476 5919" in row.locator("[data-nhs-number]").inner_text()
    assert row.locator("[data-age]").inner_text().strip().endswith(str(late.service_user.age_on(
        timezone.localdate())))
    assert "Triage review within 1 working day" in row.locator("[data-target]").inner_text()
    assert row.locator("[data-time-left]").get_by_text("Breached").is_visible()
    assert "Overdue by" in row.locator("[data-time-left]").inner_text()
    assert_accessible(page)


def test_the_worklist_filters_by_queue_and_pages_keeping_the_filter(
        live_server, page, refer, triage_clinician, password):
    urgent = refer(referrer_urgency="urgent", given_name="Sami")
    for _ in range(27):
        refer()
    sign_in(page, live_server.url, triage_clinician.username, password)
    page.get_by_label("Queue", exact=True).select_option(label="Urgent triage queue")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/triage/?queue=urgent**")
    assert page.locator("tr[data-referral]").count() == 1
    assert page.locator(f"tr[data-referral='{urgent.reference}']").is_visible()

    page.get_by_label("Queue", exact=True).select_option(label="Non-urgent triage queue")
    page.get_by_label("Sort by", exact=True).select_option(label="Received first")
    page.get_by_role("button", name="Apply").click()
    assert page.locator("tr[data-referral]").count() == 25
    page.get_by_role("link", name="Next").click()
    page.wait_for_url("**page=2**")
    assert "queue=non-urgent" in page.url and "sort=received" in page.url
    assert page.locator("tr[data-referral]").count() == 2
    assert page.get_by_label("Queue", exact=True).input_value() == "non-urgent"
    assert_accessible(page)


def test_the_worklist_refreshes_itself_with_the_as_at_time_keeps_its_page_and_pauses(
        live_server, page, refer, admin_team, person, gp_referrer, triage_clinician, password):
    for _ in range(26):
        refer(days_ago=2)
    page.clock.install()
    sign_in(page, live_server.url, triage_clinician.username, password)
    page.goto(f"{live_server.url}/triage/?queue=non-urgent&page=2")
    assert page.locator("[data-as-at]").inner_text().startswith("As at ")
    assert page.locator("tr[data-referral]").count() == 1
    page.get_by_label("Sort by", exact=True).focus()
    newest = refer(given_name="Kofi")  # received now: due last, on page 2
    page.clock.run_for(61_000)
    page.locator(f"tr[data-referral='{newest.reference}']").wait_for()
    assert page.get_by_role("status").inner_text().startswith("List updated as at ")
    assert page.locator("tr[data-referral]").count() == 2 and "page=2" in page.url
    # The refresh did not take the focus from where the clinician left it.
    assert page.evaluate("document.activeElement.id") == "filter-sort"

    page.get_by_role("button", name="Pause updates").click()
    page.get_by_role("button", name="Resume updates").wait_for()
    assert page.get_by_role("status").inner_text() == "Updates paused"
    later = refer(given_name="Lena")
    page.clock.run_for(61_000)
    assert page.locator(f"tr[data-referral='{later.reference}']").count() == 0
    assert_accessible(page)


def test_the_header_search_finds_a_person_by_nhs_number(live_server, page, refer, triage_clinician, password):
    referral = refer(given_name="Noor", nhs_number="9434765919")
    sign_in(page, live_server.url, triage_clinician.username, password)
    search = page.get_by_role("searchbox", name="Find a person or a referral")
    search.fill("943 476 5919")
    search.press("Enter")
    page.get_by_role("heading", name="1 person found").wait_for()
    results = page.locator("#find-people")
    assert "Noor Patel" in results.inner_text() and "943 476 5919" in results.inner_text()
    results.get_by_role("link", name=referral.reference).click()
    page.get_by_text(referral.reference).first.wait_for()
    assert_accessible(page)
