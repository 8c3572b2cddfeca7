"""Signing in with two factors and changing one's password, through the pages in headless
Chromium: after the password the page asks for the code from the authenticator app
(computed here from the user's device, as the app would show it), and nothing else opens
until it is given.

- triage clinician: sign in with the password and the code (login, accounts:two_factor_verify)
  -> test_sign_in_asks_for_the_code_after_the_password_and_lands_on_the_worklist
- call handler: a wrong code is refused with a message (accounts:two_factor_verify)
  -> test_a_wrong_code_is_refused_with_a_message
- practitioner: set up an authenticator app from the QR code and save the recovery codes
  (accounts:two_factor_setup, accounts:recovery_codes)
  -> test_set_up_shows_a_qr_code_and_ten_recovery_codes_once
- call handler: sign in with a recovery code, which then no longer works (accounts:two_factor_verify)
  -> test_a_recovery_code_signs_in_once
- admin team: change their password; a common password and their own name are refused
  (accounts:password_change, accounts:password_change_done)
  -> test_password_change_refuses_a_common_password_and_the_users_name_then_works
"""

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from tests.browser.pages import assert_accessible, sign_in, sign_in_password_only
from tests.sign_in import authenticator_for, code_for, code_of

pytestmark = [pytest.mark.browser]


def test_sign_in_asks_for_the_code_after_the_password_and_lands_on_the_worklist(live_server, page,
                                                                                triage_clinician, password):
    authenticator_for(triage_clinician)
    sign_in_password_only(page, live_server.url, triage_clinician.username, password)
    page.get_by_role("heading", name="Enter your security code").wait_for()
    assert page.get_by_role("navigation", name="Menu").count() == 0
    assert_accessible(page)
    page.goto(f"{live_server.url}/triage/")  # a records page: back to the code
    page.get_by_role("heading", name="Enter your security code").wait_for()
    page.get_by_label("Security code").fill(code_for(triage_clinician))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/triage/")
    assert page.get_by_role("heading", level=1).count() == 1


def test_a_wrong_code_is_refused_with_a_message(live_server, page, call_handler, password):
    authenticator_for(call_handler)
    sign_in_password_only(page, live_server.url, call_handler.username, password)
    right = code_for(call_handler)
    page.get_by_label("Security code").fill(f"{(int(right) + 1) % 1_000_000:06d}")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".nhsuk-error-summary")
    summary.wait_for()
    assert "The security code is not right" in summary.inner_text()
    assert_accessible(page)
    assert "/account/two-factor/" in page.url


def test_set_up_shows_a_qr_code_and_ten_recovery_codes_once(live_server, page, practitioner_user, password):
    sign_in_password_only(page, live_server.url, practitioner_user.username, password)
    page.get_by_role("heading", name="Set up two-factor sign-in").wait_for()
    assert page.get_by_role("img", name="QR code for your authenticator app").is_visible()
    device = TOTPDevice.objects.get(user=practitioner_user, confirmed=False)
    assert page.locator("#totp-secret").inner_text().strip() == two_factor.secret_text(device)
    assert_accessible(page)
    page.get_by_label("Security code").fill(code_of(device))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_text("Print or save these codes now").wait_for()
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{8}", c.strip()) for c in codes)
    assert_accessible(page)
    page.get_by_role("button", name="I have saved my recovery codes").click()
    page.wait_for_url("**/care-plans/")
    page.goto(f"{live_server.url}{reverse('accounts:recovery_codes')}")
    assert page.locator("#recovery-codes").count() == 0  # shown once
    assert "You have 10 recovery codes left" in page.locator("#recovery-codes-left").inner_text()


def test_a_recovery_code_signs_in_once(live_server, page, call_handler, password):
    authenticator_for(call_handler)
    code = two_factor.recovery_codes_replace(call_handler)[0]
    sign_in_password_only(page, live_server.url, call_handler.username, password)
    page.get_by_text("I do not have my phone").click()
    page.get_by_label("Security code").fill(code)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/calls/new/")
    page.get_by_role("button", name="Log out").click()

    sign_in_password_only(page, live_server.url, call_handler.username, password)
    page.get_by_label("Security code").fill(code)
    page.get_by_role("button", name="Continue").click()
    page.locator(".nhsuk-error-summary").wait_for()
    assert "The security code is not right" in page.locator(".nhsuk-error-summary").inner_text()
    assert two_factor.recovery_codes_left(call_handler) == 9


def test_password_change_refuses_a_common_password_and_the_users_name_then_works(
        live_server, page, admin_team, password):
    sign_in(page, live_server.url, admin_team.username, password)
    page.wait_for_url("**/scheduling/booking-queue/")
    page.get_by_role("link", name="Change password").click()
    page.get_by_role("heading", name="Change your password").wait_for()

    def try_password(new):
        page.get_by_label("Old password").fill(password)
        page.get_by_label("New password", exact=True).fill(new)
        page.get_by_label("New password confirmation").fill(new)
        page.get_by_role("button", name="Change password").click()

    try_password("Password123!")
    summary = page.locator(".nhsuk-error-summary")
    summary.wait_for()
    assert "This is similar to a commonly used password" in summary.inner_text()
    assert "Try a passphrase" in summary.inner_text()
    assert_accessible(page)

    try_password(f"{admin_team.first_name}{admin_team.last_name}2026")
    assert "It is built on your own name or username" in page.locator(".nhsuk-error-summary").inner_text()

    try_password("Kettle orbit lantern thistle")
    page.get_by_role("heading", name="Your password has been changed").wait_for()
    assert_accessible(page)
    admin_team.refresh_from_db()
    assert admin_team.check_password("Kettle orbit lantern thistle")
