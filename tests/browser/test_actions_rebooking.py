"""A person back on the booking queue after a cancellation or a missed appointment, the
clinical review that missed appointments may need, and "was not brought", through their
pages, asserting what each role sees and the rows and their history.

- admin team: cancel by the person, then see them at the top of the queue
  (scheduling:booking, scheduling:booking_queue)
  -> test_a_cancelled_person_is_back_at_the_top_of_the_queue_with_cancelled_by_the_person
- admin team: did not attend a third time (scheduling:booking)
  -> test_did_not_attend_a_third_time_asks_for_a_clinical_review_before_anyone_books_again
- triage clinician: record the clinical review, from the worklist (scheduling:clinical_review)
  -> test_did_not_attend_a_third_time_asks_for_a_clinical_review_before_anyone_books_again
- admin team: was not brought (scheduling:booking)
  -> test_was_not_brought_raises_a_safeguarding_review_task_and_the_person_is_back_on_the_queue
- admin team: flag a person vulnerable, with the reason (cap:person_vulnerable, from cap:referral)
  -> test_admin_team_flags_a_person_vulnerable_from_the_referral_page
- triage clinician: discharge to the GP with a letter (scheduling:clinical_review)
  -> test_a_triage_clinician_discharges_to_the_gp_with_a_letter_after_a_vulnerable_persons_missed_appointment
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cap.models import ReferralStatus, ServiceUser, Task, TaskKind
from cap.services import referral_log_written, service_user_vulnerable_set
from scheduling import services
from scheduling.models import Booking, BookingStatus, ClinicalReview
from tests.factories import GPPracticeFactory, PractitionerFactory, TeamFactory
from triage.services import triage_decision_record

from .pages import assert_accessible, latest_history, sign_in, sign_out, structured_assessment_staff

pytestmark = [pytest.mark.browser]

LONDON = ZoneInfo("Europe/London")
# Weeks before the test's real clock (December 2026 on): assessments booked then have
# happened, so their outcome can be recorded.
PAST_MONDAY_8 = datetime(2026, 11, 2, 8, 0, tzinfo=LONDON)


@pytest.fixture
def team():
    practice = GPPracticeFactory()
    team = TeamFactory(name="City East CTR Team", pcns=[practice.pcn])
    team.test_practice = practice
    PractitionerFactory(name="Grace Okafor", teams=[team])
    structured_assessment_staff(team)
    return team


@pytest.fixture
def triaged(admin_team, triage_clinician, person, gp_referrer, team):
    def make(given_name="Noor", family_name="Hussain"):
        referral = referral_log_written(
            actor=admin_team, referrer=gp_referrer, reason="Low mood for several months",
            person=person(given_name=given_name, family_name=family_name, gp_practice=team.test_practice))
        triage_decision_record(actor=triage_clinician, referral=referral, urgency="routine",
                               outcome="assessment", stream="AMH", rationale="Routine assessment.")
        referral.refresh_from_db()
        return referral

    return make


def book(actor, referral, now=None) -> Booking:
    search = services.options_for(referral=referral, now=now)
    return services.booking_create(actor=actor, referral=referral, option_id=search.options[0].id, now=now)


def past_booking(admin_team, triaged, misses=0, **person) -> Booking:
    """A referral received in the past with `misses` appointments already not attended,
    and a booking in the past whose outcome is still to record."""
    with time_machine.travel(PAST_MONDAY_8, tick=False):
        referral = triaged(**person)
    now = PAST_MONDAY_8
    for _ in range(misses):
        missed = book(admin_team, referral, now)
        services.booking_did_not_attend(actor=admin_team, booking=missed, now=missed.ends_at)
        now = missed.ends_at
    return book(admin_team, referral, now)


def test_a_cancelled_person_is_back_at_the_top_of_the_queue_with_cancelled_by_the_person(
        live_server, page, admin_team, password, triaged):
    referral = triaged()
    booking = book(admin_team, referral)
    sign_in(page, live_server.url, admin_team.username, password)
    page.goto(f"{live_server.url}/scheduling/bookings/{booking.pk}/")
    page.get_by_label("The person", exact=True).check()
    page.get_by_label("Reason", exact=True).fill("Caring for her mother that week")
    page.get_by_role("button", name="Cancel the assessment").click()
    page.get_by_text("Saved.").wait_for()
    # Referrals arriving since: each is due to be booked within a working day of arriving,
    # after the person who cancelled, whose first booking met that target long ago.
    triaged("Ravi", "Shah")
    triaged("Ellen", "Brooks")

    page.get_by_role("link", name="Booking queue").first.click()
    first = page.locator("#booking-queue tbody tr").first
    assert "Noor Hussain" in first.inner_text()
    assert "Cancelled by the person" in first.locator("[data-why-back]").inner_text()
    assert "Cancelled by the person: 1" in first.inner_text()
    assert_accessible(page)
    run = referral.targets.get(definition__code="rebooking")
    assert run.met_at is None and run.started_at == Booking.objects.get(pk=booking.pk).cancelled_at


def test_did_not_attend_a_third_time_asks_for_a_clinical_review_before_anyone_books_again(
        live_server, page, admin_team, triage_clinician, password, triaged):
    booking = past_booking(admin_team, triaged, misses=2)
    referral = booking.referral
    sign_in(page, live_server.url, admin_team.username, password)
    page.goto(f"{live_server.url}/scheduling/bookings/{booking.pk}/")
    page.get_by_role("button", name="Did not attend", exact=True).click()
    page.get_by_text("Saved.").wait_for()
    review = ClinicalReview.objects.get(referral=referral)
    assert (review.reason, review.booking_id, review.decided_at) == ("third_did_not_attend", booking.pk, None)

    page.get_by_role("link", name="Booking queue").first.click()
    row = page.locator("#booking-queue tbody tr", has_text="Noor Hussain")
    assert "Clinical review needed" in row.inner_text() and "Did not attend: 3" in row.inner_text()
    assert row.get_by_role("link", name=f"Find times {referral.reference}").count() == 0
    page.goto(f"{live_server.url}/scheduling/referrals/{referral.pk}/book/")
    assert "Clinical review needed" in page.locator("#review-needed").inner_text()
    sign_out(page)

    sign_in(page, live_server.url, triage_clinician.username, password)
    page.locator("#clinical-reviews").get_by_role("link", name=f"Review {referral.reference}").click()
    assert_accessible(page)
    assert "Did not attend three times" in page.locator("#review-reason").inner_text()
    page.get_by_label("Offer another appointment").check()
    page.get_by_label("Your reasons").fill("Spoke to Noor: she is willing to come; an afternoon suits.")
    page.get_by_role("button", name="Record the review").click()
    page.get_by_text(f"Clinical review recorded for {referral.reference}").wait_for()
    review.refresh_from_db()
    assert (review.decision, review.decided_by) == ("rebook", triage_clinician)
    assert latest_history(review).history_user == triage_clinician
    assert book(admin_team, referral).status == BookingStatus.BOOKED


def test_was_not_brought_raises_a_safeguarding_review_task_and_the_person_is_back_on_the_queue(
        live_server, page, admin_team, password, triaged, team):
    booking = past_booking(admin_team, triaged, given_name="Lily", family_name="Evans")
    referral = booking.referral
    sign_in(page, live_server.url, admin_team.username, password)
    page.goto(f"{live_server.url}/scheduling/bookings/{booking.pk}/")
    page.get_by_role("button", name="Was not brought", exact=True).click()
    page.get_by_text("Saved.").wait_for()
    assert page.locator("#booking-status").inner_text() == "Was not brought"
    booking.refresh_from_db()
    assert booking.status == BookingStatus.WAS_NOT_BROUGHT
    assert (latest_history(booking).status, latest_history(booking).history_user) == (
        "was_not_brought", admin_team)
    task = Task.objects.get(kind=TaskKind.SAFEGUARDING_REVIEW)
    assert (task.team, task.service_user_id, task.created_by) == (team, referral.service_user_id, admin_team)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.AWAITING_BOOKING
    assert not ClinicalReview.objects.exists()

    page.get_by_role("link", name="Booking queue").first.click()
    row = page.locator("#booking-queue tbody tr", has_text="Lily Evans")
    assert "Was not brought" in row.inner_text()
    page.goto(f"{live_server.url}/referrals/{referral.pk}/")
    assert "Safeguarding review for City East CTR Team" in page.locator("#known-to-services").inner_text()


def test_admin_team_flags_a_person_vulnerable_from_the_referral_page(live_server, page, admin_team, password,
                                                                    triaged):
    referral = triaged()
    sign_in(page, live_server.url, admin_team.username, password)
    page.goto(f"{live_server.url}/referrals/{referral.pk}/")
    page.get_by_role("link", name="Change whether the person is vulnerable").click()
    page.get_by_label("Yes: any missed appointment needs a clinical review first").check()
    page.get_by_role("button", name="Save").click()
    page.locator(".nhsuk-error-summary").get_by_text("Enter why").wait_for()
    assert page.get_by_label("Yes: any missed appointment needs a clinical review first").is_checked()
    assert_accessible(page)
    page.get_by_label("Why", exact=True).fill("Lives alone since her partner died; not eating")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("is flagged vulnerable").wait_for()
    assert "Lives alone since her partner died" in page.locator("#vulnerable").inner_text()
    person = ServiceUser.objects.get(pk=referral.service_user_id)
    assert (person.vulnerable, person.vulnerable_set_by) == (True, admin_team)
    assert latest_history(person).history_user == admin_team


def test_a_triage_clinician_discharges_to_the_gp_with_a_letter_after_a_vulnerable_persons_missed_appointment(
        live_server, page, admin_team, triage_clinician, password, triaged):
    booking = past_booking(admin_team, triaged)
    referral = booking.referral
    service_user_vulnerable_set(actor=admin_team, service_user=referral.service_user, vulnerable=True,
                                reason="Learning disability; relies on a carer's reminders")
    services.booking_did_not_attend(actor=admin_team, booking=booking, now=booking.ends_at)
    sign_in(page, live_server.url, triage_clinician.username, password)
    page.locator("#clinical-reviews").get_by_role("link", name=f"Review {referral.reference}").click()
    page.get_by_label("Discharge to the GP, with a letter").check()
    page.get_by_label("Your reasons").fill("Her carer says she is settled and the GP is seeing her weekly.")
    page.get_by_role("button", name="Record the review").click()
    page.locator(".nhsuk-error-summary").get_by_text("Write the letter to the GP").wait_for()
    assert "settled" in page.get_by_label("Your reasons").input_value()
    page.get_by_label("Letter to the GP").fill("Dear Dr Shaw, we reviewed Noor after a missed appointment.")
    page.get_by_role("button", name="Record the review").click()
    page.get_by_text(f"Clinical review recorded for {referral.reference}").wait_for()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CLOSED
    assert not referral.targets.running().exists()
    assert latest_history(referral).history_user == triage_clinician
