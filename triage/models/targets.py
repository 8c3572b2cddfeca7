"""Wait targets: their definitions, the targets a referral runs, and the days the
service is closed."""

from datetime import datetime
from typing import Self

from django.db import models
from simple_history.models import HistoricalRecords

from cap.models import Referral

from .. import clock


class TargetDefinition(models.Model):
    """A wait target as data, so a manager can change a duration."""

    CLOCKS = [
        (clock.BUSINESS, "Business calendar (working days)"),
        (clock.TWENTY_FOUR_SEVEN, "24/7 (hours)"),
        (clock.CALENDAR_DAYS, "Calendar days"),
    ]
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    clock = models.CharField(max_length=20, choices=CLOCKS)
    amount = models.PositiveIntegerField(help_text="Hours for 24/7 clocks, days otherwise.")
    # At risk when either threshold is reached, whichever comes first. A change applies to
    # targets started after it, as a change of `amount` does.
    at_risk_share = models.PositiveSmallIntegerField(
        "at risk at this share of the time elapsed (%)", null=True, blank=True, default=75,
        help_text="Empty: no at-risk alert by share of time.")
    at_risk_minutes_left = models.PositiveIntegerField(
        "at risk with this many minutes left", null=True, blank=True,
        help_text="Empty: no at-risk alert by time left. 60 by default for 24/7 targets.")
    history = HistoricalRecords()

    class Meta:
        permissions = [("view_wait_dashboard", "Can view the wait dashboard")]

    def __str__(self):
        return self.name

    def at_risk_at(self, started_at, due_at):
        return clock.at_risk_at(started_at, due_at, self.at_risk_share, self.at_risk_minutes_left)


class WaitTargetQuerySet(models.QuerySet["WaitTarget"]):
    def running(self) -> Self:
        return self.filter(met_at__isnull=True, cancelled_at__isnull=True)

    def overdue_at(self, instant: datetime) -> Self:
        """Past their due instant: a target due at 12:00 is met at 12:00 and breached after it."""
        return self.filter(due_at__lt=instant)


class WaitTarget(models.Model):
    """One target's clock running for one referral, from `started_at` to `due_at`,
    stopped at `met_at`. The due instant is stored and indexed so the breach
    scanner's cost grows with the targets coming due, not with open referrals."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="targets")
    definition = models.ForeignKey(TargetDefinition, on_delete=models.PROTECT)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    met_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True,
                                        help_text="Stopped without being met, e.g. routed elsewhere.")
    at_risk_at = models.DateTimeField(null=True, blank=True,
                                      help_text="When it becomes at risk (its definition's thresholds).")
    # Started at intake from a signal of urgency, before any triage decision: it runs, and is
    # watched, like any other, and triage confirms it or stops it (cancel_reason).
    provisional = models.BooleanField(default=False, db_default=False)
    cancel_reason = models.CharField(max_length=120, blank=True, db_default="")
    history = HistoricalRecords()

    objects = WaitTargetQuerySet.as_manager()

    class Meta:
        constraints = [
            # A referral runs one target of each kind at a time; a kind may run again after
            # it stopped (a crisis call after a routine triage), each run kept.
            models.UniqueConstraint(fields=["referral", "definition"],
                                    condition=models.Q(met_at__isnull=True, cancelled_at__isnull=True),
                                    name="one_running_target_of_each_kind_per_referral"),
        ]
        indexes = [
            models.Index(fields=["due_at"],
                         condition=models.Q(met_at__isnull=True, cancelled_at__isnull=True),
                         name="running_target_due_idx"),
            # The daily summaries are rebuilt for the days targets started and stopped on.
            models.Index(fields=["started_at"], name="target_started_idx"),
            models.Index(fields=["met_at"], condition=models.Q(met_at__isnull=False), name="target_met_idx"),
            models.Index(fields=["cancelled_at"], condition=models.Q(cancelled_at__isnull=False),
                         name="target_cancelled_idx"),
        ]

    def state(self, now) -> str:
        """running, met, breached (past due unmet, or met late) or cancelled."""
        if self.cancelled_at:
            return "cancelled"
        if (self.met_at or now) > self.due_at:
            return "breached"
        return "met" if self.met_at else "running"


class ClosureDay(models.Model):
    """An extra day the service is closed, beyond bank holidays (added by a manager)."""

    day = models.DateField(unique=True)
    reason = models.CharField(max_length=120)
    history = HistoricalRecords()


# --- Performance over time: daily summaries kept by triage.performance ----------------------

# Upper edges (minutes) of the wait histogram's buckets; the last bucket is open-ended.
# A percentile is reported as the upper edge of the bucket it falls in.
