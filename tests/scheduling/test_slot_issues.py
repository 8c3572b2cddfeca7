"""The appointment slot issues list: the background search finds each referral that cannot
be booked within its target or searched at all, with the reason, and a manager takes one
on (owner, action, note) through its page."""

import pytest
import time_machine
from django.urls import reverse

from scheduling import services, tasks
from scheduling.models import AssessmentTemplate, Discipline, SlotIssue, SlotIssueReason
from tests.factories import PractitionerFactory

from .conftest import MONDAY_8, at


def find(now=None):
    with time_machine.travel(now or at(0, 9), tick=False):
        return tasks.find_slot_issues_task()


def open_issue(referral) -> SlotIssue:
    return SlotIssue.objects.get(referral=referral, resolved_at=None)


@pytest.mark.django_db
def test_the_task_lists_a_stream_with_no_team_with_its_reason(triaged, staff, room):
    referral = triaged(stream="MIXED")
    assert find() == 1
    issue = open_issue(referral)
    assert issue.reason == SlotIssueReason.NO_TEAM
    assert issue.reason_detail == "No team provides the Mixed specialty stream."
    assert issue.target_due_at == at(28, 8)  # the routine assessment target, still watched


@pytest.mark.django_db
def test_the_task_lists_a_referral_with_no_assessment_template(triaged, staff, room):
    referral = triaged()
    AssessmentTemplate.objects.filter(setting="clinic").delete()
    find()
    assert open_issue(referral).reason == SlotIssueReason.NO_TEMPLATE


@pytest.mark.django_db
def test_the_task_lists_a_discipline_no_template_has_a_role_for(triaged, staff, room):
    art = Discipline.objects.create(code="art_therapist", name="Art therapist")
    referral = triaged(disciplines=[art])
    find()
    issue = open_issue(referral)
    assert issue.reason == SlotIssueReason.NO_ROLE
    assert "no role for Art therapist" in issue.reason_detail


@pytest.mark.django_db
def test_a_psychologist_no_one_in_the_team_is_lists_the_referral_until_one_joins(triaged, staff, room, team):
    referral = triaged(disciplines=[Discipline.objects.get(code="psychologist")])
    find()
    issue = open_issue(referral)
    assert issue.reason == SlotIssueReason.NO_PRACTITIONER
    assert issue.reason_detail == "No one in City East CTR Team is a psychologist for the psychologist role."
    PractitionerFactory(name="Dr Pia Psychologist", teams=[team],
                        discipline=Discipline.objects.get(code="psychologist"))
    assert find() == 0
    issue.refresh_from_db()
    assert issue.resolved_at == at(0, 9)
    # The template's optional psychologist role is now filled: the referral can be booked.
    with time_machine.travel(at(0, 9), tick=False):
        search = services.options_for(referral=referral)
    names = {e.practitioner.name for e in search.entries(search.options[0]) if e.practitioner}
    assert "Dr Pia Psychologist" in names


@pytest.mark.django_db
def test_the_task_lists_a_referral_with_no_time_before_its_target(triaged, staff, room):
    from scheduling.models import DiaryException

    referral = triaged()
    for practitioner in staff.values():
        DiaryException.objects.create(practitioner=practitioner, kind="training",
                                      starts_at=at(0, 0), ends_at=at(30, 0))
    find()
    issue = open_issue(referral)
    assert issue.reason == SlotIssueReason.NONE_WITHIN_TARGET
    assert issue.first_option_at == at(30, 9, 15)


@pytest.mark.django_db
def test_the_task_run_again_lists_a_referral_once_and_keeps_its_owner(triaged, staff, room, manager):
    referral = triaged(stream="SPECIALIST")
    find()
    issue = open_issue(referral)
    services.slot_issue_update(actor=manager, issue=issue, seen_version=0, owner=manager,
                               note="Asked the specialist lead.", action="ask_another_team")
    find()
    find()
    assert SlotIssue.objects.filter(referral=referral).count() == 1
    assert open_issue(referral).owner == manager


@pytest.mark.django_db
def test_a_referral_that_can_be_booked_is_not_listed(triaged, staff, room):
    triaged()
    assert find() == 0
    assert not SlotIssue.objects.exists()


@pytest.mark.django_db
def test_a_manager_gives_a_slot_issue_an_owner_an_action_and_a_note_through_its_page(
        client_for, triaged, staff, room, manager):
    referral = triaged(stream="MIXED")
    find()
    issue = open_issue(referral)
    client = client_for(manager)
    page = client.get(reverse("scheduling:slot_issues"))
    assert "No team provides the stream" in page.content.decode()
    assert reverse("scheduling:slot_issue", args=[issue.pk]) in page.content.decode()
    response = client.post(reverse("scheduling:slot_issue", args=[issue.pk]), {
        "owner": manager.pk, "action": "add_clinic_time", "note": "Asked for a Tuesday clinic.",
        "version": 0})
    assert response.status_code == 302
    issue.refresh_from_db()
    assert (issue.owner, issue.action, issue.note, issue.version) == (
        manager, "add_clinic_time", "Asked for a Tuesday clinic.", 1)
    assert issue.history.first().history_user == manager
    page = client.get(reverse("scheduling:slot_issue", args=[issue.pk])).content.decode()
    assert "Asked for a Tuesday clinic." in page


@pytest.mark.django_db
def test_booking_outside_the_target_needs_the_reason_and_keeps_what_was_typed(
        client_for, triaged, staff, room, manager):
    referral = triaged(stream="MIXED")
    find()
    issue = open_issue(referral)
    response = client_for(manager).post(reverse("scheduling:slot_issue", args=[issue.pk]), {
        "owner": manager.pk, "action": "book_outside_target", "note": "", "version": 0})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Give the reason for booking outside the target in the note." in body
    assert 'value="book_outside_target" checked' in body or "book_outside_target\" checked" in body
    issue.refresh_from_db()
    assert issue.action == ""


@pytest.mark.django_db
def test_a_change_from_an_older_version_is_refused_with_what_was_saved_shown(
        client_for, triaged, staff, room, manager):
    referral = triaged(stream="MIXED")
    find()
    issue = open_issue(referral)
    services.slot_issue_update(actor=manager, issue=issue, seen_version=0, owner=None,
                               note="Another manager's note.", action="")
    response = client_for(manager).post(reverse("scheduling:slot_issue", args=[issue.pk]), {
        "owner": "", "action": "ask_triage", "note": "Mine.", "version": 0})
    assert response.status_code == 400
    assert "Someone changed this slot issue" in response.content.decode()
    issue.refresh_from_db()
    assert issue.note == "Another manager's note."


@pytest.mark.django_db
def test_only_a_manager_changes_a_slot_issue(client_for, triaged, staff, room, admin_team):
    referral = triaged(stream="MIXED")
    find()
    issue = open_issue(referral)
    response = client_for(admin_team).post(reverse("scheduling:slot_issue", args=[issue.pk]), {
        "owner": "", "action": "ask_triage", "note": "x", "version": 0})
    assert response.status_code == 403


@pytest.mark.django_db
def test_the_booking_page_says_why_and_lists_the_referral(client_for, triaged, staff, room, admin_team):
    referral = triaged(stream="MIXED")
    with time_machine.travel(MONDAY_8.replace(hour=9), tick=False):
        page = client_for(admin_team).get(reverse("scheduling:book", args=[referral.pk]))
    assert page.status_code == 200
    assert "No team provides the Mixed specialty stream." in page.content.decode()
    assert open_issue(referral).reason == SlotIssueReason.NO_TEAM
