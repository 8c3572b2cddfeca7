"""Triage decisions on urgency and stream, and the work around them: claims, urgency
rules, information requests, the MDT huddle, urgent actions and physical health checks."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cap.models import Referral, RiskIndicator


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
    # The timescale set the assessment target's due instant (it differed from the
    # urgency's default); a longer one says why.
    timescale_sets_due = models.BooleanField(default=False, db_default=False)
    timescale_reason = models.TextField(max_length=2000, blank=True, db_default="")
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


class CrisisOutcome(models.TextChoices):
    """What follows a crisis assessment: the support the practitioner and the person (and
    their carer) agreed (002, urgent face to face triage and/or assessment). The codes
    are stored."""

    HOME_TREATMENT = "home_treatment", "Crisis resolution and home treatment"
    ADMISSION = "admission", "Admission, informal or under the Mental Health Act"
    FURTHER_ASSESSMENT = "further_assessment", "A further non-urgent assessment with the aligned team"
    ROUTED = "routed", "Routed to another service"
    SELF_MANAGEMENT = "self_management", "A self-management plan, with the person's safety plan"


class UrgentAction(models.Model):
    """What the urgent clinical triage practitioner did, with the time. A crisis
    assessment arranged is booked into a practitioner's diary (`booking`; who, where and
    when are filled from it); a completed assessment records its outcome."""

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
    booking = models.ForeignKey("scheduling.Booking", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", help_text="The crisis assessment in the diary.")
    outcome = models.CharField(max_length=30, choices=CrisisOutcome.choices, blank=True,
                               help_text="What follows a completed assessment.")
    outcome_service = models.ForeignKey("directory.CommunityService", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    outcome_agency = models.CharField(max_length=160, blank=True,
                                      help_text="When the service is not in the directory.")
    safety_plan = models.TextField(max_length=4000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="assessment_completed") | models.Q(outcome=""),
                name="only_a_completed_assessment_has_an_outcome"),
        ]


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
