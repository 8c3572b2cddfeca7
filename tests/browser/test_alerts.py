"""A triage clinician opens a burst of breaches in the notification centre, reads all of
it, and acknowledges one alert, in headless Chromium, with axe checks."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from cap.services import referral_log_written
from tests.browser.pages import assert_accessible, sign_in
from triage import services
from triage.models import BreachAlert

pytestmark = [pytest.mark.browser]


def test_clinician_opens_a_burst_of_breaches_reads_all_of_it_and_acknowledges_one(
        live_server, page, admin_team, triage_clinician, manager, person, gp_referrer, password):
    six_days_ago = timezone.now() - timedelta(days=6)
    referrals = []
    for n in range(12):  # a minute apart: the first received is the first due
        with time_machine.travel(six_days_ago + timedelta(minutes=n), tick=False):
            referrals.append(referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                                  reason="Low mood"))
    services.scan_breaches()

    sign_in(page, live_server.url, triage_clinician.username, password)
    assert page.locator("#header-alerts [data-count='unread-alerts']").inner_text() == "1"
    page.locator("#header-alerts").click()
    page.get_by_role("heading", name="Alerts").wait_for()
    rows = page.locator("[data-notification] tr[data-alert]")
    assert rows.count() == 10  # the ten most at risk of the twelve
    assert referrals[0].reference in rows.first.inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="See all 12 alerts of this notification").click()
    page.get_by_role("heading", name="Alerts of").wait_for()
    assert page.locator("tr[data-alert]").count() == 12
    assert_accessible(page)

    page.get_by_role("button", name=f"Acknowledge breached alert for {referrals[11].reference}").click()
    page.get_by_text(f"Alert acknowledged: {referrals[11].reference} breached.").wait_for()
    last = BreachAlert.objects.get(target__referral=referrals[11], kind="breached")
    assert last.acknowledged_by == triage_clinician
    assert "Acknowledged" in page.locator(f"tr[data-alert='{last.pk}']").inner_text()
