"""The Urgent Care Hub's pages: the board, recording an arrival, and the assessment."""

from datetime import datetime

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.kept_work import keeps_typed_work
from cap import selectors as cap_selectors
from cap.forms import PersonSearchForm
from cap.models import ServiceUser
from core.audit import record_access_log, record_access_log_many
from core.errors import DomainError
from core.forms import typed_values
from core.lists import REFRESH_SECONDS, is_refresh
from core.permissions import permission_required
from triage.dashboard import time_left_text
from triage.presenters import due_state, duration_text, row_flags

from . import selectors, services
from .forms import ArrivalForm, AssessmentCompletedForm, BoardFilterForm
from .models import HubArrival

BOARD_LIMIT = 50  # per section: more than this waiting is for the dashboard, not a board


# On the board everyone is waiting for their urgent assessment: the hub's own clock says
# it, so the worklist's flag for it would only repeat itself on every row.
_BOARD_SILENT_FLAGS = {"Awaiting urgent assessment"}


def _on_the_board(rows: list[HubArrival], now: datetime) -> list[HubArrival]:
    """Each row's time since arrival, time left on its 2-hour target (at risk or breached)
    and flags, at one instant."""
    for row in rows:
        row.since_arrival = duration_text(int((now - row.arrived_at).total_seconds() // 60))
        row.time_left, row.overdue = time_left_text(row.target.due_at, now)
        row.due_state = due_state(row.target.due_at, row.target.at_risk_at, now)
        referral = row.referral
        referral.crisis = getattr(row, "crisis", False)
        referral.adjustments = getattr(row, "adjustments", False)
        row.flags = [flag for flag in row_flags(referral) if flag[0] not in _BOARD_SILENT_FLAGS]
        if row.assessed_at:
            row.in_time = row.assessed_at <= row.target.due_at
            row.took = duration_text(int((row.assessed_at - row.arrived_at).total_seconds() // 60))
    return rows


@permission_required("hub.view_hubarrival")
def board(request):
    """Who is waiting, who is being assessed, and who was assessed in the last day. The
    lists refresh every minute (queue-refresh.mjs asks for them alone), so nothing typed
    elsewhere on the page is lost."""
    now = timezone.now()
    filters = BoardFilterForm(request.GET)
    chosen = filters.chosen()
    waiting = _on_the_board(list(selectors.hub_waiting(chosen)[:BOARD_LIMIT]), now)
    being_assessed = _on_the_board(list(selectors.hub_being_assessed(chosen)[:BOARD_LIMIT]), now)
    assessed = _on_the_board(list(selectors.hub_recently_assessed(now, chosen)[:BOARD_LIMIT]), now)
    # Each refresh shows the people again, and is logged again.
    record_access_log_many(actor=request.user, view="Urgent Care Hub board", service_users=[
        (row.referral.service_user, row.referral) for row in (*waiting, *being_assessed, *assessed)])
    context = {
        "now": now, "waiting": waiting, "being_assessed": being_assessed, "assessed": assessed,
        "can_record": request.user.has_perm("hub.record_hub_arrival"),
        "limit": BOARD_LIMIT, "refresh_seconds": REFRESH_SECONDS,
        "filters": filters, "chosen": chosen, "here": request.get_full_path(),
    }
    if is_refresh(request):
        return render(request, "hub/_board_lists.html", context)
    return render(request, "hub/board.html", context)


@permission_required("hub.record_hub_arrival")
@keeps_typed_work
def arrival_new(request):
    """Record an arrival: find the person (as Log a call does: searching or choosing keeps
    everything typed), or enter who they are; a name is enough."""
    action, choice = _action(request)
    search = PersonSearchForm(request.POST if action == "search" else None, prefix="find")
    people = (list(cap_selectors.people_search(**search.cleaned_data))
              if search.is_bound and search.is_valid() else None)
    if people is not None:
        record_access_log_many(actor=request.user, service_users=people,
                               view="Urgent Care Hub: search results")
    chosen = _chosen_person(request, choice if action == "choose" else None)
    if action in ("search", "choose"):
        typed = typed_values(ArrivalForm, request.POST)
        form = ArrivalForm(initial={**typed, "service_user": chosen.pk if chosen else None})
    elif action == "restored":  # typed before a sign-in (accounts.kept_work): shown, not sent
        form = ArrivalForm(request.POST)
    else:
        form = ArrivalForm(request.POST if action == "save" else None,
                           initial={"arrived_at": timezone.localtime(), "service_user": chosen})
    if action == "save" and form.is_valid():
        try:
            receipt = services.hub_arrival_record(
                actor=request.user, arrival=form.arrival(), person=form.person(),
                service_user=form.cleaned_data["service_user"])
        except DomainError as error:
            form.add_domain_error(error)
        else:
            arrival = receipt.arrival
            how = (f"added to their open referral {arrival.referral.reference}" if receipt.joined
                   else f"referral {arrival.referral.reference}")
            messages.success(request, f"Arrival of {arrival.referral.service_user} recorded ({how}): "
                                      f"assess by {timezone.localtime(arrival.target.due_at):%H:%M}.")
            for warning in receipt.warnings:
                messages.warning(request, warning)
            return redirect("hub:board")
    if chosen is None and form.is_bound and form.is_valid():
        chosen = form.cleaned_data["service_user"]
    if chosen is not None:
        record_access_log(actor=request.user, service_user=chosen, view="Urgent Care Hub: person chosen")
    return render(request, "hub/arrival_new.html", {
        "form": form, "search": search, "people": people, "chosen": chosen,
        "focus": {"search": "search-results", "choose": "chosen-person"}.get(action, ""),
    })


def _action(request) -> tuple[str, str]:
    """What was pressed: "search", "choose" (with the person's id) or "save"; on a GET,
    "restored" when accounts.kept_work put back a form sent after the session ended."""
    if request.method == "POST":
        action, _, choice = request.POST.get("action", "save").partition(":")
        return action, choice
    return ("restored" if getattr(request, "kept_work_restored", False) else ""), ""


def _chosen_person(request, choice: str | None) -> ServiceUser | None:
    person_id = choice or request.POST.get("service_user")
    if not person_id or not str(person_id).isdigit() or len(str(person_id)) > 18:
        return None
    return ServiceUser.objects.filter(pk=person_id, superseded_by__isnull=True).first()


def _arrival_or_404(pk: int) -> HubArrival:
    return get_object_or_404(HubArrival.objects.select_related(
        "referral__service_user", "target", "recorded_by", "assessment_started_by", "assessed_by"), pk=pk)


@permission_required("hub.view_hubarrival")
def arrival(request, pk):
    """One arrival: who, how they came, with whom, the concern, the clock and the assessment."""
    record = _arrival_or_404(pk)
    record_access_log(actor=request.user, service_user=record.referral.service_user,
                      view="Urgent Care Hub arrival", referral=record.referral)
    return render(request, "hub/arrival.html", {
        "arrival": _on_the_board([record], timezone.now())[0],
        "can_record": request.user.has_perm("hub.record_hub_arrival"),
    })


@require_POST
@permission_required("hub.record_hub_arrival")
def assessment_start(request, pk):
    record = _arrival_or_404(pk)
    try:
        services.hub_assessment_start(actor=request.user, arrival=record)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Assessment of {record.referral.service_user} started.")
    return redirect("hub:board")


@permission_required("hub.record_hub_arrival")
@keeps_typed_work
def assessment_complete(request, pk):
    """Record the assessment completed, with its time and outcome: it meets the 2-hour target."""
    record = _arrival_or_404(pk)
    form = AssessmentCompletedForm(request.POST if request.method == "POST" else None,
                                   initial={"completed_at": timezone.localtime()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            done = services.hub_assessment_complete(actor=request.user, arrival=record,
                                                    completed_at=d["completed_at"], outcome=d["outcome"],
                                                    notes=d["notes"])
        except DomainError as error:
            form.add_domain_error(error)
        else:
            state = "within" if done.assessed_at <= done.target.due_at else "after"
            messages.success(request, f"Assessment of {done.referral.service_user} completed, {state} "
                                      f"the 2-hour target. Outcome: {done.get_outcome_display()}.")
            return redirect("hub:board")
    record_access_log(actor=request.user, service_user=record.referral.service_user,
                      view="Urgent Care Hub assessment", referral=record.referral)
    return render(request, "hub/assessment_complete.html", {
        "arrival": _on_the_board([record], timezone.now())[0], "form": form})
