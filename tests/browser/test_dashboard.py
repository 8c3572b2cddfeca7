"""A manager opens the wait dashboard, drills into one figure, and reads the performance
page with its charts, in headless Chromium, with axe checks."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from cap.services import referral_log_written
from tests.browser.pages import assert_accessible, sign_in
from triage import services

pytestmark = [pytest.mark.browser]


def test_manager_drills_from_the_breached_count_to_the_referral_behind_it(
        live_server, page, admin_team, manager, person, gp_referrer, password):
    with time_machine.travel(timezone.now() - timedelta(days=6), tick=False):
        late = referral_log_written(actor=admin_team, person=person(given_name="Noor"),
                                    referrer=gp_referrer, reason="Low mood")
    waiting = referral_log_written(actor=admin_team, person=person(given_name="Ravi"),
                                   referrer=gp_referrer, reason="Anxiety")
    services.scan_breaches()

    sign_in(page, live_server.url, manager.username, password)
    page.get_by_role("link", name="Wait dashboard").click()
    assert page.locator("#watcher").get_attribute("data-overdue") == "false"
    breached = page.locator("tr[data-queue='non_urgent'] td[data-band='breached'] a")
    assert breached.inner_text().startswith("1")
    assert page.locator("#header-alerts [data-count='unread-alerts']").inner_text() == "1"
    assert_accessible(page)

    breached.click()
    page.get_by_role("heading", name="Open referrals: non-urgent triage, breached").wait_for()
    table = page.locator("#figure-referrals")
    assert late.reference in table.inner_text() and waiting.reference not in table.inner_text()
    assert_accessible(page)

    page.get_by_role("link", name=late.reference).click()
    assert f"/referrals/{late.pk}/" in page.url


def test_manager_reads_the_performance_page_with_charts_and_tables(live_server, page, manager, password):
    sign_in(page, live_server.url, manager.username, password)
    page.goto(f"{live_server.url}/dashboard/performance/")
    page.get_by_role("heading", name="Performance over time").wait_for()
    assert page.evaluate("typeof window.Chart") == "function"
    assert_accessible(page)
