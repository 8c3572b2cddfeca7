"""Every stream can be booked or is visibly stuck (issue 16): a memory assessment booked,
a psychologist asked for by triage booked or listed with the reason, a manager taking on
a slot issue, and a time the person cannot do changed and removed.

- admin team: book a memory assessment (scheduling:book) -> test_admin_team_books_a_memory_assessment
- admin team: book an assessment triage asked a psychologist for (scheduling:book)
  -> test_admin_team_books_an_assessment_with_the_psychologist_triage_asked_for
- manager: give a slot issue an owner, an action and a note
  (scheduling:slot_issue, from scheduling:slot_issues)
  -> test_a_psychologist_no_one_in_the_team_is_is_listed_and_a_manager_takes_it_on
- admin team: change a time the person cannot do (scheduling:unavailable_time_change, from scheduling:book)
  -> test_admin_team_changes_a_time_the_person_cannot_do
- admin team: remove a time the person cannot do (scheduling:unavailable_time_remove, from scheduling:book)
  -> test_admin_team_removes_a_time_the_person_cannot_do
"""

from datetime import time

import pytest

from cap.services import referral_log_written
from scheduling import services, tasks
from scheduling.models import Booking, Discipline, PersonUnavailability, SlotIssue
from tests.factories import GPPracticeFactory, PractitionerFactory, TeamFactory
from triage.services import triage_decision_record

from .pages import assert_accessible, latest_history, open_from_menu, sign_in, structured_assessment_staff

pytestmark = [pytest.mark.browser]


@pytest.fixture
def triaged(admin_team, triage_clinician, person, gp_referrer):
    """A referral triaged routine for an assessment of `stream`, with a team of that stream
    aligned to the person's GP: a nurse and everyone else the default template needs,
    and `extra` practitioners (name, discipline code)."""

    def make(stream, team_name, disciplines=(), extra=(), given_name="Marjorie", family_name="Holt"):
        practice = GPPracticeFactory()
        team = TeamFactory(name=team_name, specialty=stream, pcns=[practice.pcn])
        PractitionerFactory(name="Grace Okafor", teams=[team])
        structured_assessment_staff(team)
        for name, code in extra:
            PractitionerFactory(name=name, teams=[team], discipline=Discipline.objects.get(code=code))
        referral = referral_log_written(
            actor=admin_team, referrer=gp_referrer, reason="Forgetful for a year, got lost driving home.",
            person=person(given_name=given_name, family_name=family_name, gp_practice=practice))
        triage_decision_record(
            actor=triage_clinician, referral=referral, urgency="routine", outcome="assessment",
            stream=stream, rationale="Routine assessment.",
            disciplines=tuple(Discipline.objects.filter(code__in=disciplines)))
        referral.refresh_from_db()
        return referral

    return make


def book_first(page, live_server, admin_team, password, referral):
    sign_in(page, live_server.url, admin_team.username, password)
    page.get_by_role("link", name=f"Find times {referral.reference}").click()
    page.locator("#options").get_by_role("button", name="Book").first.click()
    page.get_by_text("Booked:").wait_for()


def test_admin_team_books_a_memory_assessment(live_server, page, admin_team, password, triaged):
    referral = triaged("MHSOP_MEMORY", "LLR Memory Assessment Service")
    book_first(page, live_server, admin_team, password, referral)

    assert page.locator("#booking-status").inner_text() == "Booked"
    assert_accessible(page)
    booking = Booking.objects.get(referral=referral)
    assert booking.team.name == "LLR Memory Assessment Service"
    assert latest_history(booking, admin_team).status == "booked"


def test_admin_team_books_an_assessment_with_the_psychologist_triage_asked_for(
        live_server, page, admin_team, password, triaged):
    referral = triaged("AMH", "City East CTR Team", disciplines=["psychologist"],
                       extra=[("Dr Pia Lowe", "psychologist")], given_name="Yusuf", family_name="Rahman")
    sign_in(page, live_server.url, admin_team.username, password)
    page.get_by_role("link", name=f"Find times {referral.reference}").click()
    assert "Psychologist: Dr Pia Lowe" in page.locator("#options tbody tr").first.inner_text()
    page.locator("#options").get_by_role("button", name="Book").first.click()
    page.get_by_text("Booked:").wait_for()

    booking = Booking.objects.get(referral=referral)
    assert booking.entries.filter(practitioner__name="Dr Pia Lowe", step="Assessment").exists()
    assert_accessible(page)


def test_a_psychologist_no_one_in_the_team_is_is_listed_and_a_manager_takes_it_on(
        live_server, page, manager, password, triaged):
    referral = triaged("AMH", "City East CTR Team", disciplines=["psychologist"],
                       given_name="Yusuf", family_name="Rahman")
    tasks.find_slot_issues_task()  # beat's search, not a booking page, lists it
    sign_in(page, live_server.url, manager.username, password)
    open_from_menu(page, "Slot issues")
    row = page.locator("#slot-issues tbody tr", has_text=referral.reference)
    assert "No practitioner of a discipline needed: No one in City East CTR Team is a psychologist" in (
        row.inner_text())
    row.get_by_role("link", name=f"Take on the slot issue for {referral.reference}").click()
    page.get_by_label("Owner (optional)").select_option(value=str(manager.pk))
    page.get_by_label("Ask another team").check()
    page.get_by_label("Note (optional)").fill("Asked City West for their psychologist's clinic.")
    page.get_by_role("button", name="Save", exact=True).click()

    page.get_by_text("Saved.").wait_for()
    row = page.locator("#slot-issues tbody tr", has_text=referral.reference)
    assert "Ask another team" in row.inner_text()
    assert "Asked City West for their psychologist's clinic." in row.inner_text()
    assert_accessible(page)
    issue = SlotIssue.objects.get(referral=referral, resolved_at=None)
    assert (issue.owner, issue.action) == (manager, "ask_another_team")
    assert latest_history(issue, manager).note == "Asked City West for their psychologist's clinic."


def test_admin_team_changes_a_time_the_person_cannot_do(live_server, page, admin_team, password, triaged):
    referral = triaged("MHSOP_MEMORY", "LLR Memory Assessment Service")
    unavailable = services.unavailable_time_add(actor=admin_team, referral=referral, weekday=0,
                                                starts=time(9), ends=time(12), note="Mistyped")
    sign_in(page, live_server.url, admin_team.username, password)
    page.get_by_role("link", name=f"Find times {referral.reference}").click()
    page.get_by_role("link", name="Change Mondays 9am to midday").click()
    page.get_by_label("Day").select_option(label="Tuesdays")
    page.get_by_label("From", exact=True).fill("14:00")
    page.get_by_label("Until").fill("16:00")
    page.get_by_label("Note (optional)").fill("Carer's day off")
    page.get_by_role("button", name="Save the change").click()

    page.get_by_text("Changed: the options now avoid the corrected time.").wait_for()
    assert "Tuesdays 2pm to 4pm" in page.locator("#unavailable-times").inner_text()
    assert_accessible(page)
    unavailable.refresh_from_db()
    assert (unavailable.weekday, unavailable.starts, latest_history(unavailable, admin_team).note) == (
        1, time(14), "Carer's day off")


def test_admin_team_removes_a_time_the_person_cannot_do(live_server, page, admin_team, password, triaged):
    referral = triaged("MHSOP_MEMORY", "LLR Memory Assessment Service")
    unavailable = services.unavailable_time_add(actor=admin_team, referral=referral, weekday=None,
                                                starts=time(9), ends=time(12))
    sign_in(page, live_server.url, admin_team.username, password)
    page.get_by_role("link", name=f"Find times {referral.reference}").click()
    page.get_by_role("button", name="Remove Every day 9am to midday").click()

    page.get_by_text("Removed: the options may use that time again.").wait_for()
    assert page.locator("#unavailable-times").count() == 0
    assert_accessible(page)
    assert not PersonUnavailability.objects.filter(referral=referral).exists()
    removed = PersonUnavailability.history.filter(id=unavailable.pk).order_by("-history_date").first()
    assert (removed.history_type, removed.history_user) == ("-", admin_team)
