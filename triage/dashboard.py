"""Named reads for the managers' live wait dashboard, and the referrals behind each figure.

Each figure is defined once, as a filter on referrals (or alerts), and both counted and
listed through that definition, so a count and its drill-down list cannot disagree."""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.db.models import Case, CharField, Count, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from cap.models import Referral, ReferralStatus, TriageQueue
from hub.selectors import hub_figures

from . import accounted, clock
from .alerts import BOOKING_QUEUE
from .models import BreachAlert, ScanHeartbeat, WaitTarget
from .presenters import duration_text

BOOKED = "booked"
# The live dashboard's queues: the triage queues (and the children's hub handoff), then the
# two steps after triage.
QUEUES = [
    (TriageQueue.URGENT.value, "Urgent triage (24/7)"),
    (TriageQueue.NON_URGENT.value, "Non-urgent triage"),
    (TriageQueue.EATING_DISORDERS.value, "Eating disorders triage"),
    (TriageQueue.NURSING_HOME_IN_REACH.value, "Nursing home in-reach triage"),
    (TriageQueue.CHILDREN_HUB.value, "Children's hub handoff"),
    (BOOKING_QUEUE, "Awaiting booking"),
    (BOOKED, "Assessment booked"),
]
QUEUE_NAMES = dict(QUEUES)
QUEUE_KEY = Coalesce("triage_queue", Case(
    When(status=ReferralStatus.AWAITING_BOOKING, then=Value(BOOKING_QUEUE)),
    When(status=ReferralStatus.BOOKED, then=Value(BOOKED)),
    output_field=CharField()))


@dataclass(frozen=True)
class Band:
    key: str
    label: str
    lower: timedelta | None  # time left at least this (None: no lower bound)
    upper: timedelta | None  # and less than this


# Time left before the earliest running target: breached is past due (a target due at 12:00
# is met at 12:00, so breached after it).
BANDS = [
    Band("breached", "Breached", None, timedelta(0)),
    Band("lt_1h", "Under 1 hour", timedelta(0), timedelta(hours=1)),
    Band("lt_4h", "1 to 4 hours", timedelta(hours=1), timedelta(hours=4)),
    Band("lt_24h", "4 to 24 hours", timedelta(hours=4), timedelta(hours=24)),
    Band("lt_7d", "1 to 7 days", timedelta(hours=24), timedelta(days=7)),
    Band("later", "7 days or more", timedelta(days=7), None),
]
BAND_NAMES = {b.key: b.label for b in BANDS} | {"none": "No target running"}


def band_filter(key: str, now: datetime) -> Q:
    if key == "none":
        return Q(next_due_at__isnull=True)
    band = next(b for b in BANDS if b.key == key)
    q = Q(next_due_at__isnull=False)
    if band.lower is not None:
        q &= Q(next_due_at__gte=now + band.lower)
    if band.upper is not None:
        q &= Q(next_due_at__lt=now + band.upper)
    return q


def open_referrals():
    return Referral.objects.open().annotate(queue_key=QUEUE_KEY)


def open_in(now: datetime, queue: str = "", band: str = ""):
    """The open referrals behind one cell (or row, or column) of the queue table."""
    queryset = open_referrals()
    if queue:
        queryset = queryset.filter(queue_key=queue)
    if band:
        queryset = queryset.filter(band_filter(band, now))
    return queryset


def open_by_queue_and_time_left(now: datetime) -> list[dict]:
    """One row per queue: its open referrals counted by time left, in one query."""
    keys = [b.key for b in BANDS] + ["none"]
    counts = {row["queue_key"]: row for row in open_referrals().values("queue_key").annotate(
        total=Count("id"), **{key: Count("id", filter=band_filter(key, now)) for key in keys})}
    rows = []
    for queue, label in QUEUES:
        found = counts.get(queue, {})
        rows.append({"queue": queue, "label": label, "total": found.get("total", 0),
                     "cells": [(key, found.get(key, 0)) for key in keys]})
    return rows


def waiting_by_time_left(by_queue: list[dict]) -> list[dict]:
    """The whole waiting list by time left (the dashboard's chart, its table and CSV): the
    queue table's columns summed, so the chart cannot disagree with the table beside it."""
    keys = [b.key for b in BANDS] + ["none"]
    return [{"key": key, "label": BAND_NAMES[key],
             "count": sum(dict(row["cells"])[key] for row in by_queue)} for key in keys]


def urgent_waits(now: datetime):
    """Very urgent and urgent referrals waiting for their assessment: their running 24/7
    targets (4 hours, 24 hours, the hub's 2 hours), the least time left first."""
    return (WaitTarget.objects.running().filter(definition__clock=clock.TWENTY_FOUR_SEVEN)
            .select_related("definition", "referral__service_user").order_by("due_at", "id"))


def today_bounds(now: datetime) -> tuple[datetime, datetime]:
    """Today in Europe/London, as UTC instants (a day of 23 or 25 hours at the clock changes)."""
    day = timezone.localtime(now).date()
    start = datetime.combine(day, time(0), tzinfo=clock.LONDON).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=clock.LONDON).astimezone(UTC)
    return start, end


def breaches_today(now: datetime):
    """Breaches that happened today (London day), acknowledged or not."""
    start, end = today_bounds(now)
    return (BreachAlert.objects.filter(kind=BreachAlert.Kind.BREACHED, occurred_at__gte=start,
                                       occurred_at__lt=end)
            .select_related("target__definition", "target__referral__service_user", "acknowledged_by")
            .order_by("-occurred_at", "-id"))


@dataclass(frozen=True)
class Heartbeat:
    last: ScanHeartbeat | None
    overdue: bool
    allowed_seconds: int


def heartbeat(now: datetime) -> Heartbeat:
    """The watcher's last completed scan; overdue when none finished for
    BREACH_SCAN_OVERDUE_SECONDS (three scan intervals by default)."""
    last = ScanHeartbeat.objects.order_by("-finished_at").first()
    allowed = settings.BREACH_SCAN_OVERDUE_SECONDS
    overdue = last is None or (now - last.finished_at).total_seconds() > allowed
    return Heartbeat(last, overdue, allowed)


# --- Drilling down -------------------------------------------------------------------------

def figure_referrals(figure: str, now: datetime, params) -> tuple[str, object]:
    """The title and the referrals behind a live figure (`figure` and its parameters come
    from the dashboard's links). Unknown figures raise KeyError."""
    if figure == "open":
        queue, band = params.get("queue", ""), params.get("band", "")
        if queue and queue not in QUEUE_NAMES or band and band not in BAND_NAMES:
            raise KeyError(figure)
        parts = [QUEUE_NAMES.get(queue, "All queues"), BAND_NAMES.get(band, "any time left")]
        return "Open referrals: " + ", ".join(parts).lower().capitalize(), open_in(now, queue, band)
    if figure == "breaches_today":
        ids = breaches_today(now).values("target__referral_id")
        return "Referrals that breached a target today", Referral.objects.filter(id__in=ids)
    if figure == "not_accounted_for":
        # The same selector as the count: one definition for both (hazard H27).
        return ("Open referrals not accounted for",
                accounted.with_unaccounted_since(accounted.not_accounted_for(now)))
    if figure == "urgent_waiting":
        ids = urgent_waits(now).values("referral_id")
        return "Very urgent and urgent referrals waiting", Referral.objects.filter(id__in=ids)
    raise KeyError(figure)


def live_figures(now: datetime) -> dict:
    """The dashboard's counts, for the page and the API."""
    by_queue = open_by_queue_and_time_left(now)
    beat = heartbeat(now)
    return {
        "as_at": now,
        "open_by_queue": [{"queue": r["queue"], "label": r["label"], "total": r["total"],
                           "by_time_left": dict(r["cells"])} for r in by_queue],
        "open_total": sum(r["total"] for r in by_queue),
        "urgent_waiting": urgent_waits(now).count(),
        "not_accounted_for": accounted.not_accounted_for_count(now),
        "breaches_today": breaches_today(now).count(),
        "unacknowledged_breaches": BreachAlert.objects.unacknowledged()
        .filter(kind=BreachAlert.Kind.BREACHED, target__met_at__isnull=True,
                target__cancelled_at__isnull=True).count(),
        "watcher_last_scan": beat.last.finished_at if beat.last else None,
        "watcher_overdue": beat.overdue,
        "urgent_care_hub": hub_figures(now, today_start=today_bounds(now)[0]),
    }


def time_left_text(due: datetime, now: datetime) -> tuple[str, bool]:
    seconds = (due - now).total_seconds()
    if seconds < 0:
        return f"Overdue by {duration_text(int(-seconds // 60))}", True
    return duration_text(int(seconds // 60)), False


def with_time_left(rows, now: datetime, due):
    """Attach `time_left` and `overdue` to each row from its due instant attribute."""
    for row in rows:
        instant = due(row)
        row.time_left, row.overdue = time_left_text(instant, now) if instant else ("", False)
    return rows
