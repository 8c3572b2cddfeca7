"""Named reads for triage's lists, its follow-up work and the managers' dashboard."""

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)

from adjustments.models import AdjustmentFlag, FlagStatus
from cap.models import Referral, ReferralStatus, RiskIndicator, Task, TriageQueue

from .models import (
    BreachAlert,
    HuddleItem,
    InformationRequest,
    ScanHeartbeat,
    TriageDecision,
    UrgentAction,
    WaitTarget,
)

if TYPE_CHECKING:  # scheduling's models import triage's: read on use
    from scheduling.models import Practitioner


def with_next_due(queryset: QuerySet[Referral]) -> QuerySet[Referral]:
    """Each referral with its earliest running target's due instant as `next_due`,
    ordered by it: the most at risk of breaching first (none running: last)."""
    return queryset.annotate(next_due=F("next_due_at")).order_by(
        F("next_due_at").asc(nulls_last=True), "received_at")


def with_api_detail(queryset: QuerySet[Referral]) -> QuerySet[Referral]:
    """Everything the referral API shows, in a fixed number of queries."""
    return queryset.select_related("service_user", "service_user__adjustment_flag").prefetch_related(
        Prefetch("decisions", queryset=TriageDecision.objects.select_related("decided_by")
                 .order_by("-decided_at", "-pk")),
        Prefetch("targets", queryset=WaitTarget.objects.select_related("definition").order_by("due_at")),
    )


def triage_worklist() -> QuerySet[Referral]:
    """Referrals awaiting triage: those a call handler passed to urgent clinical triage
    first (oldest first contact first), then by the earliest due target."""
    return with_next_due(
        Referral.objects.filter(status=ReferralStatus.AWAITING_TRIAGE).select_related("service_user")
    ).order_by(F("urgent_triage_requested_at").asc(nulls_last=True), "next_due", "received_at")


# The risk indicators that make a referral a crisis on a worklist: the person's own words
# of intent, or the referrer's; a call handler passing a call to urgent triage is one too.
CRISIS_INDICATORS = [RiskIndicator.INTENT_WITH_PLAN.value, RiskIndicator.REFERRER_FLAGGED_CRISIS.value]


def with_due_target_and_flags(queryset: QuerySet[Referral]) -> QuerySet[Referral]:
    """What a worklist row shows beyond the referral and its person, in the same query
    (no query per row): `due_target` and `at_risk_at`, the name and at-risk instant of
    the running target that sets `next_due_at` (the earliest); `crisis`; and
    `adjustments`, whether the person's Reasonable Adjustment flag says adjustments are
    needed, or a triage decision recorded specific requirements as free text."""
    first_running = (WaitTarget.objects.running().filter(referral=OuterRef("pk"))
                     .order_by("due_at", "pk"))
    return queryset.annotate(
        due_target=Subquery(first_running.values("definition__name")[:1]),
        at_risk_at=Subquery(first_running.values("at_risk_at")[:1]),
        crisis=ExpressionWrapper(
            Q(urgent_triage_requested_at__isnull=False) | Q(risk_indicators__overlap=CRISIS_INDICATORS),
            output_field=BooleanField()),
        adjustments=ExpressionWrapper(
            Q(Exists(AdjustmentFlag.objects.filter(service_user=OuterRef("service_user_id"),
                                                   status=FlagStatus.NEEDED)))
            | Q(Exists(TriageDecision.objects.filter(referral=OuterRef("pk")).exclude(requirements=""))),
            output_field=BooleanField()),
    )


def with_worklist_columns(queryset: QuerySet[Referral]) -> QuerySet[Referral]:
    """A triage queue's row: the person and the claim joined, the due target and flags."""
    return with_due_target_and_flags(queryset.select_related("service_user", "claim__clinician"))


def _queue(queue: str, limit: int | None = None) -> QuerySet[Referral]:
    """A queue's rows in due order with everything its table shows, in one query: the
    person, the claim and its clinician joined. The head of a queue is a range scan of
    triage_queue_due_idx, whatever the queue's length."""
    queryset = with_worklist_columns(with_next_due(Referral.objects.filter(triage_queue=queue)))
    return queryset if limit is None else queryset[:limit]


def triage_queues(queues: list[str]) -> QuerySet[Referral]:
    """The referrals waiting on any of `queues` (TriageQueue values), in due order, with
    a worklist row's columns: the triage clinician's worklist across the queues they work."""
    return with_worklist_columns(with_next_due(Referral.objects.filter(triage_queue__in=queues)))


def urgent_queue(limit: int | None = None) -> QuerySet[Referral]:
    """The 24/7 urgent queue: referrals awaiting triage that are flagged urgent (a call
    handler passed them to urgent triage, or the rules or the referrer say urgent or
    more), and those decided very urgent or urgent, waiting for their crisis assessment
    within 4 or 24 hours."""
    return _queue(TriageQueue.URGENT, limit)


def non_urgent_queue(limit: int | None = None) -> QuerySet[Referral]:
    """Referrals awaiting triage, not flagged urgent and not for a specific queue."""
    return _queue(TriageQueue.NON_URGENT, limit)


def children_hub_queue(limit: int | None = None) -> QuerySet[Referral]:
    """Under-18s redirected to the children's hub, waiting for the hub to accept them (or
    return them): the CAP owns them, and their handoff clock, until it answers."""
    return _queue(TriageQueue.CHILDREN_HUB, limit)


def specific_queue(code: str, limit: int | None = None) -> QuerySet[Referral]:
    """Referrals awaiting triage by a specific group (eating disorders, nursing home
    in-reach). An urgent-flagged one goes to the urgent queue instead: the 24/7 staff
    see it first, whatever its specialty."""
    return _queue(code, limit)


class WaitDashboard(TypedDict):
    awaiting_triage: int
    awaiting_booking: int
    booked: int
    breached_now: int
    due_within_hour: int
    breaches_today: int
    last_scan: ScanHeartbeat | None


def wait_dashboard(now: datetime) -> WaitDashboard:
    counts = dict(
        Referral.objects.open().values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    running = WaitTarget.objects.running()
    start_of_day = now.astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
    return {
        "awaiting_triage": counts.get(ReferralStatus.AWAITING_TRIAGE, 0),
        "awaiting_booking": counts.get(ReferralStatus.AWAITING_BOOKING, 0),
        "booked": counts.get(ReferralStatus.BOOKED, 0),
        "breached_now": running.overdue_at(now).count(),
        "due_within_hour": running.filter(due_at__gt=now, due_at__lte=now + timedelta(hours=1)).count(),
        "breaches_today": BreachAlert.objects.filter(kind=BreachAlert.Kind.BREACHED,
                                                     raised_at__gte=start_of_day).count(),
        "last_scan": ScanHeartbeat.objects.order_by("-finished_at").first(),
    }


# --- Follow-up: information requests, the MDT huddle, team tasks ----------------------

def open_information_requests() -> QuerySet[InformationRequest]:
    """Requests still waiting for an answer, the longest due a chase first. Those due a
    chase (chase_at <= now) sort before the rest by construction."""
    return (InformationRequest.objects.filter(received_at__isnull=True)
            .select_related("referral__service_user", "requested_by").order_by("chase_at", "id"))


def huddle_agenda(day: date) -> QuerySet[HuddleItem]:
    return (HuddleItem.objects.filter(huddle__held_on=day)
            .select_related("referral__service_user", "added_by").order_by("added_at", "id"))


def open_team_tasks() -> QuerySet[Task]:
    """Open tasks handed to a clinical team (not the admin team), oldest first."""
    return (Task.objects.open().filter(team__isnull=False)
            .select_related("team", "service_user", "enquiry", "created_by").order_by("created_at", "id"))


def crisis_assessors(referral: Referral, stream: str) -> "QuerySet[Practitioner]":
    """The practitioners who may carry out the referral's urgent crisis assessment: those
    of the teams of the stream triage chose, the person's aligned team's first."""
    from django.db.models import Exists, OuterRef

    from scheduling.models import Practitioner
    from scheduling.selectors import teams_for

    teams = teams_for(referral, stream) if stream else []
    if not teams:
        return Practitioner.objects.none()
    in_aligned = Practitioner.teams.through.objects.filter(practitioner_id=OuterRef("pk"),
                                                            team_id=teams[0].pk)
    return (Practitioner.objects.filter(teams__in=teams).distinct().select_related("discipline")
            .annotate(aligned=Exists(in_aligned)).order_by("-aligned", "name", "pk"))


def crisis_assessment_of(referral: Referral) -> "UrgentAction | None":
    """The referral's completed urgent (crisis) assessment, with what followed it, or None:
    a further assessment builds on it."""
    return (UrgentAction.objects.filter(referral=referral, kind=UrgentAction.Kind.ASSESSMENT_COMPLETED)
            .select_related("recorded_by", "outcome_service").order_by("-recorded_at", "-pk").first())
