"""The admin team's booking pages, the practitioners' diaries and the managers' lists."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.kept_work import keeps_typed_work
from adjustments import selectors as adjustment_selectors
from cap.models import Referral
from core.audit import record_access_log, record_access_log_many
from core.errors import DomainError, StaleVersion
from core.formatting import clock_time, day_date
from core.lists import REFRESH_SECONDS, is_refresh
from core.permissions import permission_required
from letters.content import booking_letter_context, template_for
from letters.formats import FORMATS_OF, LetterFormat, LetterKind, letter_format
from letters.views import AUDIT_VIEW, PDF_URL, letter_booking_read
from messaging.models import AppointmentQuestions
from messaging.selectors import replies_to_read
from triage import selectors as triage_selectors
from triage import worklists
from triage.models import AssessmentSetting

from . import calendar, selectors, services
from .forms import (
    AbsenceForm,
    CancelForm,
    ClinicalReviewForm,
    InterpreterForm,
    OptionChoiceForm,
    OptionsFilterForm,
    RebookForm,
    SlotIssueForm,
    UnavailableTimeForm,
    WorkingSessionForm,
)
from .models import (
    ABSENCE_KINDS,
    Booking,
    BookingStatus,
    ClinicalReview,
    DiaryEntry,
    DiaryException,
    PersonUnavailability,
    Practitioner,
    SlotIssue,
    WorkingPattern,
)
from .options import OptionSearch, latest_assessment_decision

BOOK = "scheduling.book_assessment"
# Replies from people the service could not act on alone, shown on the booking queue.
REPLIES_SHOWN = 50
LIST_PAGE = 50  # rows a page on the booking queue, under the CAP and the slot issues


def _list_context(request, queryset, *, with_urgency: bool) -> dict:
    """A sorted, filtered page of a scheduling list from its address, as the triage
    worklist does (triage.worklists): a bad parameter is ignored, never an error."""
    now = timezone.now()
    form = worklists.BookingListFilterForm(request.GET, with_urgency=with_urgency)
    chosen = form.chosen()
    listing = worklists.listing(queryset, chosen, request.GET.get("page"), LIST_PAGE)
    return {"referrals": list(listing.page.object_list), "page": listing.page, "query": listing.query,
            "filters": form, "chosen": chosen, "now": now, "here": request.get_full_path(),
            "refresh_seconds": REFRESH_SECONDS}


@permission_required(BOOK)
def booking_queue(request):
    context = _list_context(request, selectors.booking_queue(), with_urgency=True)
    referrals = context["referrals"]
    if is_refresh(request):
        record_access_log_many(actor=request.user, view="booking queue",
                               service_users=[(r.service_user, r) for r in referrals])
        return render(request, "scheduling/_booking_queue_table.html", context)
    to_rearrange = list(selectors.bookings_to_rearrange())
    replies = list(replies_to_read()[:REPLIES_SHOWN])
    record_access_log_many(actor=request.user, view="booking queue", service_users=[
        *((r.service_user, r) for r in referrals),
        *((b.referral.service_user, b.referral) for b in to_rearrange),
        *((r.booking.referral.service_user, r.booking.referral) for r in replies if r.booking)])
    return render(request, "scheduling/booking_queue.html", {**context, "to_rearrange": to_rearrange,
                                                              "replies_to_read": replies})


@dataclass
class OptionRow:
    id: str
    starts_at: datetime
    ends_at: datetime
    people: list[tuple[str, str]]
    room: str
    within_target: bool


def option_rows(search: OptionSearch) -> list[OptionRow]:
    rows = []
    for option in search.options:
        entries = search.entries(option)
        people: dict[str, str] = {}
        for e in entries:
            if e.practitioner:
                people.setdefault(e.role, e.practitioner.name + (" (by phone)" if e.by_phone else ""))
        room = next((str(e.room) for e in entries if e.room), "Home visit")
        rows.append(OptionRow(option.id, option.starts_at, max(e.ends_at for e in entries),
                              list(people.items()), room, option.within_target))
    return rows


def _options_page(request, referral, *, form=None, rebook=None, status=200):
    try:
        decision = latest_assessment_decision(referral)
    except DomainError as error:  # not (or no longer) triaged for an assessment: nothing to book
        return render(request, "scheduling/not_bookable.html",
                      {"referral": referral, "reason": error.message}, status=409)
    teams = selectors.teams_for(referral, decision.stream)
    filters = OptionsFilterForm(request.GET or None, teams=teams)
    team = setting = None
    if filters.is_valid():
        team, setting = filters.cleaned_data["team"], filters.cleaned_data["setting"]
    search, error = None, None
    try:
        search = services.options_for(referral=referral, team=team, setting=setting or "")
    except DomainError as e:
        error = e.message
    # Finding times (a GET with filters) and a refused choice both show the person again.
    record_access_log(actor=request.user, service_user=referral.service_user,
                      view="rebooking page" if rebook else "booking page", referral=referral)
    return render(request, "scheduling/book.html", {
        "referral": referral, "decision": decision, "filters": filters, "search": search,
        # The setting searched: the booker's choice, else a home visit the flag asks for, else triage's.
        "setting": (AssessmentSetting(search.plan.setting).label if search
                    else decision.get_setting_display() or AssessmentSetting.CLINIC.label),
        "rows": option_rows(search) if search else [], "search_error": error, "form": form,
        "unavailable_form": UnavailableTimeForm(), "rebook": rebook,
        "rebook_form": RebookForm() if rebook else None,
        "unavailable": referral.unavailable_times.all(), "bookings": selectors.bookings_of(referral),
        "crisis_assessment": triage_selectors.crisis_assessment_of(referral),
        "review_needed": referral.clinical_reviews.open().first(),
        "flag_blocks_booking": adjustment_selectors.booking_blocked_reason(referral, decision.stream),
    }, status=status)


@permission_required(BOOK)
@keeps_typed_work
def book(request, pk):
    """Find options for a triaged referral, then hold or book one."""
    referral = get_object_or_404(Referral.objects.select_related("service_user__gp_practice"), pk=pk)
    form = OptionChoiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        service = services.booking_hold if form.cleaned_data["action"] == "hold" else services.booking_create
        try:
            booking = service(actor=request.user, referral=referral, option_id=form.cleaned_data["option"])
        except DomainError as error:
            form.add_domain_error(error)
            return _options_page(request, referral, form=form, status=409)
        messages.success(request, f"{'Held' if booking.status == BookingStatus.HELD else 'Booked'}: "
                                  f"{booking}.")
        return redirect("scheduling:booking", booking.pk)
    return _options_page(request, referral, form=form if request.method == "POST" else None)


@require_POST
@permission_required(BOOK)
def unavailable_time_add(request, pk):
    referral = get_object_or_404(Referral, pk=pk)
    form = UnavailableTimeForm(request.POST)
    if form.is_valid():
        services.unavailable_time_add(actor=request.user, referral=referral, **form.cleaned_data)
        messages.success(request, "Saved: the options now avoid that time.")
    else:
        messages.error(request, "Enter a start and an end time, the end after the start.")
    return redirect("scheduling:book", pk)


@permission_required(BOOK)
@keeps_typed_work
def unavailable_time_change(request, pk):
    """Correct a time the person cannot do; the booking page links here."""
    unavailable = get_object_or_404(PersonUnavailability.objects.select_related("referral__service_user"),
                                    pk=pk)
    referral = unavailable.referral
    initial = {"weekday": "" if unavailable.weekday is None else str(unavailable.weekday),
               "starts": unavailable.starts, "ends": unavailable.ends, "note": unavailable.note}
    form = UnavailableTimeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.unavailable_time_change(actor=request.user, unavailable=unavailable, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Changed: the options now avoid the corrected time.")
            return redirect("scheduling:book", referral.pk)
    record_access_log(actor=request.user, service_user=referral.service_user,
                      view="changing a time the person cannot do", referral=referral)
    return render(request, "scheduling/unavailable_time_change.html", {
        "unavailable": unavailable, "referral": referral, "form": form,
        "history": unavailable.history.select_related("history_user").order_by("-history_date")[:20],
    }, status=400 if form.errors else 200)


@require_POST
@permission_required(BOOK)
def unavailable_time_remove(request, pk):
    unavailable = get_object_or_404(PersonUnavailability, pk=pk)
    referral_pk = unavailable.referral_id
    services.unavailable_time_remove(actor=request.user, unavailable=unavailable)
    messages.success(request, "Removed: the options may use that time again.")
    return redirect("scheduling:book", referral_pk)


@permission_required(BOOK)
def booking(request, pk):
    booking = get_object_or_404(Booking.objects.select_related("referral__service_user", "team", "room"),
                                pk=pk)
    cancel_form = CancelForm(request.POST if request.POST.get("action") == "cancel" else None)
    interpreter_form = InterpreterForm(request.POST if request.POST.get("action") == "interpreter" else None)
    if request.method == "POST" and _booking_action(request, booking, cancel_form, interpreter_form):
        return redirect("scheduling:booking", pk)
    entries = booking.entries.select_related("practitioner", "room").order_by("starts_at", "pk")
    record_access_log(actor=request.user, service_user=booking.referral.service_user, view="booking",
                      referral=booking.referral)
    return render(request, "scheduling/booking.html", {
        "booking": booking, "entries": entries, "cancel_form": cancel_form, "now": timezone.now(),
        "interpreter_form": interpreter_form,
        "history": booking.history.select_related("history_user").order_by("-history_date")[:20],
    })


BOOKING_ACTIONS = {"confirm": services.booking_confirm, "release": services.booking_release,
                   "attended": services.booking_attended, "did_not_attend": services.booking_did_not_attend,
                   "was_not_brought": services.booking_was_not_brought}


def _booking_action(request, booking, cancel_form, interpreter_form) -> bool:
    """Carry out the posted action and say how it went; False when the cancel form or the
    interpreter's needs correcting (the page shows its errors, keeping what was typed)."""
    action = request.POST.get("action")
    if (action == "cancel" and not cancel_form.is_valid()) or (
            action == "interpreter" and not interpreter_form.is_valid()):
        return False
    if action not in ("cancel", "interpreter") and action not in BOOKING_ACTIONS:
        raise PermissionDenied
    try:
        if action == "cancel":
            services.booking_cancel(actor=request.user, booking=booking, **cancel_form.cleaned_data)
        elif action == "interpreter":
            services.booking_interpreter_confirm(actor=request.user, booking=booking,
                                                 who=interpreter_form.cleaned_data["who"])
        else:
            BOOKING_ACTIONS[action](actor=request.user, booking=booking)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Saved.")
    return True


@permission_required(BOOK)
@keeps_typed_work
def rebook(request, pk):
    old = get_object_or_404(Booking.objects.select_related("referral__service_user__gp_practice"), pk=pk)
    form = RebookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            new = services.booking_rebook(actor=request.user, booking=old, option_id=data["option"],
                                          by=data["by"], reason=data["reason"])
        except DomainError as error:
            form.add_domain_error(error)
            return _options_page(request, old.referral, rebook=old, form=form, status=409)
        messages.success(request, f"Rebooked: {new}.")
        return redirect("scheduling:booking", new.pk)
    return _options_page(request, old.referral, rebook=old, form=form if request.method == "POST" else None)


def _letter(request, pk, kind):
    """A booking's letter page, in the format asked for (`?format=`) or the person's own
    (letters.formats), with the copies produced as PDFs and their posting."""
    booking = letter_booking_read(request, pk, AUDIT_VIEW[kind])
    fmt = letter_format(request.GET, booking.referral.service_user, kind)
    context = booking_letter_context(booking, fmt, timezone.localdate())
    return render(request, template_for(kind, fmt), context | {
        "kind": kind, "formats": [(f, LetterFormat(f).label) for f in FORMATS_OF[kind]],
        "pdf_url": PDF_URL[kind], "copies": booking.letter_copies.filter(kind=kind).order_by("-produced_at"),
    })


@permission_required(BOOK, "cap.view_referral", "access.read_in_care")
def letter(request, pk):
    return _letter(request, pk, LetterKind.APPOINTMENT)


@permission_required(BOOK, "cap.view_referral", "access.read_in_care")
def gp_letter(request, pk):
    return _letter(request, pk, LetterKind.GP)


@permission_required("scheduling.view_practitioner")
def diaries(request):
    return render(request, "scheduling/diaries.html", {
        "practitioners": Practitioner.objects.select_related("discipline").prefetch_related("teams")})


@permission_required(selectors.READ_EVERY_DIARY, selectors.KEEP_OWN_DIARY)
def diary(request, pk):
    """A practitioner's diary: their own, or anyone's for those who read diaries role-wide."""
    practitioner = _diary_of(request, pk, may=selectors.may_read_diary)
    return _diary_page(request, practitioner)


@permission_required(selectors.KEEP_OWN_DIARY)
def my_diary(request):
    """The signed-in practitioner's own diary and the address of its calendar feed."""
    practitioner = get_object_or_404(Practitioner.objects.select_related("discipline"), user=request.user)
    return _diary_page(request, practitioner)


def _diary_of(request, pk, *, may) -> Practitioner:
    practitioner = get_object_or_404(Practitioner.objects.select_related("discipline"), pk=pk)
    if not may(request.user, practitioner):
        raise PermissionDenied("This is another practitioner's diary.")
    return practitioner


def _posted(request):
    """The form's data: a POST, even an empty one (refused with its messages, never shown
    as a fresh form), or the typing kept across a sign-in (accounts.kept_work)."""
    return request.POST if request.method == "POST" or request.POST else None


def _diary_page(request, practitioner):
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    entries = (DiaryEntry.objects.filter(practitioner=practitioner, live=True, ends_at__gte=today,
                                         starts_at__lt=today + timedelta(weeks=6))
               .select_related("booking__referral", "booking__team")
               .annotate(questions_sent=Exists(AppointmentQuestions.objects.filter(booking=OuterRef("booking"))))
               .order_by("starts_at"))
    exceptions = practitioner.exceptions.filter(ends_at__gte=today).order_by("starts_at")
    feed = request.build_absolute_uri(reverse("scheduling:feed", args=[practitioner.feed_token]))
    return render(request, "scheduling/diary.html", {
        "practitioner": practitioner, "entries": entries, "exceptions": exceptions, "feed_url": feed,
        "own": practitioner.user_id == request.user.pk, "absence_kinds": ABSENCE_KINDS,
        "may_keep": selectors.may_keep_diary(request.user, practitioner),
        "pattern": practitioner.working_pattern.all(), "may_book": request.user.has_perm(BOOK)})


@permission_required(selectors.KEEP_EVERY_DIARY, selectors.KEEP_OWN_DIARY)
@keeps_typed_work
def absence_add(request, pk):
    """Record leave, training or sickness in a practitioner's diary."""
    practitioner = _diary_of(request, pk, may=selectors.may_keep_diary)
    form = AbsenceForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            absence = services.diary_absence_record(actor=request.user, practitioner=practitioner,
                                                    **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Recorded: {absence.get_kind_display().lower()} for "
                                      f"{practitioner.name}.")
            return redirect("scheduling:absence", absence.pk)
    return render(request, "scheduling/absence.html", {
        "practitioner": practitioner, "form": form, "absence": None,
    }, status=400 if form.errors else 200)


@permission_required(selectors.KEEP_EVERY_DIARY, selectors.KEEP_OWN_DIARY)
@keeps_typed_work
def absence(request, pk):
    """An absence, the booked assessments it clashes with, and its change or cancellation."""
    absence = get_object_or_404(DiaryException.objects.filter(kind__in=ABSENCE_KINDS)
                                .select_related("practitioner__discipline"), pk=pk)
    practitioner = _diary_of(request, absence.practitioner_id, may=selectors.may_keep_diary)
    first_day, last_day = services.absence_days(absence)
    form = AbsenceForm(request.POST if request.POST.get("action") == "change" else None, initial={
        "kind": absence.kind, "first_day": first_day, "last_day": last_day, "note": absence.note})
    if request.method == "POST" and request.POST.get("action") == "cancel":
        services.diary_absence_cancel(actor=request.user, absence=absence)
        messages.success(request, f"Cancelled: {absence.get_kind_display().lower()} from "
                                  f"{day_date(first_day)} to {day_date(last_day)}.")
        return redirect("scheduling:diary", practitioner.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.diary_absence_change(actor=request.user, absence=absence, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Changed.")
            return redirect("scheduling:absence", absence.pk)
    elif request.method == "POST" and not form.is_bound:
        raise PermissionDenied("Choose to change or to cancel the absence.")
    return render(request, "scheduling/absence.html", {
        "practitioner": practitioner, "form": form, "absence": absence, "first_day": first_day,
        "last_day": last_day, "clashes": selectors.bookings_clashing_with(absence),
        "may_book": request.user.has_perm(BOOK),
        "history": absence.history.select_related("history_user").order_by("-history_date")[:20],
    }, status=400 if form.errors else 200)


@permission_required(selectors.READ_EVERY_DIARY, selectors.KEEP_OWN_DIARY)
@keeps_typed_work
def working_pattern(request, pk):
    """A practitioner's weekly sessions, when they may be booked: edited by the admin team
    and managers, seen by the practitioner."""
    practitioner = _diary_of(request, pk, may=selectors.may_read_diary)
    may_edit = selectors.may_edit_working_pattern(request.user)
    form = WorkingSessionForm(_posted(request))
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied("Working patterns are changed by the admin team and managers.")
        if form.is_valid():
            try:
                session = services.working_session_add(actor=request.user, practitioner=practitioner,
                                                       **form.cleaned_data)
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, f"Added: {WEEKDAY_NAMES[session.weekday]} "
                                          f"{clock_time(session.starts)} to {clock_time(session.ends)}.")
                return redirect("scheduling:working_pattern", practitioner.pk)
    return render(request, "scheduling/working_pattern.html", {
        "practitioner": practitioner, "form": form, "may_edit": may_edit,
        "sessions": [(WEEKDAY_NAMES[s.weekday], s) for s in practitioner.working_pattern.all()],
    }, status=400 if form.errors else 200)


WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@require_POST
@permission_required("scheduling.delete_workingpattern")
def working_session_remove(request, pk):
    session = get_object_or_404(WorkingPattern.objects.select_related("practitioner"), pk=pk)
    services.working_session_remove(actor=request.user, session=session)
    messages.success(request, f"Removed: {WEEKDAY_NAMES[session.weekday]} {clock_time(session.starts)} to "
                              f"{clock_time(session.ends)}.")
    return redirect("scheduling:working_pattern", session.practitioner_id)


@login_not_required
def feed(request, token):
    """The practitioner's diary as an iCalendar feed for their calendar app. The secret
    token in the address is the credential; entries name no one (the booking
    reference only), as calendar apps keep copies outside the trust's systems."""
    practitioner = get_object_or_404(Practitioner, feed_token=token)
    return HttpResponse(calendar.diary_feed(practitioner), content_type="text/calendar; charset=utf-8")


@permission_required(BOOK, "scheduling.view_booking")
def under_cap(request):
    context = _list_context(request, selectors.under_cap_until_assessed(), with_urgency=True)
    record_access_log_many(actor=request.user, view="under CAP until assessed",
                           service_users=[(r.service_user, r) for r in context["referrals"]])
    template = "scheduling/_under_cap_table.html" if is_refresh(request) else "scheduling/under_cap.html"
    return render(request, template, context)


@permission_required(BOOK, "scheduling.view_booking")
def slot_issues(request):
    context = _list_context(request, selectors.referrals_with_slot_issues(), with_urgency=True)
    referrals = selectors.attach_slot_issues(context["referrals"])
    record_access_log_many(actor=request.user, view="slot issues",
                           service_users=[(r.service_user, r) for r in referrals])
    template = "scheduling/_slot_issues_table.html" if is_refresh(request) else "scheduling/slot_issues.html"
    return render(request, template, {**context, "can_change": request.user.has_perm(CHANGE_SLOT_ISSUE)})


CHANGE_SLOT_ISSUE = "scheduling.change_slotissue"


@permission_required(CHANGE_SLOT_ISSUE)
@keeps_typed_work
def slot_issue(request, pk):
    """A manager gives a slot issue an owner, an action and a note."""
    issue = get_object_or_404(SlotIssue.objects.select_related("referral__service_user", "owner"), pk=pk)
    initial = {"owner": issue.owner_id, "action": issue.action, "note": issue.note, "version": issue.version}
    form = SlotIssueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.slot_issue_update(actor=request.user, issue=issue, seen_version=data["version"],
                                       owner=data["owner"], note=data["note"], action=data["action"])
        except StaleVersion as error:
            # What this manager typed is kept, against the version saved now: the page shows
            # what the other saved, and saving again is a deliberate choice.
            issue.refresh_from_db()
            form = SlotIssueForm({**request.POST.dict(), "version": error.current_version})
            form.is_valid()
            form.add_error(None, error.message)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Saved.")
            return redirect("scheduling:slot_issues")
    referral = issue.referral
    record_access_log(actor=request.user, service_user=referral.service_user, view="slot issue",
                      referral=referral)
    return render(request, "scheduling/slot_issue.html", {
        "issue": issue, "referral": referral, "form": form, "now": timezone.now(),
        "history": issue.history.select_related("history_user", "owner").order_by("-history_date")[:20],
    }, status=400 if form.errors else 200)


@permission_required("scheduling.record_clinical_review")
@keeps_typed_work
def clinical_review(request, pk):
    """A triage clinician reviews a person who did not attend a third time, or who is
    flagged vulnerable and did not attend, before anyone books them again."""
    review = get_object_or_404(ClinicalReview.objects.select_related(
        "referral__service_user__gp_practice", "booking__team", "decided_by"), pk=pk)
    referral = review.referral
    form = ClinicalReviewForm(request.POST or None)
    if request.method == "POST" and review.decided_at:
        messages.error(request, "This review has already been recorded.")
        return redirect("scheduling:clinical_review", pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.clinical_review_record(actor=request.user, review=review, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Clinical review recorded for {referral.reference}: "
                                      f"{review.get_decision_display().lower()}.")
            return redirect("triage:worklist")
    record_access_log(actor=request.user, service_user=referral.service_user, view="clinical review",
                      referral=referral)
    return render(request, "scheduling/clinical_review.html", {
        "review": review, "referral": referral, "person": referral.service_user, "form": form,
        "bookings": selectors.bookings_of(referral),
    }, status=400 if request.method == "POST" and not form.is_valid() else 200)
