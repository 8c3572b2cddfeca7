"""Accounted for: every open referral has an owner, a running target with a due instant and
a next step its owner can see; the table covers every status; each way to fall out is
found with its reason; the watch tells the duty manager once per episode (also through the
real Celery worker and the command); the dashboard counts and lists through one selector."""

import time
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from cap import services as cap_services
from cap.models import OPEN_STATUSES, Referral, ReferralStatus
from config.celery import app
from scheduling import services as scheduling_services
from scheduling.models import Booking, BookingStatus, ClinicRoom, Discipline, SlotIssue
from tests.factories import GPPracticeFactory, PCNFactory, PractitionerFactory, TeamFactory, UserFactory
from triage import accounted, dashboard
from triage.accounted import OWNER_BY_STATUS, accounted_watch, not_accounted_for
from triage.models import DutyShift, Notification, TriageDecision, UnaccountedAlert, WaitTarget
from triage.services import next_due_refresh, triage_decision_record
from triage.tasks import watch_accounted_task

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
# Monday 23 November 2026, 08:00: no bank holiday near it.
MONDAY_8 = datetime(2026, 11, 23, 8, 0, tzinfo=LONDON)
LATER = MONDAY_8 + timedelta(hours=1)


@pytest.fixture
def team(reference_data):
    """An Adult Mental Health team with the structured assessment's disciplines and a room."""
    pcn = PCNFactory()
    team = TeamFactory(name="City East CTR Team", pcns=[pcn])
    team.test_pcn = pcn
    for name, discipline in [("Sam Support", "support_worker"), ("Alex Nurse", "nurse"),
                             ("Bea Nurse", "nurse"), ("Dr Cara Consultant", "consultant_psychiatrist"),
                             ("Hari Healthcare", "healthcare_support_worker")]:
        PractitionerFactory(name=name, teams=[team], discipline=Discipline.objects.get(code=discipline))
    room = ClinicRoom.objects.create(name="Room 1", site="Neville Centre, Leicester LE5 4QG")
    room.teams.add(team)
    return team


@pytest.fixture
def referred(admin_team, person, gp_referrer):
    def make(at=MONDAY_8, **details):
        with time_machine.travel(at, tick=False):
            return cap_services.referral_log_written(actor=admin_team, person=person(**details),
                                                     referrer=gp_referrer, reason="Low mood for months")

    return make


@pytest.fixture
def triaged(referred, triage_clinician, team):
    """Triaged routine for an assessment in `stream` (Adult Mental Health by default)."""

    def make(stream="AMH", **decision):
        referral = referred(gp_practice=GPPracticeFactory(pcn=team.test_pcn))
        fields = {"urgency": "routine", "outcome": "assessment", "stream": stream,
                  "rationale": "Routine assessment."} | decision
        with time_machine.travel(MONDAY_8, tick=False):
            triage_decision_record(actor=triage_clinician, referral=referral, **fields)
        referral.refresh_from_db()
        return referral

    return make


@pytest.fixture
def booked(triaged, admin_team):
    def make():
        referral = triaged()
        option = scheduling_services.options_for(referral=referral, now=MONDAY_8).options[0]
        scheduling_services.booking_create(actor=admin_team, referral=referral, option_id=option.id,
                                           now=MONDAY_8)
        referral.refresh_from_db()
        return referral

    return make


def whys(now=LATER) -> dict[str, str]:
    return dict(not_accounted_for(now).values_list("reference", "why"))


def stop_every_target(referral):
    WaitTarget.objects.filter(referral=referral).update(cancelled_at=MONDAY_8)
    next_due_refresh(referral)


# --- Every state covered ------------------------------------------------------------------

def test_the_table_says_for_every_referral_status_whether_it_is_open_and_who_owns_it():
    assert set(OWNER_BY_STATUS) == set(ReferralStatus.values)
    assert all(ownership.owner for ownership in OWNER_BY_STATUS.values())


def test_the_open_statuses_are_exactly_those_the_cap_still_holds():
    assert set(accounted.ACCOUNTED_STATUSES) == set(OPEN_STATUSES)
    assert {s for s, o in OWNER_BY_STATUS.items() if not o.open} == {
        ReferralStatus.ROUTED, ReferralStatus.ACCEPTED_CHILDREN_HUB, ReferralStatus.ASSESSED,
        ReferralStatus.CLOSED}
    assert all(o.next_step for o in OWNER_BY_STATUS.values() if o.open)


def test_every_need_named_in_the_table_has_a_reason_a_manager_reads():
    assert {need for o in OWNER_BY_STATUS.values() for need in o.needs} <= set(accounted.WHY)


# --- Normal referrals of each open status are accounted for -------------------------------

def test_a_referral_awaiting_triage_on_its_queue_is_accounted_for(referred):
    referral = referred()
    assert (referral.status, referral.triage_queue) == ("awaiting_triage", "non_urgent")
    assert whys() == {}


def test_a_referral_awaiting_booking_with_a_team_for_its_stream_is_accounted_for(triaged):
    assert triaged().status == "awaiting_booking"
    assert whys() == {}


def test_a_booked_referral_with_its_booking_in_the_diaries_is_accounted_for(booked):
    assert booked().status == "booked"
    assert whys() == {}


def test_a_referral_awaiting_its_urgent_assessment_is_accounted_for(triaged):
    referral = triaged(urgency="very_urgent")
    assert referral.status == "awaiting_urgent_assessment"
    assert whys() == {}


def test_an_under_eighteen_on_the_childrens_hub_handoff_queue_is_accounted_for(referred, settings):
    settings.CHILDREN_HUB_ENABLED = True
    referral = referred(date_of_birth=date(2011, 5, 2))
    assert referral.status == "redirected_children_hub"
    assert whys() == {}


def test_a_referral_after_the_caps_part_is_not_counted_even_with_no_target(triaged):
    referral = triaged(urgency="routine", outcome="route_external", external_agency="The person's GP")
    assert referral.status == "routed"
    assert not WaitTarget.objects.running().filter(referral=referral).exists()
    assert whys() == {}


# --- Each way to fall out ----------------------------------------------------------------

def test_awaiting_triage_with_every_target_stopped_has_no_running_target(referred):
    referral = referred()
    stop_every_target(referral)
    assert whys() == {referral.reference: "No running target"}


def test_awaiting_booking_with_no_running_target(triaged):
    referral = triaged()
    stop_every_target(referral)
    assert whys() == {referral.reference: "No running target"}


def test_a_running_target_missing_from_the_queues_due_order_is_found(referred):
    referral = referred()
    Referral.objects.filter(pk=referral.pk).update(next_due_at=None)
    assert whys() == {referral.reference: accounted.NO_DUE_INSTANT}


def test_booked_with_its_booking_cancelled_without_the_status_moving(booked):
    referral = booked()
    Booking.objects.filter(referral=referral).update(status=BookingStatus.CANCELLED)
    assert whys() == {referral.reference: "Booked with no live booking in a diary"}


def test_awaiting_booking_in_a_stream_with_no_team_until_it_is_on_the_slot_issues_list(triaged):
    referral = triaged(stream="MHSOP_MEMORY")
    assert whys() == {referral.reference: accounted.WHY[accounted.A_TEAM_TO_BOOK_WITH]}
    SlotIssue.objects.create(referral=referral)
    assert whys() == {}


def test_awaiting_booking_with_no_stream_on_its_assessment_decision_has_no_stream_to_book(triaged):
    referral = triaged()
    # Triage asks for a stream today; a decision recorded without one (older data) must not
    # leave the person waiting where no team can book them.
    TriageDecision.objects.filter(referral=referral).update(stream="")
    assert whys() == {referral.reference: accounted.WHY[accounted.A_STREAM_TO_BOOK]}


def test_the_selector_is_one_query(referred, django_assert_num_queries):
    referred()
    with django_assert_num_queries(1):
        list(not_accounted_for(LATER))


# --- The watch ----------------------------------------------------------------------------

def test_a_referral_falling_out_is_told_to_the_duty_manager_once(referred, manager):
    other = UserFactory(username="other.manager", role="Manager")
    DutyShift.objects.create(manager=manager, starts_at=MONDAY_8, ends_at=MONDAY_8 + timedelta(hours=12))
    referral = referred()
    stop_every_target(referral)
    assert accounted_watch(now=LATER).raised == 1
    assert accounted_watch(now=LATER + timedelta(minutes=5)).raised == 0
    alert = UnaccountedAlert.objects.get()
    assert (alert.referral, alert.why, alert.accounted_for_at) == (referral, "No running target", None)
    told = Notification.objects.get()
    assert (told.user, told.unaccounted_ids, told.alert_ids) == (manager, [alert.pk], [])
    assert not Notification.objects.filter(user=other).exists()


def test_with_nobody_on_the_rota_every_manager_is_told(referred, manager):
    other = UserFactory(username="other.manager", role="Manager")
    stop_every_target(referred())
    accounted_watch(now=LATER)
    assert set(Notification.objects.values_list("user", flat=True)) == {manager.pk, other.pk}


def test_accounted_for_again_closes_its_alert_and_falling_out_again_raises_a_new_one(referred, manager):
    referral = referred()
    Referral.objects.filter(pk=referral.pk).update(next_due_at=None)
    accounted_watch(now=LATER)
    next_due_refresh(referral)  # its queue has its due instant again
    watched = accounted_watch(now=LATER + timedelta(minutes=5))
    assert (watched.not_accounted_for, watched.accounted_again) == (0, 1)
    assert UnaccountedAlert.objects.get().accounted_for_at == LATER + timedelta(minutes=5)
    Referral.objects.filter(pk=referral.pk).update(next_due_at=None)
    assert accounted_watch(now=LATER + timedelta(minutes=10)).raised == 1
    assert UnaccountedAlert.objects.filter(referral=referral).count() == 2
    assert Notification.objects.filter(user=manager).count() == 2


def test_the_notification_centre_and_email_tell_the_reference_and_why(referred, manager, client_for,
                                                                      mailoutbox):
    manager.email = "duty.manager@example.nhs.uk"
    manager.save()
    referral = referred()
    stop_every_target(referral)
    accounted_watch(now=LATER)
    page = client_for(manager).get(reverse("alerts:index")).content.decode()
    assert referral.reference in page and "No running target" in page
    from triage.alerts import notification_emails_send

    assert notification_emails_send() == 1
    assert mailoutbox[0].subject == f"Not accounted for: {referral.reference}"
    assert "No running target" in mailoutbox[0].body and "Asha" not in mailoutbox[0].body


def test_beat_watches_every_five_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["watch-accounted"]
    assert (entry["task"], entry["schedule"]) == (watch_accounted_task.name, 300)
    app.loader.import_default_modules()
    assert watch_accounted_task.name in app.tasks


@pytest.mark.django_db(transaction=True)
def test_the_watch_runs_in_a_real_celery_worker_over_redis(referred, manager):
    referral = referred()
    stop_every_target(referral)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        assert watch_accounted_task.delay().get(timeout=60) == 1
        assert watch_accounted_task.delay().get(timeout=60) == 0
        deadline = time.monotonic() + 60
        while Notification.objects.filter(email_sent_at__isnull=True).exists():
            assert time.monotonic() < deadline, "the email task never ran"
            time.sleep(0.2)
    assert UnaccountedAlert.objects.filter(referral=referral).count() == 1


def test_the_command_prints_the_count_and_each_reason(referred, manager):
    referral = referred()
    stop_every_target(referral)
    out = StringIO()
    call_command("check_accounted", stdout=out)
    assert out.getvalue().splitlines()[0] == "Not accounted for: 1"
    assert f"{referral.reference}\tawaiting_triage\tNo running target\t" in out.getvalue()
    assert UnaccountedAlert.objects.filter(referral=referral).count() == 1


def test_the_command_fails_with_fail_only_when_someone_is_not_accounted_for(referred, manager):
    referral = referred()
    call_command("check_accounted", "--fail", stdout=StringIO())  # exits 0: all accounted for
    stop_every_target(referral)
    with pytest.raises(SystemExit) as exited:
        call_command("check_accounted", "--fail", "--no-alert", stdout=StringIO())
    assert exited.value.code == 1
    assert not UnaccountedAlert.objects.exists()


# --- The dashboard ------------------------------------------------------------------------

def test_the_live_figure_and_its_drill_down_are_the_same_selector(referred, booked):
    lost, fine = referred(), referred()
    stop_every_target(lost)
    assert dashboard.live_figures(LATER)["not_accounted_for"] == 1
    title, rows = dashboard.figure_referrals("not_accounted_for", LATER, {})
    assert [r.pk for r in rows] == [lost.pk] and fine.pk not in [r.pk for r in rows]


def test_the_dashboard_shows_zero_in_green(client_for, manager, referred):
    referred()
    page = client_for(manager).get(reverse("triage:dashboard")).content.decode()
    assert 'nhsuk-tag--green" data-count="not_accounted_for">0<' in page


def test_the_dashboard_shows_n_in_red_linking_to_each_referral_and_why(client_for, manager, referred):
    referral = referred()
    stop_every_target(referral)
    client = client_for(manager)
    page = client.get(reverse("triage:dashboard")).content.decode()
    assert 'nhsuk-tag--red" data-count="not_accounted_for">1<' in page
    listed = client.get(reverse("triage:figure", args=["not_accounted_for"])).content.decode()
    assert referral.reference in listed and "No running target" in listed
    csv = client.get(reverse("triage:figure", args=["not_accounted_for"]) + "?format=csv").content.decode()
    assert csv.splitlines()[0].endswith(",why,unaccounted_since")


def test_the_dashboard_api_adds_not_accounted_for(client_for, manager, referred):
    stop_every_target(referred())
    body = client_for(manager).get(reverse("api:dashboard")).json()
    assert body["not_accounted_for"] == 1
    assert {"open_total", "urgent_waiting", "breaches_today", "watcher_overdue"} <= set(body)
