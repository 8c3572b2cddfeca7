"""The Reasonable Adjustment flag through the pages, in headless Chromium: recorded from the
referral, shown on the pages about the person, and a learning disability referral booked
only once it is confirmed, its assessment longer where the flag asks.

- triage clinician: record the person's reasonable adjustments (adjustments:referral_flag)
  -> test_a_triage_clinician_records_easy_read_and_a_longer_appointment_from_the_referral
- admin team: confirm the flag so a learning disability referral can be booked
  (adjustments:referral_flag, scheduling:book)
  -> test_the_admin_team_confirms_the_flag_and_books_a_longer_learning_disability_assessment
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from adjustments import services
from adjustments.models import AdjustmentFlag
from cap.services import referral_log_written
from scheduling.models import Booking
from scheduling.options import plan_for
from tests.factories import GPPracticeFactory, PractitionerFactory, TeamFactory
from triage.services import triage_decision_record

from .pages import assert_accessible, latest_history, sign_in, structured_assessment_staff

pytestmark = [pytest.mark.browser]


def ld_referral(admin_team, triage_clinician, person, gp_referrer):
    practice = GPPracticeFactory()
    team = TeamFactory(name="City LD Team", specialty="LD", pcns=[practice.pcn])
    PractitionerFactory(name="Grace Okafor", teams=[team])
    structured_assessment_staff(team)
    referral = referral_log_written(
        actor=admin_team, person=person(given_name="Mia", family_name="Shah", gp_practice=practice),
        referrer=gp_referrer, reason="Learning disability; anxious and not sleeping")
    triage_decision_record(actor=triage_clinician, referral=referral, urgency="routine",
                           outcome="assessment", stream="LD", rationale="LD assessment.")
    return referral


def test_a_triage_clinician_records_easy_read_and_a_longer_appointment_from_the_referral(
        live_server, page, triage_clinician, admin_team, password, person, gp_referrer):
    referral = referral_log_written(actor=admin_team, person=person(given_name="Mia", family_name="Shah"),
                                    referrer=gp_referrer, reason="Learning disability; anxious")
    sign_in(page, live_server.url, triage_clinician.username, password)
    page.goto(live_server.url + reverse("cap:referral", args=[referral.pk]))
    assert "None recorded yet." in page.locator("#adjustment-flag").inner_text()
    page.get_by_role("link", name=f"Record them for {referral.reference}").click()
    assert_accessible(page)
    page.get_by_label("Adjustments needed", exact=True).check()
    page.get_by_label("Learning disability").check()
    page.get_by_label("Easy read information").check()
    page.get_by_label("A longer appointment").check()
    page.get_by_role("button", name="Save the reasonable adjustments").click()
    # Refused: the person's consent to share is not said; what was ticked is kept.
    page.get_by_text("There is a problem").wait_for()
    assert page.get_by_label("Easy read information").is_checked()
    page.get_by_label("Yes, the person agreed to share it").check()
    page.get_by_role("button", name="Save the reasonable adjustments").click()
    page.get_by_text("reasonable adjustments are recorded").wait_for()
    shown = page.locator("#adjustment-flag").inner_text()
    assert "Easy read information" in shown and "A longer appointment" in shown
    flag = AdjustmentFlag.objects.get(service_user=referral.service_user)
    assert flag.adjustments == ["easy_read", "longer_appointment"]
    assert latest_history(flag).history_user == triage_clinician
    assert_accessible(page)


def test_the_admin_team_confirms_the_flag_and_books_a_longer_learning_disability_assessment(
        live_server, page, triage_clinician, admin_team, password, person, gp_referrer):
    referral = ld_referral(admin_team, triage_clinician, person, gp_referrer)
    usual = plan_for(referral)
    # Recorded for an earlier referral, long before this one: to be confirmed before booking.
    services.adjustment_flag_record(
        actor=triage_clinician, service_user=referral.service_user,
        now=timezone.now() - timedelta(days=200),
        details=services.FlagDetails(status="needed", consent_to_share="yes",
                                     adjustments=["easy_read", "longer_appointment"]))
    sign_in(page, live_server.url, admin_team.username, password)
    page.goto(live_server.url + reverse("scheduling:book", args=[referral.pk]))
    warning = page.locator("#flag-blocks-booking")
    assert "learning disability referral" in warning.inner_text()
    assert_accessible(page)
    warning.get_by_role("link", name="Record or confirm them").click()
    page.get_by_role("button", name="Confirm they are still right").click()
    page.get_by_text("confirmed as they stand").wait_for()
    page.goto(live_server.url + reverse("scheduling:book", args=[referral.pk]))
    assert page.locator("#flag-blocks-booking").count() == 0
    page.locator("#options").get_by_role("button", name="Hold for 5 minutes").first.click()
    page.get_by_text("Held:").wait_for()
    page.get_by_role("button", name="Confirm booking").click()
    page.get_by_text("Saved.").wait_for()
    booking = Booking.objects.get(referral=referral)
    usual_length = max(s.offset + s.duration for s in usual.steps)
    assert booking.ends_at - booking.starts_at > usual_length
