"""Intake: the people referred, the reference data that places them, and every
contact that reaches the Central Access Point (written referrals, calls, online
enquiries)."""

from typing import Self

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.files.storage import FileSystemStorage
from django.core.signals import setting_changed
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Upper
from django.dispatch import receiver
from django.utils import timezone
from django.utils.functional import LazyObject, empty
from simple_history.models import HistoricalRecords

from core import formatting

from .validators import validate_nhs_number, validate_postcode


class PrivateStorage(LazyObject):
    """Attachments live outside the web root (PRIVATE_MEDIA_ROOT) and have no URL:
    they are served only through a view that checks the user's role."""

    def _setup(self):
        self._wrapped = FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


private_storage = PrivateStorage()


def private_storage_of_attachments() -> PrivateStorage:
    """The attachments' storage, named by a function so that migrations record the function
    and not the folder it uses on one machine (PRIVATE_MEDIA_ROOT)."""
    return private_storage


@receiver(setting_changed)
def _private_storage_follows_its_setting(*, setting, **kwargs):
    if setting == "PRIVATE_MEDIA_ROOT":
        private_storage._wrapped = empty


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
    # The practice's postal address as the ODS reference data gives it, for the letters
    # sent to the GP (the postcode above is the last line).
    address_line_1 = models.CharField(max_length=100, blank=True, db_default="")
    address_line_2 = models.CharField(max_length=100, blank=True, db_default="")
    town = models.CharField(max_length=60, blank=True, db_default="")

    class Meta:
        ordering = ["name"]
        verbose_name = "GP practice"

    def __str__(self):
        return f"{self.name} ({self.ods_code})"

    @property
    def postal_address(self) -> list[str]:
        """The lines of the practice's address, name first, as written on an envelope."""
        return [self.name, *postal_lines(self)]


def postal_lines(place) -> list[str]:
    """Address lines, town and postcode of a person or a practice, leaving out the empty ones."""
    return [line for line in (place.address_line_1, place.address_line_2, place.town, place.postcode)
            if line]


class ServiceUser(models.Model):
    # NULL, not "", when unknown, so the unique constraint allows many people without one.
    nhs_number = models.CharField("NHS number", max_length=10, null=True, blank=True,  # noqa: DJ001
                                  validators=[validate_nhs_number])
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    # Missing only while the identity is not confirmed: a crisis caller who cannot or will
    # not give them is passed to urgent triage all the same, and they are completed later.
    date_of_birth = models.DateField(null=True, blank=True)
    postcode = models.CharField(max_length=8, blank=True, validators=[validate_postcode])
    # The postal address for letters; optional (the postcode alone identifies the person).
    address_line_1 = models.CharField("Address line 1", max_length=100, blank=True, db_default="")
    address_line_2 = models.CharField("Address line 2", max_length=100, blank=True, db_default="")
    town = models.CharField("Town or city", max_length=60, blank=True, db_default="")
    identity_confirmed = models.BooleanField(
        default=True, db_default=True,
        help_text="False while the person's date of birth or postcode were not given (a crisis "
                  "call); shown as 'identity not confirmed' until someone completes them.")
    gp_practice = models.ForeignKey(GPPractice, null=True, blank=True, on_delete=models.PROTECT)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="Set when a person confirmed this provisional record is someone already known.")
    # A person for whom one missed appointment is a concern (cap.services.
    # service_user_vulnerable_set): any "did not attend" asks for a clinical review first.
    vulnerable = models.BooleanField(default=False, db_default=False)
    vulnerable_reason = models.CharField(max_length=300, blank=True, db_default="")
    vulnerable_set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+")
    vulnerable_set_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["nhs_number"], condition=Q(nhs_number__isnull=False),
                                    name="service_user_one_record_per_nhs_number"),
            models.CheckConstraint(
                condition=Q(identity_confirmed=False) | Q(date_of_birth__isnull=False) & ~Q(postcode=""),
                name="service_user_confirmed_identity_has_dob_and_postcode"),
        ]
        indexes = [
            models.Index(Upper("family_name"), "date_of_birth", name="service_user_name_dob_idx"),
            models.Index(Upper("family_name"), Upper("given_name"), name="service_user_name_idx"),
            # likely_matches: same date of birth and the same postcode (family name or postcode)
            models.Index(fields=["date_of_birth", "postcode"], name="service_user_dob_postcode_idx"),
        ]

    def __str__(self):
        return f"{self.given_name} {self.family_name}"

    def age_on(self, day) -> int | None:
        """Age in whole years on `day`; None while the date of birth is not known."""
        born = self.date_of_birth
        if born is None:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def formatted_nhs_number(self) -> str:
        return formatting.nhs_number(self.nhs_number)

    @property
    def postal_address(self) -> list[str]:
        """The lines of the person's address, name first, as written on an envelope."""
        return [str(self), *postal_lines(self)]


class Channel(models.TextChoices):
    WRITTEN = "written", "Written referral"
    PHONE = "phone", "Phone call"
    ONLINE = "online", "Online enquiry"
    HUB = "urgent_care_hub", "Urgent Care Hub arrival"
    BARS = "bars", "BaRS message (NHS 111, GP or ED system)"


class ReferralStatus(models.TextChoices):
    AWAITING_TRIAGE = "awaiting_triage", "Awaiting triage"
    AWAITING_BOOKING = "awaiting_booking", "Awaiting booking"
    BOOKED = "booked", "Assessment booked"
    ROUTED = "routed", "Routed elsewhere"
    REDIRECTED_CHILDREN_HUB = "redirected_children_hub", "Redirected to the children's hub"
    ACCEPTED_CHILDREN_HUB = "accepted_children_hub", "Accepted by the children's hub"
    AWAITING_URGENT_ASSESSMENT = "awaiting_urgent_assessment", "Awaiting urgent assessment"
    ASSESSED = "assessed", "Assessed"
    CLOSED = "closed", "Closed"


class RiskIndicator(models.TextChoices):
    """Structured risk indicators captured at intake; urgency rules suggest an urgency
    from them (triage.UrgencyRule). The codes are part of the API."""

    INTENT_WITH_PLAN = "intent_with_plan", "Current intent to end life, with a plan"
    REFERRER_FLAGGED_CRISIS = "referrer_flagged_crisis", "Referrer says the person is in crisis"
    RECENT_SELF_HARM = "recent_self_harm", "Self-harm in the last week"
    PSYCHOSIS = "psychosis", "Symptoms of psychosis"
    SAFEGUARDING = "safeguarding", "Safeguarding concern"
    NOT_EATING_OR_DRINKING = "not_eating_or_drinking", "Not eating or drinking"
    NO_RISK_INDICATED = "no_risk_indicated", "No risk indicated"

    @classmethod
    def labels_of(cls, codes) -> list[str]:
        """The indicators' names, as staff read them, in the order recorded."""
        labels = dict(cls.choices)
        return [labels.get(code, code) for code in codes]


class SpecificQueue(models.TextChoices):
    """Referrals reviewed by their own clinical triage group, in the same timescale."""

    EATING_DISORDERS = "eating_disorders", "Eating disorders"
    NURSING_HOME_IN_REACH = "nursing_home_in_reach", "Nursing home in-reach (older people)"


class MatchResult(models.TextChoices):
    """How the referral found the person's record. The codes are part of the API."""

    MATCHED_NHS_NUMBER = "matched_nhs_number", "Matched on NHS number"
    NEW_PERSON = "new_person", "New person: no likely match"
    POSSIBLE_MATCH = "possible_match", "Possible match: a person must confirm or link"


class ContactPreference(models.TextChoices):
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"


# Urgencies (triage's Clinical Response Priority codes) at or above `urgent`: suggested
# by the rules or asked for by the referrer, they put a referral on the 24/7 urgent
# queue until a clinician decides.
URGENT_LEVELS = ["emergency", "very_urgent", "urgent"]
URGENT_FLAGGED = (Q(urgent_triage_requested_at__isnull=False) | Q(suggested_urgency__in=URGENT_LEVELS)
                  | Q(referrer_urgency__in=URGENT_LEVELS))
AWAITING_TRIAGE = Q(status="awaiting_triage")


class TriageQueue(models.TextChoices):
    """The triage queue a referral waits on, worked out by the database from its status
    and flags (Referral.triage_queue)."""

    URGENT = "urgent", "Urgent (24/7)"
    NON_URGENT = "non_urgent", "Non-urgent"
    EATING_DISORDERS = "eating_disorders", "Eating disorders"
    NURSING_HOME_IN_REACH = "nursing_home_in_reach", "Nursing home in-reach (older people)"
    CHILDREN_HUB = "children_hub", "Children's hub handoff"


TRIAGE_QUEUE = Case(
    # Redirected to the children's hub: CAP still owns it until the hub accepts it.
    When(status="redirected_children_hub", then=Value(TriageQueue.CHILDREN_HUB.value)),
    When(Q(status="awaiting_urgent_assessment") | AWAITING_TRIAGE & URGENT_FLAGGED,
         then=Value(TriageQueue.URGENT.value)),
    When(AWAITING_TRIAGE & Q(specific_queue=""), then=Value(TriageQueue.NON_URGENT.value)),
    When(AWAITING_TRIAGE, then=F("specific_queue")),
    default=None, output_field=models.CharField(max_length=30),
)


# Open: the CAP still owns the next step. A referral redirected to the children's hub is
# open until the hub accepts it (or returns it, and it awaits triage again).
OPEN_STATUSES = [ReferralStatus.AWAITING_TRIAGE, ReferralStatus.AWAITING_BOOKING,
                 ReferralStatus.AWAITING_URGENT_ASSESSMENT, ReferralStatus.BOOKED,
                 ReferralStatus.REDIRECTED_CHILDREN_HUB]


class ReferralQuerySet(models.QuerySet["Referral"]):
    def open(self) -> Self:
        return self.filter(status__in=OPEN_STATUSES)


class Referral(models.Model):
    reference = models.CharField(max_length=20, unique=True, editable=False)
    service_user = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="referrals")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField(db_index=True)
    first_contact_at = models.DateTimeField(help_text="Starts the urgent assessment clocks.")
    status = models.CharField(max_length=30, choices=ReferralStatus.choices,
                              default=ReferralStatus.AWAITING_TRIAGE, db_index=True)
    # Up to a first and a last name of 100 characters each: a self-referral names the person.
    referrer_name = models.CharField(max_length=201, blank=True)
    # The public form names the relationship (60) and who filled it in: "(member of the public)".
    referrer_role = models.CharField(max_length=120, blank=True)
    referrer_organisation = models.CharField(max_length=120, blank=True)
    referrer_ods_code = models.CharField("referrer's practice ODS code", max_length=10, blank=True)
    referrer_phone = models.CharField("referrer's phone number", max_length=30, blank=True)
    reason = models.TextField(max_length=4000)
    referrer_risk = models.TextField("current risk as the referrer describes it", max_length=4000,
                                     blank=True)
    referrer_urgency = models.CharField(max_length=20, blank=True)
    risk_indicators = ArrayField(models.CharField(max_length=40, choices=RiskIndicator.choices),
                                 default=list, db_default=Value([], output_field=ArrayField(
                                     models.CharField(max_length=40))), blank=True)
    suggested_urgency = models.CharField(max_length=20, blank=True, db_default="",
                                         help_text="What the urgency rules suggested at intake.")
    specific_queue = models.CharField(max_length=30, choices=SpecificQueue.choices, blank=True,
                                      db_default="")
    attachment = models.FileField(storage=private_storage_of_attachments, upload_to="referrals/%Y/%m/",
                                  blank=True, help_text="The referral letter (PDF).")
    additional_information = models.TextField(
        "information gathered before triage", max_length=8000, blank=True)
    match_result = models.CharField(max_length=20, choices=MatchResult.choices,
                                    default=MatchResult.NEW_PERSON)
    match_reviewed_at = models.DateTimeField(null=True, blank=True)
    match_reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+")
    redirected_at = models.DateTimeField("redirected to the children's hub at", null=True, blank=True)
    urgent_triage_requested_at = models.DateTimeField(null=True, blank=True)
    contact_preference = models.CharField(max_length=10, choices=ContactPreference.choices, blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    contact_email = models.EmailField(blank=True)
    safe_to_leave_message = models.BooleanField(default=False)
    consent_to_share = models.BooleanField(null=True, blank=True)
    submission_token = models.CharField(
        max_length=64, null=True, blank=True, unique=True, editable=False,
        help_text="The one-time token of an online form: a resubmission finds this referral.")
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                                  related_name="+", help_text="Empty for online self-referrals.")
    created_at = models.DateTimeField(default=timezone.now)
    triage_queue = models.GeneratedField(
        expression=TRIAGE_QUEUE, output_field=models.CharField(max_length=30, choices=TriageQueue.choices),
        db_persist=True, help_text="The triage queue it waits on; empty when it waits on none.")
    next_due_at = models.DateTimeField(
        null=True, blank=True, editable=False,
        help_text="Its earliest running wait target's due instant, kept by triage.services.")
    # Both are derived: the history records what people changed.
    history = HistoricalRecords(excluded_fields=["triage_queue", "next_due_at"])

    objects = ReferralQuerySet.as_manager()

    class Meta:
        permissions = [("log_written_referral", "Can log a written referral")]
        indexes = [
            models.Index(fields=["service_user", "status"]),
            # A queue page is the head of one queue in due order: an index range scan.
            models.Index(fields=["triage_queue", "next_due_at", "received_at"],
                         condition=Q(triage_queue__isnull=False), name="triage_queue_due_idx"),
            # The wait dashboard counts the open referrals by status, queue and time left:
            # an index-only scan of the open ones, however many closed ones the table holds.
            models.Index(fields=["status", "triage_queue", "next_due_at"], include=["id"],
                         condition=Q(status__in=OPEN_STATUSES), name="open_referral_due_idx"),
            # The booking queue's first page is the head of the referrals awaiting booking in
            # due order (scheduling.selectors.booking_queue): an index range scan, not a sort
            # of everyone waiting.
            models.Index(fields=["next_due_at", "received_at", "id"],
                         condition=Q(status=ReferralStatus.AWAITING_BOOKING), name="booking_queue_due_idx"),
            # The same for the triage worklist, which reads several queues at once in due
            # order (triage_queue_due_idx serves one queue's page).
            models.Index(fields=["next_due_at", "received_at", "id"],
                         condition=Q(triage_queue__isnull=False), name="triage_worklist_due_idx"),
        ]

    def __str__(self):
        return self.reference

    def save(self, *args, **kwargs):
        # next_due_at is written only by triage.services, in the same transaction as the
        # targets it reflects: a save of a referral read earlier must not put back a
        # stale value.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [f.name for f in self._meta.concrete_fields
                                       if not (f.primary_key or f.generated or f.name == "next_due_at")]
        super().save(*args, **kwargs)


class ChildrenHubResponse(models.Model):
    """The children's hub's answer to a referral the CAP redirected to it: accepted (the
    hub owns it now) or returned, with the hub's reason, to CAP triage. Immutable: a
    referral returned and redirected again gets a second row."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", "Accepted by the children's hub"
        RETURNED = "returned", "Returned to CAP triage"

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="children_hub_responses")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    reason = models.TextField("the hub's reason", max_length=2000, blank=True,
                              help_text="Why the hub returned it (needed when returned).")
    responded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        permissions = [("work_children_hub_handoff",
                        "Can work the children's hub handoff queue and record the hub's response")]

    def __str__(self):
        return f"{self.referral}: {self.get_outcome_display()}"


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


class CallOutcome(models.TextChoices):
    RESOLVED = "resolved", "Resolved by the call handler"
    APPOINTMENT_CHANGE = "appointment_change", "Appointment change passed to the admin team"
    ROUTED_TO_TEAM = "routed_to_team", "Routed to the person's existing team"
    PASSED_TO_TRIAGE = "passed_to_triage", "Passed to urgent clinical triage"


class Enquiry(models.Model):
    """A phone call or online enquiry; clinical ones lead to a referral."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField(db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    caller_type = models.CharField(max_length=20, choices=CallerType.choices)
    nature = models.CharField(max_length=20, choices=CallNature.choices)
    details = models.TextField(max_length=4000, blank=True)
    outcome = models.TextField(max_length=2000)
    outcome_kind = models.CharField(max_length=20, choices=CallOutcome.choices,
                                    default=CallOutcome.RESOLVED)
    emergency_advised_at = models.DateTimeField(
        "999 advised at", null=True, blank=True,
        help_text="The caller was in immediate danger and was advised to call 999.")
    # Who called and how to call them back: the clinician who triages the call rings this
    # number, which may not be the person's own.
    caller_name = models.CharField(max_length=201, blank=True)
    caller_relationship = models.CharField("caller's relationship to the person", max_length=60,
                                           blank=True)
    callback_number = models.CharField(max_length=30, blank=True)
    risk_indicators = ArrayField(models.CharField(max_length=40, choices=RiskIndicator.choices),
                                 default=list, db_default=Value([], output_field=ArrayField(
                                     models.CharField(max_length=40))), blank=True)
    service_user = models.ForeignKey(ServiceUser, null=True, blank=True, on_delete=models.PROTECT)
    referral = models.ForeignKey(Referral, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="calls",
                                 help_text="The referral the call created, or joined as a further contact.")
    joined_referral = models.BooleanField(
        default=False, db_default=False,
        help_text="The call was added to a referral already open, not the start of a new one.")
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                                  related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "enquiries"
        permissions = [("log_call", "Can log a phone call")]

    def __str__(self):
        return self.reference


class TaskKind(models.TextChoices):
    APPOINTMENT_CHANGE = "appointment_change", "Change an appointment"
    ROUTED_CALL = "routed_call", "Act on a call routed to your team"
    ROUTED_REFERRAL = "routed_referral", "Act on a referral triage routed to your team"
    # A child, or an adult who depends on others to attend, was not brought to their
    # assessment: a safeguarding concern for the team, never a reason to discharge.
    SAFEGUARDING_REVIEW = "safeguarding_review", "Review a safeguarding concern: not brought"


class TaskQuerySet(models.QuerySet["Task"]):
    def open(self) -> Self:
        return self.filter(done_at__isnull=True)


class Task(models.Model):
    """Work handed to a team or the admin team that someone must act on."""

    kind = models.CharField(max_length=30, choices=TaskKind.choices)
    description = models.TextField(max_length=4000)
    service_user = models.ForeignKey(ServiceUser, null=True, blank=True, on_delete=models.PROTECT)
    enquiry = models.ForeignKey(Enquiry, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="tasks")
    team = models.ForeignKey("scheduling.Team", null=True, blank=True, on_delete=models.PROTECT,
                             help_text="Empty means the admin team.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    objects = TaskQuerySet.as_manager()


class IdempotencyKey(models.Model):
    """The first response to a POST carrying an Idempotency-Key, replayed for retries.

    Written in the same transaction as what the POST created, so a key exists
    exactly when its referral does."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the request body.")
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_response_per_key")]


class RecordAccess(models.Model):
    """Who looked at a person's record, and when (the Care Record Guarantee promises
    a person can ask). Written only by core.audit.record_access_log, which every
    read that shows a person's details calls."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    service_user = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="accesses")
    # Read by person (the index below), never by referral: no index of its own, so a
    # read costs one index fewer to write.
    referral = models.ForeignKey(Referral, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", db_index=False,
                                 help_text="The referral the record was read for, if any.")
    accessed_at = models.DateTimeField(default=timezone.now)
    context = models.CharField(max_length=60)  # What was shown: the page, letter or API.
    # Set when the reader had no care relationship with the person and broke the glass:
    # the reason they gave, reported to the managers.
    break_glass_reason = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        # By person (who has read my record), and by reader (what has this user read: a
        # Caldicott investigation's question).
        indexes = [models.Index(fields=["service_user", "accessed_at"]),
                   models.Index(fields=["user", "accessed_at"], name="record_access_by_reader")]
