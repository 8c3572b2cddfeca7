"""Daily summaries behind the performance pages."""

from django.contrib.postgres.fields import ArrayField
from django.db import models

from .targets import TargetDefinition

WAIT_BUCKET_EDGES = [15, 30, 60, 120, 180, 240, 360, 480, 720, 1440, 2 * 1440, 3 * 1440, 5 * 1440,
                     7 * 1440, 10 * 1440, 14 * 1440, 21 * 1440, 28 * 1440, 42 * 1440, 56 * 1440,
                     84 * 1440, 120 * 1440, 180 * 1440, 365 * 1440]


class TargetDay(models.Model):
    """Per London day, target and referral dimensions: targets started, stopped, met, met in
    time, stopped unmet (cancelled), and a histogram of the waits of those met. Derived
    data, rebuilt for the days a change touches (triage.performance.performance_refresh)."""

    day = models.DateField()
    definition = models.ForeignKey(TargetDefinition, on_delete=models.CASCADE, related_name="+")
    stream = models.CharField(max_length=20, blank=True)
    team = models.ForeignKey("scheduling.Team", null=True, on_delete=models.SET_NULL, related_name="+")
    channel = models.CharField(max_length=10)
    started = models.PositiveIntegerField(default=0)
    stopped = models.PositiveIntegerField(default=0)
    met = models.PositiveIntegerField(default=0)
    met_in_time = models.PositiveIntegerField(default=0)
    # Stopped unmet: the urgency revised, or triage decided otherwise (cancelled_at). Counted
    # apart, neither met nor breached: a provisional 4-hour clock that triage downgraded was
    # not missed, and was not met either.
    cancelled = models.PositiveIntegerField(default=0, db_default=0)
    waits = ArrayField(models.PositiveIntegerField(), help_text="Met targets per wait bucket.")

    class Meta:
        indexes = [models.Index(fields=["day", "definition"], name="target_day_idx")]


class OutcomeDay(models.Model):
    """Per London day of contact: contacts by what the CAP did with them (derived data)."""

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", "Resolved by the call handler"
        SIGNPOSTED = "signposted", "Signposted or routed to services outside the trust"
        EXISTING_TEAM = "existing_team", "Routed to the person's existing team"
        EMERGENCY = "emergency", "Routed to emergency services"
        ASSESSMENT = "assessment", "Referred to a community team for assessment"
        AWAITING = "awaiting", "Not yet decided"

    day = models.DateField()
    channel = models.CharField(max_length=10)
    stream = models.CharField(max_length=20, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    contacts = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day"], name="outcome_day_idx")]


class SummaryWatermark(models.Model):
    """How far the daily summaries have taken in changes (one row)."""

    refreshed_at = models.DateTimeField()
