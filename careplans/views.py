"""Care plan pages. Every page that shows a person's plan logs the view (who, when)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from access.rules import Record
from access.views import person_read_or_break_glass
from accounts.kept_work import keeps_typed_work
from cap.models import ServiceUser
from core.audit import record_access_log_many
from core.errors import DomainError, NotAllowed, StaleVersion
from core.lists import REFRESH_SECONDS, is_refresh
from core.permissions import permission_required
from letters.content import CARE_PLAN_KIND, care_plan_copy_context, template_for
from letters.formats import FORMATS_OF, LetterFormat, letter_format
from letters.services import care_plan_copy_pdf_produce
from letters.views import pdf_download

from . import forms, selectors, services
from .models import (
    SECTIONS,
    Audience,
    CarePlan,
    CarePlanVersion,
    Episode,
    ExpertiseRequest,
    RequestStatus,
    StepUpEpisode,
    StepUpNotReason,
    SupportSlot,
    TeamAroundMember,
    Transition,
)

VIEW = "careplans.view_careplan"
CONTRIBUTE = "careplans.contribute_care_plan"
# Managers hold every team's caseload: they name care coordinators and agree transitions.
VIEW_EPISODES = "careplans.view_episode"
CHANGE_EPISODES = "careplans.change_episode"
CHANGE_TRANSITIONS = "careplans.change_transition"
CASELOAD_PAGE = 50  # open episodes a page, as the scheduling lists


def _person_and_plan(request, pk, context="care plan"):
    """The person and their plan, started here if they have none and the viewer is involved
    (the plan exists at or before the first assessment). The view is logged.

    Read only by those in the person's care, or after breaking the glass (access.rules);
    only those in their care change it."""
    person = get_object_or_404(ServiceUser, pk=pk)
    access = person_read_or_break_glass(request, person, record=Record.CARE_PLAN)
    involved = access.in_care
    if involved and request.user.has_perm(CONTRIBUTE):
        services.care_plan_start(actor=request.user, service_user=person)
    plan = selectors.plan_detail(person)
    # Logged with or without a plan: the page names the person either way.
    selectors.plan_viewed(request.user, person, context, break_glass_reason=access.break_glass_reason)
    return person, plan, involved


def _plan_or_404(request, pk, context="care plan"):
    person, plan, involved = _person_and_plan(request, pk, context)
    if plan is None:
        raise PermissionDenied("This person has no care plan yet.")
    return person, plan, involved


@permission_required(VIEW)
def index(request):
    now = timezone.now()
    people = selectors.people_in_care_of(request.user)
    practitioner = selectors.practitioner_of(request.user)
    step_ups = selectors.running_step_ups().filter(service_user__in=people)
    incoming = (ExpertiseRequest.objects.filter(expert=practitioner)
                .exclude(status__in=[RequestStatus.COMPLETED, RequestStatus.DECLINED])
                .select_related("service_user", "requested_by") if practitioner else [])
    outgoing = (ExpertiseRequest.objects.filter(requested_by=request.user)
                .select_related("service_user", "expert")[:50])
    people, step_ups, incoming, outgoing = list(people[:200]), list(step_ups), list(incoming), list(outgoing)
    record_access_log_many(actor=request.user, view="care plans: my people", service_users=[
        *people, *(s.service_user for s in step_ups), *(r.service_user for r in (*incoming, *outgoing))])
    return render(request, "careplans/index.html", {
        "people": people, "step_ups": [(s, s.state(now)) for s in step_ups],
        "incoming": incoming, "outgoing": outgoing})


@permission_required(VIEW)
def person(request, pk):
    person, plan, involved = _person_and_plan(request, pk)
    now = timezone.now()
    step_ups = StepUpEpisode.objects.filter(service_user=person).prefetch_related("practitioners")
    return render(request, "careplans/plan.html", {
        "person": person, "plan": plan, "can_edit": involved and request.user.has_perm(CONTRIBUTE),
        "contributions": selectors.contributions(plan)[:20] if plan else [],
        "step_ups": [(s, s.state(now)) for s in step_ups],
        "requests": ExpertiseRequest.objects.filter(service_user=person).select_related("expert"),
        "transitions": person.transitions.select_related("from_team", "to_team"),
        "episodes": person.episodes.select_related("team", "care_coordinator").order_by("-opened_on", "-pk"),
        "other_need_form": forms.OtherNeedForm()})


def _involved_or_403(involved):
    if not involved:
        raise PermissionDenied("Only practitioners involved in this person's care can change their plan.")


@permission_required(CONTRIBUTE)
@keeps_typed_work
def contribute(request, pk):
    person, plan, involved = _plan_or_404(request, pk)
    _involved_or_403(involved)
    practitioner = selectors.practitioner_of(request.user)
    form = forms.ContributeForm(request.POST or None, practitioner=practitioner,
                                initial={**plan.sections(), "version": plan.version})
    clash = None
    if request.method == "POST" and form.is_valid():
        try:
            version = services.care_plan_contribute(
                actor=request.user, care_plan=plan, sections=form.sections(),
                summary=form.cleaned_data["summary"], team=form.cleaned_data["team"],
                based_on=form.cleaned_data["version"])
        except StaleVersion as error:
            form, clash = _contribution_clash(request, practitioner, plan, form, error)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Saved as version {version.number}.")
            return redirect("careplans:person", pk=person.pk)
    plan.refresh_from_db()
    return render(request, "careplans/contribute.html",
                  {"person": person, "plan": plan, "form": form, "clash": clash})


def _contribution_clash(request, practitioner, plan, form, error: StaleVersion):
    """The practitioner's text, kept as typed, now based on the current version (they have
    seen it), with each section that differs from the current plan shown side by side."""
    current = CarePlan.objects.get(pk=plan.pk).sections()
    mine = form.sections()
    data = request.POST.copy()
    data["version"] = str(error.current_version)
    rebased = forms.ContributeForm(data, practitioner=practitioner)
    rebased.is_valid()
    rebased.add_domain_error(error)
    clash = [{"heading": heading, "current": current.get(name, ""), "yours": mine[name]}
             for name, heading in SECTIONS if mine[name].strip() != current.get(name, "").strip()]
    return rebased, clash


@require_POST
@permission_required(CONTRIBUTE)
def other_need_add(request, pk):
    person, plan, involved = _plan_or_404(request, pk)
    form = forms.OtherNeedForm(request.POST)
    if form.is_valid():
        try:
            services.other_need_add(actor=request.user, care_plan=plan, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Other need added to the plan.")
            return redirect("careplans:person", pk=person.pk)
    return _form_page(request, person, "Add another need", form)


def _form_page(request, person, title, form, submit="Save", extra=None):
    return render(request, "careplans/form.html", {"person": person, "title": title, "form": form,
                                                   "submit": submit, **(extra or {})})


@permission_required(VIEW)
def versions(request, pk):
    person, plan, _ = _plan_or_404(request, pk, "care plan versions")
    all_versions = list(selectors.contributions(plan))
    numbers = {v.number: v for v in all_versions}
    older, newer = _compare_pair(request, numbers, plan.version)
    changes = selectors.version_changes(older, newer) if older and newer else []
    return render(request, "careplans/versions.html", {
        "person": person, "plan": plan, "versions": all_versions, "older": older, "newer": newer,
        "changes": changes})


def _compare_pair(request, numbers, current):
    def pick(name, default):
        value = request.GET.get(name, "")
        return numbers.get(int(value)) if value.isdigit() else numbers.get(default)

    older, newer = pick("from", current - 1), pick("to", current)
    if older and newer and older.number > newer.number:
        older, newer = newer, older
    return older, newer


@permission_required(VIEW)
def copy(request, pk, audience):
    """The plan written for the person and their carer, or for the GP: printable, and
    large print on request."""
    if audience not in Audience.values:
        raise PermissionDenied
    person, plan, involved = _plan_or_404(request, pk, f"care plan copy for {audience}")
    version = get_object_or_404(CarePlanVersion, care_plan=plan, number=plan.version)
    fmt = letter_format(request.GET, person, CARE_PLAN_KIND[audience])
    form = forms.ShareForm(initial={"audience": audience,
                                    "shared_with": _default_recipient(person, audience)})
    kind = CARE_PLAN_KIND[audience]
    return render(request, template_for(kind, fmt), care_plan_copy_context(
        version, audience, fmt, timezone.localdate()) | {
        "form": form, "can_edit": involved, "shares": plan.shares.filter(audience=audience),
        "formats": [(f, LetterFormat(f).label) for f in FORMATS_OF[kind]]})


@permission_required(VIEW)
def copy_pdf(request, pk, audience):
    """The copy as a PDF (letters), stored against the plan's version it prints."""
    if audience not in Audience.values:
        raise PermissionDenied
    person, plan, _ = _plan_or_404(request, pk, f"care plan copy for {audience} (PDF)")
    version = get_object_or_404(CarePlanVersion, care_plan=plan, number=plan.version)
    fmt = letter_format(request.GET, person, CARE_PLAN_KIND[audience])
    copy = care_plan_copy_pdf_produce(actor=request.user, version=version, audience=audience, fmt=fmt,
                                      now=timezone.now())
    return pdf_download(copy)


def _default_recipient(person, audience):
    if audience == Audience.GP:
        return str(person.gp_practice or "")
    return f"{person.given_name} {person.family_name}"


@require_POST
@permission_required(CONTRIBUTE)
def share(request, pk):
    person, plan, _ = _plan_or_404(request, pk)
    form = forms.ShareForm(request.POST)
    if form.is_valid():
        try:
            shared = services.care_plan_share(actor=request.user, care_plan=plan, **form.cleaned_data)
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Recorded as shared with {shared.shared_with}.")
            return redirect("careplans:copy", pk=person.pk, audience=shared.audience)
    return _form_page(request, person, "Record the plan as shared", form)


@permission_required(CONTRIBUTE)
def team(request, pk):
    """The care coordinator (lead professional) and the team around the person."""
    person, plan, involved = _plan_or_404(request, pk)
    _involved_or_403(involved)
    coordinator_form = forms.CoordinatorForm(
        request.POST if "care_coordinator" in request.POST else None,
        initial={"care_coordinator": plan.care_coordinator_id})
    member_form = forms.TeamAroundForm(request.POST if "involvement" in request.POST else None)
    form = coordinator_form if coordinator_form.is_bound else member_form
    if request.method == "POST" and form.is_valid():
        try:
            if form is coordinator_form:
                services.care_coordinator_set(actor=request.user, care_plan=plan,
                                              practitioner=form.cleaned_data["care_coordinator"])
            else:
                services.team_around_add(actor=request.user, care_plan=plan, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Saved.")
            return redirect("careplans:team", pk=person.pk)
    return render(request, "careplans/team.html", {
        "person": person, "plan": plan, "coordinator_form": coordinator_form, "member_form": member_form,
        "members": plan.team_around.select_related("practitioner")})


@require_POST
@permission_required(CONTRIBUTE)
def team_around_end(request, pk):
    member = get_object_or_404(TeamAroundMember.objects.select_related("care_plan"), pk=pk)
    try:
        services.team_around_end(actor=request.user, member=member)
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    return redirect("careplans:team", pk=member.care_plan.service_user_id)


@permission_required(CONTRIBUTE)
@keeps_typed_work
def step_up_start(request, pk):
    person, plan, involved = _plan_or_404(request, pk)
    _involved_or_403(involved)
    form = forms.StepUpStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.step_up_start(actor=request.user, service_user=person, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Step up support started, for not more than 6 weeks.")
            return redirect("careplans:person", pk=person.pk)
    return _form_page(request, person, "Start step up support", form, "Start step up",
                      {"not_reasons": StepUpNotReason.choices})


@permission_required(CONTRIBUTE)
@keeps_typed_work
def step_up_end(request, pk):
    step_up = get_object_or_404(StepUpEpisode.objects.select_related("service_user"), pk=pk)
    person = step_up.service_user
    _involved_or_403(person_read_or_break_glass(request, person, record=Record.CARE_PLAN).in_care)
    form = forms.StepUpEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.step_up_end(actor=request.user, step_up=step_up, **form.cleaned_data)
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Step up support ended.")
            return redirect("careplans:person", pk=person.pk)
    return _form_page(request, person, "End step up support", form, "End step up")


@permission_required("careplans.view_stepupepisode")
def step_ups(request):
    now = timezone.now()
    running = list(selectors.running_step_ups())
    record_access_log_many(actor=request.user, view="step up support",
                           service_users=[s.service_user for s in running])
    return render(request, "careplans/step_ups.html", {"step_ups": [(s, s.state(now)) for s in running]})


@permission_required(CONTRIBUTE)
@keeps_typed_work
def expertise_request_new(request, pk):
    person, plan, involved = _plan_or_404(request, pk)
    _involved_or_403(involved)
    form = forms.ExpertiseRequestForm(request.POST or None,
                                      initial={"expertise": request.GET.get("expertise")})
    if request.method == "POST" and form.is_valid():
        try:
            made = services.expertise_request_create(actor=request.user, service_user=person,
                                                     **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Request sent to {made.expert}.")
            return redirect("careplans:expertise_request", pk=made.pk)
    return _form_page(request, person, "Ask for additional support and expertise", form, "Send request")


@permission_required("careplans.view_expertiserequest")
def expertise_request(request, pk):
    made = get_object_or_404(ExpertiseRequest.objects.select_related("service_user", "expert",
                                                                     "requested_by"), pk=pk)
    practitioner = selectors.practitioner_of(request.user)
    is_expert = practitioner is not None and practitioner.pk == made.expert_id
    if not (is_expert or made.requested_by_id == request.user.pk
            or selectors.is_involved(request.user, made.service_user)):
        raise PermissionDenied
    selectors.plan_viewed(request.user, made.service_user, "expertise request")
    free_slots = SupportSlot.objects.filter(practitioner_id=made.expert_id, taken_by__isnull=True,
                                            starts_at__gt=timezone.now())
    return render(request, "careplans/expertise_request.html", {
        "made": made, "is_expert": is_expert, "is_requester": made.requested_by_id == request.user.pk,
        "events": made.events.select_related("by"), "free_slots": free_slots[:20],
        "answer_form": forms.RequestAnswerForm()})


@require_POST
@permission_required("careplans.view_expertiserequest")
def expertise_request_move(request, pk, to_status):
    made = get_object_or_404(ExpertiseRequest, pk=pk)
    form = forms.RequestAnswerForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.expertise_request_move(actor=request.user, request=made, to_status=to_status, note=note)
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("careplans:expertise_request", pk=made.pk)


@require_POST
@permission_required("careplans.view_expertiserequest")
def support_slot_take(request, pk, slot_pk):
    made = get_object_or_404(ExpertiseRequest, pk=pk)
    slot = get_object_or_404(SupportSlot, pk=slot_pk)
    try:
        services.support_slot_take(actor=request.user, slot=slot, request=made)
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("careplans:expertise_request", pk=made.pk)


@permission_required(VIEW)
@keeps_typed_work
def support_slots(request):
    """An expert's practitioner support slots: offer one, see which are taken."""
    practitioner = selectors.practitioner_of(request.user)
    form = forms.SlotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.support_slot_offer(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Slot offered.")
            return redirect("careplans:support_slots")
    slots = (SupportSlot.objects.filter(practitioner=practitioner, ends_at__gt=timezone.now())
             .select_related("taken_by__service_user") if practitioner else [])
    slots = list(slots)
    record_access_log_many(actor=request.user, view="support slots",
                           service_users=[slot.taken_by.service_user for slot in slots if slot.taken_by])
    return render(request, "careplans/support_slots.html", {"form": form, "slots": slots})


@permission_required(CONTRIBUTE)
@keeps_typed_work
def transition_new(request, pk):
    person, plan, involved = _plan_or_404(request, pk)
    _involved_or_403(involved)
    form = forms.TransitionForm(request.POST or None, service_user=person)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.transition_plan(actor=request.user, service_user=person, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Transition planned: the receiving team agrees it next.")
            return redirect("careplans:transition", pk=made.pk)
    return _form_page(request, person, "Plan a transition between specialties", form, "Plan transition")


# Caseloads and handovers

@permission_required(VIEW, VIEW_EPISODES)
def caseload(request):
    """Our caseload: the open episodes of the practitioner's teams, a care coordinator
    still to be named (earliest due) first, filtered, sorted and paged from the address as
    a worklist is; and the transitions awaiting their agreement."""
    now = timezone.now()
    form = forms.CaseloadFilterForm(request.GET, teams=selectors.caseload_teams(request.user),
                                    is_practitioner=selectors.practitioner_of(request.user) is not None)
    chosen = form.chosen()
    page = Paginator(selectors.caseload_filtered(request.user, chosen), CASELOAD_PAGE).get_page(
        request.GET.get("page"))
    episodes = list(page.object_list)
    to_agree = list(selectors.transitions_to_agree(request.user)[:100])
    record_access_log_many(actor=request.user, view="caseload", service_users=[
        *((e.service_user, e.referral) for e in episodes), *(t.service_user for t in to_agree)])
    context = {
        "rows": [(e, selectors.time_left_text(e.coordinator_due_at, now),
                  e.coordinator_due_at is not None and e.coordinator_due_at < now) for e in episodes],
        "page": page, "query": urlencode(chosen), "filters": form, "chosen": chosen, "now": now,
        "here": request.get_full_path(), "refresh_seconds": REFRESH_SECONDS, "to_agree": to_agree}
    if is_refresh(request):
        return render(request, "careplans/_caseload_table.html", context)
    return render(request, "careplans/caseload.html", context)


def _episode_page(request, episode, coordinator_form=None, close_form=None, status=200):
    selectors.plan_viewed(request.user, episode.service_user, "episode of care")
    target = selectors.coordinator_target(episode)
    running = target is not None and target.met_at is None and target.cancelled_at is None
    return render(request, "careplans/episode.html", {
        "episode": episode, "person": episode.service_user, "target": target,
        "time_left": selectors.time_left_text(target.due_at, timezone.now()) if running and target else "",
        "can_act": services.may_act_for_team(request.user, episode.team) and not episode.closed_on,
        "coordinator_form": coordinator_form or forms.EpisodeCoordinatorForm(
            team=episode.team, initial={"care_coordinator": episode.care_coordinator_id}),
        "close_form": close_form or forms.EpisodeCloseForm()}, status=status)


def _episode_or_404(request, pk) -> Episode:
    episode = get_object_or_404(Episode.objects.select_related("service_user", "team", "referral",
                                                               "care_coordinator", "closed_by"), pk=pk)
    if not (services.may_act_for_team(request.user, episode.team)
            or selectors.is_involved(request.user, episode.service_user)):
        raise PermissionDenied("Only the team, practitioners involved in the person's care, or a "
                               "manager, see this episode.")
    return episode


@permission_required(VIEW, VIEW_EPISODES)
def episode(request, pk):
    return _episode_page(request, _episode_or_404(request, pk))


@require_POST
@permission_required(CONTRIBUTE, CHANGE_EPISODES)
@keeps_typed_work
def episode_coordinator(request, pk):
    episode = _episode_or_404(request, pk)
    form = forms.EpisodeCoordinatorForm(request.POST, team=episode.team)
    if form.is_valid():
        try:
            services.care_coordinator_name(actor=request.user, episode=episode,
                                           practitioner=form.cleaned_data["care_coordinator"])
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        except DomainError as error:
            form.add_domain_error(error)
        else:
            named = form.cleaned_data["care_coordinator"]
            messages.success(request, f"{named.name} is the care coordinator.")
            return redirect("careplans:episode", pk=episode.pk)
    return _episode_page(request, episode, coordinator_form=form, status=400)


@require_POST
@permission_required(CONTRIBUTE, CHANGE_EPISODES)
@keeps_typed_work
def episode_close(request, pk):
    episode = _episode_or_404(request, pk)
    form = forms.EpisodeCloseForm(request.POST)
    if form.is_valid():
        try:
            services.episode_close(actor=request.user, episode=episode, **form.cleaned_data)
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Episode of care closed.")
            return redirect("careplans:episode", pk=episode.pk)
    return _episode_page(request, episode, close_form=form, status=400)


def _transition_or_404(request, pk) -> Transition:
    transition = get_object_or_404(Transition.objects.select_related(
        "service_user", "from_team", "to_team", "recorded_by", "agreed_by", "done_by", "cancelled_by"), pk=pk)
    if not (services.may_act_for_team(request.user, transition.to_team)
            or services.may_act_for_team(request.user, transition.from_team)
            or selectors.is_involved(request.user, transition.service_user)):
        raise PermissionDenied("Only the two teams, practitioners involved in the person's care, or a "
                               "manager, see this transition.")
    return transition


def _transition_page(request, transition, cancel_form=None, status=200):
    selectors.plan_viewed(request.user, transition.service_user, "transition")
    receiving = services.may_act_for_team(request.user, transition.to_team)
    either = receiving or services.may_act_for_team(request.user, transition.from_team)
    return render(request, "careplans/transition.html", {
        "transition": transition, "person": transition.service_user,
        "can_agree": receiving and transition.status == "planned",
        "can_complete": either and transition.status == "agreed",
        "can_cancel": either and transition.is_open,
        "cancel_form": cancel_form or forms.TransitionCancelForm()}, status=status)


@permission_required(VIEW, CHANGE_TRANSITIONS)
def transition(request, pk):
    return _transition_page(request, _transition_or_404(request, pk))


TRANSITION_STEPS = {"agree": (services.transition_agree, "Transition agreed by the receiving team."),
                    "done": (services.transition_done, "Transition done: the person's episode has moved.")}


@require_POST
@permission_required(CONTRIBUTE, CHANGE_TRANSITIONS)
def transition_step(request, pk, step):
    transition = _transition_or_404(request, pk)
    if step not in TRANSITION_STEPS:
        raise PermissionDenied("No such step.")
    service, done = TRANSITION_STEPS[step]
    try:
        service(actor=request.user, transition=transition)
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("careplans:transition", pk=transition.pk)


@require_POST
@permission_required(CONTRIBUTE, CHANGE_TRANSITIONS)
@keeps_typed_work
def transition_cancel(request, pk):
    transition = _transition_or_404(request, pk)
    form = forms.TransitionCancelForm(request.POST)
    if form.is_valid():
        try:
            services.transition_cancel(actor=request.user, transition=transition, **form.cleaned_data)
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Transition cancelled.")
            return redirect("careplans:transition", pk=transition.pk)
    return _transition_page(request, transition, cancel_form=form, status=400)
