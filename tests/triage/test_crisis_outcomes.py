"""What follows a crisis assessment: the urgent face-to-face assessment booked into a named
practitioner's diary (refused when they are not working or already booked), each outcome
recorded when the assessment is completed (and audited), the further assessment handed to
the booking queue with its targets and the crisis assessment's notes, and the bounds on
a recorded time (between the first contact and now)."""

from contextlib import contextmanager
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from cap.models import ReferralStatus
from cap.services import referral_log_written
from core.errors import Conflict, Invalid
from directory.models import CommunityService
from scheduling import selectors as scheduling_selectors
from scheduling import services as scheduling_services
from scheduling.models import (
    AssessmentTemplate,
    Booking,
    BookingKind,
    BookingStatus,
    DiaryEntry,
    DiaryException,
    WorkingPattern,
)
from tests.factories import PractitionerFactory, TeamFactory
from triage import services
from triage.models import CrisisOutcome, UrgentAction, WaitTarget

LONDON = ZoneInfo("Europe/London")
# Monday 23 November 2026, no bank holiday near it.
FIRST_CONTACT = datetime(2026, 11, 23, 12, tzinfo=LONDON)
DECIDED = datetime(2026, 11, 23, 12, 15, tzinfo=LONDON)
ARRANGING = datetime(2026, 11, 23, 12, 30, tzinfo=LONDON)


def at(instant):
    return time_machine.travel(instant, tick=False)


@pytest.fixture
def client_at(client_for):
    @contextmanager
    def travel(user, instant):
        with at(instant):
            yield client_for(user)

    return travel


@pytest.fixture
def crisis_team():
    """An adult mental health team with two nurses working 09:00 to 17:00 on weekdays."""
    team = TeamFactory(name="City Crisis Resolution Team", specialty="AMH")
    PractitionerFactory(name="Grace Obi", teams=[team])
    PractitionerFactory(name="Tom Hale", teams=[team])
    return team


def nurse(name):
    from scheduling.models import Practitioner

    return Practitioner.objects.get(name=name)


@pytest.fixture
def very_urgent(admin_team, person, gp_referrer, triage_clinician, crisis_team):
    """First contact Monday 12:00, triaged very urgent at 12:15: its 4-hour assessment is
    due at 16:00."""
    with at(FIRST_CONTACT):
        referral = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                        reason="Thoughts of ending life, not sleeping")
    with at(DECIDED):
        services.triage_decision_record(actor=triage_clinician, referral=referral, urgency="very_urgent",
                                        outcome="assessment", stream="AMH", rationale="Seen within 4 hours")
    return referral


def arrange(clinician, referral, instant, practitioner, starts, place="home", where="12 Mill Lane"):
    with at(instant):
        return services.urgent_action_record(
            actor=clinician, referral=referral, kind="crisis_assessment_arranged", when=starts,
            practitioner=practitioner, place=place, where=where)


def complete(clinician, referral, instant, outcome, *, when=None, notes="", **details):
    with at(instant):
        return services.urgent_action_record(
            actor=clinician, referral=referral, kind="assessment_completed", when=when, notes=notes,
            outcome=services.Outcome(outcome=outcome, **details))


# --- The crisis assessment in a practitioner's diary --------------------------------------

@pytest.mark.django_db
def test_arranged_crisis_assessment_is_a_diary_entry_of_the_named_practitioner(
        very_urgent, triage_clinician):
    starts = datetime(2026, 11, 23, 14, tzinfo=LONDON)
    action = arrange(triage_clinician, very_urgent, ARRANGING, nurse("Grace Obi"), starts)

    booking = action.booking
    assert (booking.kind, booking.status, booking.template, booking.place) == (
        BookingKind.CRISIS, BookingStatus.BOOKED, None, "home")
    entry = booking.entries.get()
    assert (entry.practitioner, entry.starts_at, entry.ends_at, entry.live) == (
        nurse("Grace Obi"), starts, starts + timedelta(minutes=90), True)
    # Who, where and when come from the booking: the kind's code is kept.
    assert (action.kind, action.who, action.where, action.when) == (
        "crisis_assessment_arranged", "Grace Obi", "Home visit: 12 Mill Lane", starts)
    # The referral still waits for its urgent assessment, its clock running.
    very_urgent.refresh_from_db()
    assert very_urgent.status == ReferralStatus.AWAITING_URGENT_ASSESSMENT
    assert booking.history.get().history_user == triage_clinician
    assert action.history.get().history_user == triage_clinician


@pytest.mark.django_db
def test_the_diary_refuses_a_crisis_assessment_over_another_booking(very_urgent, triage_clinician,
                                                                   person, admin_team, gp_referrer):
    arrange(triage_clinician, very_urgent, ARRANGING, nurse("Grace Obi"),
            datetime(2026, 11, 23, 14, tzinfo=LONDON))
    with at(FIRST_CONTACT):
        other = referral_log_written(actor=admin_team, person=person(given_name="Noor"),
                                     referrer=gp_referrer, reason="Crisis")
    with at(DECIDED):
        services.triage_decision_record(actor=triage_clinician, referral=other, urgency="very_urgent",
                                        outcome="assessment", stream="AMH", rationale="Very urgent")

    with pytest.raises(Conflict, match="Grace Obi is already booked, or away, at that time"):
        arrange(triage_clinician, other, ARRANGING, nurse("Grace Obi"),
                datetime(2026, 11, 23, 15, tzinfo=LONDON))  # 14:00-15:30 is taken
    assert not other.urgent_actions.exists()
    assert not Booking.objects.filter(referral=other).exists()
    # Tom Hale is free then.
    assert arrange(triage_clinician, other, ARRANGING, nurse("Tom Hale"),
                   datetime(2026, 11, 23, 15, tzinfo=LONDON)).booking.entries.get().practitioner \
        == nurse("Tom Hale")


@pytest.mark.django_db
def test_the_diary_refuses_a_time_the_practitioner_is_not_working_or_is_on_leave(very_urgent,
                                                                               triage_clinician):
    with pytest.raises(Conflict, match="Grace Obi is not working at that time"):
        arrange(triage_clinician, very_urgent, ARRANGING, nurse("Grace Obi"),
                datetime(2026, 11, 23, 16, 30, tzinfo=LONDON))  # ends 18:00, after her 17:00
    DiaryException.objects.create(practitioner=nurse("Tom Hale"), kind="leave",
                                  starts_at=datetime(2026, 11, 23, 13, tzinfo=LONDON),
                                  ends_at=datetime(2026, 11, 23, 17, tzinfo=LONDON))
    with pytest.raises(Conflict, match="Tom Hale is already booked, or away"):
        arrange(triage_clinician, very_urgent, ARRANGING, nurse("Tom Hale"),
                datetime(2026, 11, 23, 14, tzinfo=LONDON))
    assert not DiaryEntry.objects.exists()


@pytest.mark.django_db
def test_a_practitioner_working_evenings_takes_a_crisis_assessment_at_the_urgent_care_hub(
        very_urgent, triage_clinician, crisis_team):
    night = PractitionerFactory(name="Ada Night", teams=[crisis_team])
    night.working_pattern.all().delete()
    WorkingPattern.objects.create(practitioner=night, weekday=0, starts=time(20), ends=time(23, 59))
    starts = datetime(2026, 11, 23, 21, 30, tzinfo=LONDON)
    action = arrange(triage_clinician, very_urgent, ARRANGING, night, starts, place="hub", where="")
    assert action.where == "Urgent Care Hub"
    assert action.booking.entries.get().ends_at == datetime(2026, 11, 23, 23, tzinfo=LONDON)


@pytest.mark.django_db
def test_a_practitioner_of_another_stream_is_refused(very_urgent, triage_clinician):
    older_people = TeamFactory(name="Older People's Team", specialty="MHSOP")
    other = PractitionerFactory(name="Rhys Evans", teams=[older_people])
    with pytest.raises(Invalid, match="Rhys Evans is not in a team of the Adult Mental Health stream"):
        arrange(triage_clinician, very_urgent, ARRANGING, other, datetime(2026, 11, 23, 14, tzinfo=LONDON))


@pytest.mark.django_db
def test_arranging_it_again_frees_the_first_time(very_urgent, triage_clinician):
    first = arrange(triage_clinician, very_urgent, ARRANGING, nurse("Grace Obi"),
                    datetime(2026, 11, 23, 14, tzinfo=LONDON))
    second = arrange(triage_clinician, very_urgent, ARRANGING, nurse("Tom Hale"),
                     datetime(2026, 11, 23, 15, tzinfo=LONDON))
    first.booking.refresh_from_db()
    assert first.booking.status == BookingStatus.CANCELLED
    assert not first.booking.entries.get().live
    assert second.booking.status == BookingStatus.BOOKED


@pytest.mark.django_db
def test_a_crisis_assessment_needs_the_triage_decision_first(admin_team, person, gp_referrer,
                                                             triage_clinician, crisis_team):
    with at(FIRST_CONTACT):
        referral = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                        reason="Crisis")
    with pytest.raises(Conflict, match="Record the triage decision"):
        arrange(triage_clinician, referral, ARRANGING, nurse("Grace Obi"),
                datetime(2026, 11, 23, 14, tzinfo=LONDON))


@pytest.mark.django_db
def test_a_crisis_assessment_is_within_72_hours_and_not_in_the_past(very_urgent, triage_clinician):
    with pytest.raises(Invalid, match="That time has passed"):
        arrange(triage_clinician, very_urgent, ARRANGING, nurse("Grace Obi"),
                ARRANGING - timedelta(minutes=16))
    with pytest.raises(Invalid, match="within 72 hours"):
        arrange(triage_clinician, very_urgent, ARRANGING, nurse("Grace Obi"),
                datetime(2026, 11, 26, 14, tzinfo=LONDON))


@pytest.mark.django_db
def test_the_page_offers_the_streams_practitioners_and_warns_when_after_the_target(
        very_urgent, triage_clinician, client_at):
    url = reverse("followup:urgent_action", args=[very_urgent.pk])
    WorkingPattern.objects.create(practitioner=nurse("Grace Obi"), weekday=0, starts=time(17), ends=time(20))
    with client_at(triage_clinician, ARRANGING) as client:
        page = client.get(url).content.decode()
        response = client.post(url, {
            "kind": "crisis_assessment_arranged", "practitioner": nurse("Grace Obi").pk,
            "when": "2026-11-23T16:30", "place": "clinic", "where": "Bradgate Unit"}, follow=True)
    assert "Grace Obi" in page and "Tom Hale" in page
    assert "Mon 23 Nov 2026, 4pm" in page  # the assessment's due instant
    text = response.content.decode()
    assert "Crisis assessment arranged recorded" in text
    assert "starts after its target, due Mon 23 Nov 16:00" in text


@pytest.mark.django_db
def test_a_refused_time_keeps_what_was_typed(very_urgent, triage_clinician, client_at):
    url = reverse("followup:urgent_action", args=[very_urgent.pk])
    with client_at(triage_clinician, ARRANGING) as client:
        response = client.post(url, {
            "kind": "crisis_assessment_arranged", "practitioner": nurse("Grace Obi").pk,
            "when": "2026-11-23T19:00", "place": "other", "where": "Loughborough Police Station",
            "notes": "Sister with her"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Grace Obi is not working at that time" in text
    assert "Loughborough Police Station" in text and "Sister with her" in text
    assert not UrgentAction.objects.exists()


# --- What follows the assessment -----------------------------------------------------------

COMPLETED = datetime(2026, 11, 23, 15, 30, tzinfo=LONDON)


@pytest.mark.django_db
def test_completed_assessment_needs_an_outcome(very_urgent, triage_clinician, client_at):
    with client_at(triage_clinician, COMPLETED) as client:
        response = client.post(reverse("followup:urgent_action", args=[very_urgent.pk]),
                               {"kind": "assessment_completed"})
    assert response.status_code == 200
    assert "Choose what follows the assessment" in response.content.decode()
    assert not very_urgent.urgent_actions.exists()


@pytest.mark.django_db
def test_home_treatment_outcome_meets_the_target_and_attends_the_diary_booking(very_urgent,
                                                                             triage_clinician):
    arranged = arrange(triage_clinician, very_urgent, ARRANGING, nurse("Grace Obi"),
                       datetime(2026, 11, 23, 14, tzinfo=LONDON))
    action = complete(triage_clinician, very_urgent, COMPLETED, CrisisOutcome.HOME_TREATMENT,
                      when=datetime(2026, 11, 23, 15, 20, tzinfo=LONDON), notes="Daily visits agreed")

    very_urgent.refresh_from_db()
    assert very_urgent.status == ReferralStatus.ASSESSED
    assert very_urgent.history.first().history_change_reason == (
        "Urgent assessment completed: Crisis resolution and home treatment")
    target = WaitTarget.objects.get(referral=very_urgent, definition__code="assessment_4h")
    assert target.met_at == datetime(2026, 11, 23, 15, 20, tzinfo=LONDON)
    arranged.booking.refresh_from_db()
    assert arranged.booking.status == BookingStatus.ATTENDED
    row = action.history.get()
    assert (row.outcome, row.history_user) == (CrisisOutcome.HOME_TREATMENT, triage_clinician)


@pytest.mark.django_db
def test_admission_outcome_says_in_the_notes_informal_or_under_the_act(very_urgent, triage_clinician):
    with pytest.raises(Invalid, match="informal or under the Mental Health Act"):
        complete(triage_clinician, very_urgent, COMPLETED, CrisisOutcome.ADMISSION)
    action = complete(triage_clinician, very_urgent, COMPLETED, CrisisOutcome.ADMISSION,
                      notes="Detained under section 2; bed at the Bradgate Unit")
    assert action.outcome == CrisisOutcome.ADMISSION
    very_urgent.refresh_from_db()
    assert very_urgent.status == ReferralStatus.ASSESSED


@pytest.mark.django_db
def test_routed_outcome_names_a_directory_service_or_an_agency(very_urgent, triage_clinician,
                                                               knowledge_officer):
    from directory import services as directory_services

    with pytest.raises(Invalid, match="Choose the service from the directory, or name the agency"):
        complete(triage_clinician, very_urgent, COMPLETED, CrisisOutcome.ROUTED)
    details = directory_services.ServiceDetails(
        name="Leicester Crisis Café", organisation="Turning Point", description="Evening drop-in.",
        category="community_activity")
    service = directory_services.service_create(actor=knowledge_officer, details=details)
    action = complete(triage_clinician, very_urgent, COMPLETED, CrisisOutcome.ROUTED, service=service,
                      safety_plan="not kept for this outcome")
    assert (action.outcome_service, action.outcome_agency, action.safety_plan) == (service, "", "")
    assert isinstance(action.outcome_service, CommunityService)


@pytest.mark.django_db
def test_self_management_outcome_needs_the_safety_plan_shown_on_the_referral(very_urgent,
                                                                           triage_clinician, client_at):
    with pytest.raises(Invalid, match="Write the person's safety plan"):
        complete(triage_clinician, very_urgent, COMPLETED, CrisisOutcome.SELF_MANAGEMENT)
    complete(triage_clinician, very_urgent, COMPLETED, CrisisOutcome.SELF_MANAGEMENT,
             safety_plan="Call her sister Amira; NHS 111 option 2 at night")
    with client_at(triage_clinician, COMPLETED) as client:
        page = client.get(reverse("cap:referral", args=[very_urgent.pk])).content.decode()
    assert "A self-management plan, with the person&#x27;s safety plan" in page
    assert "Call her sister Amira; NHS 111 option 2 at night" in page


@pytest.mark.django_db
def test_further_assessment_puts_the_referral_on_the_booking_queue_with_the_routine_targets(
        very_urgent, triage_clinician, admin_team, client_at):
    from tests.browser.pages import structured_assessment_staff

    structured_assessment_staff(nurse("Grace Obi").teams.get())
    complete(triage_clinician, very_urgent, COMPLETED, CrisisOutcome.FURTHER_ASSESSMENT,
             notes="Low mood for a year; crisis settled; needs a full assessment with the CMHT")

    very_urgent.refresh_from_db()
    assert very_urgent.status == ReferralStatus.AWAITING_BOOKING
    assert very_urgent.history.first().history_change_reason == (
        "Crisis assessment completed: a further assessment to book")
    running = {t.definition.code: t for t in WaitTarget.objects.running().filter(referral=very_urgent)
               .select_related("definition")}
    assert set(running) == {"booking", "routine_assessment"}
    # Started as a routine triage decision starts them: from the referral's receipt.
    assert {t.started_at for t in running.values()} == {very_urgent.received_at}
    assert WaitTarget.objects.get(referral=very_urgent, definition__code="assessment_4h").met_at == COMPLETED
    assert very_urgent in scheduling_selectors.booking_queue(COMPLETED)
    with client_at(admin_team, COMPLETED) as client:
        page = client.get(reverse("scheduling:book", args=[very_urgent.pk])).content.decode()
    assert "Crisis assessment" in page
    assert "needs a full assessment with the CMHT" in page


@pytest.mark.django_db
def test_the_further_assessment_can_be_booked_after_an_attended_crisis_booking(very_urgent,
                                                                               triage_clinician,
                                                                               admin_team):
    from tests.browser.pages import structured_assessment_staff

    structured_assessment_staff(nurse("Grace Obi").teams.get())
    arrange(triage_clinician, very_urgent, ARRANGING, nurse("Grace Obi"),
            datetime(2026, 11, 23, 14, tzinfo=LONDON))
    complete(triage_clinician, very_urgent, COMPLETED, CrisisOutcome.FURTHER_ASSESSMENT,
             notes="Needs a structured assessment")
    with at(COMPLETED):
        search = scheduling_services.options_for(referral=very_urgent)
        booking = scheduling_services.booking_create(actor=admin_team, referral=very_urgent,
                                                     option_id=search.options[0].id)
    assert (booking.kind, booking.status) == (BookingKind.STRUCTURED, BookingStatus.BOOKED)


@pytest.mark.django_db
def test_the_booking_page_cannot_mark_a_crisis_booking_attended(very_urgent, triage_clinician):
    action = arrange(triage_clinician, very_urgent, ARRANGING, nurse("Grace Obi"),
                     datetime(2026, 11, 23, 14, tzinfo=LONDON))
    with at(COMPLETED), pytest.raises(Conflict, match="Urgent triage arranged this crisis assessment"):
        scheduling_services.booking_attended(actor=triage_clinician, booking=action.booking)


@pytest.mark.django_db
def test_a_cancelled_crisis_booking_leaves_the_referral_awaiting_its_urgent_assessment(
        very_urgent, triage_clinician, admin_team):
    action = arrange(triage_clinician, very_urgent, ARRANGING, nurse("Grace Obi"),
                     datetime(2026, 11, 23, 14, tzinfo=LONDON))
    with at(ARRANGING):
        scheduling_services.booking_cancel(actor=admin_team, booking=action.booking, by="person",
                                           reason="Went to A&E instead")
    very_urgent.refresh_from_db()
    assert very_urgent.status == ReferralStatus.AWAITING_URGENT_ASSESSMENT


# --- A recorded time lies between the first contact and now --------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize(("when", "allowed"), [
    (FIRST_CONTACT - timedelta(minutes=1), False),
    (FIRST_CONTACT, True),
    (COMPLETED, True),  # now
    (COMPLETED + timedelta(minutes=1), False),
])
def test_a_completed_assessments_time_lies_between_the_first_contact_and_now(
        very_urgent, triage_clinician, when, allowed):
    if allowed:
        action = complete(triage_clinician, very_urgent, COMPLETED, CrisisOutcome.HOME_TREATMENT, when=when)
        assert action.when == when
    else:
        with pytest.raises(Invalid, match="first contact"):
            complete(triage_clinician, very_urgent, COMPLETED, CrisisOutcome.HOME_TREATMENT, when=when)
        assert not very_urgent.urgent_actions.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["telephone_advice", "de_escalation", "transfer_non_urgent"])
def test_what_was_done_is_not_recorded_after_now_or_before_the_first_contact(very_urgent,
                                                                           triage_clinician, kind):
    for when in (COMPLETED + timedelta(seconds=60), FIRST_CONTACT - timedelta(seconds=60)):
        with at(COMPLETED), pytest.raises(Invalid, match="first contact"):
            services.urgent_action_record(actor=triage_clinician, referral=very_urgent, kind=kind, when=when)


@pytest.mark.django_db
def test_the_page_says_the_time_is_before_the_first_contact(very_urgent, triage_clinician, client_at):
    with client_at(triage_clinician, COMPLETED) as client:
        response = client.post(reverse("followup:urgent_action", args=[very_urgent.pk]), {
            "kind": "telephone_advice", "when": "2026-11-23T11:59", "notes": "Advice given"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "The time is before the first contact (Mon 23 Nov 2026 12:00)" in text
    assert "Advice given" in text


def test_a_crisis_assessment_is_booked_beside_the_structured_booking_a_crisis_call_kept(
        admin_team, person, gp_referrer, triage_clinician, call_handler, crisis_team):
    """Triaged routine and booked; a crisis call puts it back on urgent triage, its booking
    kept; triaged very urgent, the crisis assessment is booked into a diary all the same."""
    from cap.services import Call, call_log
    from tests.cap.test_calls import decide

    with at(FIRST_CONTACT - timedelta(days=7)):
        referral = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                        reason="Low mood")
        decide(triage_clinician, referral, urgency="routine", outcome="assessment", stream="AMH")
    starts = FIRST_CONTACT + timedelta(days=10)
    kept = Booking.objects.create(
        referral=referral, template=AssessmentTemplate.objects.first(),
        team=crisis_team, setting="clinic", starts_at=starts, first_entry_at=starts,
        ends_at=starts + timedelta(hours=2), status=BookingStatus.BOOKED, booked_by=admin_team)
    type(referral).objects.filter(pk=referral.pk).update(status="booked")
    with at(FIRST_CONTACT):
        call_log(actor=call_handler, service_user=referral.service_user, call=Call(
            started_at=FIRST_CONTACT, caller_type="carer", nature="clinical",
            outcome_kind="passed_to_triage", outcome="Passed to urgent triage",
            details="Plan to end his life tonight"))
    with at(DECIDED):
        decide(triage_clinician, referral, urgency="very_urgent", outcome="assessment", stream="AMH")

    action = arrange(triage_clinician, referral, ARRANGING, nurse("Grace Obi"),
                     datetime(2026, 11, 23, 14, tzinfo=LONDON))

    assert (action.booking.kind, action.booking.status) == (BookingKind.CRISIS, BookingStatus.BOOKED)
    kept.refresh_from_db()
    assert kept.status == BookingStatus.BOOKED
