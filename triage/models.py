"""Triage: decisions on urgency and stream, and the wait targets they start and stop."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cap.models import Referral

from . import clock


class Urgency(models.TextChoices):
    """The national Clinical Response Priority values."""

    EMERGENCY = "emergency", "Emergency"
    VERY_URGENT = "very_urgent", "Very urgent"
    URGENT = "urgent", "Urgent"
    ROUTINE = "routine", "Routine"


class Stream(models.TextChoices):
    """The specialty streams of `002_11e725c8902a7534.txt`, 'Specialty Streams and Assessments'.
    The codes are part of the API."""

    LD = "LD", "Learning Disabilities"
    AMH = "AMH", "Adult Mental Health"
    CAMHS = "CAMHS", "Children and Adolescent Mental Health"
    MHSOP = "MHSOP", "Older People"
    MHSOP_MEMORY = "MHSOP_MEMORY", "Older People: memory assessment"
    SPECIALIST = "SPECIALIST", "Specialist services"
    MIXED = "MIXED", "Mixed specialty"


class DecisionOutcome(models.TextChoices):
    """What triage decided to do next. The codes are part of the API."""

    ASSESSMENT = "assessment", "Stream for assessment"
    ROUTE_EXTERNAL = "route_external", "Route to services outside the trust"
    EMERGENCY_SERVICES = "emergency_services", "Route to emergency services"


class TriageDecision(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="decisions")
    urgency = models.CharField(max_length=20, choices=Urgency.choices)
    outcome = models.CharField(max_length=20, choices=DecisionOutcome.choices)
    stream = models.CharField(max_length=20, choices=Stream.choices, blank=True)
    rationale = models.TextField(max_length=4000)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_at"]
        permissions = [("record_triage_decision", "Can record a triage decision")]


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
    history = HistoricalRecords()

    class Meta:
        permissions = [("view_wait_dashboard", "Can view the wait dashboard")]

    def __str__(self):
        return self.name


class WaitTargetQuerySet(models.QuerySet):
    def running(self):
        return self.filter(met_at__isnull=True, cancelled_at__isnull=True)

    def overdue_at(self, instant):
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
    history = HistoricalRecords()

    objects = WaitTargetQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["referral", "definition"],
                                    name="one_target_of_each_kind_per_referral"),
        ]
        indexes = [
            models.Index(fields=["due_at"],
                         condition=models.Q(met_at__isnull=True, cancelled_at__isnull=True),
                         name="running_target_due_idx"),
        ]

    def state(self, now) -> str:
        """running, met, breached (past due unmet, or met late) or cancelled."""
        if self.cancelled_at:
            return "cancelled"
        if (self.met_at or now) > self.due_at:
            return "breached"
        return "met" if self.met_at else "running"


class BreachAlert(models.Model):
    """One alert per (target, kind): the unique constraint makes a second scanner,
    a retried task or a redelivered message harmless."""

    class Kind(models.TextChoices):
        AT_RISK = "at_risk", "At risk"
        BREACHED = "breached", "Breached"

    target = models.ForeignKey(WaitTarget, on_delete=models.PROTECT, related_name="alerts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    raised_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["target", "kind"], name="one_alert_per_target_and_kind"),
        ]


class ScanHeartbeat(models.Model):
    """A row per completed breach scan, so the watcher can be watched."""

    finished_at = models.DateTimeField(db_index=True)
    alerts_raised = models.PositiveIntegerField()


class ClosureDay(models.Model):
    """An extra day the service is closed, beyond bank holidays (added by a manager)."""

    day = models.DateField(unique=True)
    reason = models.CharField(max_length=120)
    history = HistoricalRecords()
