"""Break-glass: a reader with no care relationship to a person states why they need the
record, and is let read it for a short time, every read logged with that reason."""

from typing import Self

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cap.models import ServiceUser


class BreakGlassQuerySet(models.QuerySet["BreakGlassGrant"]):
    def active(self, now=None) -> Self:
        return self.filter(expires_at__gt=now or timezone.now())


class BreakGlassGrant(models.Model):
    """One reader's access to one person's record, granted on a stated reason until
    `expires_at`. Reported to the managers and the Caldicott guardian."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    service_user = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="break_glass_grants")
    reason = models.TextField(help_text="Why the reader needs to see this record.")
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    history = HistoricalRecords()

    objects = BreakGlassQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["user", "service_user", "expires_at"], name="break_glass_active"),
                   models.Index(fields=["-granted_at"], name="break_glass_newest")]
        constraints = [models.CheckConstraint(condition=models.Q(expires_at__gt=models.F("granted_at")),
                                              name="break_glass_expires_after_granted")]
        permissions = [
            # Roles that read people's records only through their care (accounts/roles.py):
            # the rule (access.rules) decides each read.
            ("read_in_care", "Read the records of the people in one's care"),
            ("view_break_glass_report", "See who broke the glass to read a record, and why"),
        ]

    def __str__(self):
        return f"{self.user} read {self.service_user} until {self.expires_at:%Y-%m-%d %H:%M}"
