"""Named reads for triage's lists and the managers' dashboard."""

from datetime import timedelta

from django.db.models import Count, F, Min, Prefetch, Q

from cap.models import Referral, ReferralStatus

from .models import BreachAlert, ScanHeartbeat, TriageDecision, Urgency, WaitTarget

# An urgency at or above `urgent`, suggested by the rules or asked for by the referrer,
# puts a referral on the 24/7 urgent queue until a clinician decides.
URGENT_LEVELS = [Urgency.EMERGENCY, Urgency.VERY_URGENT, Urgency.URGENT]
URGENT_FLAGGED = (Q(urgent_triage_requested_at__isnull=False) | Q(suggested_urgency__in=URGENT_LEVELS)
                  | Q(referrer_urgency__in=URGENT_LEVELS))


def with_next_due(queryset):
    """Annotate each referral with its earliest running target's due instant and
    order by it: the most at risk of breaching first."""
    return queryset.annotate(
        next_due=Min("targets__due_at",
                     filter=Q(targets__met_at__isnull=True, targets__cancelled_at__isnull=True))
    ).order_by("next_due", "received_at")


def with_api_detail(queryset):
    """Everything the referral API shows, in a fixed number of queries."""
    return queryset.select_related("service_user").prefetch_related(
        Prefetch("decisions", queryset=TriageDecision.objects.select_related("decided_by")
                 .order_by("-decided_at", "-pk")),
        Prefetch("targets", queryset=WaitTarget.objects.select_related("definition").order_by("due_at")),
    )


def triage_worklist():
    """Referrals awaiting triage: those a call handler passed to urgent clinical triage
    first (oldest first contact first), then by the earliest due target."""
    return with_next_due(
        Referral.objects.filter(status=ReferralStatus.AWAITING_TRIAGE).select_related("service_user")
    ).order_by(F("urgent_triage_requested_at").asc(nulls_last=True), "next_due", "received_at")


# How many running targets one referral can have at most: one of each kind (the unique
# constraint on referral and definition), and there are six kinds.
MAX_TARGETS_PER_REFERRAL = 10


def _on_referral(condition: Q) -> Q:
    """The same condition, seen from a wait target (each lookup prefixed `referral__`)."""
    prefixed = Q()
    prefixed.connector, prefixed.negated = condition.connector, condition.negated
    prefixed.children = [_on_referral(c) if isinstance(c, Q) else (f"referral__{c[0]}", c[1])
                         for c in condition.children]
    return prefixed


def _first_due_ids(condition: Q, limit: int):
    """Ids of the queue's `limit` referrals closest to breach, without aggregating over
    the whole queue: walk the running targets in due order (the partial index
    running_target_due_idx) and keep those of the queue's referrals. A referral's first
    running target in that walk is its earliest, and it has at most
    MAX_TARGETS_PER_REFERRAL, so the first limit x that many targets hold the first
    `limit` referrals.

    A referral of the queue with no running target is not found this way. The services
    never leave one (receipt starts the triage review; only a decision that changes the
    status meets it), and the unlimited selector and /triage/ still list it."""
    by_target = (WaitTarget.objects.running().filter(_on_referral(condition))
                 .order_by("due_at").values("referral_id")[:limit * MAX_TARGETS_PER_REFERRAL])
    return Q(pk__in=by_target)


def _queue(condition: Q, limit: int | None = None):
    """A queue's rows with everything its table shows, in one query: the person, the
    claim and its clinician joined, the next due instant annotated. With a limit, only
    the first rows, still one query whose cost does not grow with the queue."""
    # With a limit the ids already meet the condition: repeating it would make the
    # planner scan the whole queue again.
    queryset = Referral.objects.filter(condition if limit is None else _first_due_ids(condition, limit))
    queryset = with_next_due(queryset.select_related("service_user", "claim__clinician"))
    return queryset if limit is None else queryset[:limit]


AWAITING_TRIAGE = Q(status=ReferralStatus.AWAITING_TRIAGE)
URGENT_QUEUE = AWAITING_TRIAGE & URGENT_FLAGGED | Q(status=ReferralStatus.AWAITING_URGENT_ASSESSMENT)
NON_URGENT_QUEUE = AWAITING_TRIAGE & ~URGENT_FLAGGED & Q(specific_queue="")


def urgent_queue(limit: int | None = None):
    """The 24/7 urgent queue: referrals awaiting triage that are flagged urgent (a call
    handler passed them to urgent triage, or the rules or the referrer say urgent or
    more), and those decided very urgent or urgent, waiting for their crisis assessment
    within 4 or 24 hours."""
    return _queue(URGENT_QUEUE, limit)


def non_urgent_queue(limit: int | None = None):
    """Referrals awaiting triage, not flagged urgent and not for a specific queue."""
    return _queue(NON_URGENT_QUEUE, limit)


def specific_queue(code: str, limit: int | None = None):
    """Referrals awaiting triage by a specific group (eating disorders, nursing home
    in-reach). An urgent-flagged one goes to the urgent queue instead: the 24/7 staff
    see it first, whatever its specialty."""
    return _queue(AWAITING_TRIAGE & ~URGENT_FLAGGED & Q(specific_queue=code), limit)


def wait_dashboard(now):
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
