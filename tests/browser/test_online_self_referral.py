"""A member of the public refers themselves online in headless Chromium, with no
login, each page ending in an axe-core accessibility check (WCAG 2.2 AA rules)."""

from datetime import date

import pytest
from django.core.cache import cache

from cap.models import Referral
from tests.browser.pages import assert_accessible, fill_date
from tests.factories import GPPracticeFactory

pytestmark = [pytest.mark.browser]


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate limit counters and one-time token claims live in the cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def practice(reference_data):
    return GPPracticeFactory(ods_code="C82001", name="Highfields Surgery", postcode="LE2 0TA")


def crisis_numbers_shown(page):
    crisis = page.locator("#crisis")
    assert "call 999" in crisis.inner_text()
    assert "NHS 111" in crisis.inner_text()


def start_self_referral(page, base):
    page.goto(f"{base}/get-help/")
    crisis_numbers_shown(page)
    assert_accessible(page)
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("I need help for myself").check()
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()


def test_member_of_the_public_refers_themselves_and_sees_their_reference(live_server, page, practice):
    start_self_referral(page, live_server.url)

    page.get_by_label("GP practice").select_option(label="Highfields Surgery, LE2 0TA")
    crisis_numbers_shown(page)
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()

    page.get_by_label("First name").fill("Asha")
    page.get_by_label("Last name").fill("Patel")
    fill_date(page, "Date of birth", date(1984, 3, 15))
    page.get_by_label("Postcode").fill("LE2 7LX")
    page.get_by_label("NHS number").fill("943 476 5919")
    assert_accessible(page)
    page.get_by_label("NHS number").press("Enter")  # sent from the keyboard

    page.get_by_label("What do you need help with?").fill("Low mood for months <b>not sleeping</b>")
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("group", name="Have you had thoughts of ending your life?").get_by_label("No").check()
    page.get_by_role("group", name="Are you safe right now?").get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()

    page.get_by_label("Phone call").check()
    page.get_by_label("Phone number").fill("07700 900982")
    page.get_by_label("It is safe to leave a message").check()
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("heading", name="Check your answers before sending").wait_for()
    summary = page.locator(".nhsuk-summary-list").inner_text()
    assert "Highfields Surgery" in summary and "Asha Patel" in summary
    assert "<b>not sleeping</b>" in summary  # markup typed is shown as text
    page.get_by_label("I agree that the Central Access Point can use this information").check()
    crisis_numbers_shown(page)
    assert_accessible(page)
    check_url = page.url
    sent_form = {name: page.locator(f"input[name={name}]").input_value()
                 for name in ("csrfmiddlewaretoken", "token")}
    page.get_by_role("button", name="Send referral").click()

    page.get_by_role("heading", name="Referral sent").wait_for()
    reference = Referral.objects.get().reference
    assert page.locator("#reference").inner_text() == reference
    assert "Asha" not in page.content()
    crisis_numbers_shown(page)
    assert_accessible(page)

    # The same form sent again from this browser: still one referral, the same reference.
    resent = page.request.post(check_url, form={**sent_form, "consent": "on"})
    assert resent.ok and reference in resent.text()
    # Back from the confirmation: the answers are gone, so there is nothing to send twice.
    page.go_back()
    page.get_by_role("heading", name="Get help from mental health services").wait_for()
    assert Referral.objects.count() == 1


def test_error_on_a_step_is_summarised_and_keeps_what_was_typed(live_server, page, practice):
    start_self_referral(page, live_server.url)
    page.get_by_label("GP practice").select_option(label="Highfields Surgery, LE2 0TA")
    page.get_by_role("button", name="Continue").click()

    page.get_by_label("First name").fill("Asha")
    page.get_by_label("NHS number").fill("9434765918")
    page.get_by_role("button", name="Continue").click()

    summary = page.locator(".nhsuk-error-summary")
    summary.wait_for()
    assert "check digit" in summary.inner_text()
    assert "Enter last name" in summary.inner_text()
    assert page.get_by_label("First name").input_value() == "Asha"
    assert page.get_by_label("NHS number").input_value() == "9434765918"
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    summary.get_by_role("link", name="Enter last name").click()
    assert page.evaluate("document.activeElement.id") == "id_family_name"
    assert not Referral.objects.exists()


def test_person_without_a_gp_in_the_area_is_signposted(live_server, page, practice):
    start_self_referral(page, live_server.url)
    page.get_by_label("GP practice").select_option(label="I do not have a GP")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="We cannot take this referral online").wait_for()
    crisis_numbers_shown(page)
    assert_accessible(page)
    assert not Referral.objects.exists()
