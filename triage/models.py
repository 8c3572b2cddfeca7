"""Triage: decisions on urgency and stream, and the wait targets they start and stop."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cap.models import Referral, RiskIndicator

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
    ROUTE_EXISTING_TEAM = "route_existing_team", "Route to the person's existing team"
    EMERGENCY_SERVICES = "emergency_services", "Route to emergency services"
    INFORMATION_REQUEST = "information_request", "Ask for missing information"
    HUDDLE = "huddle", "Take to the MDT huddle"


# Outcomes that end triage; the others leave the referral awaiting triage, clock running.
CONCLUDING_OUTCOMES = {DecisionOutcome.ASSESSMENT, DecisionOutcome.ROUTE_EXTERNAL,
                       DecisionOutcome.ROUTE_EXISTING_TEAM, DecisionOutcome.EMERGENCY_SERVICES}


class AssessmentSetting(models.TextChoices):
    CLINIC = "clinic", "Clinic"
    HOME = "home", "Home visit"


class TriageDecision(models.Model):
    """A clinician's decision on a referral: an immutable record (never updated)."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="decisions")
    urgency = models.CharField(max_length=20, choices=Urgency.choices)
    suggested_urgency = models.CharField(max_length=20, choices=Urgency.choices, blank=True,
                                         help_text="What the urgency rules suggested.")
    urgency_overridden = models.BooleanField(default=False)
    outcome = models.CharField(max_length=30, choices=DecisionOutcome.choices)
    stream = models.CharField(max_length=20, choices=Stream.choices, blank=True)
    rationale = models.TextField(max_length=4000)
    # For an assessment: what the admin team needs to book it.
    target_timescale = models.CharField(max_length=40, blank=True)
    disciplines = models.ManyToManyField("scheduling.Discipline", blank=True, related_name="+")
    named_practitioners = models.ManyToManyField("scheduling.Practitioner", blank=True,
                                                 related_name="+")
    setting = models.CharField(max_length=10, choices=AssessmentSetting.choices, blank=True)
    requirements = models.TextField("specific requirements", max_length=2000, blank=True)
    # Routing, instead of or as well as an assessment.
    external_service = models.ForeignKey("directory.CommunityService", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    external_agency = models.CharField(max_length=160, blank=True,
                                       help_text="When the agency is not in the directory.")
    existing_team = models.ForeignKey("scheduling.Team", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_at"]
        permissions = [
            ("record_triage_decision", "Can record a triage decision"),
            ("work_eating_disorders_queue", "Can work the eating disorders triage queue"),
            ("work_nursing_home_in_reach_queue", "Can work the nursing home in-reach triage queue"),
        ]

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValueError("A triage decision is immutable: record a new one.")
        super().save(*args, **kwargs)


class UrgencyRule(models.Model):
    """Suggests an urgency from a risk indicator captured at intake. The clinician decides;
    an override of the suggestion is recorded on the decision."""

    name = models.CharField(max_length=120)
    indicator = models.CharField(max_length=40, choices=RiskIndicator.choices)
    urgency = models.CharField(max_length=20, choices=Urgency.choices)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    def __str__(self):
        return self.name


class TriageClaim(models.Model):
    """A clinician working a referral, so two never work the same one unknowingly.
    A claim expires; an expired claim is free for anyone to take."""

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="claim")
    clinician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="+")
    claimed_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    def active(self, now) -> bool:
        return self.expires_at > now


class InformationRequest(models.Model):
    """Missing information asked of the referrer or the person; tracked and chased.
    The triage clock keeps running meanwhile."""

    class From(models.TextChoices):
        REFERRER = "referrer", "The referrer"
        PERSON = "person", "The person or their carer"
        GP = "gp", "The GP practice"
        OTHER = "other", "Someone else"

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="information_requests")
    requested_from = models.CharField(max_length=10, choices=From.choices)
    what = models.TextField(max_length=2000)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    chase_at = models.DateTimeField(db_index=True)
    chased_count = models.PositiveSmallIntegerField(default=0)
    received_at = models.DateTimeField(null=True, blank=True)
    response = models.TextField(max_length=4000, blank=True)
    history = HistoricalRecords()


class Huddle(models.Model):
    """The MDT huddle of one day: its agenda is the referrals clinicians send to it."""

    held_on = models.DateField(unique=True)
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    notes = models.TextField(max_length=4000, blank=True)
    history = HistoricalRecords()

    def __str__(self):
        return f"MDT huddle {self.held_on:%d %b %Y}"


class HuddleItem(models.Model):
    huddle = models.ForeignKey(Huddle, on_delete=models.PROTECT, related_name="items")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="huddle_items")
    question = models.TextField(max_length=2000)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    discussion = models.TextField(max_length=4000, blank=True)
    discussed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["huddle", "referral"],
                                               name="a_referral_once_per_huddle")]


class UrgentAction(models.Model):
    """What the urgent clinical triage practitioner did, with the time."""

    class Kind(models.TextChoices):
        TELEPHONE_ADVICE = "telephone_advice", "Telephone advice"
        DE_ESCALATION = "de_escalation", "Telephone support to calm and de-escalate"
        FACE_TO_FACE_TRIAGE = "face_to_face_triage", "Face-to-face triage arranged"
        CRISIS_ASSESSMENT_ARRANGED = "crisis_assessment_arranged", "Crisis assessment arranged"
        ASSESSMENT_COMPLETED = "assessment_completed", "Assessment completed"
        TRANSFER_NON_URGENT = "transfer_non_urgent", "Transferred to non-urgent triage"

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="urgent_actions")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    who = models.CharField(max_length=120, blank=True)
    where = models.CharField(max_length=160, blank=True)
    when = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(max_length=4000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()


class PhysicalHealthCheck(models.Model):
    """Physical health checks needed before a mental health assessment: a letter to
    the GP, and the advice given to the person."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="health_checks")
    checks_needed = models.TextField(max_length=2000)
    advice_given = models.TextField(max_length=2000)
    letter = models.TextField(max_length=8000)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()


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
    at_risk_at = models.DateTimeField(null=True, blank=True,
                                      help_text="When it becomes at risk (its definition's thresholds).")
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


class AlertQuerySet(models.QuerySet):
    def unacknowledged(self):
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

    alert_ids = ArrayField(models.BigIntegerField(), help_text="The alerts told, by id.")
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
            models.CheckConstraint(condition=models.Q(alert_ids__len__gte=1),
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
        told = len(self.alert_ids)
        return f"{told} alert{'s' if told != 1 else ''} for {self.queue or self.user}"


class DutyShift(models.Model):
    """Who is the duty manager when: breaches are told to the manager on duty (and to
    every manager when nobody is on the rota, so a breach never reaches no one)."""

    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_at"]
        constraints = [models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                              name="duty_shift_ends_after_it_starts")]

    def __str__(self):
        return f"{self.manager} on duty from {self.starts_at:%Y-%m-%d %H:%M}"


class ScanHeartbeat(models.Model):
    """A row per completed breach scan, so the watcher can be watched."""

    finished_at = models.DateTimeField(db_index=True)
    alerts_raised = models.PositiveIntegerField()
    repeats_raised = models.PositiveIntegerField(default=0)


class ClosureDay(models.Model):
    """An extra day the service is closed, beyond bank holidays (added by a manager)."""

    day = models.DateField(unique=True)
    reason = models.CharField(max_length=120)
    history = HistoricalRecords()


# --- Performance over time: daily summaries kept by triage.performance ----------------------

# Upper edges (minutes) of the wait histogram's buckets; the last bucket is open-ended.
# A percentile is reported as the upper edge of the bucket it falls in.
WAIT_BUCKET_EDGES = [15, 30, 60, 120, 180, 240, 360, 480, 720, 1440, 2 * 1440, 3 * 1440, 5 * 1440,
                     7 * 1440, 10 * 1440, 14 * 1440, 21 * 1440, 28 * 1440, 42 * 1440, 56 * 1440,
                     84 * 1440, 120 * 1440, 180 * 1440, 365 * 1440]


class TargetDay(models.Model):
    """Per London day, target and referral dimensions: targets started, stopped, met, met in
    time, and a histogram of the waits of those met. Derived data, rebuilt for the days a
    change touches (triage.performance.performance_refresh)."""

    day = models.DateField()
    definition = models.ForeignKey(TargetDefinition, on_delete=models.CASCADE, related_name="+")
    stream = models.CharField(max_length=20, blank=True)
    team = models.ForeignKey("scheduling.Team", null=True, on_delete=models.SET_NULL, related_name="+")
    channel = models.CharField(max_length=10)
    started = models.PositiveIntegerField(default=0)
    stopped = models.PositiveIntegerField(default=0)
    met = models.PositiveIntegerField(default=0)
    met_in_time = models.PositiveIntegerField(default=0)
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
