"""The scheduling lists the admin team works from, as the triage worklist: every
worklist's columns and tags, a stream filter kept in the pages, and the slot issues.

- admin team: filter the booking queue by stream and page it (scheduling:booking_queue)
  -> test_admin_team_filters_the_booking_queue_by_stream_pages_it_and_sees_the_time_left
- admin team: read the slot issues with every worklist's columns (scheduling:slot_issues)
  -> test_admin_team_sees_the_slot_issues_with_the_worklist_columns
"""

import pytest
from django.urls import reverse

from cap.services import referral_log_written
from scheduling import tasks
from tests.factories import GPPracticeFactory
from triage.services import triage_decision_record

from .pages import assert_accessible, sign_in

pytestmark = [pytest.mark.browser]


def triaged(admin_team, triage_clinician, person, gp_referrer, stream, n):
    referrals = []
    for i in range(n):
        referral = referral_log_written(
            actor=admin_team, person=person(family_name=f"{stream.title()}{i}",
                                            gp_practice=GPPracticeFactory()),
            referrer=gp_referrer, reason="Low mood for several months")
        triage_decision_record(actor=triage_clinician, referral=referral, urgency="routine",
                               outcome="assessment", stream=stream, rationale="Routine assessment.")
        referrals.append(referral)
    return referrals


def test_admin_team_filters_the_booking_queue_by_stream_pages_it_and_sees_the_time_left(
        live_server, page, admin_team, triage_clinician, password, person, gp_referrer, monkeypatch):
    monkeypatch.setattr("scheduling.views.LIST_PAGE", 2)
    older = triaged(admin_team, triage_clinician, person, gp_referrer, "MHSOP", 3)
    amh = triaged(admin_team, triage_clinician, person, gp_referrer, "AMH", 1)
    base = live_server.url
    sign_in(page, base, admin_team.username, password)
    page.goto(live_server.url + reverse("scheduling:booking_queue"))
    page.get_by_label("Stream").select_option("MHSOP")
    page.get_by_role("button", name="Apply").click()
    queue = page.locator("#booking-queue")
    assert amh[0].reference not in queue.inner_text()
    assert queue.locator("tbody tr").count() == 2
    assert "NHS number" in queue.inner_text() and queue.locator("[data-time-left]").count() == 2
    assert_accessible(page)
    page.get_by_role("link", name="Next").click()
    assert "stream=MHSOP" in page.url
    queue = page.locator("#booking-queue")
    assert queue.locator("tbody tr").count() == 1
    shown = {r.reference for r in older if r.reference in page.content()}
    assert len(shown) == 1
    assert page.locator("[data-as-at]").inner_text().startswith("As at")


def test_admin_team_sees_the_slot_issues_with_the_worklist_columns(
        live_server, page, admin_team, triage_clinician, password, person, gp_referrer):
    referral, = triaged(admin_team, triage_clinician, person, gp_referrer, "MIXED", 1)
    tasks.find_slot_issues_task()
    sign_in(page, live_server.url, admin_team.username, password)
    page.goto(live_server.url + reverse("scheduling:slot_issues"))
    table = page.locator("#slot-issues")
    text = table.inner_text()
    for header in ("NHS number", "Age", "Target due", "Due", "Time left", "Flags", "Why"):
        assert header in text
    assert referral.reference in text
    assert_accessible(page)
