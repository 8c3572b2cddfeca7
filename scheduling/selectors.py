"""Named reads for scheduling: the admin team's booking queue, the never-lost list and the
appointment slot issues list, each ordered by what is closest to breaching."""

from datetime import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from cap.models import Referral, ReferralStatus
from triage.models import DecisionOutcome, TriageDecision
from triage.selectors import with_due_target_and_flags, with_next_due

from .models import (
    Booking,
    BookingKind,
    BookingStatus,
    CancelledBy,
    ClinicalReview,
    DiaryEntry,
    DiaryException,
    Practitioner,
    SlotIssue,
    Team,
)

# Statuses that end the CAP's hold on a person triaged for assessment: assessed, or
# closed by a recorded decision. Everyone else triaged for assessment stays listed.
OFF_THE_LIST = [ReferralStatus.ASSESSED, ReferralStatus.CLOSED]


def _with_latest_decision(queryset: QuerySet[Referral]) -> QuerySet[Referral]:
    latest = TriageDecision.objects.filter(referral=OuterRef("pk")).order_by("-decided_at", "-pk")
    return queryset.annotate(stream=Subquery(latest.values("stream")[:1]),
                             urgency=Subquery(latest.values("urgency")[:1]),
                             target_timescale=Subquery(latest.values("target_timescale")[:1]),
                             timescale_sets_due=Subquery(latest.values("timescale_sets_due")[:1]))


def _with_next_booking(queryset: QuerySet[Referral], now: datetime) -> QuerySet[Referral]:
    live = (Booking.objects.live(now).filter(referral=OuterRef("pk"), ends_at__gt=now)
            .order_by("starts_at"))
    return queryset.annotate(next_booking_at=Subquery(live.values("starts_at")[:1]),
                             next_booking_id=Subquery(live.values("pk")[:1]),
                             next_booking_status=Subquery(live.values("status")[:1]))


# Why a person is back on the booking queue, from their latest structured booking (a
# hold that ran out says nothing: the person was never booked).
CANCELLED = BookingStatus.CANCELLED
WHY_BACK = [
    (Q(last_status=CANCELLED, last_cancelled_by=CancelledBy.PERSON), "Cancelled by the person"),
    (Q(last_status=CANCELLED, last_cancelled_by=CancelledBy.SERVICE), "Cancelled by the service"),
    (Q(last_status=BookingStatus.DID_NOT_ATTEND), "Did not attend"),
    (Q(last_status=BookingStatus.WAS_NOT_BROUGHT), "Was not brought"),
]


def _count(bookings: QuerySet[Booking], **where: object) -> Coalesce:
    counted = bookings.filter(**where).order_by().values("referral").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted[:1]), 0)


def with_why_back(queryset: QuerySet[Referral]) -> QuerySet[Referral]:
    """Each referral with why it is back on the queue (`why_back`: cancelled by the
    person or by the service, did not attend, was not brought; "" the first time), how
    many times each happened, and whether a clinical review is needed first. Cancellations
    that moved the booking (rebooked) are not counted: the person was never back."""
    structured = Booking.objects.filter(referral=OuterRef("pk"), kind=BookingKind.STRUCTURED)
    latest = structured.exclude(status=BookingStatus.EXPIRED).order_by("-created_at", "-pk")
    returned = structured.filter(status=BookingStatus.CANCELLED, rebooked_as__isnull=True)
    return queryset.annotate(
        last_status=Subquery(latest.values("status")[:1]),
        last_cancelled_by=Subquery(latest.values("cancelled_by")[:1]),
        why_back=Case(*(When(q, then=Value(label)) for q, label in WHY_BACK), default=Value(""),
                      output_field=CharField()),
        cancelled_by_person=_count(returned, cancelled_by=CancelledBy.PERSON),
        cancelled_by_service=_count(returned, cancelled_by=CancelledBy.SERVICE),
        did_not_attend=_count(structured, status=BookingStatus.DID_NOT_ATTEND),
        was_not_brought=_count(structured, status=BookingStatus.WAS_NOT_BROUGHT),
        review_needed=Exists(ClinicalReview.objects.open().filter(referral=OuterRef("pk"))),
    )


def booking_queue(now: datetime | None = None) -> QuerySet[Referral]:
    """Triaged referrals waiting for their first assessment to be booked, most at risk
    first: routine ones after triage, and anyone whose booking was cancelled or missed
    (the rebooking target puts them near the top), with why they are back."""
    now = now or timezone.now()
    return with_why_back(_with_next_booking(with_due_target_and_flags(with_next_due(_with_latest_decision(
        Referral.objects.filter(status=ReferralStatus.AWAITING_BOOKING)
        .select_related("service_user", "service_user__gp_practice")))), now))


def clinical_reviews_needed() -> QuerySet[ClinicalReview]:
    """Reviews a clinician must record before a person who missed appointments is booked
    again, the referral most at risk of breaching first."""
    return (ClinicalReview.objects.open().select_related("referral__service_user", "booking")
            .order_by(F("referral__next_due_at").asc(nulls_last=True), "requested_at", "pk"))


def under_cap_until_assessed(now: datetime | None = None) -> QuerySet[Referral]:
    """Everyone triaged for assessment and not yet assessed, with their next booking (or
    none), most at risk first. Defined by the decision, not by the booking state, so a
    cancelled, missed or expired booking can never drop a person from it."""
    now = now or timezone.now()
    triaged_for_assessment = Exists(TriageDecision.objects.filter(
        referral=OuterRef("pk"), outcome=DecisionOutcome.ASSESSMENT))
    return _with_next_booking(with_due_target_and_flags(with_next_due(_with_latest_decision(
        Referral.objects.filter(triaged_for_assessment).exclude(status__in=OFF_THE_LIST)
        .select_related("service_user")))), now)


def appointment_slot_issues() -> QuerySet[SlotIssue]:
    """Referrals for which nothing could be found before their target: the earliest
    target first, with the first option after it when there was one."""
    return (SlotIssue.objects.filter(resolved_at__isnull=True)
            .select_related("referral", "referral__service_user", "owner")
            .order_by(F("target_due_at").asc(nulls_last=True), "raised_at"))


def referrals_with_slot_issues(now: datetime | None = None) -> QuerySet[Referral]:
    """The referrals on the appointment slot issues list, annotated like every worklist's
    rows (due target, time left, flags) so the list sorts, filters and pages as they do;
    `attach_slot_issues` adds each page's open issues in one query."""
    now = now or timezone.now()
    open_issue = Exists(SlotIssue.objects.filter(referral=OuterRef("pk"), resolved_at__isnull=True))
    return with_due_target_and_flags(with_next_due(_with_latest_decision(
        Referral.objects.filter(open_issue).select_related("service_user"))))


def attach_slot_issues(referrals: list[Referral]) -> list[Referral]:
    """Sets `slot_issue` on each referral to its open slot issue (the earliest raised)."""
    issues: dict[int, SlotIssue] = {}
    for issue in (SlotIssue.objects.filter(referral__in=referrals, resolved_at__isnull=True)
                  .select_related("owner").order_by("-raised_at", "-pk")):
        issues[issue.referral_id] = issue
    for referral in referrals:
        referral.slot_issue = issues.get(referral.pk)  # type: ignore[attr-defined]
    return referrals


def bookings_to_rearrange(now: datetime | None = None) -> QuerySet[Booking]:
    """Booked assessments still to come that a practitioner can no longer do: leave,
    sickness, training or another commitment recorded over one of their entries since."""
    now = now or timezone.now()
    clash = DiaryException.objects.filter(practitioner=OuterRef("practitioner"),
                                          starts_at__lt=OuterRef("ends_at"),
                                          ends_at__gt=OuterRef("starts_at"))
    entries = DiaryEntry.objects.filter(live=True, booking__status=BookingStatus.BOOKED, ends_at__gt=now,
                                        practitioner__isnull=False).filter(Exists(clash))
    return (Booking.objects.filter(pk__in=entries.values("booking_id"))
            .select_related("referral__service_user", "team").order_by("starts_at"))


def teams_for(referral: Referral, stream: str) -> list[Team]:
    """Teams of the stream, the one aligned to the person's GP practice's PCN first."""
    teams = list(Team.objects.filter(specialty=stream).prefetch_related("pcns"))
    practice = referral.service_user.gp_practice
    pcn_id = practice.pcn_id if practice else None
    return sorted(teams, key=lambda t: (pcn_id not in {p.id for p in t.pcns.all()}, t.name))


def bookings_of(referral: Referral) -> QuerySet[Booking]:
    return (Booking.objects.filter(referral=referral).select_related("team", "room", "template")
            .order_by("-created_at"))



def bookings_clashing_with(absence: DiaryException, now: datetime | None = None) -> QuerySet[Booking]:
    """The booked assessments still to come that have the practitioner during the absence:
    the ones bookings_to_rearrange lists for the admin team because of it."""
    now = now or timezone.now()
    entries = (DiaryEntry.objects.filter(practitioner=absence.practitioner_id, live=True,
                                         booking__status=BookingStatus.BOOKED, ends_at__gt=now)
               .filter(starts_at__lt=absence.ends_at, ends_at__gt=absence.starts_at))
    return (Booking.objects.filter(pk__in=entries.values("booking_id"))
            .select_related("referral", "team").order_by("starts_at"))


# Who may see and keep a practitioner's diary: one rule for the diary, its feed address,
# its absences and its working pattern. Those who read diaries role-wide (the admin team,
# managers, triage clinicians who book crisis assessments) see every diary; a practitioner
# sees their own and no one else's.
READ_EVERY_DIARY = "scheduling.view_practitioner"
KEEP_EVERY_DIARY = "scheduling.change_diaryexception"
KEEP_OWN_DIARY = "scheduling.keep_own_diary"
EDIT_WORKING_PATTERNS = "scheduling.change_workingpattern"
AnyUser = User | AnonymousUser


def is_own_diary(user: AnyUser, practitioner: Practitioner) -> bool:
    return user.is_authenticated and practitioner.user_id == user.pk and user.has_perm(KEEP_OWN_DIARY)


def may_read_diary(user: AnyUser, practitioner: Practitioner) -> bool:
    return user.has_perm(READ_EVERY_DIARY) or is_own_diary(user, practitioner)


def may_keep_diary(user: AnyUser, practitioner: Practitioner) -> bool:
    """Recording, changing and cancelling leave, training and sickness."""
    return user.has_perm(KEEP_EVERY_DIARY) or is_own_diary(user, practitioner)


def may_edit_working_pattern(user: AnyUser) -> bool:
    return user.has_perm(EDIT_WORKING_PATTERNS)
