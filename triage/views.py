import csv

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify

from cap.errors import DomainError
from cap.models import Referral, RiskIndicator
from scheduling import selectors as scheduling_selectors

from . import dashboard as dashboard_reads
from . import selectors, services
from .forms import TriageDecisionForm
from .models import DecisionOutcome, Urgency

WORKLIST_LIMIT = 20


@permission_required("cap.view_referral", raise_exception=True)
def worklist(request):
    """The triage clinician's home: the head of the urgent queue, then of the non-urgent
    queue, each closest to breach first; the queue pages show more."""
    from .queues import QUEUES, queue_rows, visible_queues

    now = timezone.now()
    sections = []
    for key in ("urgent", "non-urgent"):
        rows, more = queue_rows(QUEUES[key].rows, now, request.user, limit=WORKLIST_LIMIT)
        sections.append({"queue": QUEUES[key], "rows": rows, "more": more})
    return render(request, "triage/worklist.html", {
        "sections": sections, "referrals": [row.referral for s in sections for row in s["rows"]],
        "can_decide": request.user.has_perm("triage.record_triage_decision"),
        "here": request.path, "limit": WORKLIST_LIMIT, "queues": visible_queues(request.user),
    })


@permission_required("triage.record_triage_decision", raise_exception=True)
def decide(request, pk):
    referral = get_object_or_404(Referral.objects.select_related("service_user"), pk=pk)
    form = TriageDecisionForm(request.POST or None, initial={"urgency": referral.suggested_urgency})
    if request.method == "POST" and form.is_valid():
        try:
            record = services.triage_decision_record(actor=request.user, referral=referral,
                                                     decision=form.decision())
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Triage decision recorded: {what_happened(record)}.")
            return redirect("triage:worklist")
    return render(request, "triage/decide.html", {
        "form": form, "referral": referral,
        "risk_indicators": [INDICATORS.get(code, code) for code in referral.risk_indicators],
        "suggested_urgency": Urgency(referral.suggested_urgency).label if referral.suggested_urgency else "",
    })


INDICATORS = dict(RiskIndicator.choices)


def what_happened(record) -> str:
    """The decision in a sentence, for the clinician's confirmation."""
    reference = record.referral.reference
    match record.outcome:
        case DecisionOutcome.ASSESSMENT:
            urgency = record.get_urgency_display().lower()
            article = "an" if urgency[0] in "aeiou" else "a"
            return (f"{reference} streamed to {record.get_stream_display()} for {article} "
                    f"{urgency} assessment")
        case DecisionOutcome.ROUTE_EXTERNAL:
            return f"{reference} routed to {record.external_service or record.external_agency}"
        case DecisionOutcome.ROUTE_EXISTING_TEAM:
            return f"{reference} routed to the person's existing team, {record.existing_team}"
        case DecisionOutcome.EMERGENCY_SERVICES:
            return f"{reference} routed to emergency services"
        case DecisionOutcome.INFORMATION_REQUEST:
            asked = record.referral.information_requests.latest("requested_at")
            whom = asked.get_requested_from_display()
            return f"{reference}: information requested from {whom[0].lower()}{whom[1:]}"
        case _:
            item = record.referral.huddle_items.select_related("huddle").latest("added_at")
            day = item.huddle.held_on
            return f"{reference} sent to the MDT huddle on {day:%a} {day.day} {day:%b}"


@permission_required("triage.view_wait_dashboard", raise_exception=True)
def dashboard(request):
    """The managers' live wait dashboard: taken at one instant, every figure a link to the
    referrals behind it."""
    now = timezone.now()
    urgent = dashboard_reads.urgent_waits(now)
    never_lost = scheduling_selectors.under_cap_until_assessed(now)
    return render(request, "triage/dashboard.html", {
        "now": now,
        "stats": selectors.wait_dashboard(now),
        "heartbeat": dashboard_reads.heartbeat(now),
        "by_queue": dashboard_reads.open_by_queue_and_time_left(now),
        "bands": [*dashboard_reads.BANDS, dashboard_reads.Band("none", "No target running", None, None)],
        "urgent": dashboard_reads.with_time_left(list(urgent[:LIST_LIMIT]), now, lambda t: t.due_at),
        "urgent_count": urgent.count(),
        "breaches": list(dashboard_reads.breaches_today(now)),
        "slot_issues": list(scheduling_selectors.appointment_slot_issues()[:LIST_LIMIT]),
        "never_lost": dashboard_reads.with_time_left(list(never_lost[:LIST_LIMIT]), now,
                                                     lambda r: r.next_due),
        "never_lost_count": never_lost.count(),
        "limit": LIST_LIMIT,
        "can_acknowledge": request.user.has_perm("triage.acknowledge_alert"),
    })


LIST_LIMIT = 50


@permission_required("triage.view_wait_dashboard", raise_exception=True)
def figure(request, name):
    """The referrals behind one figure of the dashboard, as a table or as CSV."""
    now = timezone.now()
    try:
        title, referrals = dashboard_reads.figure_referrals(name, now, request.GET)
    except KeyError:
        raise Http404("No such figure.") from None
    return referral_list_response(request, title, referrals, now)


def referral_list_response(request, title, referrals, now):
    rows = dashboard_reads.with_time_left(
        list(referrals.select_related("service_user").order_by(
            F("next_due_at").asc(nulls_last=True), "received_at")[:FIGURE_LIMIT + 1]),
        now, lambda r: r.next_due_at)
    if request.GET.get("format") == "csv":
        return csv_response(
            slugify(title), ["reference", "received_at", "channel", "status", "next_due_at"],
            [[r.reference, r.received_at.isoformat(), r.channel, r.status,
              r.next_due_at.isoformat() if r.next_due_at else ""] for r in rows[:FIGURE_LIMIT]])
    query = request.GET.copy()
    query["format"] = "csv"
    return render(request, "triage/figure.html", {
        "title": title, "rows": rows[:FIGURE_LIMIT], "more": len(rows) > FIGURE_LIMIT,
        "limit": FIGURE_LIMIT, "csv_query": query.urlencode(), "now": now,
    })


FIGURE_LIMIT = 500


def csv_response(name: str, header: list[str], rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response
