"""The timeout warning in headless Chromium: two minutes before the idle timeout a modal
dialog says so and counts down; "Stay signed in" renews the session and closes it."""

import pytest

from .pages import assert_accessible, sign_in

pytestmark = [pytest.mark.browser]


def test_the_warning_comes_two_minutes_before_the_idle_timeout_and_stay_signed_in_renews(
        live_server, page, settings, triage_clinician, password):
    settings.SESSION_COOKIE_AGE = 124  # so the warning comes 4 seconds after a page loads
    sign_in(page, live_server.url, triage_clinician.username, password)
    page.wait_for_url("**/triage/")
    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    dialog.wait_for(timeout=10_000)
    assert "minute" in dialog.locator("[data-timeout-countdown]").inner_text()
    assert "You will be signed out in 2 minutes" in page.locator("[data-timeout-announce]").inner_text()
    assert_accessible(page)

    with page.expect_response("**/session/keep-alive/") as renewed:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert renewed.value.status == 200
    dialog.wait_for(state="hidden")
    page.goto(f"{live_server.url}/triage/")
    assert page.url.endswith("/triage/")  # still signed in
