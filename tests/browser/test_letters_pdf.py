"""The admin team's letters as PDFs: a booking's appointment letter opened from the
booking, shown in easy read, downloaded as a PDF (stored against the booking) and marked
as posted.

- admin team: choose a letter's format (scheduling:letter)
  -> test_admin_team_downloads_an_easy_read_letter_and_marks_it_posted
- admin team: download a letter as a PDF (letters:appointment_letter_pdf)
  -> test_admin_team_downloads_an_easy_read_letter_and_marks_it_posted
- admin team: mark a letter as posted (letters:copy_posted)
  -> test_admin_team_downloads_an_easy_read_letter_and_marks_it_posted
"""

import pytest
from pypdf import PdfReader

from cap.services import referral_log_written
from letters.models import LetterCopy
from scheduling import services
from tests.factories import GPPracticeFactory, PractitionerFactory, TeamFactory
from triage.services import triage_decision_record

from .pages import assert_accessible, latest_history, sign_in, structured_assessment_staff

pytestmark = [pytest.mark.browser]


@pytest.fixture
def booking(admin_team, triage_clinician, person, gp_referrer):
    practice = GPPracticeFactory()
    team = TeamFactory(name="City East CTR Team", pcns=[practice.pcn])
    PractitionerFactory(name="Grace Okafor", teams=[team])
    structured_assessment_staff(team)
    referral = referral_log_written(
        actor=admin_team, referrer=gp_referrer, reason="Low mood for several months",
        person=person(given_name="Noor", family_name="Hussain", gp_practice=practice))
    triage_decision_record(actor=triage_clinician, referral=referral, urgency="routine",
                           outcome="assessment", stream="AMH", rationale="Routine assessment.")
    option = services.options_for(referral=referral).options[0]
    return services.booking_create(actor=admin_team, referral=referral, option_id=option.id)


def test_admin_team_downloads_an_easy_read_letter_and_marks_it_posted(live_server, page, admin_team, password,
                                                                      booking, tmp_path):
    sign_in(page, live_server.url, admin_team.username, password)
    page.goto(f"{live_server.url}/scheduling/bookings/{booking.pk}/")
    page.get_by_role("link", name="Appointment letter for the person").click()
    page.get_by_role("radio", name="Easy read").check()
    page.get_by_role("button", name="Show letter").click()
    page.get_by_role("heading", name="Your appointment", level=1).wait_for()
    assert page.get_by_role("heading", name="How to contact us").is_visible()
    assert page.locator("#letter img.cap-easy-read__picture").count() == 5

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"{booking.referral.reference}-appointment-letter-easy-read.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    text = " ".join(p.extract_text() for p in PdfReader(saved).pages)
    assert "Noor Hussain" in text and booking.referral.reference in text
    copy = LetterCopy.objects.get(booking=booking)
    assert copy.format == "easy_read" and copy.produced_by == admin_team and copy.sent_at is None

    page.reload()
    page.locator("#letter-copies").get_by_role("button", name="Mark as posted").click()
    page.get_by_text("marked as posted").wait_for()
    copy.refresh_from_db()
    assert copy.sent_at is not None and copy.sent_by == admin_team
    assert latest_history(copy).history_user == admin_team
    assert page.get_by_role("radio", name="Easy read").is_checked()
    assert page.locator("#letter-copies").get_by_role("button", name="Mark as posted").count() == 0
    assert_accessible(page)
