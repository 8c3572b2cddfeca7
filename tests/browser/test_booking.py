"""The admin team books a structured assessment from its queue: finds times, holds one
while agreeing it with the person, confirms it, and prints the person's letter."""

import pytest

from cap.services import referral_log_written
from tests.factories import GPPracticeFactory, PractitionerFactory, TeamFactory
from triage.services import triage_decision_record

from .pages import assert_accessible, sign_in, structured_assessment_staff

pytestmark = [pytest.mark.browser]


def test_admin_team_holds_then_books_an_assessment_from_the_queue_and_prints_the_letter(
        live_server, page, admin_team, triage_clinician, password, person, gp_referrer):
    practice = GPPracticeFactory()
    team = TeamFactory(name="City East CTR Team", pcns=[practice.pcn])
    PractitionerFactory(name="Grace Okafor", teams=[team])
    structured_assessment_staff(team)
    referral = referral_log_written(
        actor=admin_team, person=person(given_name="Noor", family_name="Hussain", gp_practice=practice),
        referrer=gp_referrer, reason="Low mood for several months")
    triage_decision_record(actor=triage_clinician, referral=referral, urgency="routine",
                           outcome="assessment", stream="AMH", rationale="Routine assessment.")
    base = live_server.url

    sign_in(page, base, admin_team.username, password)
    queue = page.locator("#booking-queue")
    assert "Noor Hussain" in queue.inner_text()
    assert_accessible(page)
    page.get_by_role("link", name=f"Find times {referral.reference}").click()
    options = page.locator("#options")
    assert "Support worker: Sam Adeyemi" in options.inner_text()
    assert "Healthcare or peer support worker: Hari Mistry" in options.inner_text()
    assert_accessible(page)

    options.get_by_role("button", name="Hold for 5 minutes").first.click()
    page.get_by_text("Held:").wait_for()
    assert page.locator("#booking-status").inner_text().startswith("Held while the time is agreed")
    assert_accessible(page)
    page.get_by_role("button", name="Confirm booking").click()
    page.get_by_text("Saved.").wait_for()
    assert page.locator("#booking-status").inner_text() == "Booked"
    assert "Grace Okafor" in page.locator("#diary-entries").inner_text()

    page.get_by_role("link", name="Appointment letter for the person").click()
    letter = page.locator("#letter")
    assert "Dear Noor Hussain" in letter.inner_text()
    assert "Neville Centre" in letter.inner_text()
    assert_accessible(page)
