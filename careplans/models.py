"""The single integrated care plan: one per person, contributed to by everyone involved.

The lists below quote `002_11e725c8902a7534.txt` ("Single Integrated Care Plan",
"Supporting Other Needs", "Additional Support and Expertise Process", "Community
step up support") word for word, so the plan speaks the service model's language."""

from datetime import timedelta
from typing import NoReturn, Self

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cap.models import ServiceUser
from core.errors import NotAllowed
from triage.models import Stream

# The plan's sections, in the seed's order: (field name, heading).
SECTIONS = (
    ("goals", "The person's goals, in their own words"),
    ("carer_goals", "The carer's goals, in their own words"),
    ("safety_plan", "Safety and crisis plan"),
    ("advance_directives", "Wider advance directives"),
    ("plan", "Care plan"),
    ("external_expectations", "What we ask of other practitioners, such as the GP"),
)

STEP_UP_LIMIT = timedelta(weeks=6)  # "expected to be not more than 6 weeks"
STEP_UP_WARNING = timedelta(days=7)  # warn in the last week


class CarePlan(models.Model):
    """The plan as it stands now: each section holds the text of the latest version."""

    service_user = models.OneToOneField(ServiceUser, on_delete=models.PROTECT,
                                        related_name="care_plan")
    goals = models.TextField("the person's goals, in their own words", blank=True)
    carer_goals = models.TextField("the carer's goals, in their own words", blank=True)
    safety_plan = models.TextField("safety and crisis plan", blank=True)
    advance_directives = models.TextField("wider advance directives", blank=True)
    plan = models.TextField("the care plan", blank=True)
    external_expectations = models.TextField(
        "what we ask of other practitioners, such as the GP", blank=True)
    care_coordinator = models.ForeignKey(
        "scheduling.Practitioner", null=True, blank=True, on_delete=models.PROTECT,
        related_name="coordinated_plans", help_text="The care coordinator, also called lead professional.")
    version = models.PositiveIntegerField(default=0, help_text="The number of the current version.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        permissions = [("contribute_care_plan", "Can contribute to a care plan")]

    def __str__(self):
        return f"Care plan for {self.service_user}"

    def delete(self, *args, **kwargs):
        raise NotAllowed("A care plan is never deleted, only superseded by a new version.")

    def sections(self) -> dict[str, str]:
        return {name: getattr(self, name) for name, _ in SECTIONS}


class EpisodeQuerySet(models.QuerySet["Episode"]):
    def open(self) -> Self:
        return self.filter(closed_on__isnull=True)


class EpisodeCloseReason(models.TextChoices):
    """Why an episode of care ended. The codes are stored."""

    DISCHARGED_TO_GP = "discharged_to_gp", "Discharged to the GP"
    TRANSITION = "transition", "Moved to another team through a transition"
    OTHER = "other", "Other"


class Episode(models.Model):
    """A person's episode of care with a team: while open, the person is known to services,
    is on the team's caseload, and the team's practitioners are involved in their care."""

    service_user = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="episodes")
    team = models.ForeignKey("scheduling.Team", on_delete=models.PROTECT, related_name="episodes")
    # The referral whose assessment led to it: its care coordinator target runs on it.
    referral = models.ForeignKey("cap.Referral", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="episodes")
    care_coordinator = models.ForeignKey("scheduling.Practitioner", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="coordinated_episodes")
    opened_on = models.DateField()
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    closed_on = models.DateField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    close_reason = models.CharField(max_length=20, choices=EpisodeCloseReason.choices, blank=True,
                                    db_default="")
    close_detail = models.CharField("why it closed, in words", max_length=500, blank=True,
                                    db_default="")
    history = HistoricalRecords()

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["service_user"], condition=models.Q(closed_on__isnull=True),
                                name="open_episode_idx"),
                   models.Index(fields=["team"], condition=models.Q(closed_on__isnull=True),
                                name="open_episode_team_idx")]
        constraints = [
            # Two handovers to one team at once (an assessment marked attended twice) open one.
            models.UniqueConstraint(fields=["service_user", "team"], condition=Q(closed_on__isnull=True),
                                    name="one_open_episode_per_person_and_team"),
        ]

    def __str__(self):
        return f"{self.service_user} with {self.team}"


class OtherNeedLevel(models.TextChoices):
    """The three levels of the framework for supporting other needs."""

    ADVICE = "advice", "Advice and information"
    HELP = "help", "Needing help"
    MORE_HELP = "more_help", "Needing more help"


class OtherNeed(models.Model):
    """A need beside mental health or learning disability (benefits, housing, loneliness...),
    its level, and the directory entries offered for it."""

    care_plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="other_needs")
    need = models.CharField(max_length=200)
    level = models.CharField(max_length=20, choices=OtherNeedLevel.choices)
    services = models.ManyToManyField("directory.CommunityService", blank=True, related_name="+",
                                      verbose_name="directory entries offered")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]

    def __str__(self):
        return f"{self.need} ({self.get_level_display()})"


class ImmutableQuerySet(models.QuerySet["CarePlanVersion"]):
    def delete(self) -> NoReturn:
        raise NotAllowed("Versions are never deleted.")

    def update(self, **kwargs: object) -> NoReturn:
        raise NotAllowed("Versions are never changed.")


class CarePlanVersion(models.Model):
    """One contribution, and the whole plan as it stood after it. Never changed, never
    deleted: a later version supersedes it."""

    care_plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    sections = models.JSONField(help_text="Every section's text (and the other needs) after this change.")
    summary = models.CharField("what changed, and why", max_length=300)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_name = models.CharField(max_length=120)
    team = models.ForeignKey("scheduling.Team", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        ordering = ["care_plan", "number"]
        constraints = [models.UniqueConstraint(fields=["care_plan", "number"],
                                               name="care_plan_version_once")]

    def __str__(self):
        return f"Version {self.number} of {self.care_plan}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise NotAllowed("A version is never changed: contribute a new one.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise NotAllowed("A version is never deleted, only superseded.")


class TeamAroundMember(models.Model):
    """An expert beyond the local team, involved in planning with the local MDT
    (the seed's 'team around the service user')."""

    care_plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="team_around")
    practitioner = models.ForeignKey("scheduling.Practitioner", on_delete=models.PROTECT,
                                     related_name="teams_around")
    involvement = models.CharField(max_length=200, help_text="For example: eating disorder dietetics.")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [models.UniqueConstraint(fields=["care_plan", "practitioner"],
                                               condition=Q(ended_at__isnull=True),
                                               name="team_around_once_while_involved")]

    def __str__(self):
        return f"{self.practitioner.name} ({self.involvement})"


class Audience(models.TextChoices):
    PERSON = "person", "The person and their carer"
    GP = "gp", "The GP"


class PlanShare(models.Model):
    """A copy of the plan given to someone: which version, to whom, when, how."""

    care_plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="shares")
    version = models.ForeignKey(CarePlanVersion, on_delete=models.PROTECT, related_name="shares")
    audience = models.CharField(max_length=10, choices=Audience.choices)
    shared_with = models.CharField(max_length=200, help_text="Their name, or the practice's.")
    method = models.CharField(max_length=100, help_text="For example: printed and handed over, posted.")
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    shared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-shared_at", "-id"]

    def __str__(self):
        return f"Version {self.version.number} shared with {self.shared_with}"


# Community step up support

class StepUpReason(models.TextChoices):
    DETERIORATION = "deterioration", "Deterioration or relapse in a service user's mental health"
    RISK = "risk", "Increased risk of a service user harming themselves or others"
    CARER = "carer", ("Carer burnout, carer resilience has been reduced or there is a breakdown "
                      "in a care package")
    NOT_ENGAGING = "not_engaging", ("Service user not engaging in services and is at 'high risk' "
                                    "of harming self or others")
    CONCERNS = "concerns", "Significant clinician or carer concerns"


class StepUpNotReason(models.TextChoices):
    """The seed's reasons NOT to involve step up: each is confirmed as not applying."""

    NOT_ASSESSED = "not_assessed", "If reported escalated needs of service user have not been assessed"
    NOT_OPEN = "not_open", "If a service user is not open to the service"
    RISK_TOO_HIGH = "risk_too_high", ("If the risks are assessed as 'too high' for the support that "
                                      "'step up' can offer")
    AT_ODDS = "at_odds", ("If increasing contacts or involving other practitioners is at odds with a "
                          "service user's care plan or not felt by the care team to be helpful")
    TRIED_BEFORE = "tried_before", ("If 'step up' practitioner support has previously been tried and "
                                    "not worked (and the circumstances are not significantly different "
                                    "this time)")
    COMPENSATING = "compensating", ("If 'step up' is being used to compensate for planned and routine "
                                    "support not being done as expected")


class StepUpEndReason(models.TextChoices):
    BASELINE = "baseline", ("When the service user has returned back to their baseline state "
                            "(point prior to 'step up' involvement)")
    CARE_PACKAGE = "care_package", ("When care package is in place (if care package was the main "
                                    "reason for 'step up' support)")
    MANAGEABLE = "manageable", ("When specific issues or risks (that led to 'step up' support) are "
                                "manageable for the individual or carer")
    DEPENDENCY = "dependency", ("If the service user is developing dependency upon the additional "
                                "'step up' support that is unhelpful for their overall recovery/care "
                                "journey")
    REDUCE = "reduce", "If the service user wants to reduce the input they receive"


class StepUpQuerySet(models.QuerySet["StepUpEpisode"]):
    def running(self) -> Self:
        return self.filter(ended_at__isnull=True)


class StepUpEpisode(models.Model):
    service_user = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="step_ups")
    reason = models.CharField(max_length=20, choices=StepUpReason.choices)
    detail = models.TextField(max_length=2000, blank=True)
    practitioners = models.ManyToManyField("scheduling.Practitioner", related_name="step_ups")
    frequency = models.CharField("frequency of contact", max_length=100,
                                 help_text="Up to daily, 7 days a week in daytime.")
    checks_confirmed = ArrayField(models.CharField(max_length=20, choices=StepUpNotReason.choices),
                                  help_text="The reasons not to involve step up, each confirmed absent.")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    limit_at = models.DateTimeField(help_text="Six weeks after it started.")
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=StepUpEndReason.choices, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    objects = StepUpQuerySet.as_manager()

    class Meta:
        ordering = ["limit_at"]
        constraints = [
            models.UniqueConstraint(fields=["service_user"], condition=Q(ended_at__isnull=True),
                                    name="one_running_step_up_per_person"),
            models.CheckConstraint(condition=Q(ended_at__isnull=True) | ~Q(end_reason=""),
                                   name="step_up_ends_with_a_reason"),
        ]
        indexes = [models.Index(fields=["limit_at"], condition=Q(ended_at__isnull=True),
                                name="running_step_up_limit_idx")]

    def __str__(self):
        return f"Step up for {self.service_user}"

    def state(self, now) -> str:
        """'ended', 'over' (past six weeks), 'nearing' (the last week) or 'running'."""
        if self.ended_at:
            return "ended"
        if now >= self.limit_at:
            return "over"
        if now >= self.limit_at - STEP_UP_WARNING:
            return "nearing"
        return "running"


# Additional support and expertise

class SupportLevel(models.TextChoices):
    PHONE_ADVICE = "phone_advice", "Provide phone advice to practitioner"
    SUPERVISION = "supervision", "Provide case supervision, coaching and support practitioner's planning"
    JOINT_CONTACTS = "joint_contacts", ("Provide joint (practitioner and additional expert) contacts "
                                       "with the service user for a brief time")
    JOINT_INTERVENTIONS = "joint_interventions", (
        "Provide specific interventions jointly with practitioner (where both practitioner and "
        "additional expert need to support each other)")


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    ACCEPTED = "accepted", "Accepted"
    COMPLETED = "completed", "Completed"
    DECLINED = "declined", "Declined"


class ExpertiseRequest(models.Model):
    service_user = models.ForeignKey(ServiceUser, on_delete=models.PROTECT,
                                     related_name="expertise_requests")
    # The directory entry may be removed later; the expert asked stays on the request.
    expertise = models.ForeignKey("directory.Expertise", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    expert = models.ForeignKey("scheduling.Practitioner", on_delete=models.PROTECT,
                               related_name="expertise_requests_received")
    level = models.CharField(max_length=30, choices=SupportLevel.choices)
    question = models.TextField(max_length=4000)
    status = models.CharField(max_length=20, choices=RequestStatus.choices,
                              default=RequestStatus.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["expert", "status"], name="expertise_request_expert_idx")]

    def __str__(self):
        return f"{self.get_level_display()} for {self.service_user}"


class ExpertiseRequestEvent(models.Model):
    """Every change of a request's status, never changed."""

    request = models.ForeignKey(ExpertiseRequest, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=20, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=RequestStatus.choices)
    note = models.CharField(max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]


class SupportSlot(models.Model):
    """Time an expert offers for practitioner support ("practitioner support slots").
    Kept here rather than in the scheduling diaries: it is an offer, and taking one
    books nothing with the person."""

    practitioner = models.ForeignKey("scheduling.Practitioner", on_delete=models.PROTECT,
                                     related_name="support_slots")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    taken_by = models.OneToOneField(ExpertiseRequest, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="slot")

    class Meta:
        ordering = ["starts_at"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                              name="support_slot_ends_after_it_starts")]

    def __str__(self):
        return f"{self.practitioner} {timezone.localtime(self.starts_at):%a %d %b %H:%M}"


# Transitions between specialties

class TransitionStatus(models.TextChoices):
    """A transition is a handover: planned, agreed by the receiving team, then done (the
    episode moves) or cancelled. The codes are stored."""

    PLANNED = "planned", "Planned"
    AGREED = "agreed", "Agreed by the receiving team"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class Transition(models.Model):
    """A planned move between specialties, agreed by both teams on the person's needs.
    Nothing creates one from a date of birth: see careplans/services.py transition_plan."""

    service_user = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="transitions")
    from_specialty = models.CharField(max_length=20, choices=Stream.choices)
    to_specialty = models.CharField(max_length=20, choices=Stream.choices)
    from_team = models.ForeignKey("scheduling.Team", on_delete=models.PROTECT, related_name="+")
    to_team = models.ForeignKey("scheduling.Team", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(max_length=2000, help_text="The person's needs that call for the move.")
    planned_for = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=12, choices=TransitionStatus.choices,
                              default=TransitionStatus.PLANNED, db_default=TransitionStatus.PLANNED)
    agreed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    agreed_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=500, blank=True, db_default="")
    history = HistoricalRecords()

    class Meta:
        ordering = ["planned_for", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                                   name="transition_cancelled_with_a_reason"),
        ]

    def __str__(self):
        return f"{self.service_user}: {self.from_specialty} to {self.to_specialty}"

    @property
    def is_open(self) -> bool:
        return self.status in (TransitionStatus.PLANNED, TransitionStatus.AGREED)
