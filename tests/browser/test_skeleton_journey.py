"""The walking skeleton through the UI in headless Chromium, as four roles, each
page ending in an axe-core accessibility check (WCAG 2.2 AA rules)."""

from datetime import date

import pytest

from tests.factories import GPPracticeFactory, PractitionerFactory, TeamFactory

from .pages import assert_accessible, fill_date, sign_in, sign_out, structured_assessment_staff

pytestmark = [pytest.mark.browser]


def test_referral_walks_from_letter_to_booked_assessment_through_four_roles(
        live_server, page, admin_team, triage_clinician, manager, password):
    base = live_server.url
    practice = GPPracticeFactory(ods_code="C82001")
    team = TeamFactory(name="City East CTR Team", pcns=[practice.pcn])
    PractitionerFactory(name="Grace Okafor", teams=[team])
    structured_assessment_staff(team)

    # The admin team logs a GP letter.
    sign_in(page, base, admin_team.username, password)
    page.get_by_role("link", name="Log a written referral").click()
    page.get_by_label("NHS number").fill("9434765919")
    page.get_by_label("First name").fill("Asha")
    page.get_by_label("Last name").fill("Patel")
    fill_date(page, "Date of birth", date(1984, 3, 15))
    page.get_by_label("Postcode").fill("LE2 7LX")
    page.get_by_label("GP practice ODS code").fill("C82001")
    page.get_by_label("Referrer's name").fill("Dr Helen Shaw")
    page.get_by_label("Reason for referral").fill("Low mood for several months <script>alert(1)</script>")
    page.get_by_role("button", name="Log referral for triage").click()
    page.get_by_text("logged for triage").wait_for()
    # Markup typed into a field is shown as text, never run.
    page.get_by_text("<script>alert(1)</script>", exact=False).wait_for()
    assert_accessible(page)
    sign_out(page)

    # A triage clinician finds it on the worklist with its review due time and streams it.
    sign_in(page, base, triage_clinician.username, password)
    assert page.url.endswith("/triage/")
    assert page.locator("#worklist").get_by_text("Asha Patel").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Triage REF-").first.click()
    page.get_by_label("Routine").check()
    page.get_by_label("Stream for assessment").check()
    page.get_by_label("Specialty stream").select_option("AMH")
    page.get_by_label("Clinical rationale").fill("Needs an adult mental health assessment.")
    assert_accessible(page)
    page.get_by_role("button", name="Record decision").click()
    page.get_by_text("Triage decision recorded").wait_for()
    sign_out(page)

    # The admin team books the assessment into the nurse's diary.
    sign_in(page, base, admin_team.username, password)
    assert page.url.endswith("/scheduling/booking-queue/")
    page.get_by_role("link", name="Find times REF-").first.click()
    assert "Assessing nurse: Grace Okafor" in page.locator("#options").inner_text()
    assert_accessible(page)
    page.locator("#options").get_by_role("button", name="Book").first.click()
    page.get_by_text("Booked:").wait_for()
    sign_out(page)

    # The manager's dashboard shows the person is still under the CAP.
    sign_in(page, base, manager.username, password)
    assert page.url.endswith("/dashboard/")
    # Booked, not yet assessed: under the CAP until assessed, and nothing breached.
    assert page.locator("[data-count=never_lost]").inner_text() == "1"
    assert page.locator("[data-count=breaches_today]").inner_text() == "0"
    assert_accessible(page)


def test_written_referral_errors_are_summarised_and_keep_what_was_typed(live_server, page, admin_team,
                                                                      password):
    sign_in(page, live_server.url, admin_team.username, password)
    page.goto(f"{live_server.url}/referrals/new/")
    page.get_by_label("NHS number").fill("9434765918")
    page.get_by_label("First name").fill("Asha")
    page.get_by_role("button", name="Log referral for triage").click()
    summary = page.locator(".nhsuk-error-summary")
    summary.wait_for()
    assert "check digit" in summary.inner_text()
    assert page.get_by_label("First name").input_value() == "Asha"
    assert_accessible(page)
