"""The Urgent Care Hub: a 24/7 place where people in crisis are brought by the police or
an ambulance, walk in or are referred, and are assessed within 2 hours of arrival, as an
alternative to A&E (the seeds, 000: "full assessment taking place within 2 hours of
arrival in the hub").

An arrival belongs to a referral, because the wait targets do: it creates one (channel
Urgent Care Hub, awaiting urgent assessment) or joins the person's open one, and starts
the `hub_assessment_2h` target from the time of arrival."""

from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cap.models import Referral
from triage.models import WaitTarget


class ArrivalRoute(models.TextChoices):
    """How the person came to the hub."""

    POLICE = "police", "Brought by the police"
    AMBULANCE = "ambulance", "Brought by ambulance"
    WALK_IN = "walk_in", "Walked in"
    CRISIS_LINE = "crisis_line", "Referred by the crisis line"
    PROFESSIONAL = "professional", "Referred by a professional"


class HubOutcome(models.TextChoices):
    """What the hub's assessment concluded. Referred on through the CAP, a person the hub
    registered goes to CAP triage to be streamed (hub.services.hub_assessment_complete)."""

    ADMITTED = "admitted", "Admitted to a mental health ward"
    HOME_TREATMENT = "home_treatment", "Crisis resolution and home treatment"
    SECONDARY_CARE = "secondary_care", "Referred to secondary mental health care (through the CAP)"
    SAFETY_PLAN = "safety_plan", "Discharged home with a safety plan"
    COMMUNITY_SUPPORT = "community_support", "Signposted to community support"
    SENT_TO_AE = "sent_to_ae", "Sent to A&E"


# Outcomes that refer the person on into secondary mental health care: the hub's
# "referral rate into secondary care" (the seeds compare it with A&E's).
REFERRED_ON = frozenset({HubOutcome.ADMITTED, HubOutcome.HOME_TREATMENT, HubOutcome.SECONDARY_CARE})


class HubArrivalQuerySet(models.QuerySet["HubArrival"]):
    def waiting(self) -> Self:
        return self.filter(assessment_started_at__isnull=True, assessed_at__isnull=True)

    def being_assessed(self) -> Self:
        return self.filter(assessment_started_at__isnull=False, assessed_at__isnull=True)

    def assessed(self) -> Self:
        return self.filter(assessed_at__isnull=False)


class HubArrival(models.Model):
    """One person's arrival at the hub, and their assessment there."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="hub_arrivals")
    target = models.OneToOneField(WaitTarget, on_delete=models.PROTECT, related_name="hub_arrival",
                                  help_text="The 2-hour assessment target, from the arrival.")
    arrived_at = models.DateTimeField()
    route = models.CharField("how they came", max_length=20, choices=ArrivalRoute.choices)
    accompanied_by = models.CharField("who is with them", max_length=200, blank=True)
    presenting_concern = models.TextField(max_length=4000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    assessment_started_at = models.DateTimeField(null=True, blank=True)
    assessment_started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                              on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField("assessment completed at", null=True, blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=30, choices=HubOutcome.choices, blank=True)
    outcome_notes = models.TextField(max_length=4000, blank=True)
    history = HistoricalRecords()

    objects = HubArrivalQuerySet.as_manager()

    class Meta:
        permissions = [("record_hub_arrival", "Can record an Urgent Care Hub arrival and its assessment")]
        indexes = [
            # The board: everyone not yet assessed; the figures: arrivals since a day.
            models.Index(fields=["arrived_at"], condition=Q(assessed_at__isnull=True),
                         name="hub_arrival_not_assessed_idx"),
            models.Index(fields=["arrived_at"], name="hub_arrival_arrived_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(assessed_at__isnull=True) | ~Q(outcome=""),
                                   name="hub_assessment_completed_has_an_outcome"),
        ]

    def __str__(self):
        return f"{self.referral.reference} arrival"
