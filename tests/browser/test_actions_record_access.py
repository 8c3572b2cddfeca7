"""Who has looked at this record, through the UI in headless Chromium: a manager finds a
person from Record access, reads their access log, filters it by date and exports it.

- manager: find a person whose record was read (cap:record_access)
  -> test_a_manager_finds_a_person_from_record_access
- manager: open a person's access log (cap:record_access_log)
  -> test_a_manager_reads_who_looked_at_a_record_with_the_break_glass_reason
- manager: filter the access log by date, told when the dates are the wrong way round
  (cap:record_access_log) -> test_a_manager_filters_the_access_log_by_date
- manager: export the access log as CSV (cap:record_access_log)
  -> test_a_manager_exports_the_filtered_access_log_as_csv
- manager: open the log of the user who read the record (cap:user_access_log)
  -> test_a_manager_opens_the_log_of_the_user_who_read_the_record
"""

import csv
import io
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from cap.models import RecordAccess
from cap.services import referral_log_written
from core.audit import record_access_log
from tests.browser.pages import assert_accessible, date_typed, fill_date, open_from_menu, sign_in

pytestmark = [pytest.mark.browser]

LONDON = ZoneInfo("Europe/London")
REASON = "Covering the duty rota"


@pytest.fixture
def asha(admin_team, triage_clinician, person, gp_referrer):
    """Asha's record, read by the admin team on 20 November and by a triage clinician,
    breaking the glass, on 24 November."""
    referral = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                    reason="Low mood for several months")
    for day, actor, reason in [(20, admin_team, ""), (24, triage_clinician, REASON)]:
        with time_machine.travel(datetime(2026, 11, day, 10, 15, tzinfo=LONDON), tick=False):
            record_access_log(actor=actor, service_user=referral.service_user, view="referral page",
                              referral=referral, break_glass_reason=reason)
    return referral.service_user


@pytest.fixture
def on_the_log(live_server, page, manager, password, asha):
    sign_in(page, live_server.url, manager.username, password)
    page.goto(f"{live_server.url}{reverse('cap:record_access_log', args=[asha.pk])}")
    return page


def test_a_manager_finds_a_person_from_record_access(live_server, page, manager, password, asha):
    sign_in(page, live_server.url, manager.username, password)
    open_from_menu(page, "Record access")
    page.get_by_label("Last name").fill("Patel")
    fill_date(page, "Date of birth (optional)", date(1984, 3, 15))
    page.get_by_role("button", name="Find the person").click()
    found = page.locator("#people-found")
    assert "Asha Patel" in found.inner_text()
    assert_accessible(page)
    found.get_by_role("link").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Who has looked at the record of Asha Patel"
    assert RecordAccess.objects.filter(user=manager, service_user=asha,
                                       context="record access: search results").count() == 1


def test_a_manager_reads_who_looked_at_a_record_with_the_break_glass_reason(on_the_log, manager, asha):
    log = on_the_log.locator("#access-log").inner_text()
    assert REASON in log and "Triage clinician" in log and "Admin team" in log
    assert_accessible(on_the_log)
    assert RecordAccess.objects.filter(user=manager, service_user=asha, context="record access log").exists()


def test_a_manager_filters_the_access_log_by_date(on_the_log):
    fill_date(on_the_log, "From (optional)", date(2026, 11, 23))
    fill_date(on_the_log, "To (optional)", date(2026, 11, 20))
    on_the_log.get_by_role("button", name="Filter").click()
    assert "The last day must be the same as or after the first day" in on_the_log.locator(
        ".nhsuk-error-summary").inner_text()
    assert date_typed(on_the_log, "From (optional)") == date(2026, 11, 23)
    assert_accessible(on_the_log)

    fill_date(on_the_log, "To (optional)", date(2026, 11, 30))
    on_the_log.get_by_role("button", name="Filter").click()
    rows = on_the_log.locator("#access-log tbody tr")
    assert rows.count() == 1 and "Tue 24 Nov 2026 10:15:00" in rows.first.inner_text()


def test_a_manager_exports_the_filtered_access_log_as_csv(on_the_log, manager, asha):
    fill_date(on_the_log, "From (optional)", date(2026, 11, 23))
    fill_date(on_the_log, "To (optional)", date(2026, 11, 30))
    on_the_log.get_by_role("button", name="Filter").click()
    with on_the_log.expect_download() as download:
        on_the_log.get_by_role("link", name="Export CSV").click()
    lines = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert [(line[2], line[8]) for line in lines[1:]] == [("triage.clinician", REASON)]
    assert RecordAccess.objects.filter(user=manager, service_user=asha,
                                       context="record access log CSV").exists()


def test_a_manager_opens_the_log_of_the_user_who_read_the_record(on_the_log, triage_clinician, manager):
    on_the_log.get_by_role("link", name=triage_clinician.get_full_name() or triage_clinician.username).click()
    assert "Asha Patel" in on_the_log.locator("#access-log").inner_text()
    assert_accessible(on_the_log)
    assert RecordAccess.objects.filter(user=manager, context="user access log").count() == 1
