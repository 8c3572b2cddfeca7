"""Views for what surrounds a triage decision: chasing missing information, the MDT
huddle, physical health checks first, urgent triage actions, and the tasks handed to
the person's existing team. Thin: parse with a form, call one service, render."""

from datetime import date

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.kept_work import keeps_typed_work
from cap import services as cap_services
from cap.models import Referral, ReferralStatus, Task
from cap.referral_status import URGENT_ACTION_STATUSES
from core.audit import record_access_log, record_access_log_many
from core.errors import DomainError
from core.permissions import permission_required
from scheduling.options import assessment_deadline

from .. import selectors, services
from ..followup_forms import (
    HuddleDiscussionForm,
    InformationReceivedForm,
    PhysicalHealthCheckForm,
    UrgentActionForm,
)
from ..models import Huddle, HuddleItem, InformationRequest, PhysicalHealthCheck, Stream

DECIDE = "triage.record_triage_decision"
LIST_LIMIT = 200


# --- Missing information ------------------------------------------------------------

@permission_required(DECIDE)
def information_requests(request):
    open_requests = list(selectors.open_information_requests()[:LIST_LIMIT])
    record_access_log_many(actor=request.user, view="information requests",
                           service_users=[(i.referral.service_user, i.referral) for i in open_requests])
    return render(request, "triage/followup/information_requests.html", {
        "requests": open_requests, "now": timezone.now(),
    })


def _open_request(pk) -> InformationRequest:
    return get_object_or_404(selectors.open_information_requests(), pk=pk)


@require_POST
@permission_required(DECIDE)
def information_chase(request, pk):
    try:
        info = services.information_chased(actor=request.user, request=_open_request(pk))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Chase recorded for {info.referral.reference}; next chase due "
                                  f"{timezone.localtime(info.chase_at):%a %d %b %H:%M}.")
    return redirect("followup:information_requests")


@permission_required(DECIDE)
@keeps_typed_work
def information_receive(request, pk):
    info = _open_request(pk)
    form = InformationReceivedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.information_received(actor=request.user, request=info,
                                          response=form.cleaned_data["response"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Information received for {info.referral.reference}.")
        return redirect("followup:information_requests")
    record_access_log(actor=request.user, service_user=info.referral.service_user,
                      view="information received", referral=info.referral)
    return render(request, "triage/followup/information_received.html", {"form": form, "info": info})


# --- MDT huddle ---------------------------------------------------------------------

@permission_required(DECIDE)
def huddle(request):
    """Today's huddle on a working day; otherwise the next working day's."""
    now = timezone.now()
    today = timezone.localdate(now)
    day = today if not services.business_calendar().is_closed(today) else services.next_huddle_day(now)
    return _render_huddle(request, day)


@permission_required(DECIDE)
def huddle_day(request, day):
    try:
        held_on = date.fromisoformat(day)
    except ValueError:
        raise Http404("No such day.") from None
    return _render_huddle(request, held_on)


@require_POST
@permission_required(DECIDE)
def huddle_item_discuss(request, pk):
    item = get_object_or_404(HuddleItem.objects.select_related("huddle", "referral"), pk=pk)
    form = HuddleDiscussionForm(request.POST, prefix=f"item-{item.pk}")
    if not form.is_valid():
        return _render_huddle(request, item.huddle.held_on, bound={item.pk: form}, status=400)
    services.huddle_item_discussed(actor=request.user, item=item,
                                   discussion=form.cleaned_data["discussion"])
    messages.success(request, f"Discussion of {item.referral.reference} recorded. Record the "
                              "triage decision against the referral.")
    return redirect("followup:huddle_day", day=item.huddle.held_on.isoformat())


def _render_huddle(request, day: date, *, bound=None, status=200):
    bound = bound or {}
    items = list(selectors.huddle_agenda(day))
    for item in items:
        item.form = bound.get(item.pk) or HuddleDiscussionForm(prefix=f"item-{item.pk}")
    meeting = Huddle.objects.filter(held_on=day).prefetch_related("attendees").first()
    record_access_log_many(actor=request.user, view="MDT huddle",
                           service_users=[(item.referral.service_user, item.referral) for item in items])
    now = timezone.now()
    return render(request, "triage/followup/huddle.html", {
        "day": day, "items": items, "huddle": meeting,
        "attendees": meeting.attendees.all() if meeting else [],
        "next_day": services.next_huddle_day(now), "today": timezone.localdate(now),
        "awaiting_triage": ReferralStatus.AWAITING_TRIAGE,
    }, status=status)


# --- Physical health checks first ---------------------------------------------------

@permission_required(DECIDE)
@keeps_typed_work
def physical_health_check(request, pk):
    referral = get_object_or_404(Referral.objects.select_related("service_user"), pk=pk)
    form = PhysicalHealthCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            check = services.physical_health_check_request(actor=request.user, referral=referral,
                                                           **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Letter to the GP ready to print.")
            return redirect("followup:physical_health_letter", pk=check.pk)
    record_access_log(actor=request.user, service_user=referral.service_user,
                      view="physical health checks first", referral=referral)
    return render(request, "triage/followup/physical_health_check.html",
                  {"form": form, "referral": referral})


@permission_required(DECIDE)
def physical_health_letter(request, pk):
    check = get_object_or_404(PhysicalHealthCheck.objects.select_related(
        "referral__service_user__gp_practice", "requested_by"), pk=pk)
    record_access_log(actor=request.user, service_user=check.referral.service_user,
                      view="physical health letter", referral=check.referral)
    return render(request, "triage/followup/physical_health_letter.html", {"check": check})


# --- Urgent triage actions ----------------------------------------------------------

@permission_required(DECIDE)
@keeps_typed_work
def urgent_action(request, pk):
    referral = get_object_or_404(Referral.objects.select_related("service_user__gp_practice"), pk=pk)
    if referral.status not in URGENT_ACTION_STATUSES:
        messages.error(request, f"{referral.reference} is {referral.get_status_display().lower()}: "
                                "urgent triage actions are recorded before triage or while an "
                                "urgent assessment is awaited.")
        return redirect("cap:referral", pk=referral.pk)
    stream = services.crisis_assessment_stream(referral)
    form = UrgentActionForm(request.POST or None,
                            practitioners=selectors.crisis_assessors(referral, stream))
    if request.method == "POST" and form.is_valid():
        try:
            action = services.urgent_action_record(actor=request.user, referral=referral,
                                                   **form.action())
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"{action.get_kind_display()} recorded for {referral.reference}.")
            _warn_if_after_target(request, action)
            return redirect("cap:referral", pk=referral.pk)
    record_access_log(actor=request.user, service_user=referral.service_user, view="urgent triage action",
                      referral=referral)
    return render(request, "triage/followup/urgent_action.html", {
        "form": form, "referral": referral, "stream": Stream(stream).label if stream else "",
        "deadline": assessment_deadline(referral),
    })


def _warn_if_after_target(request, action) -> None:
    """A crisis assessment booked after its 4-hour or 24-hour target is allowed (the
    person may ask for it, or no one is free sooner), but said plainly."""
    if action.booking is None:
        return
    deadline = assessment_deadline(action.referral)
    if deadline and action.booking.starts_at > deadline:
        messages.warning(request, f"The assessment starts after its target, due "
                                  f"{timezone.localtime(deadline):%a %d %b %H:%M}: the target will "
                                  "breach unless it is arranged sooner.")


# --- Known to services: tasks for the person's existing team ------------------------

def _team_tasks_for(user) -> QuerySet[Task]:
    """Every team's tasks for those who read referrals role-wide; a practitioner sees the
    tasks of their own teams only (the people known to those teams: access.rules)."""
    tasks = selectors.open_team_tasks()
    if user.has_perm("cap.view_referral"):
        return tasks
    return tasks.filter(team__practitioners__user=user).distinct()


@permission_required("cap.view_referral", "access.read_in_care")
def team_tasks(request):
    tasks = list(_team_tasks_for(request.user)[:LIST_LIMIT])
    record_access_log_many(actor=request.user, view="tasks for existing teams",
                           service_users=[task.service_user for task in tasks if task.service_user])
    return render(request, "triage/followup/team_tasks.html", {"tasks": tasks})


@require_POST
@permission_required("cap.view_referral", "access.read_in_care")
def team_task_done(request, pk):
    task = get_object_or_404(_team_tasks_for(request.user), pk=pk)
    try:
        cap_services.task_complete(actor=request.user, task=task)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Task for {task.team} marked done.")
    return redirect("followup:team_tasks")
