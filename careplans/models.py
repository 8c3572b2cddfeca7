"""The single integrated care plan: one per person, contributed to by everyone involved."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cap.models import ServiceUser


class CarePlan(models.Model):
    service_user = models.OneToOneField(ServiceUser, on_delete=models.PROTECT,
                                        related_name="care_plan")
    goals = models.TextField("the person's and carer's goals, in their own words", blank=True)
    safety_plan = models.TextField("safety and crisis plan", blank=True)
    plan = models.TextField("the care plan, including what is expected of the GP", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        permissions = [("contribute_care_plan", "Can contribute to a care plan")]

    def __str__(self):
        return f"Care plan for {self.service_user}"


class EpisodeQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_on__isnull=True)


class Episode(models.Model):
    """A person's episode of care with a team: while open, the person is known to services."""

    service_user = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="episodes")
    team = models.ForeignKey("scheduling.Team", on_delete=models.PROTECT, related_name="episodes")
    care_coordinator = models.ForeignKey("scheduling.Practitioner", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="coordinated_episodes")
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["service_user"], condition=models.Q(closed_on__isnull=True),
                                name="open_episode_idx")]

    def __str__(self):
        return f"{self.service_user} with {self.team}"
