from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from access.rules import Record
from access.views import person_read_or_break_glass
from accounts.kept_work import keeps_typed_work
from core import uploads
from core.audit import record_access_log, record_access_log_many
from core.errors import DomainError
from core.forms import typed_values
from core.permissions import permission_required

from . import held_uploads, keyboard, selectors, services
from .forms import (
    AdditionalInformationForm,
    CallForm,
    CallSearchForm,
    ChildrenHubResponseForm,
    IdentityForm,
    PersonSearchForm,
    VulnerableForm,
    WrittenReferralForm,
)
from .models import (
    ChildrenHubResponse,
    MatchResult,
    Referral,
    ReferralStatus,
    RiskIndicator,
    ServiceUser,
    Task,
)
from .referral_status import URGENT_ACTION_STATUSES


@permission_required("cap.log_written_referral")
@keeps_typed_work
def written_referral(request):
    """Log a letter or electronic referral. A valid letter survives an error elsewhere on
    the form: it is held server-side against the form (cap.held_uploads), shown as
    attached, and can be removed."""
    posted = request.method == "POST"  # bound even when empty: an empty POST is a form error
    form = WrittenReferralForm(request.POST if posted else None,
                               uploads.files_of(request) if posted else None,
                               initial={"received_at": timezone.localtime()})
    held = None
    if posted:
        valid = form.is_valid()
        new_letter = form.cleaned_data.get("attachment")  # valid, even when another field is not
        held = _earlier_letter(request, replaced=bool(new_letter))
        if valid:
            d = form.cleaned_data
            try:
                receipt = services.referral_log_written_receipt(
                    actor=request.user, person=form.person(), referrer=form.referrer(),
                    reason=d["reason"], referrer_risk=d["referrer_risk"],
                    referrer_urgency=d["referrer_urgency"], received_at=d["received_at"],
                    attachment=new_letter or (held.open() if held else None),
                    risk_indicators=d["risk_indicators"], specific_queue=d["specific_queue"],
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                if held:
                    held_uploads.upload_release(held)
                messages.success(request, f"Referral {receipt.referral.reference} logged for triage.")
                for warning in receipt.warnings:
                    messages.warning(request, warning)
                return redirect("cap:referral", pk=receipt.referral.pk)
        if new_letter:  # refused: the letter is kept for the next attempt
            held = held_uploads.upload_hold(actor=request.user, upload=new_letter)
    return render(request, "cap/written_referral.html", {"form": form, "held": held})


def _earlier_letter(request, *, replaced: bool) -> held_uploads.HeldUpload | None:
    """The letter an earlier attempt held, unless the admin removed it or sent another."""
    held = held_uploads.upload_held(actor=request.user, token=request.POST.get("held_attachment", ""))
    if held and (replaced or request.POST.get("remove_held_attachment")):
        held_uploads.upload_release(held)
        return None
    return held


@permission_required("cap.log_call")
@keeps_typed_work
def log_call(request):
    """The call handler's screen: find the person, see at once whether they are known
    to services, and log the call with its outcome.

    The search, choosing a person and saving are buttons of one form, so searching or
    choosing keeps everything already typed about the call (notes included), and the
    searched name and date of birth are carried into "Who the call is about" (WCAG 2.2
    3.3.7, redundant entry). A search by address (GET) still works, for links."""
    action, choice = _call_action(request)
    search = PersonSearchForm(request.POST if action == "search" else
                              request.GET if "search" in request.GET else None, prefix="find")
    people = selectors.people_search(**search.cleaned_data) if search.is_bound and search.is_valid() else None
    if people is not None:
        # Which people a search showed is a read of each of them (the subject access
        # request asks who saw my name and date of birth, not only who opened my record).
        people = list(people)
        record_access_log_many(actor=request.user, service_users=people, view="call handler: search results")
    chosen = _chosen_person(request, choice if action == "choose" else None)
    if action in ("search", "choose"):
        form = CallForm(initial=_typed_so_far(request, search, chosen))
    elif action == "restored":  # typed before a sign-in (accounts.kept_work): shown, not sent
        form = CallForm(request.POST)
    else:
        form = CallForm(request.POST if action == "save" else None, initial={
            "started_at": request.GET.get("started_at") or timezone.localtime(), "service_user": chosen})
    if action == "save" and form.is_valid():
        try:
            receipt = services.call_log(actor=request.user, call=form.call(), person=form.person(),
                                        service_user=form.cleaned_data["service_user"])
        except DomainError as error:
            form.add_domain_error(error)
        else:
            enquiry = receipt.enquiry
            note = f", passed to triage as {enquiry.referral.reference}" if enquiry.referral else ""
            messages.success(request, f"Call {enquiry.reference} logged{note}.")
            for line in receipt.notes:
                messages.info(request, line)
            return redirect("cap:log_call")
    focus = {"search": "search-results", "choose": "known-to-services"}.get(action, "")
    if action == "search" and request.headers.get("X-Requested-With") == FRAGMENT_HEADER:
        # static/js/person-search.mjs swaps these results into the page; a search the form
        # refuses is shown by the full page, with its errors where they belong.
        if people is None:
            return HttpResponse(status=422)
        return render(request, "components/person_search_results.html", {
            "people": people, "focus": focus, "nobody_found": NOBODY_FOUND_ON_A_CALL})
    if not action:  # a new call: the work starts at the person search
        search.fields["nhs_number"].widget.attrs["autofocus"] = True
    chosen = chosen or (form.cleaned_data.get("service_user") if form.is_bound and form.is_valid() else None)
    return render(request, "cap/log_call.html", {
        "form": form, "search": search, "people": people, "chosen": chosen,
        "chosen_detail": _known_to_services(request, chosen), "focus": focus,
        "outcome_choices": form.outcome_choices(person_chosen=chosen is not None),
        "nobody_found": NOBODY_FOUND_ON_A_CALL, "shortcuts": keyboard.CALL_FORM,
    })


FRAGMENT_HEADER = "fetch"  # X-Requested-With of static/js/person-search.mjs
NOBODY_FOUND_ON_A_CALL = "enter the person's details below"


def _call_action(request) -> tuple[str, str]:
    """What the handler pressed: "search", "choose" (with the person's id) or "save"; on a
    GET, "restored" when accounts.kept_work put back a form sent after the session ended."""
    if request.method == "POST":
        action, _, choice = request.POST.get("action", "save").partition(":")
        return action, choice
    return ("restored" if getattr(request, "kept_work_restored", False) else ""), ""


def _typed_so_far(request, search: PersonSearchForm, chosen) -> dict:
    """What the handler has typed into the call form, to show again as it was; the searched
    person's details fill the empty fields of who the call is about."""
    typed = typed_values(CallForm, request.POST)
    if search.is_bound and search.is_valid():
        for name in CARRIED_FROM_SEARCH:
            if not _was_typed(typed.get(name)) and search.cleaned_data.get(name):
                typed[name] = search[name].data
    typed["service_user"] = chosen.pk if chosen else None
    return typed


CARRIED_FROM_SEARCH = ("nhs_number", "given_name", "family_name", "date_of_birth")


def _was_typed(value) -> bool:
    """A date's boxes come back as a tuple of empty strings when nothing was typed in them."""
    return any(value) if isinstance(value, tuple) else bool(value)


def _chosen_person(request, choice: str | None = None):
    person_id = choice or request.POST.get("service_user") or request.GET.get("person")
    if not person_id or not str(person_id).isdigit() or len(str(person_id)) > 18:
        return None
    return ServiceUser.objects.filter(pk=person_id, superseded_by__isnull=True).first()


def _known_to_services(request, person):
    if person is None:
        return None
    record_access_log(actor=request.user, service_user=person, view="call handler: person chosen for a call")
    return selectors.with_open_care(ServiceUser.objects.filter(pk=person.pk)).get()


@permission_required("cap.view_referral", "access.read_in_care")
def referral(request, pk):
    """Read role-wide by those who work referrals; by a practitioner for the people in their
    care, or after breaking the glass (access.rules)."""
    referral = get_object_or_404(
        Referral.objects.select_related("service_user", "service_user__gp_practice",
                                        "service_user__vulnerable_set_by"), pk=pk)
    access = person_read_or_break_glass(request, referral.service_user, record=Record.REFERRAL)
    record_access_log(actor=request.user, service_user=referral.service_user, view="referral page",
                      referral=referral, break_glass_reason=access.break_glass_reason)
    return render(request, "cap/referral.html", {
        "referral": referral,
        "targets": referral.targets.select_related("definition").order_by("due_at"),
        "decisions": referral.decisions.select_related("external_service"),
        "bookings": referral.bookings.select_related("team", "room").order_by("-created_at"),
        "calls": selectors.calls_about(referral),
        "risk_indicators": RiskIndicator.labels_of(referral.risk_indicators),
        "clinical_reviews": referral.clinical_reviews.select_related("decided_by").order_by("requested_at"),
        "information_form": AdditionalInformationForm(),
        "can_complete_identity": request.user.has_perm("cap.change_serviceuser"),
        "can_add_information": request.user.has_perm("cap.log_written_referral"),
        "hub_responses": referral.children_hub_responses.select_related("recorded_by")
        .order_by("responded_at"),
        "can_record_hub_response": request.user.has_perm("cap.work_children_hub_handoff")
        and referral.status == ReferralStatus.REDIRECTED_CHILDREN_HUB,
        **_triage_follow_up(request, referral),
    })


def _triage_follow_up(request, referral):
    """Known to services (open episodes, open tasks for a team) and what triage did
    around its decision: one query per section, whatever its length."""
    from careplans.models import Episode

    person = referral.service_user
    can_triage = request.user.has_perm("triage.record_triage_decision")
    return {
        "open_episodes": Episode.objects.open().filter(service_user=person)
        .select_related("team", "care_coordinator").order_by("-opened_on"),
        "open_team_tasks": Task.objects.open().filter(service_user=person, team__isnull=False)
        .select_related("team").order_by("created_at"),
        "urgent_actions": referral.urgent_actions.select_related("recorded_by", "booking", "outcome_service")
        .prefetch_related("booking__entries").order_by("recorded_at"),
        "information_requests": referral.information_requests.select_related("requested_by")
        .order_by("requested_at"),
        "huddle_items": referral.huddle_items.select_related("huddle", "added_by").order_by("added_at"),
        "health_checks": referral.health_checks.select_related("requested_by").order_by("requested_at"),
        "can_triage": can_triage,
        "can_record_urgent_action": can_triage and referral.status in URGENT_ACTION_STATUSES,
    }


@permission_required("cap.work_children_hub_handoff")
@keeps_typed_work
def children_hub_response(request, pk):
    """Record the children's hub's answer to a referral waiting on the handoff queue:
    accepted, or returned to CAP triage with the hub's reason."""
    referral = get_object_or_404(Referral.objects.select_related("service_user"), pk=pk)
    form = ChildrenHubResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if d["outcome"] == ChildrenHubResponse.Outcome.ACCEPTED:
                services.children_hub_accept(actor=request.user, referral=referral)
                said = f"{referral.reference} accepted by the children's hub."
            else:
                services.children_hub_return(actor=request.user, referral=referral, reason=d["reason"])
                said = f"{referral.reference} returned by the children's hub: it is awaiting CAP triage."
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, said)
            return redirect("queues:children_hub")
    record_access_log(actor=request.user, service_user=referral.service_user,
                      view="children's hub response", referral=referral)
    return render(request, "cap/children_hub_response.html", {
        "form": form, "referral": referral,
        "waiting": referral.status == ReferralStatus.REDIRECTED_CHILDREN_HUB,
        "targets": referral.targets.select_related("definition").filter(
            met_at__isnull=True, cancelled_at__isnull=True).order_by("due_at"),
    })


@permission_required("cap.view_referral", "access.read_in_care")
def referral_attachment(request, pk):
    referral = get_object_or_404(Referral.objects.select_related("service_user"), pk=pk)
    access = person_read_or_break_glass(request, referral.service_user, record=Record.REFERRAL)
    if not referral.attachment:
        raise Http404("This referral has no attachment.")
    record_access_log(actor=request.user, service_user=referral.service_user, view="letter of referral",
                      referral=referral, break_glass_reason=access.break_glass_reason)
    # Downloaded, never shown inline: a letter is never rendered in the service's origin.
    return FileResponse(referral.attachment.open("rb"), content_type="application/pdf",
                        as_attachment=True, filename=f"{referral.reference}.pdf")


@require_POST
@permission_required("cap.log_written_referral")
def referral_add_information(request, pk):
    referral = get_object_or_404(Referral, pk=pk)
    form = AdditionalInformationForm(request.POST)
    if form.is_valid():
        try:
            services.referral_add_information(actor=request.user, referral=referral,
                                              text=form.cleaned_data["text"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Information added to the referral.")
    else:
        messages.error(request, "Enter the information gathered (up to 2,000 characters).")
    return redirect("cap:referral", pk=pk)


@permission_required("cap.log_written_referral")
def match_reviews(request):
    referrals = list(selectors.possible_matches_to_review()[:200])
    record_access_log_many(actor=request.user, view="identity checks",
                           service_users=[(r.service_user, r) for r in referrals])
    return render(request, "cap/match_reviews.html", {"referrals": referrals})


@permission_required("cap.log_written_referral")
def match_review(request, pk):
    referral = get_object_or_404(selectors.possible_matches_to_review(), pk=pk)
    person = referral.service_user
    candidates = services.likely_matches(
        services.PersonDetails(given_name=person.given_name, family_name=person.family_name,
                               date_of_birth=person.date_of_birth, postcode=person.postcode),
        exclude_id=person.pk)
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "new":
                services.match_confirm_new_person(actor=request.user, referral=referral)
            else:
                chosen = get_object_or_404(ServiceUser, pk=request.POST.get("person"))
                services.match_link_to_existing(actor=request.user, referral=referral, person=chosen)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Identity confirmed for {referral.reference}.")
            return redirect("cap:match_reviews")
    record_access_log(actor=request.user, service_user=person, view="identity check", referral=referral)
    record_access_log_many(actor=request.user, view="possible match",
                           service_users=[(candidate, referral) for candidate in candidates])
    return render(request, "cap/match_review.html", {"referral": referral, "candidates": candidates})


@permission_required("cap.log_written_referral")
def admin_tasks(request):
    tasks = list(selectors.open_tasks_for_admin_team()[:200])
    record_access_log_many(actor=request.user, view="admin team tasks",
                           service_users=[task.service_user for task in tasks if task.service_user])
    return render(request, "cap/tasks.html", {"tasks": tasks})


@require_POST
@permission_required("cap.log_written_referral")
def admin_task_done(request, pk):
    """An appointment change or other task handed to the admin team, done."""
    task = get_object_or_404(selectors.open_tasks_for_admin_team(), pk=pk)
    try:
        services.task_complete(actor=request.user, task=task)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        who = f" for {task.service_user}" if task.service_user else ""
        messages.success(request, f"Task marked done: {task.get_kind_display().lower()}{who}.")
    return redirect("cap:admin_tasks")


# --- Logged calls --------------------------------------------------------------------

CALLS_PER_PAGE = 25


@permission_required("cap.view_enquiry")
def calls(request):
    """Every logged call, newest first, searched by reference, caller's or person's name,
    callback number and day. Each person shown is a read of their record."""
    search = CallSearchForm(request.GET or None)
    found = selectors.calls_search(**search.cleaned_data) if search.is_valid() else selectors.calls_search()
    page = Paginator(found, CALLS_PER_PAGE).get_page(request.GET.get("page"))
    record_access_log_many(actor=request.user, view="call list",
                           service_users={call.service_user for call in page if call.service_user})
    query = request.GET.copy()
    query.pop("page", None)
    # Where the work starts: the search box, with the call handler's shortcuts.
    search.fields["q"].widget.attrs["autofocus"] = True
    return render(request, "cap/calls.html", {"search": search, "page": page, "query": query.urlencode(),
                                              "shortcuts": keyboard.call_list(request.user)})


@permission_required("cap.view_enquiry")
def call(request, pk):
    call = get_object_or_404(selectors.calls_search(), pk=pk)
    if call.service_user:
        record_access_log(actor=request.user, service_user=call.service_user, view="call page",
                          referral=call.referral)
    return render(request, "cap/call.html", {
        "call": call, "risk_indicators": RiskIndicator.labels_of(call.risk_indicators)})


@permission_required("cap.change_serviceuser")
@keeps_typed_work
def referral_identity(request, pk):
    """Complete the identity of a person passed to urgent triage without it: then the
    identity check, when someone already known looks like the same person."""
    referral = get_object_or_404(Referral.objects.select_related("service_user"), pk=pk)
    person = referral.service_user
    if person.identity_confirmed:
        messages.info(request, f"The identity of {person} is already confirmed.")
        return redirect("cap:referral", pk=pk)
    form = IdentityForm(request.POST or None, initial={
        "given_name": "" if person.given_name == "Unknown" else person.given_name,
        "family_name": "" if person.family_name == "Unknown" else person.family_name,
        "date_of_birth": person.date_of_birth, "postcode": person.postcode,
        "nhs_number": person.nhs_number or "", "address_line_1": person.address_line_1,
        "address_line_2": person.address_line_2, "town": person.town})
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.identity_complete(actor=request.user, referral=referral,
                                                  person=form.person())
        except DomainError as error:
            form.add_domain_error(error)
        else:
            if referral.match_result == MatchResult.POSSIBLE_MATCH:
                messages.warning(request, f"Identity completed for {referral.reference}: someone already "
                                 "known looks like the same person. Confirm or link them.")
                if request.user.has_perm("cap.log_written_referral"):
                    return redirect("cap:match_review", pk=pk)
            else:
                messages.success(request, f"Identity confirmed for {referral.reference}: "
                                 f"{referral.service_user}.")
            return redirect("cap:referral", pk=pk)
    record_access_log(actor=request.user, service_user=person, view="identity to complete",
                      referral=referral)
    return render(request, "cap/referral_identity.html", {"form": form, "referral": referral})


@permission_required("cap.change_serviceuser")
@keeps_typed_work
def person_vulnerable(request, pk):
    """Flag the person of a referral vulnerable, or remove the flag, with the reason."""
    referral = get_object_or_404(
        Referral.objects.select_related("service_user", "service_user__vulnerable_set_by"), pk=pk)
    person = referral.service_user
    form = VulnerableForm(request.POST or None, initial={"vulnerable": "yes" if person.vulnerable else "no"})
    if request.method == "POST" and form.is_valid():
        try:
            services.service_user_vulnerable_set(actor=request.user, service_user=person, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            said = "flagged vulnerable" if form.cleaned_data["vulnerable"] else "no longer flagged vulnerable"
            messages.success(request, f"{person} is {said}.")
            return redirect("cap:referral", pk=pk)
    record_access_log(actor=request.user, service_user=person, view="vulnerable flag", referral=referral)
    return render(request, "cap/person_vulnerable.html",
                  {"form": form, "referral": referral, "person": person})
