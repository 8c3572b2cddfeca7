"""The breach watcher: at-risk and breach alerts raised exactly once, repeated until someone
acknowledges them, told to the queue that owns the next step (and breaches to the duty
manager) in the notification centre and by email.

Exactly once is the database's work, not the scheduler's (docs/adr/0001 and 0003):

* a running target's next alert instant is a narrow row of its own (`AlertSchedule`,
  docs/adr/0005), indexed, and present only while an alert is to come, so a scan reads only
  the targets with an alert to raise and never writes the wide target row;
* the scan locks those rows (`FOR UPDATE SKIP LOCKED`, so two scanners share the work
  rather than wait on each other), inserts the alerts `ON CONFLICT DO NOTHING` against the
  unique (target, kind), tells people only about the alerts its own insert returned (one
  notification per recipient listing them, docs/adr/0006), and deletes the narrow rows
  (writing one again, moved on, for a target whose breach is to come): all in one
  statement, one transaction a batch.
  A worker killed mid-scan rolls its batch back; the next scan does it again.
* a repeat is (alert, number) unique, `number` the count of whole intervals since the
  alert was raised, so each interval repeats once however many scanners run, and a watcher
  that was down for three intervals repeats once (the third), not three times at once.
"""

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.roles import group_names
from cap.models import TriageQueue
from core.errors import Conflict

from . import rota
from .models import BreachAlert, Notification, ScanHeartbeat, UnaccountedAlert

log = logging.getLogger(__name__)

BOOKING_QUEUE = "booking"
# The Urgent Care Hub's 2-hour assessment belongs to the hub's own staff, who have the
# person in front of them, whatever queue the referral is on: its alerts go to the hub.
HUB_QUEUE = "urgent_care_hub"
HUB_ASSESSMENT_TARGET = "hub_assessment_2h"
# The queue that owns a referral's next step: its triage queue while it waits for triage
# or an urgent assessment, otherwise the admin team's booking queue; the hub for the hub's
# own target.
QUEUE_LABELS = {**dict(TriageQueue.choices), BOOKING_QUEUE: "Booking (admin team)",
                HUB_QUEUE: "Urgent Care Hub"}
# Who works each queue (groups of the roles table, accounts/roles.py).
QUEUE_GROUPS = {
    TriageQueue.URGENT: "Triage clinician",
    TriageQueue.NON_URGENT: "Triage clinician",
    TriageQueue.EATING_DISORDERS: "Eating disorders triage",
    TriageQueue.NURSING_HOME_IN_REACH: "Nursing home in-reach triage",
    TriageQueue.CHILDREN_HUB: "Triage clinician",
    BOOKING_QUEUE: "Admin team",
    HUB_QUEUE: "Urgent Care Hub staff",
}


def repeat_interval() -> timedelta:
    return timedelta(minutes=settings.ALERT_REPEAT_MINUTES)


def duty_managers(now: datetime) -> list[int]:
    """The manager on duty now; every manager when the rota has nobody, so a breach is
    never told to no one."""
    # The one choice of who is told of a breach or a referral not accounted for: the
    # watchers insert a notification for each id returned, in their exactly-once statement.
    on_duty = list(rota.on_duty(now).values_list("manager_id", flat=True).distinct())
    return on_duty or list(rota.managers().order_by().values_list("id", flat=True))


# One batch of targets with an alert to raise, in one statement. The at-risk alert of a
# target found already breached is recorded (the event happened) but told to no one: the
# breach supersedes it. The statement writes the alerts, one notification per recipient
# listing the alerts told, and the watcher's narrow rows; it only reads the targets and
# the referrals.
RAISE_SQL = """
WITH picked AS (
    -- The index gives the rows in next-alert order, so the scan stops at the batch's size.
    -- The picked rows go at once, each found by its key (the array keeps the planner from
    -- reading the whole table to join them); a target whose breach is still to come gets
    -- its row again below, moved on to the due instant.
    DELETE FROM triage_alertschedule
     WHERE target_id = ANY (ARRAY(
           SELECT target_id FROM triage_alertschedule
            WHERE next_alert_at <= %(now)s
            ORDER BY next_alert_at
            LIMIT %(batch)s
              FOR UPDATE SKIP LOCKED))
    RETURNING target_id
), due AS (
    SELECT t.id, t.at_risk_at, t.due_at, d.clock,
           CASE WHEN d.code = %(hub_target)s THEN %(hub)s
                ELSE COALESCE(r.triage_queue, %(booking)s) END AS queue,
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
), told AS (
    -- NOT IN over a subquery is a hashed lookup: linear in the batch, whatever the planner
    -- estimates for the CTEs.
    SELECT id, kind, queue FROM raised
     WHERE kind = 'breached' OR target_id NOT IN (SELECT target_id FROM kinds WHERE kind = 'breached')
), told_queues AS (
    INSERT INTO triage_notification (alert_ids, reminder, queue, created_at)
    SELECT array_agg(id ORDER BY id), false, queue, %(now)s FROM told GROUP BY queue
    RETURNING id
), told_managers AS (
    INSERT INTO triage_notification (alert_ids, reminder, queue, user_id, created_at)
    SELECT array_agg(told.id ORDER BY told.id), false, '', manager, %(now)s
      FROM told CROSS JOIN unnest(%(managers)s::int[]) AS manager
     WHERE told.kind = 'breached'
     GROUP BY manager
    RETURNING id
), advanced AS (
    -- At risk raised: the breach is next.
    INSERT INTO triage_alertschedule (target_id, next_alert_at)
    SELECT id, due_at FROM due WHERE running AND due_at >= %(now)s
    RETURNING target_id
)
SELECT (SELECT count(*) FROM picked), (SELECT count(*) FROM raised),
       (SELECT count(*) FROM told_queues) + (SELECT count(*) FROM told_managers),
       (SELECT count(*) FROM advanced)
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
    INSERT INTO triage_notification (alert_ids, reminder, queue, created_at)
    SELECT array_agg(repeated.alert_id ORDER BY repeated.alert_id), true, live.queue, %(now)s
      FROM repeated JOIN live ON live.id = repeated.alert_id
     GROUP BY live.queue
    RETURNING id
), told_managers AS (
    INSERT INTO triage_notification (alert_ids, reminder, queue, user_id, created_at)
    SELECT array_agg(repeated.alert_id ORDER BY repeated.alert_id), true, '', manager, %(now)s
      FROM repeated CROSS JOIN unnest(%(managers)s::int[]) AS manager
     GROUP BY manager
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


# How many are due, up to one more than a batch: more than a batch is a burst.
RAISE_DUE_SQL = """
SELECT count(*) FROM (SELECT 1 FROM triage_alertschedule WHERE next_alert_at <= %(now)s
                       LIMIT %(batch)s + 1) AS due
"""
REPEAT_DUE_SQL = """
SELECT count(*) FROM (SELECT 1 FROM triage_breachalert
                       WHERE next_repeat_at IS NOT NULL AND next_repeat_at <= %(now)s
                       LIMIT %(batch)s + 1) AS due
"""


def _batch(sql: str, params: dict) -> tuple[bool, int]:
    """One batch in its own transaction: whether it was full (more may wait), and the
    number of alerts or repeats it raised."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        found, created, _told, _moved = cursor.fetchone()
    return found >= params["batch"], created


def _batches_until_done(sql: str, params: dict) -> int:
    total, more = 0, True
    while more:
        more, created = _batch(sql, params)
        total += created
    return total


def _batches_on_a_connection_of_its_own(sql: str, params: dict) -> int:
    try:
        return _batches_until_done(sql, params)
    finally:
        connection.close()  # this thread's connection


def _batches(sql: str, count_sql: str, params: dict, *, connections: int) -> int:
    """Run a batch statement, each batch its own transaction, until a batch finds nothing
    more. More than a batch due is a burst, shared among `connections` database connections
    at once (each batch locks the rows it picks, SKIP LOCKED, so they never share a row):
    it takes about 1/n of the time on a server with the cores. Inside a caller's
    transaction the other connections could not see its rows: one connection only."""
    with connection.cursor() as cursor:
        cursor.execute(count_sql, params)
        burst = cursor.fetchone()[0] > params["batch"]
    if not burst or connections <= 1 or connection.in_atomic_block:
        return _batches_until_done(sql, params)
    with ThreadPoolExecutor(max_workers=connections, thread_name_prefix="breach-scan") as pool:
        shares = [pool.submit(_batches_on_a_connection_of_its_own, sql, params) for _ in range(connections)]
        return sum(share.result() for share in shares)


def scan_breaches(*, now: datetime | None = None, batch_size: int | None = None,
                  connections: int | None = None) -> int:
    """Raise every at-risk and breach alert due at `now` (default: the current time), and
    every repeat of an unacknowledged 24/7 breach; record a heartbeat. Returns the number
    of new alerts. Safe to run any number of times, from any number of processes at once."""
    now = now or timezone.now()
    batch_size = batch_size or settings.BREACH_SCAN_BATCH_SIZE
    connections = connections or settings.BREACH_SCAN_CONNECTIONS
    interval = repeat_interval()
    managers = duty_managers(now)
    raised = _batches(RAISE_SQL, RAISE_DUE_SQL, {
        "now": now, "batch": batch_size, "booking": BOOKING_QUEUE, "repeating_clock": "24_7",
        "hub": HUB_QUEUE, "hub_target": HUB_ASSESSMENT_TARGET,
        "interval": interval, "managers": managers}, connections=connections)
    repeats = _batches(REPEAT_SQL, REPEAT_DUE_SQL, {
        "now": now, "batch": batch_size, "interval": interval,
        "interval_seconds": interval.total_seconds(), "managers": managers}, connections=connections)
    ScanHeartbeat.objects.create(finished_at=timezone.now(), alerts_raised=raised, repeats_raised=repeats)
    if raised or repeats:
        log.info("Breach scan: %s alert(s), %s repeat(s)", raised, repeats)
    return raised


# --- Reading and acknowledging ----------------------------------------------------------

def queues_of(user) -> list[str]:
    """The queues whose alerts a person is told about: those of the groups they are in."""
    groups = group_names(user)
    return [queue for queue, group in QUEUE_GROUPS.items() if group in groups]


def notifications_for(user):
    """A person's notification centre: their own and their queues' notifications."""
    return Notification.objects.filter(Q(user=user) | Q(user__isnull=True, queue__in=queues_of(user)))


def told_to(user, alert: BreachAlert) -> bool:
    """Whether the alert was told to the person or one of their queues."""
    return notifications_for(user).filter(alert_ids__contains=[alert.pk]).exists()


def _most_at_risk_first(told):
    """Alerts as the centre shows them: with their target and referral, earliest due first."""
    return (told.select_related("target__definition", "target__referral", "acknowledged_by")
            .order_by("target__due_at", "pk"))


def alerts_told(notification: Notification):
    """The alerts a notification told, most at risk (earliest due) first."""
    return _most_at_risk_first(BreachAlert.objects.filter(pk__in=notification.alert_ids))


# For each notification, the ids of its first alerts by due instant (a burst's notification
# tells thousands; a page shows the first few of each).
FIRST_TOLD_SQL = """
SELECT n.id, first.id
  FROM triage_notification n
 CROSS JOIN LATERAL (SELECT a.id FROM triage_breachalert a
                       JOIN triage_waittarget t ON t.id = a.target_id
                      WHERE a.id = ANY (n.alert_ids)
                      ORDER BY t.due_at, a.id LIMIT %(limit)s) AS first
 WHERE n.id = ANY (%(notifications)s)
"""


def first_alerts_told(notifications: list[Notification], limit: int) -> dict[int, list[BreachAlert]]:
    """The first `limit` alerts of each notification, most at risk first, in two queries."""
    with connection.cursor() as cursor:
        cursor.execute(FIRST_TOLD_SQL, {"limit": limit, "notifications": [n.pk for n in notifications]})
        pairs = cursor.fetchall()
    told_in: dict[int, list[int]] = {}
    for notification, alert in pairs:
        told_in.setdefault(alert, []).append(notification)
    first: dict[int, list[BreachAlert]] = {n.pk: [] for n in notifications}
    for alert in _most_at_risk_first(BreachAlert.objects.filter(pk__in=told_in)):
        for notification in told_in[alert.pk]:
            first[notification].append(alert)
    return first


def unaccounted_told(notifications: list[Notification]) -> dict[int, list[UnaccountedAlert]]:
    """The not-accounted-for alerts each notification told (docs/adr/0011), oldest first, in
    one query."""
    ids = {i for n in notifications for i in n.unaccounted_ids}
    found = {a.pk: a for a in UnaccountedAlert.objects.filter(pk__in=ids).select_related("referral")}
    return {n.pk: [found[i] for i in sorted(n.unaccounted_ids) if i in found] for n in notifications}


def unread_count(user) -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()


@transaction.atomic
def notification_read(*, actor, notification: Notification) -> None:
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now(), read_by=actor)


# A notification is read once every alert it told is acknowledged.
READ_WHEN_ALL_ACKNOWLEDGED_SQL = """
UPDATE triage_notification n SET read_at = %(now)s, read_by_id = %(actor)s
 WHERE n.alert_ids @> ARRAY[%(alert)s]::bigint[] AND n.read_at IS NULL
   AND NOT EXISTS (SELECT 1 FROM triage_breachalert a
                    WHERE a.id = ANY (n.alert_ids) AND a.acknowledged_at IS NULL)
"""


@transaction.atomic
def alert_acknowledge(*, actor, alert: BreachAlert) -> BreachAlert:
    """Someone has seen the alert and is acting on it: it stops repeating, and every
    notification whose alerts are now all acknowledged is read, for everyone. Acknowledging
    twice is refused, naming who did it first (a compare-and-set update, so two people at
    once cannot both succeed)."""
    now = timezone.now()
    changed = BreachAlert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=now, acknowledged_by=actor, next_repeat_at=None)
    alert.refresh_from_db()
    if not changed:
        who = alert.acknowledged_by.get_full_name() or alert.acknowledged_by.get_username()
        raise Conflict(f"{who} acknowledged this alert at {timezone.localtime(alert.acknowledged_at):%H:%M}.")
    with connection.cursor() as cursor:
        cursor.execute(READ_WHEN_ALL_ACKNOWLEDGED_SQL, {"now": now, "actor": actor.pk, "alert": alert.pk})
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
    sent = 0
    for notification in Notification.objects.filter(id__in=ids).select_related("user"):
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


EMAIL_LISTS = 50  # alerts listed in one email; the rest are counted, and in the centre


def _email(notification: Notification) -> tuple[str, str]:
    """No personal details in an email: referral references, targets and a link only."""
    if notification.unaccounted_ids:
        return _unaccounted_email(notification)
    told = list(alerts_told(notification)[:EMAIL_LISTS])
    total = len(notification.alert_ids)
    again = "Reminder: " if notification.reminder else ""
    if total == 1:
        alert = told[0]
        subject = (f"{again}{alert.get_kind_display()}: {alert.target.referral.reference} "
                   f"{alert.target.definition.name}")
    else:
        subject = f"{again}{total} wait alerts"
    lines = [f"{a.target.referral.reference}: {a.target.definition.name}. "
             f"{'Breached' if a.kind == 'breached' else 'At risk'}; "
             f"due {timezone.localtime(a.target.due_at):%a %d %b %H:%M}; "
             f"queue: {QUEUE_LABELS.get(a.queue, a.queue)}." for a in told]
    if total > len(told):
        lines.append(f"... and {total - len(told)} more.")
    body = ("\n".join(lines) + "\n\n"
            f"Acknowledge them in the notification centre: {settings.SITE_URL}{reverse('alerts:index')}\n")
    return subject, body


def _unaccounted_email(notification: Notification) -> tuple[str, str]:
    told = unaccounted_told([notification])[notification.pk]
    if len(told) == 1:
        subject = f"Not accounted for: {told[0].referral.reference}"
    else:
        subject = f"{len(told)} referrals not accounted for"
    lines = [f"{a.referral.reference}: {a.why}." for a in told[:EMAIL_LISTS]]
    if len(told) > EMAIL_LISTS:
        lines.append(f"... and {len(told) - EMAIL_LISTS} more.")
    body = ("\n".join(lines) + "\n\n"
            f"See them on the wait dashboard: {settings.SITE_URL}{reverse('triage:dashboard')}\n")
    return subject, body
