"""The directory of community support (Supporting Other Needs)."""

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class CommunityService(models.Model):
    name = models.CharField(max_length=160)
    organisation = models.CharField(max_length=160)
    description = models.TextField(max_length=4000)
    category = models.CharField("category of need", max_length=60)
    area = models.CharField("area served", max_length=120, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    url = models.URLField(blank=True)
    last_checked_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        permissions = [("manage_directory", "Can add, edit and verify directory entries")]

    def __str__(self):
        return self.name
