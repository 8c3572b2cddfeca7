"""Performance over time: daily summaries kept up to date from the changes since the last
refresh, the figures read from them for a date range, and the referrals behind a figure.

Why summaries: five years are millions of targets, and a year's percentiles read from the
targets themselves take seconds. The summaries (TargetDay, OutcomeDay) hold per London day
and per stream, team and channel the counts and a histogram of waits, so a year is a few
thousand rows. They are derived data: `performance_refresh` rebuilds every day that a
changed target, decision or enquiry touches (found through their history rows since the
watermark), and `performance_refresh(rebuild=True)` rebuilds everything.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from cap.models import Enquiry, Referral

from . import clock
from .models import WAIT_BUCKET_EDGES, OutcomeDay, SummaryWatermark, TargetDefinition, WaitTarget

BUCKETS = len(WAIT_BUCKET_EDGES) + 1  # width_bucket: 0 below the first edge .. n at or above the last


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=clock.LONDON).astimezone(UTC)
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=clock.LONDON).astimezone(UTC)


# --- Keeping the summaries -------------------------------------------------------------------

DIMENSIONS = """
    r.channel,
    COALESCE((SELECT d.stream FROM triage_triagedecision d WHERE d.referral_id = r.id
               ORDER BY d.decided_at DESC, d.id DESC LIMIT 1), '') AS stream,
    (SELECT b.team_id FROM scheduling_booking b WHERE b.referral_id = r.id
      ORDER BY b.created_at DESC, b.id DESC LIMIT 1) AS team_id"""

TARGET_DAYS_SQL = f"""
WITH days AS (SELECT * FROM unnest(%(days)s::date[], %(los)s::timestamptz[], %(his)s::timestamptz[])
                     AS d(day, lo, hi)),
events AS (
    SELECT d.day, t.id, t.referral_id, t.definition_id, 1 AS started, 0 AS stopped, 0 AS met,
           0 AS in_time, 0 AS cancelled, NULL::int AS bucket
      FROM days d JOIN triage_waittarget t ON t.started_at >= d.lo AND t.started_at < d.hi
    UNION ALL
    SELECT d.day, t.id, t.referral_id, t.definition_id, 0, 1, 1, (t.met_at <= t.due_at)::int, 0,
           width_bucket(extract(epoch FROM t.met_at - t.started_at) / 60, %(edges)s::float8[])
      FROM days d JOIN triage_waittarget t ON t.met_at >= d.lo AND t.met_at < d.hi
    UNION ALL
    SELECT d.day, t.id, t.referral_id, t.definition_id, 0, 1, 0, 0, 1, NULL
      FROM days d JOIN triage_waittarget t ON t.cancelled_at >= d.lo AND t.cancelled_at < d.hi
     WHERE t.met_at IS NULL
), described AS (
    SELECT e.*, {DIMENSIONS} FROM events e JOIN cap_referral r ON r.id = e.referral_id
)
INSERT INTO triage_targetday (day, definition_id, stream, team_id, channel, started, stopped, met,
                              met_in_time, cancelled, waits)
SELECT day, definition_id, stream, team_id, channel, sum(started), sum(stopped), sum(met), sum(in_time),
       sum(cancelled), ARRAY[{", ".join(f"count(*) FILTER (WHERE bucket = {i})" for i in range(BUCKETS))}]
  FROM described GROUP BY day, definition_id, stream, team_id, channel
"""  # noqa: S608 (built from constants only)

# What became of each contact, on the day it reached the CAP: a referral by its latest
# concluding decision; a call or online enquiry that led to no referral by its outcome.
OUTCOME_DAYS_SQL = """
WITH days AS (SELECT * FROM unnest(%(days)s::date[], %(los)s::timestamptz[], %(his)s::timestamptz[])
                     AS d(day, lo, hi)),
referrals AS (
    SELECT d.day, r.channel,
           COALESCE(dec.stream, '') AS stream,
           CASE dec.outcome WHEN 'assessment' THEN 'assessment' WHEN 'route_external' THEN 'signposted'
                WHEN 'route_existing_team' THEN 'existing_team' WHEN 'emergency_services' THEN 'emergency'
                ELSE 'awaiting' END AS outcome
      FROM days d JOIN cap_referral r ON r.received_at >= d.lo AND r.received_at < d.hi
      LEFT JOIN LATERAL (
          SELECT x.outcome, x.stream FROM triage_triagedecision x
           WHERE x.referral_id = r.id
             AND x.outcome IN ('assessment', 'route_external', 'route_existing_team', 'emergency_services')
           ORDER BY x.decided_at DESC, x.id DESC LIMIT 1) dec ON TRUE
), enquiries AS (
    SELECT d.day, e.channel, '' AS stream,
           CASE e.outcome_kind WHEN 'routed_to_team' THEN 'existing_team' ELSE 'resolved' END AS outcome
      FROM days d JOIN cap_enquiry e ON e.received_at >= d.lo AND e.received_at < d.hi
     WHERE e.referral_id IS NULL AND e.outcome_kind <> 'passed_to_triage'
)
INSERT INTO triage_outcomeday (day, channel, stream, outcome, contacts)
SELECT day, channel, stream, outcome, count(*)
  FROM (SELECT * FROM referrals UNION ALL SELECT * FROM enquiries) c
 GROUP BY day, channel, stream, outcome
"""


def _summarise(days: list[date]) -> None:
    bounds = [day_bounds(d) for d in days]
    params = {"days": days, "los": [b[0] for b in bounds], "his": [b[1] for b in bounds],
              "edges": [float(e) for e in WAIT_BUCKET_EDGES]}
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM triage_targetday WHERE day = ANY(%(days)s::date[])", params)
        cursor.execute("DELETE FROM triage_outcomeday WHERE day = ANY(%(days)s::date[])", params)
        cursor.execute(TARGET_DAYS_SQL, params)
        cursor.execute(OUTCOME_DAYS_SQL, params)


def _local_day(instant: datetime | None) -> date | None:
    return timezone.localtime(instant).date() if instant else None


def changed_days(since: datetime) -> set[date]:
    """Every day a change since `since` touches: the days its referrals' targets started
    and stopped on, the days its referrals and enquiries were received."""
    referral_ids = set(WaitTarget.history.filter(history_date__gt=since)
                       .values_list("referral_id", flat=True))
    from .models import TriageDecision

    referral_ids |= set(TriageDecision.history.filter(history_date__gt=since)
                        .values_list("referral_id", flat=True))
    days = set()
    for started, met, cancelled in WaitTarget.objects.filter(referral_id__in=referral_ids).values_list(
            "started_at", "met_at", "cancelled_at"):
        days |= {_local_day(started), _local_day(met), _local_day(cancelled)}
    for (received,) in Referral.objects.filter(id__in=referral_ids).values_list("received_at"):
        days.add(_local_day(received))
    for (received,) in Enquiry.history.filter(history_date__gt=since).values_list("received_at"):
        days.add(_local_day(received))
    days.discard(None)
    return days


def performance_refresh(*, rebuild: bool = False, chunk_days: int = 31) -> int:
    """Bring the daily summaries up to date; returns the number of days rebuilt. Runs under
    a transaction-level advisory lock, so two refreshes at once take turns."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('triage.performance_refresh'))")
        now = timezone.now()
        mark = SummaryWatermark.objects.select_for_update().first()
        if rebuild or mark is None:
            first = WaitTarget.objects.order_by("started_at").values_list("started_at", flat=True).first()
            firsts = [d for d in (first, Referral.objects.order_by("received_at")
                                  .values_list("received_at", flat=True).first()) if d]
            start = _local_day(min(firsts)) if firsts else _local_day(now)
            days = [start + timedelta(days=n) for n in range((_local_day(now) - start).days + 1)]
        else:
            # A minute's overlap: a change committed just before the last refresh's instant
            # but after its read is taken in again (rebuilding a day is idempotent).
            days = sorted(changed_days(mark.refreshed_at - timedelta(minutes=1)))
        for n in range(0, len(days), chunk_days):
            _summarise(days[n:n + chunk_days])
        if mark is None:
            SummaryWatermark.objects.create(refreshed_at=now)
        else:
            SummaryWatermark.objects.filter(pk=mark.pk).update(refreshed_at=now)
    return len(days)


# --- Reading -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    start: date
    end: date  # inclusive
    period: str = "week"  # or "month"
    stream: str = ""
    team: int | None = None
    channel: str = ""

    def where(self, prefix: str = "") -> tuple[str, list]:
        sql, params = [f"{prefix}day >= %s", f"{prefix}day <= %s"], [self.start, self.end]
        for column, value in (("stream", self.stream), ("team_id", self.team), ("channel", self.channel)):
            if value:
                sql.append(f"{prefix}{column} = %s")
                params.append(value)
        return " AND ".join(sql), params


def _period_start(day: date, period: str) -> date:
    return day.replace(day=1) if period == "month" else day - timedelta(days=day.weekday())


def periods(filters: Filters) -> list[date]:
    out, day = [], _period_start(filters.start, filters.period)
    while day <= filters.end:
        out.append(day)
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1) if filters.period == "month" \
            else day + timedelta(days=7)
    return out


def percentile(histogram: list[int], share: float) -> int | None:
    """The upper edge (minutes) of the bucket holding the given share of waits; None when
    there are no waits; -1 when it is past the last edge (more than a year)."""
    total = sum(histogram)
    if not total:
        return None
    needed, seen = share * total, 0
    for i, n in enumerate(histogram):
        seen += n
        if seen >= needed:
            return WAIT_BUCKET_EDGES[i] if i < len(WAIT_BUCKET_EDGES) else -1
    return -1


def target_figures(filters: Filters) -> list[dict]:
    """Per target and period: stopped, met, met in time and its share, median and 90th
    percentile waits (bucket upper edges), the targets stopped by triage (cancelled: neither
    met nor breached, so not in the share), and the waiting list at the period's end."""
    where, params = filters.where()
    trunc = "month" if filters.period == "month" else "week"
    sums = ", ".join(f"sum(waits[{i + 1}])" for i in range(BUCKETS))
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT definition_id, date_trunc('{trunc}', day)::date AS period, sum(started), sum(stopped),
                   sum(met), sum(met_in_time), sum(cancelled), {sums}
              FROM triage_targetday WHERE {where} GROUP BY 1, 2""", params)  # noqa: S608 (constants)
        rows = cursor.fetchall()
        base_where, base_params = Filters(date(1900, 1, 1), filters.start - timedelta(days=1),
                                          stream=filters.stream, team=filters.team,
                                          channel=filters.channel).where()
        cursor.execute(f"SELECT definition_id, sum(started) - sum(stopped) FROM triage_targetday "  # noqa: S608
                       f"WHERE {base_where} GROUP BY 1", base_params)
        baseline = dict(cursor.fetchall())
    by_definition: dict[int, dict] = {}
    for definition_id, period, started, stopped, met, in_time, cancelled, *waits in rows:
        by_definition.setdefault(definition_id, {})[period] = (started, stopped, met, in_time, cancelled,
                                                               [int(w) for w in waits])
    out = []
    ids = set(by_definition) | set(baseline)
    for definition in TargetDefinition.objects.filter(id__in=ids).order_by("id"):
        waiting = int(baseline.get(definition.id) or 0)
        series = []
        for period in periods(filters):
            started, stopped, met, in_time, cancelled, waits = by_definition.get(definition.id, {}).get(
                period, (0, 0, 0, 0, 0, [0] * BUCKETS))
            waiting += int(started) - int(stopped)
            series.append({"period": period, "met": int(met), "met_in_time": int(in_time),
                           "share_in_time": round(100 * int(in_time) / int(met), 1) if met else None,
                           "median_wait": percentile(waits, 0.5), "p90_wait": percentile(waits, 0.9),
                           "stopped_by_triage": int(cancelled), "waiting": waiting})
        out.append({"code": definition.code, "name": definition.name, "series": series})
    return out


WITHOUT_SECONDARY_CARE = [OutcomeDay.Outcome.RESOLVED, OutcomeDay.Outcome.SIGNPOSTED,
                          OutcomeDay.Outcome.EXISTING_TEAM]


def outcome_figures(filters: Filters) -> dict:
    """Contacts by outcome, the share resolved, signposted or routed without a referral to
    secondary care (of those decided), and the referrals passed to community teams."""
    where, params = Filters(filters.start, filters.end, stream=filters.stream,
                            channel=filters.channel).where()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT outcome, sum(contacts) FROM triage_outcomeday "  # noqa: S608
                       f"WHERE {where} GROUP BY 1", params)
        counts = {outcome: int(n) for outcome, n in cursor.fetchall()}
    decided = sum(n for outcome, n in counts.items() if outcome != OutcomeDay.Outcome.AWAITING)
    without = sum(counts.get(o, 0) for o in WITHOUT_SECONDARY_CARE)
    return {"by_outcome": [{"outcome": value, "label": label, "contacts": counts.get(value, 0)}
                           for value, label in OutcomeDay.Outcome.choices],
            "decided": decided, "without_secondary_care": without,
            "share_without_secondary_care": round(100 * without / decided, 1) if decided else None,
            "passed_to_community_teams": counts.get(OutcomeDay.Outcome.ASSESSMENT, 0)}


# --- Statistical process control (NHS "Making Data Count": XmR) ----------------------------

def xmr(values: list[float | None]) -> dict:
    """Mean, process limits (mean +/- 2.66 x mean moving range) and the special-cause points:
    outside a limit, a run of 7 or more on one side of the mean, or a trend of 6 or more
    rising or falling. Empty periods (None) are left out."""
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(points) < 2:
        return {"mean": None, "upper": None, "lower": None, "special": []}
    xs = [v for _, v in points]
    mean = sum(xs) / len(xs)
    moving = [abs(b - a) for a, b in zip(xs, xs[1:], strict=False)]
    mr = sum(moving) / len(moving)
    upper, lower = mean + 2.66 * mr, mean - 2.66 * mr
    special = {i for i, v in points if v > upper or v < lower}
    for side in (1, -1):
        run = []
        for i, v in points:
            run = [*run, i] if (v - mean) * side > 0 else []
            if len(run) >= 7:
                special |= set(run)
    for direction in (1, -1):
        trend = [points[0][0]]
        for (_, a), (j, b) in zip(points, points[1:], strict=False):
            trend = [*trend, j] if (b - a) * direction > 0 else [j]
            if len(trend) >= 6:
                special |= set(trend)
    return {"mean": round(mean, 2), "upper": round(upper, 2), "lower": round(lower, 2),
            "special": sorted(special)}


# --- Drilling down -----------------------------------------------------------------------------

def figure_referrals(filters: Filters, code: str, period: date, measure: str):
    """The referrals behind one figure: a target's `met` / `met_in_time` / `missed` /
    `stopped_by_triage` in a period (by the day its clock stopped), or `waiting` at the
    period's end."""
    definition = TargetDefinition.objects.get(code=code)
    last = min(periods_end(period, filters.period), filters.end)
    lo, hi = day_bounds(max(period, filters.start))[0], day_bounds(last)[1]
    targets = WaitTarget.objects.filter(definition=definition)
    if measure == "waiting":
        targets = targets.filter(started_at__lt=hi).exclude(met_at__lt=hi).exclude(cancelled_at__lt=hi)
    elif measure == "stopped_by_triage":
        targets = targets.filter(met_at__isnull=True, cancelled_at__gte=lo, cancelled_at__lt=hi)
    else:
        targets = targets.filter(met_at__gte=lo, met_at__lt=hi)
        if measure == "met_in_time":
            targets = targets.filter(met_at__lte=F("due_at"))
        elif measure == "missed":
            targets = targets.filter(met_at__gt=F("due_at"))
    referrals = Referral.objects.filter(id__in=targets.values("referral_id"))
    return _dimensions(referrals, filters)


def periods_end(period: date, kind: str) -> date:
    if kind == "month":
        return (period.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return period + timedelta(days=6)


def _dimensions(referrals, filters: Filters):
    from scheduling.models import Booking

    from .models import TriageDecision

    if filters.channel:
        referrals = referrals.filter(channel=filters.channel)
    if filters.stream:
        latest = TriageDecision.objects.filter(referral=OuterRef("pk")).order_by("-decided_at", "-pk")
        referrals = referrals.annotate(latest_stream=Subquery(latest.values("stream")[:1])).filter(
            latest_stream=filters.stream)
    if filters.team:
        latest = Booking.objects.filter(referral=OuterRef("pk")).order_by("-created_at", "-pk")
        referrals = referrals.annotate(latest_team=Subquery(latest.values("team_id")[:1])).filter(
            latest_team=filters.team)
    return referrals


def outcome_referrals(filters: Filters, outcome: str):
    """The referrals behind an outcome count (enquiries without a referral have none)."""
    from .models import CONCLUDING_OUTCOMES, TriageDecision

    lo, hi = day_bounds(filters.start)[0], day_bounds(filters.end)[1]
    referrals = Referral.objects.filter(received_at__gte=lo, received_at__lt=hi)
    codes = {"assessment": "assessment", "signposted": "route_external",
             "existing_team": "route_existing_team", "emergency": "emergency_services"}
    if outcome == "awaiting":
        referrals = referrals.exclude(decisions__outcome__in=CONCLUDING_OUTCOMES)
    elif outcome not in codes:
        # Calls the call handler resolved never became referrals: nothing to list.
        return Referral.objects.none()
    else:
        latest = (TriageDecision.objects.filter(referral=OuterRef("pk"), outcome__in=CONCLUDING_OUTCOMES)
                  .order_by("-decided_at", "-pk"))
        referrals = referrals.annotate(concluded=Subquery(latest.values("outcome")[:1])).filter(
            concluded=codes[outcome])
    return _dimensions(referrals, filters)
