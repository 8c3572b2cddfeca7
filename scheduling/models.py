"""Scheduling: teams, practitioners and their diaries, and assessment bookings."""

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.db import models
from django.db.models import Func, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cap.models import PrimaryCareNetwork, Referral
from triage.models import Stream


class Team(models.Model):
    name = models.CharField(max_length=120, unique=True)
    specialty = models.CharField(max_length=20, choices=Stream.choices)
    pcns = models.ManyToManyField(PrimaryCareNetwork, related_name="teams", blank=True,
                                  verbose_name="Primary Care Networks")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Discipline(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Practitioner(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="practitioner")
    name = models.CharField(max_length=120)
    discipline = models.ForeignKey(Discipline, on_delete=models.PROTECT)
    teams = models.ManyToManyField(Team, related_name="practitioners")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.discipline})"


class WorkingPattern(models.Model):
    """One weekly working session of a practitioner (Europe/London wall times)."""

    practitioner = models.ForeignKey(Practitioner, on_delete=models.CASCADE,
                                     related_name="working_pattern")
    weekday = models.PositiveSmallIntegerField(help_text="0 is Monday.")
    starts = models.TimeField()
    ends = models.TimeField()

    class Meta:
        ordering = ["weekday", "starts"]
        constraints = [
            models.CheckConstraint(condition=Q(ends__gt=models.F("starts")),
                                   name="working_session_ends_after_it_starts"),
        ]


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class BookingQuerySet(models.QuerySet):
    def active(self):
        return self.filter(cancelled_at__isnull=True)


class Booking(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="bookings")
    practitioner = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="bookings")
    team = models.ForeignKey(Team, on_delete=models.PROTECT)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    location = models.CharField(max_length=120, blank=True)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    objects = BookingQuerySet.as_manager()

    class Meta:
        permissions = [("book_assessment", "Can book an assessment")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                   name="booking_ends_after_it_starts"),
            # The guarantee against double booking a practitioner: no two active
            # bookings of one practitioner may overlap, whatever the application did.
            ExclusionConstraint(
                name="no_double_booking_of_a_practitioner",
                expressions=[
                    ("practitioner", RangeOperators.EQUAL),
                    (TsTzRange("starts_at", "ends_at"), RangeOperators.OVERLAPS),
                ],
                condition=Q(cancelled_at__isnull=True),
            ),
        ]
        indexes = [models.Index(fields=["practitioner", "starts_at"])]
