"""The breach watcher under faults, with real processes: a Celery worker and two beat
schedulers (subprocesses), a Redis server of the test's own, and PostgreSQL.

The worker is killed with SIGKILL in the middle of a scan (held there by a conflicting
uncommitted alert, so the moment is certain, not a matter of timing), Redis is stopped
and started again, and two beat schedulers send scans at once. After recovery every due
target has exactly one alert of each kind and each alert was told exactly once.
docs/reliability.md records the scenario and its counts.

Nothing here measures time: every wait polls a condition with a generous deadline."""

import os
import signal
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg2
import pytest
import time_machine
from django.db import connection

from cap.services import referral_log_written
from tests.real_processes import celery_processes, own_redis, wait_for
from triage.models import AlertSchedule, BreachAlert, Notification, ScanHeartbeat, WaitTarget

LONDON = ZoneInfo("Europe/London")
REFERRALS, BATCH = 40, 10


@pytest.fixture
def redis(tmp_path):
    with own_redis(tmp_path) as server:
        yield server


@pytest.fixture
def processes(redis, tmp_path):
    """Start Celery workers and beats against the test database and the test's Redis; all
    are killed at the end."""
    with celery_processes(tmp_path, redis, {"BREACH_SCAN_SECONDS": "1",
                                            "BREACH_SCAN_BATCH_SIZE": str(BATCH)}) as start:
        yield start


@pytest.fixture
def due_targets(admin_team, person, gp_referrer):
    """REFERRALS referrals received last week, so every triage review is long breached."""
    start = datetime(2026, 11, 16, 9, tzinfo=LONDON)
    for n in range(REFERRALS):
        with time_machine.travel(start + timedelta(minutes=n), tick=False):
            referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer, reason="Low mood")
    return list(WaitTarget.objects.order_by("alert_schedule__next_alert_at", "id"))


def count_alerts():
    return BreachAlert.objects.count()


def scan_blocked(backend_pid) -> bool:
    """A scan is waiting on the blocker's lock: it is mid-scan, with batches committed. Only
    this database's sessions count: the server may be shared with other test runs."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                       "WHERE NOT l.granted AND l.pid <> %s AND a.datname = current_database()",
                       [backend_pid])
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_every_due_breach_has_exactly_one_event_after_sigkill_redis_restart_and_two_beats(
        due_targets, manager, redis, processes):
    # The last target's breach is inserted, uncommitted, by another connection: the scan that
    # reaches its batch waits for it, after committing the batches before it.
    last = due_targets[-1]
    blocker = psycopg2.connect(**{k: v for k, v in {
        "dbname": connection.settings_dict["NAME"], "user": connection.settings_dict["USER"],
        "host": connection.settings_dict["HOST"], "port": connection.settings_dict["PORT"]}.items() if v})
    with blocker.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        blocker_pid = cursor.fetchone()[0]
        cursor.execute("INSERT INTO triage_breachalert (target_id, kind, occurred_at, raised_at, queue) "
                       "VALUES (%s, 'breached', now(), now(), 'x')", [last.pk])

    worker = processes("worker")
    processes("beat")
    processes("beat")  # two schedulers at once
    wait_for(lambda: scan_blocked(blocker_pid), "a scan to reach the blocked batch")
    committed_before_kill = count_alerts()
    assert 0 < committed_before_kill < 2 * REFERRALS

    os.killpg(worker.pid, signal.SIGKILL)  # mid-scan: its open batch is never committed
    worker.wait(timeout=60)
    blocker.rollback()
    blocker.close()

    redis.stop()  # queued scans that Redis persisted survive; lost ones are sent again by beat
    redis.start()

    processes("worker")
    wait_for(lambda: count_alerts() == 2 * REFERRALS and BreachAlert.objects.filter(target=last).count() == 2,
             "every due target's alerts after recovery")
    heartbeats = ScanHeartbeat.objects.count()
    wait_for(lambda: ScanHeartbeat.objects.count() >= heartbeats + 3, "three more scans after recovery")

    per_target_kind = BreachAlert.objects.values_list("target_id", "kind")
    assert len(per_target_kind) == len(set(per_target_kind)) == 2 * REFERRALS
    breached = BreachAlert.objects.filter(kind="breached")
    assert set(breached.values_list("target_id", flat=True)) == {t.pk for t in due_targets}
    # Told exactly once: each breach to its queue and to the (only) manager; at-risk alerts
    # found with their breach in the same scan are recorded but not told.
    def told_to(**recipient):
        told = Notification.objects.filter(**recipient).values_list("alert_ids", flat=True)
        return sorted(pk for ids in told for pk in ids)

    breach_ids = sorted(breached.values_list("pk", flat=True))
    assert told_to(user__isnull=True) == breach_ids  # each breach once to its queue
    assert told_to(user=manager) == breach_ids  # and once to the manager
    assert not AlertSchedule.objects.exists()  # nothing left to raise
    print(f"\nreliability: {REFERRALS} due targets, batch {BATCH}; {committed_before_kill} alerts "
          f"committed before SIGKILL; {BreachAlert.objects.count()} alerts after recovery "
          f"({breached.count()} breached), {Notification.objects.count()} notifications, "
          f"{ScanHeartbeat.objects.count()} scans")
