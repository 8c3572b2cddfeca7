"""A manager's wait targets, through the page in headless Chromium: each test signs in as
the manager, changes a target on its page, and checks what the manager is told and the row
(and its history row) in the database.

- manager: change the urgent triage response time (triage:wait_targets, triage:wait_target_change)
  -> test_manager_changes_the_urgent_triage_response_to_two_hours
- manager: change a target's at-risk thresholds only (triage:wait_target_change)
  -> test_manager_changes_the_four_hour_assessments_at_risk_thresholds
- manager: switch off an at-risk threshold (triage:wait_target_change)
  -> test_manager_switches_off_the_share_of_time_threshold
- manager: a value out of range is refused (triage:wait_target_change)
  -> test_manager_is_told_a_time_out_of_range_and_keeps_what_was_typed
- manager: a change made from an older version is refused (triage:wait_target_change)
  -> test_a_manager_saving_over_another_managers_change_is_told_and_keeps_what_was_typed
"""

import pytest
from django.urls import reverse

from tests.browser.pages import assert_accessible, latest_history, sign_in
from triage.models import TargetDefinition

pytestmark = [pytest.mark.browser]


def open_target(page, live_server, manager, password, name):
    sign_in(page, live_server.url, manager.username, password)
    page.goto(f"{live_server.url}{reverse('triage:wait_targets')}")
    page.get_by_role("link", name=f"Change {name}").click()


URGENT = "Urgent triage: a clinician acts within 1 hour"


def test_manager_changes_the_urgent_triage_response_to_two_hours(live_server, page, manager, password):
    sign_in(page, live_server.url, manager.username, password)
    page.get_by_role("link", name="Wait targets").first.click()
    page.get_by_role("heading", name="Wait targets").wait_for()
    assert "A change applies to targets started after it" in page.content()
    assert_accessible(page)
    page.get_by_role("link", name=f"Change {URGENT}").click()
    assert_accessible(page)
    page.get_by_label("Time (hours)").fill("2")
    page.get_by_role("button", name="Save target").click()

    page.get_by_text(f"{URGENT} changed. Targets started from now on use it.").wait_for()
    row = page.locator('tr[data-target="urgent_triage_response"]')
    assert "2 hours" in row.inner_text()
    urgent = TargetDefinition.objects.get(code="urgent_triage_response")
    assert urgent.amount == 2
    assert latest_history(urgent, manager).amount == 2
    row.get_by_role("link").click()
    assert "time 1 hour to 2 hours" in page.locator("#target-history").inner_text()
    assert_accessible(page)


def test_manager_changes_the_four_hour_assessments_at_risk_thresholds(live_server, page, manager, password):
    four = TargetDefinition.objects.get(code="assessment_4h")
    open_target(page, live_server, manager, password, four.name)
    page.get_by_label("At risk at this share of the time elapsed (%)").fill("50")
    page.get_by_label("At risk with this many minutes left").fill("90")
    page.get_by_role("button", name="Save target").click()

    page.get_by_text(f"{four.name} changed.").wait_for()
    four.refresh_from_db()
    assert (four.amount, four.at_risk_share, four.at_risk_minutes_left) == (4, 50, 90)
    assert latest_history(four, manager).at_risk_minutes_left == 90


def test_manager_switches_off_the_share_of_time_threshold(live_server, page, manager, password):
    open_target(page, live_server, manager, password, URGENT)
    page.get_by_label("At risk at this share of the time elapsed (%)").fill("")
    page.get_by_role("button", name="Save target").click()

    page.get_by_text(f"{URGENT} changed.").wait_for()
    row = page.locator('tr[data-target="urgent_triage_response"]').inner_text()
    assert "None" in row and "15 min" in row
    urgent = TargetDefinition.objects.get(code="urgent_triage_response")
    assert (urgent.at_risk_share, urgent.at_risk_minutes_left) == (None, 15)
    assert latest_history(urgent, manager).at_risk_share is None


def test_manager_is_told_a_time_out_of_range_and_keeps_what_was_typed(live_server, page, manager, password):
    open_target(page, live_server, manager, password, URGENT)
    page.get_by_label("Time (hours)").fill("400")
    page.get_by_role("button", name="Save target").click()

    summary = page.locator(".nhsuk-error-summary")
    summary.wait_for()
    assert "The time must be between 1 and 72 hours." in summary.inner_text()
    assert page.get_by_label("Time (hours)").input_value() == "400"
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    assert TargetDefinition.objects.get(code="urgent_triage_response").amount == 1


def test_a_manager_saving_over_another_managers_change_is_told_and_keeps_what_was_typed(
        live_server, page, manager, password):
    open_target(page, live_server, manager, password, URGENT)
    other = page.context.new_page()  # the same target open in a second tab, saved first
    other.goto(page.url)
    other.get_by_label("Time (hours)").fill("2")
    other.get_by_role("button", name="Save target").click()
    other.get_by_text(f"{URGENT} changed.").wait_for()

    page.get_by_label("Time (hours)").fill("3")
    page.get_by_role("button", name="Save target").click()
    page.get_by_text("Someone else changed").wait_for()
    assert page.get_by_label("Time (hours)").input_value() == "3"
    assert "now 2 hours" in page.locator(".nhsuk-caption-l").inner_text()
    assert TargetDefinition.objects.get(code="urgent_triage_response").amount == 2
