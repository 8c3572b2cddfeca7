"""Who has looked at this record, through the UI in headless Chromium: a manager finds a
person from Record access, reads their access log, filters it by date and exports it.

- manager: find a person whose record was read (cap:record_access)
  -> test_a_manager_opens_a_persons_access_log_filters_it_by_date_and_exports_it
- manager: open a person's access log (cap:record_access_log)
  -> test_a_manager_opens_a_persons_access_log_filters_it_by_date_and_exports_it
- manager: filter the access log by date (cap:record_access_log)
  -> test_a_manager_opens_a_persons_access_log_filters_it_by_date_and_exports_it
- manager: export the access log as CSV (cap:record_access_log)
  -> test_a_manager_opens_a_persons_access_log_filters_it_by_date_and_exports_it
- manager: open the log of the user who read the record (cap:user_access_log)
  -> test_a_manager_opens_a_persons_access_log_filters_it_by_date_and_exports_it
"""

import csv
import io
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cap.models import RecordAccess
from cap.services import referral_log_written
from core.audit import record_access_log
from tests.browser.pages import assert_accessible, open_from_menu, sign_in

pytestmark = [pytest.mark.browser]

LONDON = ZoneInfo("Europe/London")


def test_a_manager_opens_a_persons_access_log_filters_it_by_date_and_exports_it(
        live_server, page, manager, triage_clinician, admin_team, person, gp_referrer, password):
    referral = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                    reason="Low mood for several months")
    asha = referral.service_user
    for day, actor, view, reason in [(20, admin_team, "referral page", ""),
                                     (24, triage_clinician, "referral page", "Covering the duty rota")]:
        with time_machine.travel(datetime(2026, 11, day, 10, 15, tzinfo=LONDON), tick=False):
            record_access_log(actor=actor, service_user=asha, view=view, referral=referral,
                              break_glass_reason=reason)

    sign_in(page, live_server.url, manager.username, password)
    open_from_menu(page, "Record access")
    page.get_by_label("Last name").fill("Patel")
    page.get_by_label("Date of birth").fill("1984-03-15")
    page.get_by_role("button", name="Find the person").click()
    assert_accessible(page)
    page.get_by_role("link", name="Asha Patel: who has looked at their record").click()

    log = page.locator("#access-log")
    assert page.get_by_role("heading", level=1).inner_text() == "Who has looked at the record of Asha Patel"
    assert "Covering the duty rota" in log.inner_text() and "Triage clinician" in log.inner_text()
    assert_accessible(page)

    page.get_by_label("From").fill("2026-11-23")
    page.get_by_label("To").fill("2026-11-20")
    page.get_by_role("button", name="Filter").click()
    assert "The last day must be the same as or after the first day" in page.locator(
        ".nhsuk-error-summary").inner_text()
    assert page.get_by_label("From").input_value() == "2026-11-23"
    assert_accessible(page)

    page.get_by_label("To").fill("2026-11-30")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("#access-log tbody tr")
    assert rows.count() == 1 and "Tue 24 Nov 2026 10:15:00" in rows.first.inner_text()

    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    lines = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert [(line[2], line[8]) for line in lines[1:]] == [("triage.clinician", "Covering the duty rota")]

    page.get_by_role("link", name=triage_clinician.get_full_name() or triage_clinician.username).click()
    assert "Asha Patel" in page.locator("#access-log").inner_text()
    assert_accessible(page)
    assert set(RecordAccess.objects.filter(user=manager).values_list("context", flat=True)) == {
        "record access: search results", "record access log", "record access log CSV", "user access log"}
