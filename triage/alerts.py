"""The breach watcher: at-risk and breach alerts raised exactly once, repeated until someone
acknowledges them, told to the queue that owns the next step (and breaches to the duty
manager) in the notification centre and by email.

Exactly once is the database's work, not the scheduler's (docs/adr/0001 and 0003):

* a running target's next alert instant is a narrow row of its own (`AlertSchedule`,
  docs/adr/0005), indexed, and present only while an alert is to come, so a scan reads only
  the targets with an alert to raise and never writes the wide target row;
* the scan locks those rows (`FOR UPDATE SKIP LOCKED`, so two scanners share the work
  rather than wait on each other), inserts the alerts `ON CONFLICT DO NOTHING` against the
  unique (target, kind), tells people only about the alerts its own insert returned, and
  moves the next alert instant on (or deletes the row): all in one statement, one
  transaction a batch.
  A worker killed mid-scan rolls its batch back; the next scan does it again.
* a repeat is (alert, number) unique, `number` the count of whole intervals since the
  alert was raised, so each interval repeats once however many scanners run, and a watcher
  that was down for three intervals repeats once (the third), not three times at once.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cap.errors import Conflict
from cap.models import TriageQueue

from .models import BreachAlert, DutyShift, Notification, ScanHeartbeat

log = logging.getLogger(__name__)

BOOKING_QUEUE = "booking"
# The queue that owns a referral's next step: its triage queue while it waits for triage
# or an urgent assessment, otherwise the admin team's booking queue.
QUEUE_LABELS = {**dict(TriageQueue.choices), BOOKING_QUEUE: "Booking (admin team)"}
# Who works each queue (the groups of accounts/migrations/0001 and triage/0005).
QUEUE_GROUPS = {
    TriageQueue.URGENT: "Triage clinician",
    TriageQueue.NON_URGENT: "Triage clinician",
    TriageQueue.EATING_DISORDERS: "Eating disorders triage",
    TriageQueue.NURSING_HOME_IN_REACH: "Nursing home in-reach triage",
    BOOKING_QUEUE: "Admin team",
}
MANAGER_GROUP = "Manager"


def repeat_interval() -> timedelta:
    return timedelta(minutes=settings.ALERT_REPEAT_MINUTES)


def duty_managers(now: datetime) -> list[int]:
    """The manager on duty now; every manager when the rota has nobody, so a breach is
    never told to no one."""
    on_duty = list(DutyShift.objects.filter(starts_at__lte=now, ends_at__gt=now, manager__is_active=True)
                   .values_list("manager_id", flat=True).distinct())
    return on_duty or list(User.objects.filter(is_active=True, groups__name=MANAGER_GROUP)
                           .values_list("id", flat=True).distinct())


# One batch of targets with an alert to raise, in one statement. The at-risk alert of a
# target found already breached is recorded (the event happened) but told to no one: the
# breach supersedes it. The statement writes the alerts, their notifications and the
# watcher's narrow rows; it only reads the targets and the referrals.
RAISE_SQL = """
WITH picked AS (
    -- The index gives the rows in next-alert order, so the scan stops at the batch's size.
    SELECT s.target_id FROM triage_alertschedule s
     WHERE s.next_alert_at <= %(now)s
     ORDER BY s.next_alert_at
     LIMIT %(batch)s
       FOR UPDATE OF s SKIP LOCKED
), due AS (
    SELECT t.id, t.at_risk_at, t.due_at, d.clock, COALESCE(r.triage_queue, %(booking)s) AS queue,
           (t.met_at IS NULL AND t.cancelled_at IS NULL) AS running
      FROM picked
      JOIN triage_waittarget t ON t.id = picked.target_id
      JOIN triage_targetdefinition d ON d.id = t.definition_id
      JOIN cap_referral r ON r.id = t.referral_id
), kinds AS (
    SELECT id AS target_id, 'at_risk' AS kind, at_risk_at AS occurred_at, queue,
           NULL::timestamptz AS next_repeat_at
      FROM due WHERE running AND at_risk_at IS NOT NULL AND at_risk_at <= %(now)s AND at_risk_at < due_at
    UNION ALL
    SELECT id, 'breached', due_at, queue,
           CASE WHEN clock = %(repeating_clock)s THEN %(now)s + %(interval)s END
      FROM due WHERE running AND due_at < %(now)s
), raised AS (
    INSERT INTO triage_breachalert (target_id, kind, occurred_at, raised_at, queue, next_repeat_at)
    SELECT target_id, kind, occurred_at, %(now)s, queue, next_repeat_at FROM kinds
        ON CONFLICT (target_id, kind) DO NOTHING
    RETURNING id, target_id, kind, queue
), told_queues AS (
    -- NOT IN over a subquery is a hashed lookup: linear in the batch, whatever the planner
    -- estimates for the CTEs.
    INSERT INTO triage_notification (alert_id, repeat, queue, created_at)
    SELECT raised.id, 0, raised.queue, %(now)s
      FROM raised
     WHERE raised.kind = 'breached'
        OR raised.target_id NOT IN (SELECT target_id FROM kinds WHERE kind = 'breached')
    RETURNING id
), told_managers AS (
    INSERT INTO triage_notification (alert_id, repeat, queue, user_id, created_at)
    SELECT raised.id, 0, '', manager, %(now)s
      FROM raised CROSS JOIN unnest(%(managers)s::int[]) AS manager
     WHERE raised.kind = 'breached'
    RETURNING id
), finished AS (
    -- Both alerts raised, or the target stopped: the watcher has nothing more to do for it.
    DELETE FROM triage_alertschedule s USING due
     WHERE s.target_id = due.id AND (NOT due.running OR due.due_at < %(now)s)
    RETURNING s.target_id
), advanced AS (
    -- At risk raised: the breach is next.
    UPDATE triage_alertschedule s SET next_alert_at = due.due_at
      FROM due
     WHERE s.target_id = due.id AND due.running AND due.due_at >= %(now)s
    RETURNING s.target_id
)
SELECT (SELECT count(*) FROM picked), (SELECT count(*) FROM raised),
       (SELECT count(*) FROM told_queues) + (SELECT count(*) FROM told_managers),
       (SELECT count(*) FROM finished) + (SELECT count(*) FROM advanced)
"""

# One batch of unacknowledged 24/7 breaches whose next repeat is due. One whose target was
# met or cancelled, or that was acknowledged meanwhile, stops repeating.
REPEAT_SQL = """
WITH due AS (
    SELECT a.id, a.target_id, a.raised_at, a.queue, a.acknowledged_at
      FROM triage_breachalert a
     WHERE a.next_repeat_at IS NOT NULL AND a.next_repeat_at <= %(now)s
     ORDER BY a.next_repeat_at, a.id
     LIMIT %(batch)s
       FOR UPDATE OF a SKIP LOCKED
), live AS (
    SELECT due.id, due.queue,
           floor(extract(epoch FROM (%(now)s - due.raised_at)) / %(interval_seconds)s)::int AS number
      FROM due JOIN triage_waittarget t ON t.id = due.target_id
     WHERE due.acknowledged_at IS NULL AND t.met_at IS NULL AND t.cancelled_at IS NULL
), repeated AS (
    INSERT INTO triage_alertrepeat (alert_id, number, raised_at)
    SELECT id, number, %(now)s FROM live WHERE number >= 1
        ON CONFLICT (alert_id, number) DO NOTHING
    RETURNING alert_id, number
), told_queues AS (
    INSERT INTO triage_notification (alert_id, repeat, queue, created_at)
    SELECT repeated.alert_id, repeated.number, live.queue, %(now)s
      FROM repeated JOIN live ON live.id = repeated.alert_id
    RETURNING id
), told_managers AS (
    INSERT INTO triage_notification (alert_id, repeat, queue, user_id, created_at)
    SELECT repeated.alert_id, repeated.number, '', manager, %(now)s
      FROM repeated CROSS JOIN unnest(%(managers)s::int[]) AS manager
    RETURNING id
), advanced AS (
    UPDATE triage_breachalert a
       SET next_repeat_at = CASE WHEN live.id IS NULL THEN NULL
                                 ELSE due.raised_at + (live.number + 1) * %(interval)s END
      FROM due LEFT JOIN live ON live.id = due.id
     WHERE a.id = due.id
    RETURNING a.id
)
SELECT (SELECT count(*) FROM due), (SELECT count(*) FROM repeated),
       (SELECT count(*) FROM told_queues) + (SELECT count(*) FROM told_managers),
       (SELECT count(*) FROM advanced)
"""


def _batches(sql: str, params: dict) -> int:
    """Run a batch statement, each batch its own transaction, until a batch finds nothing."""
    total = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            found, created, _told, _moved = cursor.fetchone()
        total += created
        if found < params["batch"]:
            return total


def scan_breaches(*, now: datetime | None = None, batch_size: int | None = None) -> int:
    """Raise every at-risk and breach alert due at `now` (default: the current time), and
    every repeat of an unacknowledged 24/7 breach; record a heartbeat. Returns the number
    of new alerts. Safe to run any number of times, from any number of processes at once."""
    now = now or timezone.now()
    batch_size = batch_size or settings.BREACH_SCAN_BATCH_SIZE
    interval = repeat_interval()
    managers = duty_managers(now)
    raised = _batches(RAISE_SQL, {
        "now": now, "batch": batch_size, "booking": BOOKING_QUEUE, "repeating_clock": "24_7",
        "interval": interval, "managers": managers})
    repeats = _batches(REPEAT_SQL, {
        "now": now, "batch": batch_size, "interval": interval,
        "interval_seconds": interval.total_seconds(), "managers": managers})
    ScanHeartbeat.objects.create(finished_at=timezone.now(), alerts_raised=raised, repeats_raised=repeats)
    if raised or repeats:
        log.info("Breach scan: %s alert(s), %s repeat(s)", raised, repeats)
    return raised


# --- Reading and acknowledging ----------------------------------------------------------

def queues_of(user) -> list[str]:
    """The queues whose alerts a person is told about: those of the groups they are in."""
    groups = {g.name for g in user.groups.all()}
    return [queue for queue, group in QUEUE_GROUPS.items() if group in groups]


def notifications_for(user):
    """A person's notification centre: their own and their queues' notifications."""
    return (Notification.objects.filter(Q(user=user) | Q(user__isnull=True, queue__in=queues_of(user)))
            .select_related("alert__target__definition", "alert__target__referral__service_user",
                            "alert__acknowledged_by"))


def unread_count(user) -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()


@transaction.atomic
def notification_read(*, actor, notification: Notification) -> None:
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now(), read_by=actor)


@transaction.atomic
def alert_acknowledge(*, actor, alert: BreachAlert) -> BreachAlert:
    """Someone has seen the alert and is acting on it: it stops repeating, and everyone's
    notifications of it are read. Acknowledging twice is refused, naming who did it first
    (a compare-and-set update, so two people at once cannot both succeed)."""
    now = timezone.now()
    changed = BreachAlert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=now, acknowledged_by=actor, next_repeat_at=None)
    alert.refresh_from_db()
    if not changed:
        who = alert.acknowledged_by.get_full_name() or alert.acknowledged_by.get_username()
        raise Conflict(f"{who} acknowledged this alert at {timezone.localtime(alert.acknowledged_at):%H:%M}.")
    Notification.objects.filter(alert=alert, read_at__isnull=True).update(read_at=now, read_by=actor)
    return alert


# --- Email --------------------------------------------------------------------------------

EMAIL_LEASE = timedelta(minutes=5)
CLAIM_SQL = """
UPDATE triage_notification SET email_claimed_until = %(until)s
 WHERE id IN (SELECT id FROM triage_notification
               WHERE email_sent_at IS NULL
                 AND (email_claimed_until IS NULL OR email_claimed_until < %(now)s)
               ORDER BY created_at, id LIMIT %(batch)s FOR UPDATE SKIP LOCKED)
RETURNING id
"""


def notification_emails_send(*, now: datetime | None = None, batch_size: int = 200) -> int:
    """Email committed notifications that have not been emailed: claimed for a lease with a
    compare-and-set update, sent, then marked sent. A relay that dies between claiming and
    marking leaves them to be claimed again when the lease ends (the one way an email can
    go twice; none is ever lost)."""
    now = now or timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(CLAIM_SQL, {"until": now + EMAIL_LEASE, "now": now, "batch": batch_size})
        ids = [row[0] for row in cursor.fetchall()]
    notifications = (Notification.objects.filter(id__in=ids)
                     .select_related("user", "alert__target__definition", "alert__target__referral"))
    sent = 0
    for notification in notifications:
        recipients = _recipients(notification)
        if recipients:
            subject, body = _email(notification)
            send_mail(subject, body, None, recipients)
            sent += 1
        Notification.objects.filter(pk=notification.pk).update(email_sent_at=timezone.now())
    return sent


def _recipients(notification: Notification) -> list[str]:
    if notification.user_id:
        return [notification.user.email] if notification.user.email else []
    group = QUEUE_GROUPS.get(notification.queue)
    return sorted(set(User.objects.filter(is_active=True, groups__name=group).exclude(email="")
                      .values_list("email", flat=True)))


def _email(notification: Notification) -> tuple[str, str]:
    """No personal details in an email: the referral's reference and a link only."""
    alert = notification.alert
    target = alert.target
    again = f" (reminder {notification.repeat})" if notification.repeat else ""
    subject = f"{alert.get_kind_display()}{again}: {target.referral.reference} {target.definition.name}"
    due = timezone.localtime(target.due_at)
    body = (f"{target.referral.reference}: {target.definition.name}.\n"
            f"{'Breached' if alert.kind == 'breached' else 'At risk'}; due {due:%a %d %b %H:%M}.\n"
            f"Queue: {QUEUE_LABELS.get(alert.queue, alert.queue)}.\n\n"
            f"Acknowledge it in the notification centre: {settings.SITE_URL}{reverse('alerts:index')}\n")
    return subject, body
