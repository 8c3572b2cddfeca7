"""What a booking's letters say: one context for the letter pages and their PDFs, so the
PDF is the page the admin team read, not a second copy of its wording."""

from datetime import date

from django.template.loader import render_to_string

from careplans.models import CarePlanVersion
from scheduling.models import Booking

from .formats import LetterFormat, LetterKind

TEMPLATES = {
    (LetterKind.APPOINTMENT, LetterFormat.STANDARD): "scheduling/letter.html",
    (LetterKind.APPOINTMENT, LetterFormat.LARGE_PRINT): "scheduling/letter.html",
    (LetterKind.APPOINTMENT, LetterFormat.EASY_READ): "letters/easy_read_appointment.html",
    (LetterKind.GP, LetterFormat.STANDARD): "scheduling/gp_letter.html",
    (LetterKind.GP, LetterFormat.LARGE_PRINT): "scheduling/gp_letter.html",
    (LetterKind.CARE_PLAN, LetterFormat.STANDARD): "careplans/copy.html",
    (LetterKind.CARE_PLAN, LetterFormat.LARGE_PRINT): "careplans/copy.html",
    (LetterKind.CARE_PLAN, LetterFormat.EASY_READ): "letters/easy_read_care_plan.html",
    (LetterKind.CARE_PLAN_GP, LetterFormat.STANDARD): "careplans/copy.html",
    (LetterKind.CARE_PLAN_GP, LetterFormat.LARGE_PRINT): "careplans/copy.html",
}
# A care plan's copy for each audience (careplans.models.Audience) is a kind of letter.
CARE_PLAN_KIND = {"person": LetterKind.CARE_PLAN, "gp": LetterKind.CARE_PLAN_GP}
# The page around a letter in a PDF: the letter alone, with the print stylesheet.
PDF_LAYOUT = "letters/pdf.html"


def template_for(kind: str, fmt: str) -> str:
    return TEMPLATES[(LetterKind(kind), LetterFormat(fmt))]


def booking_letter_context(booking: Booking, fmt: str, today: date) -> dict:
    """The booking (read with its referral, person, team, room and template), who the
    person will see, the steps they are there for and how long they will be there."""
    entries = booking.entries.filter(practitioner__isnull=False).select_related(
        "practitioner__discipline").order_by("starts_at")
    seeing = {}
    for e in entries:
        if e.step and not e.step.startswith("Travel") and e.practitioner_id not in seeing:
            seeing[e.practitioner_id] = e
    steps = booking.template.steps.filter(with_person=True).order_by("order")
    return {
        "booking": booking, "person": booking.referral.service_user, "seeing": list(seeing.values()),
        "steps": steps, "minutes": int((booking.ends_at - booking.first_entry_at).total_seconds() // 60),
        "person_minutes": _person_minutes(booking), "today": today,
        "format": fmt, "large": fmt == LetterFormat.LARGE_PRINT,
    }


def _person_minutes(booking: Booking) -> int:
    steps = list(booking.template.steps.filter(with_person=True))
    if not steps:
        return 0
    return max(s.offset_minutes + s.duration_minutes for s in steps) - min(s.offset_minutes for s in steps)


def booking_letter_html(booking: Booking, kind: str, fmt: str, today: date) -> str:
    """The letter as the PDF prints it: the page's own template in the PDF layout."""
    context = booking_letter_context(booking, fmt, today) | {"layout": PDF_LAYOUT, "pdf": True}
    return render_to_string(template_for(kind, fmt), context)


def care_plan_copy_context(version: CarePlanVersion, audience: str, fmt: str, today: date) -> dict:
    """A care plan's copy for the person or their GP, as of `version`."""
    plan = version.care_plan
    return {"person": plan.service_user, "plan": plan, "version": version, "audience": audience,
            "today": today, "format": fmt, "large": fmt == LetterFormat.LARGE_PRINT}


def care_plan_copy_html(version: CarePlanVersion, audience: str, fmt: str, today: date) -> str:
    context = care_plan_copy_context(version, audience, fmt, today) | {"layout": PDF_LAYOUT, "pdf": True}
    return render_to_string(template_for(CARE_PLAN_KIND[audience], fmt), context)
