"""Named reads for scheduling: the admin team's booking queue, the never-lost list and the
appointment slot issues list, each ordered by what is closest to breaching."""

from datetime import datetime

from django.db.models import Exists, F, OuterRef, QuerySet, Subquery
from django.utils import timezone

from cap.models import Referral, ReferralStatus
from triage.models import DecisionOutcome, TriageDecision
from triage.selectors import with_next_due

from .models import Booking, BookingStatus, DiaryEntry, DiaryException, SlotIssue, Team

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


def booking_queue(now: datetime | None = None) -> QuerySet[Referral]:
    """Triaged referrals waiting for their first assessment to be booked, most at risk
    first: routine ones after triage, and anyone whose booking was cancelled or missed."""
    now = now or timezone.now()
    return _with_next_booking(with_next_due(_with_latest_decision(
        Referral.objects.filter(status=ReferralStatus.AWAITING_BOOKING)
        .select_related("service_user", "service_user__gp_practice"))), now)


def under_cap_until_assessed(now: datetime | None = None) -> QuerySet[Referral]:
    """Everyone triaged for assessment and not yet assessed, with their next booking (or
    none), most at risk first. Defined by the decision, not by the booking state, so a
    cancelled, missed or expired booking can never drop a person from it."""
    now = now or timezone.now()
    triaged_for_assessment = Exists(TriageDecision.objects.filter(
        referral=OuterRef("pk"), outcome=DecisionOutcome.ASSESSMENT))
    return _with_next_booking(with_next_due(_with_latest_decision(
        Referral.objects.filter(triaged_for_assessment).exclude(status__in=OFF_THE_LIST)
        .select_related("service_user"))), now)


def appointment_slot_issues() -> QuerySet[SlotIssue]:
    """Referrals for which nothing could be found before their target: the earliest
    target first, with the first option after it when there was one."""
    return (SlotIssue.objects.filter(resolved_at__isnull=True)
            .select_related("referral", "referral__service_user", "owner")
            .order_by(F("target_due_at").asc(nulls_last=True), "raised_at"))


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

