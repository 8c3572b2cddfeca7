"""Named reads for the Urgent Care Hub: the board, and the hub's figures for the dashboard."""

from datetime import datetime, timedelta

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet

from triage.models import TriageDecision
from triage.selectors import CRISIS_INDICATORS

from .models import REFERRED_ON, HubArrival, HubOutcome

# The board shows who has been assessed over the last day, under who is waiting.
RECENTLY_ASSESSED = timedelta(hours=24)
# The hub's performance figures look back this far.
FIGURES_PERIOD = timedelta(days=30)


def _board_rows(arrivals: QuerySet[HubArrival]) -> QuerySet[HubArrival]:
    """A board row in the same query as the rest (no query per row): the person, the hub's
    own 2-hour target and its name, and the referral's flags as a worklist shows them
    (`crisis`, `adjustments`: triage.selectors.with_due_target_and_flags)."""
    return (arrivals.select_related("referral__service_user", "target__definition",
                                    "assessment_started_by", "assessed_by")
            .annotate(
                crisis=ExpressionWrapper(
                    Q(referral__urgent_triage_requested_at__isnull=False)
                    | Q(referral__risk_indicators__overlap=CRISIS_INDICATORS),
                    output_field=BooleanField()),
                adjustments=Exists(TriageDecision.objects.filter(referral=OuterRef("referral"))
                                   .exclude(requirements=""))))


# The orders of the board's sort choices for those waiting and being assessed. "Due first",
# the default, is the nearest to breaching its 2-hour target (due instant) first.
BOARD_ORDERINGS = {
    "due": ("target__due_at", "id"),
    "arrived": ("arrived_at", "id"),
    "name": ("referral__service_user__family_name", "referral__service_user__given_name", "id"),
}


def _chosen(arrivals: QuerySet[HubArrival], chosen: dict[str, str] | None) -> QuerySet[HubArrival]:
    """`arrivals` by how they came, where the board's filter chose it."""
    if route := (chosen or {}).get("route"):
        arrivals = arrivals.filter(route=route)
    return arrivals


def hub_waiting(chosen: dict[str, str] | None = None) -> QuerySet[HubArrival]:
    """Waiting to be assessed, the nearest to breaching first unless another order is chosen."""
    return _board_rows(_chosen(HubArrival.objects.waiting(), chosen)).order_by(
        *BOARD_ORDERINGS[(chosen or {}).get("sort", "due")])


def hub_being_assessed(chosen: dict[str, str] | None = None) -> QuerySet[HubArrival]:
    """Being assessed (the target runs until it is complete), the nearest to breaching first
    unless another order is chosen."""
    return _board_rows(_chosen(HubArrival.objects.being_assessed(), chosen)).order_by(
        *BOARD_ORDERINGS[(chosen or {}).get("sort", "due")])


def hub_recently_assessed(now: datetime, chosen: dict[str, str] | None = None) -> QuerySet[HubArrival]:
    """Assessed in the last day, the latest first."""
    assessed = HubArrival.objects.assessed().filter(assessed_at__gte=now - RECENTLY_ASSESSED)
    return _board_rows(_chosen(assessed, chosen)).order_by("-assessed_at", "-id")


def _share(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def hub_figures(now: datetime, *, today_start: datetime) -> dict:
    """The hub's figures, in one query.

    - arrivals_today: arrivals since midnight (Europe/London, `today_start`).
    - Of the people who arrived in the last 30 days:
      - assessed_in_time_share: the share assessed within the 2-hour target, of those
        assessed or still waiting past it (someone waiting beyond 2 hours counts as missed
        before they are seen, not only once they are);
      - referral_rate_share: the share of those assessed whose outcome refers them on into
        secondary mental health care (admission, home treatment, a referral through the CAP);
      - diverted_from_ae: how many were assessed at the hub and not sent on to A&E (every
        outcome but "sent to A&E"): people in crisis who would otherwise have gone to A&E.
    """
    recent = HubArrival.objects.filter(arrived_at__gte=now - FIGURES_PERIOD, arrived_at__lte=now)
    assessed = Q(assessed_at__isnull=False)
    figures = recent.aggregate(
        counted=Count("id", filter=assessed | Q(target__due_at__lt=now)),
        in_time=Count("id", filter=assessed & Q(assessed_at__lte=F("target__due_at"))),
        assessed=Count("id", filter=assessed),
        referred_on=Count("id", filter=assessed & Q(outcome__in=REFERRED_ON)),
        diverted=Count("id", filter=assessed & ~Q(outcome=HubOutcome.SENT_TO_AE)),
        today=Count("id", filter=Q(arrived_at__gte=today_start)),
    )
    return {
        "arrivals_today": figures["today"],
        "assessed_in_time": figures["in_time"],
        "assessed_in_time_of": figures["counted"],
        "assessed_in_time_share": _share(figures["in_time"], figures["counted"]),
        "assessed": figures["assessed"],
        "referred_on": figures["referred_on"],
        "referral_rate_share": _share(figures["referred_on"], figures["assessed"]),
        "diverted_from_ae": figures["diverted"],
    }
