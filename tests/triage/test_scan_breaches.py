"""The breach scanner: exact instants, exactly one alert, and the real Celery path."""

import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from cap.services import referral_log_written
from config.celery import app
from triage import services
from triage.models import BreachAlert, Notification, ScanHeartbeat
from triage.tasks import scan_breaches_task

LONDON = ZoneInfo("Europe/London")
MONDAY_NOON = datetime(2026, 11, 23, 12, tzinfo=LONDON)
THURSDAY_BEFORE = datetime(2026, 11, 19, 9, tzinfo=LONDON)


@pytest.fixture
def monday_referral(admin_team, person, gp_referrer):
    with time_machine.travel(MONDAY_NOON, tick=False):
        return referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                    reason="Low mood")


@pytest.mark.django_db
def test_triage_review_is_not_breached_at_its_due_instant(monday_referral):
    services.scan_breaches(now=datetime(2026, 11, 24, 12, tzinfo=LONDON))
    assert not BreachAlert.objects.filter(kind="breached").exists()


@pytest.mark.django_db
def test_triage_review_is_breached_one_second_after_its_due_instant(monday_referral):
    services.scan_breaches(now=datetime(2026, 11, 24, 12, 0, 1, tzinfo=LONDON))
    alert = BreachAlert.objects.get(kind="breached")
    assert (alert.target.referral, alert.kind) == (monday_referral, "breached")


@pytest.mark.django_db
def test_scanning_again_raises_no_second_alert(monday_referral):
    later = datetime(2026, 11, 25, 9, tzinfo=LONDON)
    services.scan_breaches(now=later)
    assert services.scan_breaches(now=later) == 0
    assert BreachAlert.objects.filter(kind="breached").count() == 1


@pytest.mark.django_db
def test_a_met_target_is_never_reported_breached(monday_referral, triage_clinician):
    with time_machine.travel(datetime(2026, 11, 24, 11, tzinfo=LONDON), tick=False):
        services.triage_decision_record(actor=triage_clinician, referral=monday_referral,
                                        urgency="routine", outcome="route_external", rationale="GP care",
                                        external_agency="The person's GP")
    services.scan_breaches(now=datetime(2026, 11, 24, 12, 30, tzinfo=LONDON))
    assert not BreachAlert.objects.filter(target__definition__code="triage_review").exists()


@pytest.mark.django_db
def test_each_scan_leaves_a_heartbeat(monday_referral):
    call_command("scan_breaches")
    assert ScanHeartbeat.objects.count() == 1


def test_beat_schedules_the_breach_scan_every_minute_by_default():
    entry = settings.CELERY_BEAT_SCHEDULE["scan-breaches"]
    assert entry["task"] == scan_breaches_task.name
    assert entry["schedule"] == 60
    app.loader.import_default_modules()
    assert scan_breaches_task.name in app.tasks


def test_tasks_acknowledge_late_and_are_redelivered_when_a_worker_dies():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True


@pytest.mark.django_db(transaction=True)
def test_breach_scan_runs_in_a_real_celery_worker_over_redis(monday_referral):
    """The task goes through the Redis broker to a worker thread that uses PostgreSQL."""
    with (
        start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30),
        time_machine.travel(datetime(2026, 11, 26, 9, tzinfo=LONDON), tick=True),
    ):
        result = scan_breaches_task.delay()
        assert result.get(timeout=60) == 2  # at risk and breached
    assert BreachAlert.objects.filter(target__referral=monday_referral, kind="breached").count() == 1


@pytest.mark.django_db(transaction=True)
def test_breach_scan_task_only_scans_and_leaves_the_emails_to_their_own_task(monday_referral, manager):
    """The scan's task fires the email task rather than sending itself: the emails are
    sent by a second task the worker runs after the scan has returned."""
    manager.email = "duty.manager@example.nhs.uk"
    manager.save()
    with time_machine.travel(datetime(2026, 11, 26, 9, tzinfo=LONDON), tick=True):
        assert scan_breaches_task.apply().get() == 2  # in this process, no worker running
        assert Notification.objects.filter(email_sent_at__isnull=True).exists()
        assert mail.outbox == []
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            deadline = time.monotonic() + 60
            while Notification.objects.filter(email_sent_at__isnull=True).exists():
                assert time.monotonic() < deadline, "the email task never ran"
                time.sleep(0.2)
    assert any("duty.manager@example.nhs.uk" in m.to for m in mail.outbox)


def test_a_mail_server_that_does_not_answer_times_out():
    assert settings.EMAIL_TIMEOUT == 10


@pytest.mark.django_db
def test_a_target_met_past_due_before_the_watcher_came_round_is_alerted_breached_once(
        admin_team, person, gp_referrer, triage_clinician):
    """A letter received two days ago is logged and triaged within the same minute, before
    any scan: its triage review was born overdue and is met late, and the breach is
    alerted at the meeting, once, by the watcher's path."""
    with time_machine.travel(MONDAY_NOON, tick=False):
        referral = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                        reason="Low mood", received_at=THURSDAY_BEFORE)
        services.triage_decision_record(actor=triage_clinician, referral=referral, urgency="routine",
                                        outcome="route_external", rationale="GP care",
                                        external_agency="The person's GP")
    alert = BreachAlert.objects.get(target__definition__code="triage_review", kind="breached")
    assert (alert.target.referral, alert.raised_at) == (referral, MONDAY_NOON)
    assert services.scan_breaches(now=datetime(2026, 11, 23, 12, 5, tzinfo=LONDON)) == 0
    assert BreachAlert.objects.filter(target__definition__code="triage_review", kind="breached").count() == 1


@pytest.mark.django_db
def test_a_target_met_in_time_raises_nothing_at_its_meeting(monday_referral, triage_clinician):
    with time_machine.travel(datetime(2026, 11, 23, 12, 10, tzinfo=LONDON), tick=False):
        services.triage_decision_record(actor=triage_clinician, referral=monday_referral,
                                        urgency="routine", outcome="route_external", rationale="GP care",
                                        external_agency="The person's GP")
    assert not BreachAlert.objects.exists()
