"""The Reasonable Adjustment flag through the pages, in headless Chromium: recorded from the
referral, shown on the pages about the person, and a learning disability referral booked
only once it is confirmed, its assessment longer where the flag asks.

- triage clinician: record the person's reasonable adjustments (adjustments:referral_flag)
  -> test_a_triage_clinician_records_easy_read_and_a_longer_appointment_from_the_referral
- admin team: confirm the flag so a learning disability referral can be booked
  (adjustments:referral_flag, scheduling:book)
  -> test_the_admin_team_confirms_the_flag_and_books_a_longer_learning_disability_assessment
- admin team: book a learning disability referral whose flag asks for easy read and a longer
  appointment; its letter is an easy-read PDF, its messages easy read; the person texts CANCEL
  and is back on the booking queue (scheduling:book, scheduling:letter,
  letters:appointment_letter_pdf, scheduling:booking_queue, cap:referral)
  -> test_an_easy_read_longer_booking_and_a_cancel_by_text_reply_back_to_the_booking_queue
- the person: open the appointment page from a reminder, send questions, ask for another time
  (messaging:appointment); staff read the questions on the referral (cap:referral)
  -> test_the_person_sends_questions_and_asks_for_another_time_from_the_link_in_a_reminder
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from adjustments import services
from adjustments.models import AdjustmentFlag
from cap.models import Referral
from cap.services import referral_log_written
from messaging import replies
from messaging import services as outbox
from messaging.models import Message
from scheduling.models import Booking, DiaryException, Practitioner
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


MOBILE, SENDER = "07700 900123", "447700900123"


def easy_read_ld_referral(admin_team, triage_clinician, person, gp_referrer):
    """A learning disability referral whose flag asks for easy read and a longer appointment,
    wanting text messages, with the team away for ten days so that both reminders are due;
    and how long its assessment would be without the flag."""
    referral = ld_referral(admin_team, triage_clinician, person, gp_referrer)
    unflagged = max(s.offset + s.duration for s in plan_for(referral).steps)
    Referral.objects.filter(pk=referral.pk).update(contact_preference="text", contact_phone=MOBILE)
    services.adjustment_flag_record(
        actor=triage_clinician, service_user=referral.service_user,
        details=services.FlagDetails(status="needed", consent_to_share="yes",
                                     adjustments=["easy_read", "longer_appointment"]))
    now = timezone.now()
    for practitioner in Practitioner.objects.filter(teams__name="City LD Team"):
        DiaryException.objects.create(practitioner=practitioner, kind="sickness", starts_at=now,
                                      ends_at=now + timedelta(days=10))
    return referral, unflagged


def book_first_option(page, base, referral):
    page.goto(base + reverse("scheduling:book", args=[referral.pk]))
    page.locator("#options").get_by_role("button", name="Hold for 5 minutes").first.click()
    page.get_by_text("Held:").wait_for()
    page.get_by_role("button", name="Confirm booking").click()
    page.get_by_text("Saved.").wait_for()
    return Booking.objects.get(referral=referral, status="booked")


def test_an_easy_read_longer_booking_and_a_cancel_by_text_reply_back_to_the_booking_queue(
        live_server, page, triage_clinician, admin_team, password, person, gp_referrer, notify, tmp_path):
    referral, unflagged = easy_read_ld_referral(admin_team, triage_clinician, person, gp_referrer)
    sign_in(page, live_server.url, admin_team.username, password)
    booking = book_first_option(page, live_server.url, referral)
    assert booking.ends_at - booking.starts_at > unflagged

    # The letter opens in easy read, the flag's format, and downloads as a PDF.
    page.goto(live_server.url + reverse("scheduling:booking", args=[booking.pk]))
    page.get_by_role("link", name="Appointment letter for the person").click()
    assert page.get_by_role("radio", name="Easy read").is_checked()
    # A picture for each section, with "Help for you" naming what the flag asks for.
    assert page.locator("#letter img.cap-easy-read__picture").count() == 6
    assert "Easy read information" in page.locator("#letter").inner_text()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as PDF").click()
    saved = tmp_path / "letter.pdf"
    download_info.value.save_as(saved)
    assert download_info.value.suggested_filename.endswith("-appointment-letter-easy-read.pdf")
    letter = " ".join(p.extract_text() for p in PdfReader(saved).pages)
    assert "Mia Shah" in letter and referral.reference in letter

    # The confirmation and both reminders are easy read, sent by text through Notify.
    messages = {m.kind: m for m in Message.objects.filter(booking=booking)}
    assert set(messages) == {"confirmation", "reminder_7_days", "reminder_2_days"}
    assert {m.format for m in messages.values()} == {"easy_read"}
    outbox.messages_send_due()
    seven_days = messages["reminder_7_days"].due_at
    outbox.messages_send_due(now=seven_days)
    bodies = [s.body["personalisation"]["body"] for s in notify.sends()]
    assert len(bodies) == 2 and all("Text back CANCEL." in b for b in bodies)
    assert bodies[0].startswith("You have an appointment.")
    assert bodies[1].startswith("Your appointment is soon.")
    page.goto(live_server.url + reverse("cap:referral", args=[referral.pk]))
    outbox_shown = page.locator("#messages-to-the-person").inner_text()
    assert "Reminder 7 days before (easy read)" in outbox_shown and "Sent" in outbox_shown

    # The person texts back CANCEL: the booking is cancelled, asked by the person, and they
    # are back on the booking queue at once.
    notify.text_from(SENDER, "Cancel please", at=seven_days + timedelta(hours=1))
    assert replies.replies_read() == 1
    page.goto(live_server.url + reverse("scheduling:booking_queue"))
    page.locator("#booking-queue-list").get_by_role("link", name=referral.reference, exact=True).wait_for()
    assert_accessible(page)
    page.goto(live_server.url + reverse("cap:referral", args=[referral.pk]))
    replied = page.locator("#replies-from-the-person").inner_text()
    assert "Asked to cancel" in replied and "back on the booking queue" in replied
    booking.refresh_from_db()
    assert (booking.status, booking.cancelled_by, booking.cancel_reason) == ("cancelled", "person",
                                                                            "asked by the person")
    assert Message.objects.get(booking=booking, kind="reminder_2_days").state == "cancelled"


def test_the_person_sends_questions_and_asks_for_another_time_from_the_link_in_a_reminder(
        live_server, page, browser, triage_clinician, admin_team, password, person, gp_referrer, notify):
    referral, _ = easy_read_ld_referral(admin_team, triage_clinician, person, gp_referrer)
    sign_in(page, live_server.url, admin_team.username, password)
    booking = book_first_option(page, live_server.url, referral)
    body = Message.objects.get(booking=booking, kind="reminder_7_days").body
    link = next(word for word in body.split() if "/appointment/" in word)
    path = link[link.index("/appointment/"):]

    # The person, not signed in (the page's CSP is bypassed only for the injected axe check).
    person = browser.new_context(bypass_csp=True, locale="en-GB", timezone_id="Europe/London")
    person_page = person.new_page()
    person_page.set_default_timeout(15_000)
    person_page.goto(live_server.url + path)
    person_page.get_by_role("heading", name="Your appointment", level=1).wait_for()
    assert "Mia" not in person_page.locator("main").inner_text()
    assert_accessible(person_page)
    person_page.get_by_role("button", name="Send your questions").click()
    person_page.get_by_text("There is a problem").wait_for()
    person_page.get_by_label("Your questions and concerns").fill("Can my mum come with me?")
    person_page.get_by_role("button", name="Send your questions").click()
    person_page.get_by_text("will read your questions").wait_for()
    assert "Can my mum come with me?" in person_page.locator(".sent-questions").inner_text()
    page.goto(live_server.url + reverse("cap:referral", args=[referral.pk]))
    page.locator("#questions").wait_for()
    assert "Can my mum come with me?" in page.locator("main").inner_text()
    person_page.get_by_label("I need a different day or time").check()
    person_page.get_by_role("button", name="Send your answer").click()
    person_page.get_by_text("We will contact you to arrange another day or time").wait_for()
    assert "This appointment is cancelled" in person_page.locator("#not-booked").inner_text()
    assert_accessible(person_page)

    person.close()
    booking.refresh_from_db()
    assert (booking.status, booking.cancel_reason) == ("cancelled", "asked by the person")
    page.goto(live_server.url + reverse("scheduling:booking_queue"))
    page.locator("#booking-queue-list").get_by_role("link", name=referral.reference, exact=True).wait_for()
