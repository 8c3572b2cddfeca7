"""A booking's letters as PDFs, and recording a copy as posted."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from access.rules import Record
from access.views import person_read_or_break_glass
from core.audit import record_access_log
from core.errors import DomainError
from core.permissions import permission_required
from scheduling.models import Booking, BookingKind

from . import services
from .formats import LetterKind, letter_format
from .models import LetterCopy

# Who reads a booking's letters (the HTML pages in scheduling.views and their PDFs here).
READ_LETTERS = ("scheduling.book_assessment", "cap.view_referral", "access.read_in_care")
# Posting letters is the admin team's, who book.
POST_LETTERS = "scheduling.book_assessment"
LETTER_PAGE = {LetterKind.APPOINTMENT: "scheduling:letter", LetterKind.GP: "scheduling:gp_letter"}
AUDIT_VIEW = {LetterKind.APPOINTMENT: "appointment letter", LetterKind.GP: "GP letter"}
AUDIENCE = {LetterKind.CARE_PLAN: "person", LetterKind.CARE_PLAN_GP: "gp"}
PDF_URL = {LetterKind.APPOINTMENT: "letters:appointment_letter_pdf", LetterKind.GP: "letters:gp_letter_pdf"}


def letter_booking_read(request: HttpRequest, pk: int, view: str) -> Booking:
    """The structured booking a letter is about, its read allowed and logged: the admin
    team and those who read referrals role-wide; a practitioner for the people in their
    care, or after breaking the glass (access.rules). A crisis assessment has no letter:
    it is arranged with the person there and then."""
    booking = get_object_or_404(Booking.objects.filter(kind=BookingKind.STRUCTURED).select_related(
        "referral__service_user__gp_practice", "team", "room", "template"), pk=pk)
    person = booking.referral.service_user
    access = person_read_or_break_glass(request, person, record=Record.BOOKING)
    record_access_log(actor=request.user, service_user=person, view=view, referral=booking.referral,
                      break_glass_reason=access.break_glass_reason)
    return booking


def _pdf(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    booking = letter_booking_read(request, pk, f"{AUDIT_VIEW[LetterKind(kind)]} (PDF)")
    fmt = letter_format(request.GET, booking.referral.service_user, kind)
    copy = services.letter_pdf_produce(actor=request.user, booking=booking, kind=kind, fmt=fmt,
                                       now=timezone.now())
    return pdf_download(copy)


def pdf_download(copy: LetterCopy) -> HttpResponse:
    response = HttpResponse(bytes(copy.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{copy.filename}"'
    return response


@permission_required(*READ_LETTERS)
def appointment_letter_pdf(request, pk):
    return _pdf(request, pk, LetterKind.APPOINTMENT)


@permission_required(*READ_LETTERS)
def gp_letter_pdf(request, pk):
    return _pdf(request, pk, LetterKind.GP)


@require_POST
@permission_required(POST_LETTERS)
def copy_posted(request, pk):
    copy = get_object_or_404(LetterCopy.objects.select_related("care_plan_version__care_plan"), pk=pk)
    try:
        services.letter_copy_mark_posted(actor=request.user, copy=copy, now=timezone.now())
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{copy.get_kind_display()} ({copy.get_format_display().lower()}) "
                                  "marked as posted.")
    if copy.booking_id:
        page = reverse(LETTER_PAGE[LetterKind(copy.kind)], args=[copy.booking_id])
    else:
        plan = copy.care_plan_version.care_plan
        page = reverse("careplans:copy", args=[plan.service_user_id, AUDIENCE[LetterKind(copy.kind)]])
    return redirect(f"{page}?format={copy.format}")
