"""A triage clinician works the urgent queue in headless Chromium."""

import pytest

from cap.services import referral_log_written
from tests.browser.pages import assert_accessible, sign_in

pytestmark = [pytest.mark.browser]


def test_triage_clinician_claims_a_referral_on_the_urgent_queue_and_sees_it_is_theirs(
        live_server, page, admin_team, triage_clinician, person, gp_referrer, password):
    referral = referral_log_written(actor=admin_team, person=person(given_name="Noor"),
                                    referrer=gp_referrer, reason="Says they cannot keep safe",
                                    referrer_urgency="urgent")
    sign_in(page, live_server.url, triage_clinician.username, password)
    page.goto(f"{live_server.url}/triage/urgent/")
    row = page.locator(f"tr[data-referral='{referral.reference}']")
    assert "Not claimed" in row.inner_text()

    row.get_by_role("button", name=f"Claim {referral.reference}").click()
    page.get_by_text(f"You are working on {referral.reference}").wait_for()
    assert "You, until" in row.locator("[data-claim]").inner_text()
    assert row.get_by_role("button", name=f"Release {referral.reference}").is_visible()
    assert_accessible(page)


def test_pause_updates_button_stops_and_restarts_the_refresh(live_server, page, triage_clinician,
                                                             password):
    sign_in(page, live_server.url, triage_clinician.username, password)
    page.goto(f"{live_server.url}/triage/urgent/")
    button = page.get_by_role("button", name="Pause updates")
    button.click()
    page.get_by_role("button", name="Resume updates").wait_for()
    assert page.get_by_role("status").inner_text() == "Updates paused"
    page.get_by_role("button", name="Resume updates").click()
    page.get_by_role("button", name="Pause updates").wait_for()
    assert_accessible(page)


def test_the_queue_refreshes_itself_every_minute_and_says_so(
        live_server, page, admin_team, triage_clinician, person, gp_referrer, password):
    page.clock.install()
    sign_in(page, live_server.url, triage_clinician.username, password)
    page.goto(f"{live_server.url}/triage/urgent/")
    page.get_by_text("No referrals are waiting in this queue.").wait_for()
    referral = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                    reason="Crisis", referrer_urgency="very_urgent")
    page.clock.run_for(61_000)
    page.locator(f"tr[data-referral='{referral.reference}']").wait_for()
    assert page.get_by_role("status").inner_text().startswith("List updated ")
