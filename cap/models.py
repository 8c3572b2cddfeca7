"""Intake: the people referred, the reference data that places them, and every
contact that reaches the Central Access Point (written referrals, calls, online
enquiries)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .validators import validate_nhs_number, validate_postcode


class PrimaryCareNetwork(models.Model):
    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class GPPractice(models.Model):
    ods_code = models.CharField("ODS code", max_length=10, unique=True)
    name = models.CharField(max_length=120)
    pcn = models.ForeignKey(PrimaryCareNetwork, on_delete=models.PROTECT, related_name="practices")
    postcode = models.CharField(max_length=8, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "GP practice"

    def __str__(self):
        return f"{self.name} ({self.ods_code})"


class ServiceUser(models.Model):
    # NULL, not "", when unknown, so the unique constraint allows many people without one.
    nhs_number = models.CharField("NHS number", max_length=10, null=True, blank=True,  # noqa: DJ001
                                  validators=[validate_nhs_number])
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    postcode = models.CharField(max_length=8, validators=[validate_postcode])
    gp_practice = models.ForeignKey(GPPractice, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["nhs_number"], condition=Q(nhs_number__isnull=False),
                                    name="service_user_one_record_per_nhs_number"),
        ]
        indexes = [models.Index(fields=["family_name", "date_of_birth"])]

    def __str__(self):
        return f"{self.given_name} {self.family_name}"

    @property
    def formatted_nhs_number(self) -> str:
        n = self.nhs_number or ""
        return f"{n[:3]} {n[3:6]} {n[6:]}" if len(n) == 10 else n


class Channel(models.TextChoices):
    WRITTEN = "written", "Written referral"
    PHONE = "phone", "Phone call"
    ONLINE = "online", "Online enquiry"


class ReferralStatus(models.TextChoices):
    AWAITING_TRIAGE = "awaiting_triage", "Awaiting triage"
    AWAITING_BOOKING = "awaiting_booking", "Awaiting booking"
    BOOKED = "booked", "Assessment booked"
    ROUTED = "routed", "Routed elsewhere"
    CLOSED = "closed", "Closed"


OPEN_STATUSES = [ReferralStatus.AWAITING_TRIAGE, ReferralStatus.AWAITING_BOOKING,
                 ReferralStatus.BOOKED]


class ReferralQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class Referral(models.Model):
    reference = models.CharField(max_length=20, unique=True, editable=False)
    service_user = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="referrals")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    received_at = models.DateTimeField(db_index=True)
    first_contact_at = models.DateTimeField(help_text="Starts the urgent assessment clocks.")
    status = models.CharField(max_length=20, choices=ReferralStatus.choices,
                              default=ReferralStatus.AWAITING_TRIAGE, db_index=True)
    referrer_name = models.CharField(max_length=120, blank=True)
    referrer_role = models.CharField(max_length=80, blank=True)
    referrer_organisation = models.CharField(max_length=120, blank=True)
    referrer_ods_code = models.CharField("referrer's practice ODS code", max_length=10, blank=True)
    reason = models.TextField(max_length=4000)
    referrer_risk = models.TextField("current risk as the referrer describes it", max_length=4000,
                                     blank=True)
    referrer_urgency = models.CharField(max_length=20, blank=True)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    objects = ReferralQuerySet.as_manager()

    class Meta:
        permissions = [("log_written_referral", "Can log a written referral")]

    def __str__(self):
        return self.reference


class CallerType(models.TextChoices):
    SERVICE_USER = "service_user", "Service user"
    CARER = "carer", "Carer"
    PROFESSIONAL = "professional", "Professional"
    PUBLIC = "public", "Member of the public"
    EMERGENCY_SERVICES = "emergency_services", "Emergency services"


class CallNature(models.TextChoices):
    GENERAL_INFORMATION = "general_information", "General information"
    APPOINTMENT_CHANGE = "appointment_change", "Appointment change"
    NAVIGATION_ADVICE = "navigation_advice", "Navigation advice"
    CLINICAL = "clinical", "Clinical"


class Enquiry(models.Model):
    """A phone call or online enquiry; clinical ones lead to a referral."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    received_at = models.DateTimeField(db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    caller_type = models.CharField(max_length=20, choices=CallerType.choices)
    nature = models.CharField(max_length=20, choices=CallNature.choices)
    details = models.TextField(max_length=4000, blank=True)
    outcome = models.TextField(max_length=2000)
    service_user = models.ForeignKey(ServiceUser, null=True, blank=True, on_delete=models.PROTECT)
    referral = models.ForeignKey(Referral, null=True, blank=True, on_delete=models.PROTECT)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                                  related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "enquiries"
        permissions = [("log_call", "Can log a phone call")]

    def __str__(self):
        return self.reference
