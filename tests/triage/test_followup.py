"""Around a triage decision: missing information chased, the MDT huddle, physical
health checks first, urgent triage actions and the person's existing team."""

from contextlib import contextmanager
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cap.models import RecordAccess, Task
from cap.services import referral_log_written
from careplans.models import Episode
from tests.factories import PractitionerFactory, TeamFactory
from triage import services
from triage.models import Huddle, HuddleItem, InformationRequest, PhysicalHealthCheck, WaitTarget

LONDON = ZoneInfo("Europe/London")
# A week with no bank holiday: Monday 23 to Monday 30 November 2026.
MONDAY = date(2026, 11, 23)
THURSDAY_1600 = datetime(2026, 11, 26, 16, tzinfo=LONDON)
FRIDAY_1600 = datetime(2026, 11, 27, 16, tzinfo=LONDON)
NEXT_MONDAY_1600 = datetime(2026, 11, 30, 16, tzinfo=LONDON)


def at(instant):
    return time_machine.travel(instant, tick=False)


@pytest.fixture
def client_at(client_for):
    """Travel to an instant and sign in there (a session idles out after 30 minutes)."""

    @contextmanager
    def travel(user, instant):
        with at(instant):
            yield client_for(user)

    return travel


@pytest.fixture
def referral_at(admin_team, person, gp_referrer):
    """A written referral received (and so first contact) at the given instant."""

    def make(instant, **person_details):
        with at(instant):
            return referral_log_written(actor=admin_team, person=person(**person_details),
                                        referrer=gp_referrer, reason="Low mood, not sleeping")

    return make


def decide(clinician, referral, instant, **decision):
    with at(instant):
        return services.triage_decision_record(actor=clinician, referral=referral,
                                               rationale="Clinical judgement", **decision)


# --- Missing information --------------------------------------------------------------

@pytest.fixture
def info_request(referral_at, triage_clinician):
    """Asked of the GP on Thursday at 16:00, so first due a chase on Friday at 16:00."""
    referral = referral_at(datetime(2026, 11, 26, 10, tzinfo=LONDON))
    decide(triage_clinician, referral, THURSDAY_1600, urgency="routine",
           outcome="information_request", information_from="gp",
           information_needed="Recent blood test results")
    return InformationRequest.objects.get(referral=referral)


@pytest.mark.django_db
def test_information_request_is_listed_and_marked_chase_now_once_due(info_request, triage_clinician,
                                                                       client_at):
    url = reverse("followup:information_requests")
    with client_at(triage_clinician, datetime(2026, 11, 27, 15, 59, tzinfo=LONDON)) as client:
        before = client.get(url).content.decode()
    with client_at(triage_clinician, FRIDAY_1600) as client:
        due = client.get(url).content.decode()
    assert info_request.referral.reference in before
    assert "Recent blood test results" in before and "The GP practice" in before
    assert "Chase now" not in before
    assert "Chase now" in due


@pytest.mark.django_db
def test_requests_due_a_chase_are_listed_before_the_others(referral_at, triage_clinician, client_at):
    later = referral_at(datetime(2026, 11, 26, 9, tzinfo=LONDON))
    decide(triage_clinician, later, FRIDAY_1600, urgency="routine", outcome="information_request",
           information_from="referrer", information_needed="Medication list")
    due = referral_at(datetime(2026, 11, 26, 10, tzinfo=LONDON))
    decide(triage_clinician, due, THURSDAY_1600, urgency="routine", outcome="information_request",
           information_from="gp", information_needed="Bloods")
    with client_at(triage_clinician, FRIDAY_1600) as client:
        page = client.get(reverse("followup:information_requests")).content.decode()
    assert page.index(due.reference) < page.index("Chase now") < page.index(later.reference)


@pytest.mark.django_db
def test_chase_recorded_friday_1600_makes_the_next_chase_due_monday_1600(info_request, triage_clinician,
                                                                       client_at):
    with client_at(triage_clinician, FRIDAY_1600) as client:
        response = client.post(reverse("followup:information_chase", args=[info_request.pk]))
    info_request.refresh_from_db()
    assert response.status_code == 302
    assert info_request.chase_at == NEXT_MONDAY_1600
    assert info_request.chased_count == 1


@pytest.mark.django_db
def test_recording_what_was_received_closes_the_request_and_the_triage_clock_keeps_running(
        info_request, triage_clinician, client_at):
    with client_at(triage_clinician, FRIDAY_1600) as client:
        response = client.post(reverse("followup:information_receive", args=[info_request.pk]),
                               {"response": "Bloods normal, filed in the record"})
        listing = client.get(reverse("followup:information_requests")).content.decode()
    info_request.refresh_from_db()
    target = WaitTarget.objects.get(referral=info_request.referral, definition__code="triage_review")
    assert response.status_code == 302
    assert info_request.received_at == FRIDAY_1600
    assert info_request.response == "Bloods normal, filed in the record"
    assert "No information requests are waiting." in listing
    assert info_request.referral.status == "awaiting_triage"
    assert target.met_at is None
    assert target.state(FRIDAY_1600) == "breached"  # due Friday 10:00: the wait counted on


@pytest.mark.django_db
def test_recording_what_was_received_needs_the_response(info_request, triage_clinician, client_at):
    with client_at(triage_clinician, FRIDAY_1600) as client:
        response = client.post(reverse("followup:information_receive", args=[info_request.pk]),
                               {"response": ""})
    info_request.refresh_from_db()
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert info_request.received_at is None


# --- MDT huddle ---------------------------------------------------------------------

def to_huddle(clinician, referral, instant):
    decide(clinician, referral, instant, urgency="routine", outcome="huddle",
           huddle_question="Learning disability or older people's stream?")


@pytest.mark.django_db
def test_referral_sent_to_the_huddle_before_1100_is_on_todays_agenda(referral_at, triage_clinician,
                                                                     client_at):
    referral = referral_at(datetime(2026, 11, 23, 9, tzinfo=LONDON))
    just_before = datetime(2026, 11, 23, 10, 59, 59, tzinfo=LONDON)
    to_huddle(triage_clinician, referral, just_before)
    with client_at(triage_clinician, just_before) as client:
        page = client.get(reverse("followup:huddle")).content.decode()
    assert HuddleItem.objects.get(referral=referral).huddle.held_on == MONDAY
    assert referral.reference in page
    assert "Learning disability or older people" in page


@pytest.mark.django_db
def test_referral_sent_to_the_huddle_at_1100_is_on_the_next_working_days_agenda(
        referral_at, triage_clinician):
    referral = referral_at(datetime(2026, 11, 23, 9, tzinfo=LONDON))
    to_huddle(triage_clinician, referral, datetime(2026, 11, 23, 11, tzinfo=LONDON))
    assert HuddleItem.objects.get(referral=referral).huddle.held_on == date(2026, 11, 24)


@pytest.mark.django_db
def test_referral_sent_to_the_huddle_friday_noon_is_on_mondays_agenda(referral_at, triage_clinician,
                                                                       client_at):
    referral = referral_at(datetime(2026, 11, 27, 9, tzinfo=LONDON))
    friday_noon = datetime(2026, 11, 27, 12, tzinfo=LONDON)
    to_huddle(triage_clinician, referral, friday_noon)
    with client_at(triage_clinician, friday_noon) as client:
        today = client.get(reverse("followup:huddle")).content.decode()
        monday = client.get(reverse("followup:huddle_day", args=["2026-11-30"])).content.decode()
    assert HuddleItem.objects.get(referral=referral).huddle.held_on == date(2026, 11, 30)
    assert "Friday 27 November 2026 (today)" in today
    assert referral.reference not in today
    assert "Monday 30 November" in today  # where referrals sent now go
    assert referral.reference in monday


@pytest.mark.django_db
def test_huddle_page_at_the_weekend_shows_the_next_working_days_agenda(referral_at, triage_clinician,
                                                                       client_at):
    referral = referral_at(datetime(2026, 11, 27, 9, tzinfo=LONDON))
    to_huddle(triage_clinician, referral, datetime(2026, 11, 27, 12, tzinfo=LONDON))
    with client_at(triage_clinician, datetime(2026, 11, 28, 10, tzinfo=LONDON)) as client:
        page = client.get(reverse("followup:huddle")).content.decode()
    assert "Monday 30 November 2026" in page
    assert referral.reference in page


@pytest.mark.django_db
def test_recording_a_huddle_discussion_records_the_clinician_as_an_attendee(
        referral_at, triage_clinician, client_at):
    referral = referral_at(datetime(2026, 11, 23, 9, tzinfo=LONDON))
    to_huddle(triage_clinician, referral, datetime(2026, 11, 23, 10, tzinfo=LONDON))
    item = HuddleItem.objects.get(referral=referral)
    discussed = datetime(2026, 11, 23, 11, 20, tzinfo=LONDON)
    with client_at(triage_clinician, discussed) as client:
        response = client.post(reverse("followup:huddle_item_discuss", args=[item.pk]),
                               {f"item-{item.pk}-discussion": "Agreed: Adult Mental Health, routine."})
        page = client.get(reverse("followup:huddle_day", args=["2026-11-23"])).content.decode()
    item.refresh_from_db()
    assert response.status_code == 302
    assert item.discussion == "Agreed: Adult Mental Health, routine."
    assert item.discussed_at == discussed
    assert list(Huddle.objects.get(held_on=MONDAY).attendees.all()) == [triage_clinician]
    assert triage_clinician.get_full_name() in page
    assert reverse("triage:decide", args=[referral.pk]) in page


@pytest.mark.django_db
def test_an_empty_huddle_discussion_is_refused_with_an_error(referral_at, triage_clinician, client_at):
    referral = referral_at(datetime(2026, 11, 23, 9, tzinfo=LONDON))
    to_huddle(triage_clinician, referral, datetime(2026, 11, 23, 10, tzinfo=LONDON))
    item = HuddleItem.objects.get(referral=referral)
    with client_at(triage_clinician, datetime(2026, 11, 23, 11, 20, tzinfo=LONDON)) as client:
        response = client.post(reverse("followup:huddle_item_discuss", args=[item.pk]),
                               {f"item-{item.pk}-discussion": ""})
    item.refresh_from_db()
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert item.discussed_at is None
    assert not Huddle.objects.get(held_on=MONDAY).attendees.exists()


# --- Physical health checks first ---------------------------------------------------

@pytest.mark.django_db
def test_physical_health_check_writes_a_gp_letter_with_the_persons_name_reference_and_the_advice(
        referral_at, triage_clinician, client_at):
    referral = referral_at(datetime(2026, 11, 23, 9, tzinfo=LONDON), given_name="Asha",
                           family_name="Patel")
    with client_at(triage_clinician, datetime(2026, 11, 23, 10, tzinfo=LONDON)) as client:
        response = client.post(reverse("followup:physical_health_check", args=[referral.pk]), {
            "checks_needed": "Thyroid function tests and B12",
            "advice_given": "Book a GP appointment this week; call 111 if things get worse.",
        })
        letter = client.get(response.url).content.decode()
        referral_page = client.get(reverse("cap:referral", args=[referral.pk])).content.decode()
    check = PhysicalHealthCheck.objects.get(referral=referral)
    assert response.url == reverse("followup:physical_health_letter", args=[check.pk])
    assert "Asha Patel" in check.letter and referral.reference in check.letter
    assert "Thyroid function tests and B12" in check.letter
    assert check.advice_given == "Book a GP appointment this week; call 111 if things get worse."
    assert "Asha Patel" in letter and referral.reference in letter
    assert "Book a GP appointment this week" in letter
    assert "<pre" not in letter
    assert "Thyroid function tests and B12" in referral_page


@pytest.mark.django_db
def test_printing_the_gp_letter_logs_who_read_the_persons_record(referral_at, triage_clinician,
                                                                 client_at):
    referral = referral_at(datetime(2026, 11, 23, 9, tzinfo=LONDON))
    with client_at(triage_clinician, datetime(2026, 11, 23, 10, tzinfo=LONDON)) as client:
        check = services.physical_health_check_request(actor=triage_clinician, referral=referral,
                                                       checks_needed="ECG", advice_given="See the GP")
        assert client.get(reverse("followup:physical_health_letter", args=[check.pk])).status_code == 200

    assert list(RecordAccess.objects.values_list("user", "service_user", "referral", "context")) == [
        (triage_clinician.pk, referral.service_user_id, referral.pk, "physical health letter")]


# --- Urgent triage actions ----------------------------------------------------------

@pytest.fixture
def very_urgent_referral(referral_at, triage_clinician):
    """First contact Monday 12:00, so its 4-hour assessment is due at 16:00."""
    referral = referral_at(datetime(2026, 11, 23, 12, tzinfo=LONDON))
    decide(triage_clinician, referral, datetime(2026, 11, 23, 12, 15, tzinfo=LONDON),
           urgency="very_urgent", outcome="assessment", stream="AMH")
    return referral


@pytest.mark.django_db
def test_urgent_assessment_completed_meets_the_4h_target_and_the_referral_is_assessed(
        very_urgent_referral, triage_clinician, client_at):
    completed = datetime(2026, 11, 23, 15, 30, tzinfo=LONDON)
    with client_at(triage_clinician, completed) as client:
        response = client.post(reverse("followup:urgent_action", args=[very_urgent_referral.pk]), {
            "kind": "assessment_completed", "who": "Crisis team", "where": "Home visit",
            "when": "", "notes": "Safety plan agreed", "outcome": "home_treatment"})
        page = client.get(reverse("cap:referral", args=[very_urgent_referral.pk])).content.decode()
    target = WaitTarget.objects.get(referral=very_urgent_referral, definition__code="assessment_4h")
    very_urgent_referral.refresh_from_db()
    assert response.status_code == 302
    assert target.met_at == completed
    assert target.state(completed) == "met"
    assert very_urgent_referral.status == "assessed"
    assert "Assessment completed" in page and "Crisis team" in page


@pytest.mark.django_db
def test_arranged_crisis_assessment_is_listed_with_who_where_and_when(very_urgent_referral,
                                                                      triage_clinician, client_at):
    team = TeamFactory(name="City Crisis Resolution Team", specialty="AMH")
    okafor = PractitionerFactory(name="Dr Okafor", teams=[team])
    with client_at(triage_clinician, datetime(2026, 11, 23, 12, 30, tzinfo=LONDON)) as client:
        client.post(reverse("followup:urgent_action", args=[very_urgent_referral.pk]), {
            "kind": "crisis_assessment_arranged", "practitioner": okafor.pk, "place": "clinic",
            "where": "Bradgate Unit", "when": "2026-11-23T15:00", "notes": ""})
        page = client.get(reverse("cap:referral", args=[very_urgent_referral.pk])).content.decode()
    action = very_urgent_referral.urgent_actions.get()
    assert action.when == datetime(2026, 11, 23, 15, tzinfo=LONDON)
    assert action.recorded_at == datetime(2026, 11, 23, 12, 30, tzinfo=LONDON)
    assert "Crisis assessment arranged" in page and "Clinic: Bradgate Unit" in page and "Dr Okafor" in page


@pytest.mark.django_db
def test_assessment_completed_before_triage_is_refused_on_the_form(referral_at, triage_clinician,
                                                                   client_at):
    referral = referral_at(datetime(2026, 11, 23, 12, tzinfo=LONDON))
    with client_at(triage_clinician, datetime(2026, 11, 23, 12, 30, tzinfo=LONDON)) as client:
        response = client.post(reverse("followup:urgent_action", args=[referral.pk]),
                               {"kind": "assessment_completed"})
    assert response.status_code == 200
    assert "is not waiting for an urgent assessment" in response.content.decode()
    assert not referral.urgent_actions.exists()


@pytest.mark.django_db
def test_urgent_action_form_is_not_offered_once_the_referral_is_routed(referral_at, triage_clinician,
                                                                      client_at):
    referral = referral_at(datetime(2026, 11, 23, 12, tzinfo=LONDON))
    decide(triage_clinician, referral, datetime(2026, 11, 23, 13, tzinfo=LONDON), urgency="routine",
           outcome="route_external", external_agency="NHS Talking Therapies")
    with client_at(triage_clinician, datetime(2026, 11, 23, 13, 30, tzinfo=LONDON)) as client:
        response = client.get(reverse("followup:urgent_action", args=[referral.pk]))
        page = client.get(reverse("cap:referral", args=[referral.pk])).content.decode()
    assert response.status_code == 302
    assert reverse("followup:urgent_action", args=[referral.pk]) not in page


@pytest.mark.django_db
def test_referral_page_queries_do_not_grow_with_its_follow_up_records(very_urgent_referral,
                                                                      triage_clinician, client_at):
    url = reverse("cap:referral", args=[very_urgent_referral.pk])

    def queries():
        with client_at(triage_clinician, datetime(2026, 11, 23, 14, tzinfo=LONDON)) as client:
            client.get(url)  # the first request after signing in writes the session
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
        return len(captured)

    services.urgent_action_record(actor=triage_clinician, referral=very_urgent_referral,
                                  kind="telephone_advice")
    one = queries()
    for _ in range(3):
        services.urgent_action_record(actor=triage_clinician, referral=very_urgent_referral,
                                      kind="de_escalation")
        services.physical_health_check_request(actor=triage_clinician, referral=very_urgent_referral,
                                               checks_needed="ECG", advice_given="See the GP")
    assert queries() == one


# --- Known to services --------------------------------------------------------------

@pytest.fixture
def routed_to_team(referral_at, triage_clinician):
    referral = referral_at(datetime(2026, 11, 23, 9, tzinfo=LONDON))
    team = TeamFactory(name="City West CTR Team")
    coordinator = PractitionerFactory(name="Sam Jones", teams=[team])
    Episode.objects.create(service_user=referral.service_user, team=team, care_coordinator=coordinator,
                           opened_on=date(2025, 6, 1))
    decide(triage_clinician, referral, datetime(2026, 11, 23, 10, tzinfo=LONDON), urgency="routine",
           outcome="route_existing_team")
    return referral


@pytest.mark.django_db
def test_routing_to_the_existing_team_shows_the_task_on_the_referral_page(routed_to_team,
                                                                           triage_clinician, client_at):
    with client_at(triage_clinician, datetime(2026, 11, 23, 10, 30, tzinfo=LONDON)) as client:
        page = client.get(reverse("cap:referral", args=[routed_to_team.pk])).content.decode()
    assert "Known to services" in page
    assert "Open episode with City West CTR Team" in page and "Sam Jones" in page
    assert "Routed to City West CTR Team: task open since Mon 23 Nov 2026, 10am" in page


@pytest.mark.django_db
def test_team_task_is_listed_until_marked_done(routed_to_team, manager, client_at):
    task = Task.objects.get(service_user=routed_to_team.service_user)
    done = datetime(2026, 11, 24, 9, 30, tzinfo=LONDON)
    with client_at(manager, done) as client:
        listed = client.get(reverse("followup:team_tasks")).content.decode()
        response = client.post(reverse("followup:team_task_done", args=[task.pk]))
        after = client.get(reverse("followup:team_tasks")).content.decode()
        referral_page = client.get(reverse("cap:referral", args=[routed_to_team.pk])).content.decode()
    task.refresh_from_db()
    assert "City West CTR Team" in listed and routed_to_team.reference in listed
    assert response.status_code == 302
    assert (task.done_at, task.done_by) == (done, manager)
    assert routed_to_team.reference not in after
    assert "Routed to City West CTR Team" not in referral_page


@pytest.mark.django_db
def test_marking_a_task_done_twice_records_one_completion(routed_to_team, manager, client_at):
    task = Task.objects.get(service_user=routed_to_team.service_user)
    done = datetime(2026, 11, 24, 9, 30, tzinfo=LONDON)
    with client_at(manager, done) as client:
        client.post(reverse("followup:team_task_done", args=[task.pk]))
    with client_at(manager, datetime(2026, 11, 24, 9, 31, tzinfo=LONDON)) as client:
        client.post(reverse("followup:team_task_done", args=[task.pk]))
    task.refresh_from_db()
    assert task.done_at == done
    assert task.history.filter(done_at__isnull=False).count() == 1


# --- Roles --------------------------------------------------------------------------

MONDAY_1400 = datetime(2026, 11, 23, 14, tzinfo=LONDON)
TRIAGE_PAGES = [
    ("followup:information_requests", []),
    ("followup:huddle", []),
    ("followup:huddle_day", ["2026-11-23"]),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "args"), TRIAGE_PAGES + [("followup:team_tasks", [])])
def test_call_handler_is_refused_the_follow_up_pages(name, args, call_handler, client_at):
    with client_at(call_handler, MONDAY_1400) as client:
        assert client.get(reverse(name, args=args)).status_code == 403


@pytest.mark.django_db
def test_call_handler_is_refused_the_referral_follow_up_forms(very_urgent_referral, triage_clinician,
                                                              call_handler, client_at):
    check = services.physical_health_check_request(
        actor=triage_clinician, referral=very_urgent_referral, checks_needed="ECG",
        advice_given="See the GP")
    pk = very_urgent_referral.pk
    with client_at(call_handler, MONDAY_1400) as client:
        assert client.get(reverse("followup:urgent_action", args=[pk])).status_code == 403
        assert client.post(reverse("followup:urgent_action", args=[pk]),
                           {"kind": "telephone_advice"}).status_code == 403
        assert client.get(reverse("followup:physical_health_check", args=[pk])).status_code == 403
        assert client.get(reverse("followup:physical_health_letter", args=[check.pk])).status_code == 403
    assert not very_urgent_referral.urgent_actions.exists()


@pytest.mark.django_db
def test_call_handler_cannot_chase_or_mark_a_task_done(info_request, routed_to_team, call_handler,
                                                       client_at):
    task = Task.objects.get(service_user=routed_to_team.service_user)
    with client_at(call_handler, FRIDAY_1600) as client:
        assert client.post(reverse("followup:information_chase", args=[info_request.pk])).status_code == 403
        assert client.post(reverse("followup:team_task_done", args=[task.pk])).status_code == 403
    info_request.refresh_from_db()
    task.refresh_from_db()
    assert (info_request.chased_count, task.done_at) == (0, None)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "args"), TRIAGE_PAGES)
def test_manager_sees_team_tasks_but_not_the_clinicians_pages(name, args, manager, client_at):
    with client_at(manager, MONDAY_1400) as client:
        assert client.get(reverse("followup:team_tasks")).status_code == 200
        assert client.get(reverse(name, args=args)).status_code == 403


@pytest.mark.django_db
def test_triage_clinician_has_information_requests_and_huddle_in_the_menu(triage_clinician, client_at):
    with client_at(triage_clinician, MONDAY_1400) as client:
        page = client.get(reverse("followup:huddle")).content.decode()
    assert reverse("followup:information_requests") in page
    assert ">MDT huddle<" in page
