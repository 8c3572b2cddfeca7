"""Named reads for triage's lists and the managers' dashboard."""

from datetime import timedelta

from django.db.models import Count, F, Min, Prefetch, Q

from cap.models import Referral, ReferralStatus

from .models import BreachAlert, ScanHeartbeat, TriageDecision, WaitTarget


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
        Prefetch("decisions", queryset=TriageDecision.objects.order_by("-decided_at")),
        Prefetch("targets", queryset=WaitTarget.objects.select_related("definition").order_by("due_at")),
    )


def triage_worklist():
    """Referrals awaiting triage: those a call handler passed to urgent clinical triage
    first (oldest first contact first), then by the earliest due target."""
    return with_next_due(
        Referral.objects.filter(status=ReferralStatus.AWAITING_TRIAGE).select_related("service_user")
    ).order_by(F("urgent_triage_requested_at").asc(nulls_last=True), "next_due", "received_at")


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
