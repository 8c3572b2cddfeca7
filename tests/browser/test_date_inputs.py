"""Dates and times typed into the NHS.UK date input: day, month and year in three boxes,
and for a date and time the hour and minute in two more, in UK time.

- call handler: log a call with the person's date of birth in the three boxes (cap:log_call)
  -> test_call_handler_types_a_date_of_birth_in_three_boxes_and_is_told_the_month_is_missing
- admin team: log a written referral with the date and time it was received (cap:written_referral)
  -> test_admin_team_logs_a_written_referral_with_the_date_and_time_it_was_received
"""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from cap.models import CallOutcome, Enquiry, Referral
from tests.browser.pages import assert_accessible, date_group, fill_date, fill_datetime, sign_in
from tests.factories import GPPracticeFactory

pytestmark = [pytest.mark.browser]


def test_call_handler_types_a_date_of_birth_in_three_boxes_and_is_told_the_month_is_missing(
        live_server, page, call_handler, password):
    sign_in(page, live_server.url, call_handler.username, password)
    page.get_by_label("Carer", exact=True).check()
    page.get_by_label("Clinical", exact=True).check()
    page.get_by_label("What the caller said").fill("Her son has not slept for days")
    page.get_by_label("Passed to urgent clinical triage", exact=True).check()
    page.get_by_label("What was given or done").fill("Transferred to the urgent triage line")
    who = page.get_by_role("group", name="Who the call is about")
    who.get_by_label("First name").fill("Daniel")
    who.get_by_label("Last name").fill("Okonjo")
    born = date_group(who, "Date of birth (optional)")
    born.get_by_label("Day", exact=True).fill("9")
    born.get_by_label("Year", exact=True).fill("2001")
    who.get_by_label("Postcode").fill("LE3 0QP")
    page.get_by_role("button", name="Save call").click()

    summary = page.locator(".nhsuk-error-summary")
    summary.wait_for()
    assert "Date of birth must include a month" in summary.inner_text()
    born = date_group(page.get_by_role("group", name="Who the call is about"), "Date of birth (optional)")
    assert "Date of birth must include a month" in born.inner_text()
    assert [born.get_by_label(part, exact=True).input_value() for part in ("Day", "Month", "Year")] == [
        "9", "", "2001"]
    assert "nhsuk-input--error" in born.get_by_label("Month", exact=True).get_attribute("class")
    assert "nhsuk-input--error" not in born.get_by_label("Day", exact=True).get_attribute("class")
    assert not Enquiry.objects.exists()
    assert_accessible(page)

    summary.get_by_role("link", name="Date of birth must include a month").click()
    born.get_by_label("Month", exact=True).fill("6")
    page.get_by_role("button", name="Save call").click()
    referral = Referral.objects.get()
    page.get_by_text(f"passed to triage as {referral.reference}").first.wait_for()
    assert Enquiry.objects.get().outcome_kind == CallOutcome.PASSED_TO_TRIAGE
    assert referral.service_user.date_of_birth == date(2001, 6, 9)


def test_admin_team_logs_a_written_referral_with_the_date_and_time_it_was_received(
        live_server, page, admin_team, password):
    GPPracticeFactory(ods_code="C82001")
    received = timezone.localtime().replace(hour=9, minute=5, second=0, microsecond=0) - timedelta(days=1)
    sign_in(page, live_server.url, admin_team.username, password)
    page.get_by_role("link", name="Log a written referral").click()
    page.get_by_label("First name").fill("Asha")
    page.get_by_label("Last name").fill("Patel")
    fill_date(page, "Date of birth", date(1984, 3, 15))
    page.get_by_label("Postcode").fill("LE2 7LX")
    page.get_by_label("Referrer's name").fill("Dr Helen Shaw")
    page.get_by_label("Reason for referral").fill("Low mood for several months")
    when = date_group(page, "Date and time received")
    assert "UK time, on the 24-hour clock" in when.inner_text()
    fill_datetime(page, "Date and time received", received)
    assert [when.get_by_label(part, exact=True).input_value() for part in ("Hour", "Minute")] == ["09", "05"]
    assert_accessible(page)
    page.get_by_role("button", name="Log referral for triage").click()

    referral = Referral.objects.get()
    page.get_by_text(f"Referral {referral.reference} logged for triage.").wait_for()
    assert referral.received_at == received
    assert timezone.localtime(referral.received_at).replace(tzinfo=None) == datetime.combine(
        received.date(), received.time().replace(tzinfo=None))
    assert referral.service_user.date_of_birth == date(1984, 3, 15)
