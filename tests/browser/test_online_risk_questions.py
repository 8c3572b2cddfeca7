"""The online self-referral's safety questions in headless Chromium: an answer that signals
risk shows at once how to get help now (999, or NHS 111 option 2), and the referral sent
goes to the urgent queue with its clock running; each new page ends in an axe check.

- member of the public: answer the safety questions with a plan, then send (public:step, public:check)
  -> test_a_person_with_a_plan_is_told_to_call_999_or_111_option_2_and_their_referral_goes_urgent
"""

from datetime import date, timedelta

import pytest
from django.core.cache import cache

from cap.models import Referral
from tests.browser.pages import assert_accessible, fill_date
from tests.factories import GPPracticeFactory
from triage.selectors import urgent_queue

pytestmark = [pytest.mark.browser]


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate limit counters and one-time token claims live in the cache."""
    cache.clear()
    yield
    cache.clear()


def answer(page, question: str, choice: str):
    page.get_by_role("group", name=question).get_by_label(choice, exact=True).check()


def test_a_person_with_a_plan_is_told_to_call_999_or_111_option_2_and_their_referral_goes_urgent(
        live_server, page, reference_data):
    GPPracticeFactory(ods_code="C82001", name="Highfields Surgery", postcode="LE2 0TA")
    page.goto(f"{live_server.url}/get-help/who/")
    page.get_by_label("I need help for myself").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("GP practice").select_option(label="Highfields Surgery, LE2 0TA")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("First name").fill("Asha")
    page.get_by_label("Last name").fill("Patel")
    fill_date(page, "Date of birth", date(1984, 3, 15))
    page.get_by_label("Postcode").fill("LE2 7LX")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("What do you need help with?").fill("I cannot go on like this.")
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("heading", name="Your safety").wait_for()
    assert page.locator("#urgent-help").count() == 0
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()  # nothing answered: told what is missing
    summary = page.locator(".nhsuk-error-summary")
    assert "Select whether you have had thoughts of ending your life" in summary.inner_text()
    assert_accessible(page)
    answer(page, "Have you had thoughts of ending your life?", "Yes")
    page.get_by_role("button", name="Continue").click()
    assert "Select whether you have a plan" in page.locator(".nhsuk-error-summary").inner_text()
    assert page.get_by_role("group", name="Have you had thoughts of ending your life?").get_by_label(
        "Yes", exact=True).is_checked()  # what was answered survives the error
    answer(page, "If yes, do you have a plan for how you would do it?", "Yes")
    answer(page, "If yes, do you intend to act on these thoughts?", "No")
    answer(page, "Are you safe right now?", "Yes")
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("heading", name="How we should contact you").wait_for()
    card = page.locator("#urgent-help")
    assert "call 999" in card.inner_text()
    assert "call NHS 111 and select option 2" in card.inner_text()
    assert "You can still send this form" in card.inner_text()
    assert_accessible(page)
    page.get_by_label("Phone call").check()
    page.get_by_label("Phone number").fill("07700 900982")
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("heading", name="Check your answers before sending").wait_for()
    assert page.locator("#urgent-help").is_visible()
    answers = page.locator(".nhsuk-summary-list").inner_text()
    assert "Thoughts of ending your life" in answers and "A plan" in answers
    assert_accessible(page)
    page.get_by_label("I agree that the Central Access Point can use this information").check()
    page.get_by_role("button", name="Send referral").click()

    page.get_by_role("heading", name="Referral sent").wait_for()
    referral = Referral.objects.get()
    assert list(urgent_queue()) == [referral]
    four = referral.targets.get(definition__code="assessment_4h")
    assert four.provisional and four.started_at == referral.received_at
    assert four.due_at == referral.received_at + timedelta(hours=4)
    assert referral.risk_indicators == ["intent_with_plan"]
