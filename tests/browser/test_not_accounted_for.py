"""The dashboard's "Not accounted for" figure and its drill-down, in headless Chromium with
axe checks: 0 in green when every open referral is accounted for; a referral whose targets
were all stopped shows as 1 in red, its drill-down gives its reference, status, why and how
long, and the duty manager finds it in the notification centre.

- manager: read "Not accounted for: 0" in green (triage:dashboard)
  -> test_manager_sees_everyone_accounted_for_in_green
- manager: drill down from the red figure to the referral and why (triage:dashboard, triage:figure)
  -> test_manager_drills_down_from_the_red_figure_to_the_referral_and_why
- manager: read the alert of a referral not accounted for (alerts:index)
  -> test_manager_drills_down_from_the_red_figure_to_the_referral_and_why
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from cap.services import referral_log_written
from tests.browser.pages import assert_accessible, sign_in
from triage.accounted import accounted_watch
from triage.models import WaitTarget
from triage.services import next_due_refresh

pytestmark = [pytest.mark.browser]


@pytest.fixture
def referral(admin_team, person, gp_referrer):
    return referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer, reason="Low mood")


def test_manager_sees_everyone_accounted_for_in_green(live_server, page, manager, password, referral):
    sign_in(page, live_server.url, manager.username, password)
    page.get_by_role("heading", name="Wait dashboard").wait_for()
    figure = page.locator("#accounted [data-count='not_accounted_for']")
    assert figure.inner_text() == "0"
    assert "nhsuk-tag--green" in figure.get_attribute("class")
    assert_accessible(page)


def test_manager_drills_down_from_the_red_figure_to_the_referral_and_why(live_server, page, manager,
                                                                          password, referral):
    WaitTarget.objects.filter(referral=referral).update(cancelled_at=timezone.now())
    next_due_refresh(referral)
    accounted_watch(now=timezone.now())

    sign_in(page, live_server.url, manager.username, password)
    figure = page.locator("#accounted [data-count='not_accounted_for']")
    assert figure.inner_text().startswith("1")
    assert "nhsuk-tag--red" in figure.get_attribute("class")
    assert_accessible(page)
    figure.click()
    page.get_by_role("heading", name="Open referrals not accounted for").wait_for()
    row = page.locator("#figure-referrals tbody tr")
    assert row.count() == 1
    text = row.inner_text()
    assert referral.reference in text and "Awaiting triage" in text and "No running target" in text
    assert "the duty manager was alerted" in text
    assert_accessible(page)

    page.goto(f"{live_server.url}{reverse('alerts:index')}")
    alert = page.locator("tr[data-unaccounted-alert]")
    assert referral.reference in alert.inner_text() and "Still not accounted for" in alert.inner_text()
    assert_accessible(page)
