"""For managers: the live wait dashboard, and performance over time (the figures for a
date range and filters, their tables and charts, CSV downloads, and the referrals behind
each figure)."""

import csv
from datetime import date, timedelta

from django.conf import settings
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify

from access import selectors as access_selectors
from core.audit import record_access_log_many
from core.csv_export import csv_stream
from core.permissions import permission_required
from hub.selectors import hub_figures
from scheduling import selectors as scheduling_selectors

from .. import accounted, performance, selectors
from .. import dashboard as dashboard_reads
from ..forms import PerformanceForm
from ..models import OutcomeDay, TargetDefinition
from ..presenters import duration_text


def filters_from(request) -> tuple[PerformanceForm, performance.Filters | None]:
    today = timezone.localdate()
    initial = {"start": today - timedelta(days=364), "end": today, "period": "week"}
    typed = request.GET.dict()
    # A default only where nothing was sent: "start" is typed as its three boxes (start_day...).
    defaults = {name: value for name, value in initial.items()
                if PerformanceForm.base_fields[name].widget.value_omitted_from_data(typed, {}, name)}
    form = PerformanceForm({**defaults, **typed})
    return form, form.filters() if form.is_valid() else None


def wait_text(minutes) -> str:
    if minutes is None:
        return ""
    if minutes == -1:
        return "over a year"
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 1440:
        return f"{minutes // 60} h"
    return f"{minutes // 1440} days"


@permission_required("triage.view_wait_dashboard")
def performance_page(request):
    form, filters = filters_from(request)
    targets, outcomes, charts = [], None, {}
    if filters:
        targets = performance.target_figures(filters)
        for target in targets:
            shares = [p["share_in_time"] for p in target["series"]]
            target["spc"] = performance.xmr(shares)
            for i, p in enumerate(target["series"]):
                p["special"] = i in target["spc"]["special"]
                p["median_text"], p["p90_text"] = wait_text(p["median_wait"]), wait_text(p["p90_wait"])
            charts[target["code"]] = {
                "labels": [p["period"].isoformat() for p in target["series"]], "values": shares,
                "waiting": [p["waiting"] for p in target["series"]], **target["spc"],
                "target": settings.PERFORMANCE_TARGET_SHARE}
        outcomes = performance.outcome_figures(filters)
        download = request.GET.get("csv")
        if download:
            return _csv(download, targets, outcomes)
    query = request.GET.copy()
    return render(request, "triage/performance.html", {
        "form": form, "targets": targets, "outcomes": outcomes, "charts": charts,
        "query": query.urlencode(), "target_share": settings.PERFORMANCE_TARGET_SHARE,
    })


def _csv(which: str, targets, outcomes):
    if which == "outcomes":
        return csv_response("cap-outcomes", ["outcome", "contacts"],
                            [[o["outcome"], o["contacts"]] for o in outcomes["by_outcome"]])
    target = next((t for t in targets if t["code"] == which), None)
    if target is None:
        raise Http404("No such target in this range.")
    return csv_response(f"performance-{which}", [
        "period", "met", "met_in_time", "share_in_time", "median_wait_minutes", "p90_wait_minutes",
        "waiting_at_end", "special_cause", "stopped_by_triage"], [
        [p["period"].isoformat(), p["met"], p["met_in_time"], p["share_in_time"], p["median_wait"],
         p["p90_wait"], p["waiting"], p["special"], p["stopped_by_triage"]] for p in target["series"]])


MEASURES = {"met": "met", "met_in_time": "met in time", "missed": "met late",
            "stopped_by_triage": "stopped by triage", "waiting": "waiting at the end"}


@permission_required("triage.view_wait_dashboard")
def performance_figure(request):
    """The referrals behind one figure of the performance page."""
    form, filters = filters_from(request)
    if filters is None:
        raise Http404("Bad filters.")
    now = timezone.now()
    outcome = request.GET.get("outcome")
    if outcome:
        if outcome not in OutcomeDay.Outcome.values:
            raise Http404("No such outcome.")
        label = OutcomeDay.Outcome(outcome).label
        title = f"Contacts {filters.start:%d %b %Y} to {filters.end:%d %b %Y}: {label}"
        return referral_list_response(request, title, performance.outcome_referrals(filters, outcome), now)
    try:
        definition = TargetDefinition.objects.get(code=request.GET.get("target", ""))
        period = date.fromisoformat(request.GET.get("at", ""))
        measure = request.GET["measure"]
        MEASURES[measure]
    except (TargetDefinition.DoesNotExist, ValueError, KeyError):
        raise Http404("No such figure.") from None
    title = f"{definition.name}: {MEASURES[measure]}, {filters.period} of {period:%d %b %Y}"
    return referral_list_response(request, title, performance.figure_referrals(
        filters, definition.code, period, measure), now)


@permission_required("triage.view_wait_dashboard")
def dashboard(request):
    """The managers' live wait dashboard: taken at one instant, every figure a link to the
    referrals behind it."""
    now = timezone.now()
    by_queue = dashboard_reads.open_by_queue_and_time_left(now)
    time_left = dashboard_reads.waiting_by_time_left(by_queue)
    if request.GET.get("csv") == "time-left":
        return _time_left_csv(now, by_queue, time_left)
    urgent = dashboard_reads.urgent_waits(now)
    never_lost = scheduling_selectors.under_cap_until_assessed(now)
    urgent_rows = dashboard_reads.with_time_left(list(urgent[:LIST_LIMIT]), now, lambda t: t.due_at)
    slot_issues = list(scheduling_selectors.appointment_slot_issues()[:LIST_LIMIT])
    never_lost_rows = dashboard_reads.with_time_left(list(never_lost[:LIST_LIMIT]), now, lambda r: r.next_due)
    record_access_log_many(actor=request.user, view="wait dashboard", service_users=[
        *((t.referral.service_user, t.referral) for t in urgent_rows),
        *((i.referral.service_user, i.referral) for i in slot_issues),
        *((r.service_user, r) for r in never_lost_rows)])
    return render(request, "triage/dashboard.html", {
        "now": now,
        "stats": selectors.wait_dashboard(now),
        "heartbeat": dashboard_reads.heartbeat(now),
        "by_queue": by_queue,
        "time_left": time_left,
        "time_left_chart": {"labels": [b["label"] for b in time_left],
                            "counts": [b["count"] for b in time_left],
                            "keys": [b["key"] for b in time_left]},
        "bands": [*dashboard_reads.BANDS, dashboard_reads.Band("none", "No target running", None, None)],
        "urgent": urgent_rows,
        "urgent_count": urgent.count(),
        "not_accounted_for": accounted.not_accounted_for_count(now),
        "breaches": list(dashboard_reads.breaches_today(now)),
        "slot_issues": slot_issues,
        "never_lost": never_lost_rows,
        "never_lost_count": never_lost.count(),
        "limit": LIST_LIMIT,
        "can_acknowledge": request.user.has_perm("triage.acknowledge_alert"),
        "hub": hub_figures(now, today_start=dashboard_reads.today_bounds(now)[0]),
        # Told at once: the managers see each week's break-glass reads on their dashboard.
        "break_glass": access_selectors.break_glass_recent_count(now),
        "break_glass_days": access_selectors.RECENT_DAYS,
        "can_see_break_glass": request.user.has_perm("access.view_break_glass_report"),
    })


LIST_LIMIT = 50


def _time_left_csv(now, by_queue: list[dict], time_left: list[dict]):
    """The chart's figures by queue, with the whole list's line last; headed with the
    labels the page shows (a manager's spreadsheet, not an API), and no one named."""
    stamp = timezone.localtime(now).strftime("%Y-%m-%d-%H%M")
    rows = [[row["label"], *(n for _, n in row["cells"]), row["total"]] for row in by_queue]
    rows.append(["All queues", *(b["count"] for b in time_left), sum(b["count"] for b in time_left)])
    header = ["Queue", *(b["label"] for b in time_left), "All"]
    return csv_stream(f"waiting-by-time-left-{stamp}", header, rows)


@permission_required("triage.view_wait_dashboard")
def figure(request, name):
    """The referrals behind one figure of the dashboard, as a table or as CSV."""
    now = timezone.now()
    try:
        title, referrals = dashboard_reads.figure_referrals(name, now, request.GET)
    except KeyError:
        raise Http404("No such figure.") from None
    return referral_list_response(request, title, referrals, now, why=name == "not_accounted_for")


def referral_list_response(request, title, referrals, now, *, why: bool = False):
    """The referrals behind a figure, most at risk first; `why` adds why each is not
    accounted for and since when the watch found it."""
    rows = dashboard_reads.with_time_left(
        list(referrals.select_related("service_user").order_by(
            F("next_due_at").asc(nulls_last=True), "received_at")[:FIGURE_LIMIT + 1]),
        now, lambda r: r.next_due_at)
    if request.GET.get("format") == "csv":
        # References, dates and statuses only: the CSV names no one, so it reads no record.
        extra = ["why", "unaccounted_since"] if why else []
        return csv_response(
            slugify(title), ["reference", "received_at", "channel", "status", "next_due_at", *extra],
            [[r.reference, r.received_at.isoformat(), r.channel, r.status,
              r.next_due_at.isoformat() if r.next_due_at else "",
              *([r.why, r.unaccounted_since.isoformat() if r.unaccounted_since else ""] if why else [])]
             for r in rows[:FIGURE_LIMIT]])
    if why:
        for r in rows:
            r.waited = duration_text(int((now - r.received_at).total_seconds() // 60))
            r.unaccounted_for = (duration_text(int((now - r.unaccounted_since).total_seconds() // 60))
                                 if r.unaccounted_since else "")
    record_access_log_many(actor=request.user, view=f"dashboard figure: {title}"[:60],
                           service_users=[(r.service_user, r) for r in rows[:FIGURE_LIMIT]])
    query = request.GET.copy()
    query["format"] = "csv"
    return render(request, "triage/figure.html", {
        "title": title, "rows": rows[:FIGURE_LIMIT], "more": len(rows) > FIGURE_LIMIT,
        "limit": FIGURE_LIMIT, "csv_query": query.urlencode(), "now": now, "why": why,
    })


FIGURE_LIMIT = 500


def csv_response(name: str, header: list[str], rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response
