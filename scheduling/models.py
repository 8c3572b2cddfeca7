"""Scheduling: teams, practitioners and their diaries, structured assessment templates,
and the bookings that put a person's first assessment into clinical diaries."""

import secrets
from datetime import datetime
from typing import Self

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.db import models
from django.db.models import Func, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cap.models import PrimaryCareNetwork, Referral
from core.formatting import date_and_time
from triage.models import AssessmentSetting, Stream


class Team(models.Model):
    """A specialty team, aligned to a group of Primary Care Networks (three or more for
    the community teams; one trust-wide team may cover them all)."""

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


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class Practitioner(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="practitioner")
    name = models.CharField(max_length=120)
    discipline = models.ForeignKey(Discipline, on_delete=models.PROTECT)
    teams = models.ManyToManyField(Team, related_name="practitioners")
    feed_token = models.CharField(
        max_length=40, unique=True, default=new_feed_token, editable=False,
        help_text="The secret in the address of the practitioner's iCalendar feed.")
    history = HistoricalRecords(excluded_fields=["feed_token"])

    class Meta:
        ordering = ["name"]
        # A practitioner's own diary, calendar feed and working pattern, and recording their
        # own leave, training and sickness: never another practitioner's (selectors.may_keep_diary).
        permissions = [("keep_own_diary", "Can see one's own diary and record one's own absences")]

    def __str__(self):
        return f"{self.name} ({self.discipline})"


class WorkingPattern(models.Model):
    """One weekly working session of a practitioner (Europe/London wall times)."""

    practitioner = models.ForeignKey(Practitioner, on_delete=models.CASCADE,
                                     related_name="working_pattern")
    weekday = models.PositiveSmallIntegerField(help_text="0 is Monday.")
    starts = models.TimeField()
    ends = models.TimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["weekday", "starts"]
        constraints = [
            models.CheckConstraint(condition=Q(ends__gt=models.F("starts")),
                                   name="working_session_ends_after_it_starts"),
        ]


class DiaryException(models.Model):
    """Time a practitioner is not available for assessments, whatever their pattern."""

    class Kind(models.TextChoices):
        LEAVE = "leave", "Leave"
        TRAINING = "training", "Training"
        SICKNESS = "sickness", "Sickness"
        COMMITMENT = "commitment", "Other commitment"

    practitioner = models.ForeignKey(Practitioner, on_delete=models.CASCADE, related_name="exceptions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    note = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                   name="diary_exception_ends_after_it_starts"),
        ]
        indexes = [models.Index(fields=["practitioner", "ends_at"])]


# The kinds of whole-day absence recorded on the diary pages (services.diary_absence_record);
# an "other commitment" may be part of a day and is kept in the admin site.
ABSENCE_KINDS = (DiaryException.Kind.LEAVE, DiaryException.Kind.TRAINING, DiaryException.Kind.SICKNESS)


class ClinicRoom(models.Model):
    name = models.CharField(max_length=120)
    site = models.CharField(max_length=200, help_text="The address the person is given.")
    teams = models.ManyToManyField(Team, related_name="rooms")
    # Offered to a person whose Reasonable Adjustment flag asks for them.
    step_free = models.BooleanField(
        default=False, db_default=False,
        help_text="The room and the way to it from the entrance have no steps.")
    quiet_waiting = models.BooleanField(
        default=False, db_default=False, help_text="The person can wait somewhere quiet near the room.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}, {self.site}"


class AssessmentTemplate(models.Model):
    """A structured assessment: its steps, who does each, and when relative to the start
    of the core assessment. The template for a stream and setting is used, or the one
    for every stream (stream left empty)."""

    name = models.CharField(max_length=120)
    stream = models.CharField(max_length=20, choices=Stream.choices, blank=True,
                              help_text="Empty: used for every stream without its own.")
    setting = models.CharField(max_length=10, choices=AssessmentSetting.choices)
    what_to_expect = models.TextField(max_length=4000, help_text="Printed on the appointment letter.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["stream", "setting"]
        constraints = [models.UniqueConstraint(fields=["stream", "setting"],
                                               name="one_template_per_stream_and_setting")]

    def __str__(self):
        return self.name


class TemplateRole(models.Model):
    """One person in a template: the same person does every step the role is part of
    (the same nurse across the nurse's steps)."""

    template = models.ForeignKey(AssessmentTemplate, on_delete=models.CASCADE, related_name="roles")
    name = models.CharField(max_length=80, help_text="For example: assessing nurse.")
    disciplines = models.ManyToManyField(Discipline, related_name="+",
                                         help_text="Any one of these disciplines may fill the role.")
    optional = models.BooleanField(
        default=False, help_text="Included only when triage asks for the discipline or names someone.")
    by_phone = models.BooleanField(default=False, help_text="Joins by phone (no travel, no room).")
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.name


class TemplateStep(models.Model):
    template = models.ForeignKey(AssessmentTemplate, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300, blank=True)
    offset_minutes = models.SmallIntegerField(
        help_text="Minutes from the start of the core assessment; negative is before it.")
    duration_minutes = models.PositiveSmallIntegerField()
    roles = models.ManyToManyField(TemplateRole, related_name="steps")
    with_person = models.BooleanField(default=True, help_text="The person takes part (and it is in "
                                                              "their letter); needs the room in clinic.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["template", "order"], name="one_step_per_order"),
            models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="step_takes_time"),
        ]

    def __str__(self):
        return self.name


class PersonUnavailability(models.Model):
    """A time the person said they cannot do: every week (weekday empty: every day)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="unavailable_times")
    weekday = models.PositiveSmallIntegerField(null=True, blank=True, help_text="0 is Monday.")
    starts = models.TimeField()
    ends = models.TimeField()
    note = models.CharField(max_length=200, blank=True)
    # Changed and removed by the admin team: a mistyped time must not block a person for
    # good, and who changed it is kept.
    history = HistoricalRecords()

    class Meta:
        ordering = ["weekday", "starts"]
        constraints = [models.CheckConstraint(condition=Q(ends__gt=models.F("starts")),
                                              name="unavailable_time_ends_after_it_starts")]

    @property
    def days(self) -> str:
        """The days it applies to, as the admin chose them ("Mondays", "Every day"). The
        field has no choices, so Django gives it no get_weekday_display."""
        if self.weekday is None:
            return "Every day"
        return ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays",
                "Sundays")[self.weekday]


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class BookingStatus(models.TextChoices):
    HELD = "held", "Held while the time is agreed"
    BOOKED = "booked", "Booked"
    ATTENDED = "attended", "Attended"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"
    # For children and adults who depend on others to attend: not the person's choice, so
    # a safeguarding review, never a step towards discharge (services.booking_was_not_brought).
    WAS_NOT_BROUGHT = "was_not_brought", "Was not brought"
    CANCELLED = "cancelled", "Cancelled"
    EXPIRED = "expired", "Hold expired"


LIVE_STATUSES = [BookingStatus.HELD, BookingStatus.BOOKED]


class CancelledBy(models.TextChoices):
    PERSON = "person", "The person"
    SERVICE = "service", "The service"


class BookingQuerySet(models.QuerySet["Booking"]):
    def live(self, now: datetime | None = None) -> Self:
        """Held (and not yet expired) or booked."""
        now = now or timezone.now()
        return self.filter(Q(status=BookingStatus.BOOKED)
                           | Q(status=BookingStatus.HELD, held_until__gt=now))


class BookingKind(models.TextChoices):
    STRUCTURED = "structured", "Structured assessment"
    CRISIS = "crisis", "Urgent crisis assessment"


class CrisisPlace(models.TextChoices):
    """Where an urgent face-to-face crisis assessment happens. The codes are stored."""

    HOME = "home", "Home visit"
    CLINIC = "clinic", "Clinic"
    HUB = "hub", "Urgent Care Hub"
    OTHER = "other", "Somewhere else"


class Booking(models.Model):
    """A person's assessment in clinical diaries: a structured assessment (one booking,
    many diary entries: one per practitioner per step, and the clinic room), or an
    urgent crisis assessment (one practitioner's entry, arranged by urgent triage; no
    template, and `place` says where)."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="bookings")
    kind = models.CharField(max_length=12, choices=BookingKind.choices, default=BookingKind.STRUCTURED)
    template = models.ForeignKey(AssessmentTemplate, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", help_text="A structured assessment's; a crisis "
                                                             "assessment has none.")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="bookings")
    room = models.ForeignKey(ClinicRoom, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="bookings")
    setting = models.CharField(max_length=10, choices=AssessmentSetting.choices)
    place = models.CharField(max_length=10, choices=CrisisPlace.choices, blank=True,
                             help_text="Where a crisis assessment happens.")
    place_detail = models.CharField(max_length=160, blank=True,
                                    help_text="The address, clinic or other place, in words.")
    starts_at = models.DateTimeField(help_text="The core assessment starts.")
    first_entry_at = models.DateTimeField(help_text="The first diary entry (meet and greet) starts.")
    ends_at = models.DateTimeField(help_text="The last diary entry ends.")
    status = models.CharField(max_length=20, choices=BookingStatus.choices)
    held_until = models.DateTimeField(null=True, blank=True)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    booked_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.CharField(max_length=10, choices=CancelledBy.choices, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    rebooked_from = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="rebooked_as")
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    # The interpreter the person's Reasonable Adjustment flag asks for, when booked: held as
    # "interpreter to confirm" until the admin team records who is booked to interpret.
    interpreter_needed = models.CharField(max_length=100, blank=True, db_default="",
                                          help_text="The interpreter needed (\"British Sign Language\", "
                                                    "\"Polish\"); empty when none is.")
    interpreter_booked = models.CharField(max_length=200, blank=True, db_default="",
                                          help_text="Who is booked to interpret: the agency and name.")
    interpreter_confirmed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        permissions = [("book_assessment", "Can book an assessment")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("first_entry_at")),
                                   name="booking_ends_after_it_starts"),
            # Two admins booking the same person at once: one wins. A crisis assessment may
            # be booked while a structured one is kept (a crisis call after a routine triage).
            models.UniqueConstraint(fields=["referral", "kind"], condition=Q(status__in=LIVE_STATUSES),
                                    name="one_live_booking_of_each_kind_per_referral"),
            models.CheckConstraint(
                condition=Q(kind=BookingKind.CRISIS, template__isnull=True)
                | Q(kind=BookingKind.STRUCTURED, template__isnull=False),
                name="a_structured_assessment_has_a_template"),
        ]
        indexes = [models.Index(fields=["status", "held_until"], name="booking_held_idx",
                                condition=Q(status=BookingStatus.HELD))]

    def __str__(self):
        return f"{self.referral} on {date_and_time(self.starts_at, weekday=True)}"

    @property
    def is_crisis(self) -> bool:
        return self.kind == BookingKind.CRISIS

    @property
    def where(self) -> str:
        """Where it happens, as the diary and the referral say it."""
        if self.is_crisis:
            label = CrisisPlace(self.place).label if self.place else "Crisis assessment"
            return f"{label}: {self.place_detail}" if self.place_detail else label
        return str(self.room) if self.room else "Home visit"


class DiaryEntry(models.Model):
    """Time in a practitioner's diary or a clinic room's, for one step of a booking.
    `live` while the booking is held or booked (and after it happened); a cancelled or
    expired booking's entries free their time."""

    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="entries")
    practitioner = models.ForeignKey(Practitioner, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="diary_entries")
    room = models.ForeignKey(ClinicRoom, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="diary_entries")
    step = models.CharField(max_length=80)
    role = models.CharField(max_length=80, blank=True)
    by_phone = models.BooleanField(default=False)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    live = models.BooleanField(default=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                   name="diary_entry_ends_after_it_starts"),
            models.CheckConstraint(
                condition=Q(practitioner__isnull=False, room__isnull=True)
                | Q(practitioner__isnull=True, room__isnull=False),
                name="diary_entry_is_a_practitioners_or_a_rooms"),
            # The guarantee against double booking: no two live entries of one
            # practitioner, or of one room, overlap, whatever the application did.
            ExclusionConstraint(
                name="no_double_booking_of_a_practitioner",
                expressions=[("practitioner", RangeOperators.EQUAL),
                             (TsTzRange("starts_at", "ends_at"), RangeOperators.OVERLAPS)],
                condition=Q(live=True, practitioner__isnull=False),
            ),
            ExclusionConstraint(
                name="no_double_booking_of_a_room",
                expressions=[("room", RangeOperators.EQUAL),
                             (TsTzRange("starts_at", "ends_at"), RangeOperators.OVERLAPS)],
                condition=Q(live=True, room__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["practitioner", "ends_at"], name="diary_entry_practitioner_idx",
                         condition=Q(live=True)),
            models.Index(fields=["room", "ends_at"], name="diary_entry_room_idx", condition=Q(live=True)),
        ]


class SlotIssueReason(models.TextChoices):
    """Why a referral is on the appointment slot issues list. The codes are stored."""

    NONE_WITHIN_TARGET = "none_within_target", "No time before the target"
    NO_TEAM = "no_team", "No team provides the stream"
    NO_TEMPLATE = "no_template", "No assessment template"
    NO_ROLE = "no_role", "The template has no role for what triage asked for"
    NO_PRACTITIONER = "no_practitioner", "No practitioner of a discipline needed"
    NO_ROOM = "no_room", "No clinic room with the access the person needs"


class SlotIssueAction(models.TextChoices):
    """What the manager who owns a slot issue is doing about it. The codes are stored."""

    ADD_CLINIC_TIME = "add_clinic_time", "Add clinic time"
    ASK_ANOTHER_TEAM = "ask_another_team", "Ask another team"
    BOOK_OUTSIDE_TARGET = "book_outside_target", "Book outside the target, with the reason"
    ASK_TRIAGE = "ask_triage", "Ask triage to review what the assessment needs"


class SlotIssue(models.Model):
    """A referral that cannot be booked within its target, or cannot be searched at all
    (no team, template or practitioner for what triage decided): for a manager to
    resolve (the appointment slot issues list). Found by a background task as well as
    the booking page; resolved when the person is booked, or when the task finds a time
    within the target again."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="slot_issues")
    raised_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=30, choices=SlotIssueReason.choices,
                              default=SlotIssueReason.NONE_WITHIN_TARGET,
                              db_default=SlotIssueReason.NONE_WITHIN_TARGET)
    reason_detail = models.CharField(max_length=300, blank=True, db_default="",
                                     help_text="The reason in words: which team, role or discipline.")
    target_due_at = models.DateTimeField(null=True, blank=True)
    first_option_at = models.DateTimeField(null=True, blank=True,
                                           help_text="The first option after the target, if any.")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", help_text="Who is resolving it.")
    note = models.TextField(max_length=2000, blank=True, db_default="")
    action = models.CharField(max_length=30, choices=SlotIssueAction.choices, blank=True, db_default="")
    # Bumped by each change of owner, note or action: a form posted from an older version
    # is refused, so one manager never silently undoes another's note.
    version = models.PositiveIntegerField(default=0, db_default=0)
    resolved_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["target_due_at"]
        constraints = [models.UniqueConstraint(fields=["referral"], condition=Q(resolved_at__isnull=True),
                                               name="one_open_slot_issue_per_referral")]


class ClinicalReviewReason(models.TextChoices):
    THIRD_DID_NOT_ATTEND = "third_did_not_attend", "Did not attend three times"
    VULNERABLE = "vulnerable", "Did not attend, and flagged vulnerable"


class ClinicalReviewDecision(models.TextChoices):
    """What a clinician decided after reviewing a person who did not attend. The codes are
    stored."""

    REBOOK = "rebook", "Offer another appointment"
    DISCHARGE_TO_GP = "discharge_to_gp", "Discharge to the GP, with a letter"
    ROUTE_ELSEWHERE = "route_elsewhere", "Route to another service"


class ClinicalReviewQuerySet(models.QuerySet["ClinicalReview"]):
    def open(self) -> Self:
        return self.filter(decided_at__isnull=True)


class ClinicalReview(models.Model):
    """A person who did not attend a third time, or who is flagged vulnerable and did not
    attend, is reviewed by a clinician before anything else: until the decision is
    recorded, the referral cannot be booked (services.clinical_review_record)."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="clinical_reviews")
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="+",
                                help_text="The missed appointment that asked for it.")
    reason = models.CharField(max_length=30, choices=ClinicalReviewReason.choices)
    requested_at = models.DateTimeField()
    decision = models.CharField(max_length=20, choices=ClinicalReviewDecision.choices, blank=True)
    note = models.TextField(max_length=4000, blank=True, help_text="The clinician's reasoning.")
    letter = models.TextField(max_length=4000, blank=True, help_text="The letter to the GP, on discharge.")
    routed_to = models.CharField(max_length=200, blank=True, help_text="The service routed to.")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    objects = ClinicalReviewQuerySet.as_manager()

    class Meta:
        ordering = ["requested_at"]
        permissions = [("record_clinical_review", "Can record a clinical review of a missed appointment")]
        constraints = [
            models.UniqueConstraint(fields=["referral"], condition=Q(decided_at__isnull=True),
                                    name="one_open_clinical_review_per_referral"),
            models.CheckConstraint(condition=Q(decided_at__isnull=True, decision="")
                                   | Q(decided_at__isnull=False) & ~Q(decision=""),
                                   name="a_decided_review_has_a_decision"),
        ]
