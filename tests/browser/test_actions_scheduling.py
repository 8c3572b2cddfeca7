"""Every state-changing scheduling action of the admin team, through its page, asserting
what the admin sees and the booking's row and history.

- admin team: book an option (scheduling:book) -> test_admin_team_books_an_option_from_find_times
- admin team: hold an option (scheduling:book) -> test_admin_team_holds_a_time_then_confirms_it
- admin team: confirm a hold (scheduling:booking) -> test_admin_team_holds_a_time_then_confirms_it
- admin team: release a hold (scheduling:booking) -> test_admin_team_holds_a_time_then_releases_it
- admin team: rebook from the booking page (scheduling:rebook)
  -> test_admin_team_rebooks_from_the_booking_page
- admin team: rebook from "Bookings to rearrange" (scheduling:booking_queue, scheduling:rebook)
  -> test_admin_team_rebooks_a_booking_to_rearrange_from_the_queue_banner
- admin team: cancel, by the person or by the service (scheduling:booking)
  -> test_admin_team_cancels_a_booking_and_the_person_is_back_in_the_queue[person|service]
- admin team: attended (scheduling:booking) -> test_admin_team_records_the_outcome_of_an_assessment[attended]
- admin team: did not attend (scheduling:booking)
  -> test_admin_team_records_the_outcome_of_an_assessment[did_not_attend]
- admin team: add a time the person cannot do (scheduling:unavailable_time_add, from scheduling:book)
  -> test_admin_team_adds_a_time_the_person_cannot_do

Not here: a practitioner's leave, sickness and training, recorded on the diary pages
(test_actions_rotas.py).
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cap.models import ReferralStatus
from cap.services import referral_log_written
from scheduling import services
from scheduling.models import Booking, BookingStatus, DiaryException, PersonUnavailability
from tests.factories import GPPracticeFactory, PractitionerFactory, TeamFactory
from triage.services import triage_decision_record

from .pages import assert_accessible, latest_history, sign_in, structured_assessment_staff

pytestmark = [pytest.mark.browser]

LONDON = ZoneInfo("Europe/London")
# Monday 2 November 2026, 08:00 GMT: weeks before the test's real clock (December
# 2026 on), so an assessment booked then has started and its outcome can be recorded.
PAST_MONDAY_8 = datetime(2026, 11, 2, 8, 0, tzinfo=LONDON)


@pytest.fixture
def triaged(admin_team, triage_clinician, person, gp_referrer):
    """A referral triaged routine for an AMH assessment, the team aligned to the
    person's GP with everyone the default template needs."""

    def make(given_name="Noor", family_name="Hussain"):
        practice = GPPracticeFactory()
        team = TeamFactory(name="City East CTR Team", pcns=[practice.pcn])
        PractitionerFactory(name="Grace Okafor", teams=[team])
        structured_assessment_staff(team)
        referral = referral_log_written(
            actor=admin_team, referrer=gp_referrer, reason="Low mood for several months",
            person=person(given_name=given_name, family_name=family_name, gp_practice=practice))
        triage_decision_record(actor=triage_clinician, referral=referral, urgency="routine",
                               outcome="assessment", stream="AMH", rationale="Routine assessment.")
        referral.refresh_from_db()
        return referral

    return make


def book_first_option(actor, referral, now=None) -> Booking:
    search = services.options_for(referral=referral, now=now)
    return services.booking_create(actor=actor, referral=referral, option_id=search.options[0].id, now=now)


def test_admin_team_books_an_option_from_find_times(live_server, page, admin_team, password, triaged):
    referral = triaged()
    sign_in(page, live_server.url, admin_team.username, password)
    page.get_by_role("link", name=f"Find times {referral.reference}").click()
    page.locator("#options").get_by_role("button", name="Book").first.click()

    page.get_by_text("Booked:").wait_for()
    assert page.locator("#booking-status").inner_text() == "Booked"
    assert "Grace Okafor" in page.locator("#diary-entries").inner_text()
    booking = Booking.objects.get(referral=referral)
    assert (booking.status, booking.booked_by) == (BookingStatus.BOOKED, admin_team)
    assert booking.entries.filter(live=True, practitioner__name="Grace Okafor").exists()
    assert (latest_history(booking).status, latest_history(booking).history_user) == ("booked", admin_team)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.BOOKED


def test_admin_team_holds_a_time_then_confirms_it(live_server, page, admin_team, password, triaged):
    referral = triaged()
    sign_in(page, live_server.url, admin_team.username, password)
    page.get_by_role("link", name=f"Find times {referral.reference}").click()
    page.locator("#options").get_by_role("button", name="Hold for 5 minutes").first.click()

    page.get_by_text("Held:").wait_for()
    assert page.locator("#booking-status").inner_text().startswith("Held while the time is agreed")
    booking = Booking.objects.get(referral=referral)
    assert booking.status == BookingStatus.HELD and booking.held_until is not None
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.AWAITING_BOOKING

    page.get_by_role("button", name="Confirm booking").click()
    page.get_by_text("Saved.").wait_for()
    assert page.locator("#booking-status").inner_text() == "Booked"
    booking.refresh_from_db()
    assert (booking.status, booking.held_until) == (BookingStatus.BOOKED, None)
    statuses = booking.history.order_by("history_date").values_list("status", flat=True)
    assert list(statuses) == ["held", "booked"]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.BOOKED


def test_admin_team_holds_a_time_then_releases_it(live_server, page, admin_team, password, triaged):
    referral = triaged()
    sign_in(page, live_server.url, admin_team.username, password)
    page.get_by_role("link", name=f"Find times {referral.reference}").click()
    page.locator("#options").get_by_role("button", name="Hold for 5 minutes").first.click()
    page.get_by_text("Held:").wait_for()

    page.get_by_role("button", name="Release the time").click()
    page.get_by_text("Saved.").wait_for()
    assert page.locator("#booking-status").inner_text() == "Hold expired"
    assert page.get_by_role("button", name="Confirm booking").count() == 0
    assert "Freed" in page.locator("#diary-entries").inner_text()
    assert_accessible(page)
    booking = Booking.objects.get(referral=referral)
    assert booking.status == BookingStatus.EXPIRED
    assert not booking.entries.filter(live=True).exists()
    assert (latest_history(booking).status, latest_history(booking).history_user) == ("expired", admin_team)
    # The person is still waiting, so still on the queue.
    page.goto(f"{live_server.url}/scheduling/booking-queue/")
    assert "Noor Hussain" in page.locator("#booking-queue").inner_text()


def _rebook_on_first_option(page, reason):
    """On the rebook page: the service asks to move it, to the first option offered."""
    row = page.locator("#options tbody tr").first
    row.get_by_label("The service").check()
    row.get_by_label("Reason for the change").fill(reason)
    row.get_by_role("button", name="Rebook").click()


def test_admin_team_rebooks_from_the_booking_page(live_server, page, admin_team, password, triaged):
    referral = triaged()
    old = book_first_option(admin_team, referral)
    sign_in(page, live_server.url, admin_team.username, password)
    page.goto(f"{live_server.url}/scheduling/bookings/{old.pk}/")
    page.get_by_role("link", name="Rebook").click()
    page.get_by_role("heading", name="Rebook an assessment for Noor Hussain").wait_for()
    assert_accessible(page)
    _rebook_on_first_option(page, "Clinic closed for training")

    page.get_by_text("Rebooked:").wait_for()
    assert page.locator("#booking-status").inner_text() == "Booked"
    assert page.get_by_text("Rebooked from").is_visible()
    old.refresh_from_db()
    new = Booking.objects.get(rebooked_from=old)
    assert (old.status, old.cancelled_by) == (BookingStatus.CANCELLED, "service")
    assert old.cancel_reason == "Rebooked: Clinic closed for training"
    assert not old.entries.filter(live=True).exists()
    assert (new.status, latest_history(new).history_user) == (BookingStatus.BOOKED, admin_team)
    assert latest_history(old).status == "cancelled"
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.BOOKED


def test_admin_team_rebooks_a_booking_to_rearrange_from_the_queue_banner(live_server, page, admin_team,
                                                                       password, triaged):
    referral = triaged()
    old = book_first_option(admin_team, referral)
    entry = old.entries.filter(practitioner__name="Grace Okafor").first()
    DiaryException.objects.create(practitioner=entry.practitioner, kind=DiaryException.Kind.SICKNESS,
                                  starts_at=entry.starts_at - timedelta(hours=1),
                                  ends_at=entry.ends_at + timedelta(hours=1))
    sign_in(page, live_server.url, admin_team.username, password)
    banner = page.locator("#to-rearrange")
    assert "Noor Hussain" in banner.inner_text()
    assert_accessible(page)
    banner.get_by_role("link", name=f"Rebook {referral.reference}").click()
    _rebook_on_first_option(page, "Grace Okafor is off sick")

    page.get_by_text("Rebooked:").wait_for()
    old.refresh_from_db()
    new = Booking.objects.get(rebooked_from=old)
    assert old.status == BookingStatus.CANCELLED and new.status == BookingStatus.BOOKED
    # The new time avoids the sickness, so the booking leaves the banner.
    sick = DiaryException.objects.get(practitioner=entry.practitioner)
    assert not new.entries.filter(practitioner=entry.practitioner, starts_at__lt=sick.ends_at,
                                  ends_at__gt=sick.starts_at).exists()
    page.goto(f"{live_server.url}/scheduling/booking-queue/")
    page.get_by_role("heading", name="Booking queue").wait_for()
    assert page.locator("#to-rearrange").count() == 0


@pytest.mark.parametrize(("by", "label"), [("person", "The person"), ("service", "The service")])
def test_admin_team_cancels_a_booking_and_the_person_is_back_in_the_queue(live_server, page, admin_team,
                                                                        password, triaged, by, label):
    referral = triaged()
    booking = book_first_option(admin_team, referral)
    sign_in(page, live_server.url, admin_team.username, password)
    page.goto(f"{live_server.url}/scheduling/bookings/{booking.pk}/")
    page.get_by_label(label, exact=True).check()
    page.get_by_label("Reason", exact=True).fill("Moving house that week")
    page.get_by_role("button", name="Cancel the assessment").click()

    page.get_by_text("Saved.").wait_for()
    assert page.locator("#booking-status").inner_text() == "Cancelled"
    assert f"By {label.lower()}: Moving house that week" in page.locator("#booking-summary").inner_text()
    booking.refresh_from_db()
    assert (booking.status, booking.cancelled_by, booking.cancel_reason) == (
        BookingStatus.CANCELLED, by, "Moving house that week")
    assert not booking.entries.filter(live=True).exists()
    assert (latest_history(booking).status, latest_history(booking).history_user) == ("cancelled", admin_team)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.AWAITING_BOOKING
    page.goto(f"{live_server.url}/scheduling/booking-queue/")
    assert "Noor Hussain" in page.locator("#booking-queue").inner_text()


@pytest.mark.parametrize(("action", "button", "shown", "referral_status"), [
    ("attended", "Attended", "Attended", ReferralStatus.ASSESSED),
    ("did_not_attend", "Did not attend", "Did not attend", ReferralStatus.AWAITING_BOOKING),
])
def test_admin_team_records_the_outcome_of_an_assessment(live_server, page, admin_team, password, triaged,
                                                         action, button, shown, referral_status):
    with time_machine.travel(PAST_MONDAY_8, tick=False):
        referral = triaged()
        booking = book_first_option(admin_team, referral, now=PAST_MONDAY_8)
    sign_in(page, live_server.url, admin_team.username, password)
    page.goto(f"{live_server.url}/scheduling/bookings/{booking.pk}/")
    assert_accessible(page)
    page.get_by_role("button", name=button, exact=True).click()

    page.get_by_text("Saved.").wait_for()
    assert page.locator("#booking-status").inner_text() == shown
    assert page.get_by_role("button", name="Attended", exact=True).count() == 0
    booking.refresh_from_db()
    assert booking.status == action and booking.outcome_recorded_at is not None
    assert (latest_history(booking).status, latest_history(booking).history_user) == (action, admin_team)
    referral.refresh_from_db()
    assert referral.status == referral_status


def test_admin_team_adds_a_time_the_person_cannot_do(live_server, page, admin_team, password, triaged):
    referral = triaged()
    sign_in(page, live_server.url, admin_team.username, password)
    page.get_by_role("link", name=f"Find times {referral.reference}").click()
    page.get_by_text("Add a time they cannot do").click()
    page.get_by_label("Day").select_option(label="Mondays")
    page.get_by_label("From", exact=True).fill("09:00")
    page.get_by_label("Until").fill("12:00")
    page.get_by_label("Note (optional)").fill("School run")
    page.get_by_role("button", name="Add", exact=True).click()

    page.get_by_text("Saved: the options now avoid that time.").wait_for()
    listed = page.locator("#unavailable-times").inner_text()
    assert "Mondays 9am to midday" in listed and "School run" in listed
    assert_accessible(page)
    unavailable = PersonUnavailability.objects.get(referral=referral)
    assert (unavailable.weekday, unavailable.starts, unavailable.ends, unavailable.note) == (
        0, time(9), time(12), "School run")
    # No option offered now starts on a Monday morning ("Mon 7 Dec 2026, 10am").
    cells = page.locator("#options tbody td:first-child").all_inner_texts()
    starts = [cell.split(", ")[:2] for cell in cells]
    assert starts and not [s for s in starts if s[0].startswith("Mon ") and s[1].split()[0].endswith("am")]
