"""What the breach watcher keeps: the next alert instant, alerts, repeats, notifications,
the duty managers' rota and the scan's heartbeat."""

from typing import Self

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateTimeRangeField, RangeOperators
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Func
from simple_history.models import HistoricalRecords

from cap.models import Referral

from .targets import WaitTarget


class AlertSchedule(models.Model):
    """The breach watcher's bookkeeping, apart from the target it watches: the instant of a
    running target's next alert (at risk, then breached). The row goes when both alerts
    are raised or the target stops (triage.services keeps it in step in the same
    transaction as the target), so the table holds only targets with an alert to come.

    Narrow on purpose: the scan moves `next_alert_at` on for every target it alerts, and
    an update here writes a small row and two indexes, where an update of the wide,
    history-tracked, many-indexed `WaitTarget` cost ~75 us a row (docs/adr/0005). Not
    clinical history: the alerts themselves are the immutable record."""

    target = models.OneToOneField(WaitTarget, on_delete=models.CASCADE, primary_key=True,
                                  related_name="alert_schedule")
    next_alert_at = models.DateTimeField()

    class Meta:
        # The watcher reads only the targets with an alert to raise: its cost grows with the
        # targets coming due, not with the running ones (nor with old breaches).
        indexes = [models.Index(fields=["next_alert_at"], name="alert_schedule_next_idx")]


class AlertQuerySet(models.QuerySet["BreachAlert"]):
    def unacknowledged(self) -> Self:
        return self.filter(acknowledged_at__isnull=True)


class BreachAlert(models.Model):
    """One alert event per (target, kind): the unique constraint makes a second scanner,
    a retried task or a redelivered message harmless."""

    class Kind(models.TextChoices):
        AT_RISK = "at_risk", "At risk"
        BREACHED = "breached", "Breached"

    # No index of its own: the unique (target, kind) leads with it. The scan inserts thousands
    # of alerts at once, and every index is written for each (docs/performance.md). No
    # database constraint either: its check locks each target row, a write to the wide
    # target table for every alert (docs/adr/0007). The scan inserts alerts only from the
    # targets it has just read, and targets are never deleted (PROTECT, in Django).
    target = models.ForeignKey(WaitTarget, on_delete=models.PROTECT, related_name="alerts", db_index=False,
                               db_constraint=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    occurred_at = models.DateTimeField(
        help_text="When the target became at risk or breached (the scan finds it up to a minute later).")
    raised_at = models.DateTimeField(help_text="When the watcher found it and told people.")
    queue = models.CharField(max_length=30, blank=True,
                             help_text="The queue that owns the referral's next step when raised.")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, db_index=False,
                                        on_delete=models.PROTECT, related_name="+")
    # Unacknowledged breaches of 24/7 targets repeat until acknowledged or met: the next
    # repeat's instant, advanced by the watcher with a compare-and-set update.
    next_repeat_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        permissions = [("acknowledge_alert", "Can acknowledge a wait alert")]
        constraints = [
            models.UniqueConstraint(fields=["target", "kind"], name="one_alert_per_target_and_kind"),
        ]
        indexes = [
            models.Index(fields=["next_repeat_at"], condition=models.Q(next_repeat_at__isnull=False),
                         name="alert_next_repeat_idx"),
            models.Index(fields=["occurred_at"], name="alert_occurred_idx"),
            models.Index(fields=["acknowledged_by"], condition=models.Q(acknowledged_by__isnull=False),
                         name="alert_acknowledged_by_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.target.definition.name}"


class AlertRepeat(models.Model):
    """The n-th repeat of an unacknowledged breach: (alert, number) is unique, so each
    interval repeats exactly once, however many scanners run."""

    alert = models.ForeignKey(BreachAlert, on_delete=models.CASCADE, related_name="repeats", db_index=False)
    number = models.PositiveIntegerField()
    raised_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alert", "number"], name="one_repeat_per_interval")]


class Notification(models.Model):
    """One telling, to one queue or one person, of the alerts (or reminders of alerts) one
    batch of the watcher raised: the notification centre lists them, and the email relay
    sends each once it is committed. Usually one alert; a burst reaches each recipient as
    one notification and one email listing them all, never thousands (docs/adr/0006).

    The alerts are an array of ids, written by the statement that raised them from what
    its insert returned: alerts are never deleted, and the array costs one row a recipient
    where a row an alert cost 40,000 rows and their foreign-key checks a busy scan."""

    alert_ids = ArrayField(models.BigIntegerField(), default=list, blank=True,
                           help_text="The wait alerts told, by id.")
    # A referral not accounted for has no target to alert on: its alerts are rows of their
    # own (UnaccountedAlert, docs/adr/0011), told to the duty manager in the same centre.
    unaccounted_ids = ArrayField(models.BigIntegerField(), default=list, blank=True,
                                 db_default=models.Value(
                                     [], output_field=ArrayField(models.BigIntegerField())),
                                 help_text="The not-accounted-for alerts told, by id.")
    reminder = models.BooleanField(default=False,
                                   help_text="A reminder of breaches still unacknowledged.")
    queue = models.CharField(max_length=30, blank=True)
    # No index of its own: the user's index leads with it, and read_by's is partial.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="alert_notifications", db_index=False)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, db_index=False,
                                on_delete=models.SET_NULL, related_name="+")
    # The email relay claims a notification for a lease, sends, then records the send: a
    # relay that dies after claiming leaves it to be claimed again when the lease ends.
    email_claimed_until = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(user__isnull=True) ^ models.Q(queue=""),
                                   name="notification_to_a_queue_or_a_user"),
            models.CheckConstraint(condition=models.Q(alert_ids__len__gte=1)
                                   | models.Q(unaccounted_ids__len__gte=1),
                                   name="notification_tells_an_alert"),
        ]
        indexes = [
            models.Index(fields=["user", "read_at"], condition=models.Q(user__isnull=False),
                         name="notification_user_idx"),
            models.Index(fields=["queue", "read_at"], condition=models.Q(user__isnull=True),
                         name="notification_queue_idx"),
            models.Index(fields=["read_by"], condition=models.Q(read_by__isnull=False),
                         name="notification_read_by_idx"),
            models.Index(fields=["created_at"], condition=models.Q(email_sent_at__isnull=True),
                         name="notification_unsent_idx"),
            # Which notifications told an alert (acknowledging it reads them).
            GinIndex(fields=["alert_ids"], name="notification_alerts_idx"),
        ]

    def __str__(self):
        told = len(self.alert_ids) + len(self.unaccounted_ids)
        return f"{told} alert{'s' if told != 1 else ''} for {self.queue or self.user}"


class UnaccountedAlert(models.Model):
    """A referral found not accounted for (triage.accounted): one row per episode of falling
    out, from the watch that found it until one finds it accounted for again. At most one
    open row per referral (a partial unique constraint): the watch inserts `ON CONFLICT DO
    NOTHING` and tells the duty manager only the rows its own insert returned, so a second
    beat scheduler or a redelivered task tells no one twice (docs/adr/0011). Falling out
    again later is a new episode and a new row."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="unaccounted_alerts",
                                 db_index=False)
    why = models.CharField(max_length=120, help_text="Why it was not accounted for, when found.")
    raised_at = models.DateTimeField(help_text="When the watch found it and told the duty manager.")
    accounted_for_at = models.DateTimeField(null=True, blank=True,
                                            help_text="When a watch found it accounted for again.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["referral"], condition=models.Q(accounted_for_at__isnull=True),
                                    name="one_open_unaccounted_alert_per_referral"),
        ]
        indexes = [models.Index(fields=["referral", "raised_at"], name="unaccounted_referral_idx")]

    def __str__(self):
        return f"{self.referral}: not accounted for ({self.why})"


class ShiftRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class DutyShift(models.Model):
    """Who is the duty manager when: breaches are told to the manager on duty (and to
    every manager when nobody is on the rota, so a breach never reaches no one). The
    managers keep it on the duty rota page (triage.rota)."""

    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                   name="duty_shift_ends_after_it_starts"),
            # One duty manager at a time, whatever two managers editing the rota at once do:
            # the rota says who is told, so two shifts over one instant would be a question.
            ExclusionConstraint(name="one_duty_manager_at_a_time",
                                expressions=[(ShiftRange("starts_at", "ends_at"), RangeOperators.OVERLAPS)]),
        ]

    def __str__(self):
        return f"{self.manager} on duty from {self.starts_at:%Y-%m-%d %H:%M}"


class ScanHeartbeat(models.Model):
    """A row per completed breach scan, so the watcher can be watched."""

    finished_at = models.DateTimeField(db_index=True)
    alerts_raised = models.PositiveIntegerField()
    repeats_raised = models.PositiveIntegerField(default=0)
