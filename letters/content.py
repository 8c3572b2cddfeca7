"""What a booking's letters say: one context for the letter pages and their PDFs, so the
PDF is the page the admin team read, not a second copy of its wording."""

from dataclasses import dataclass
from datetime import date, datetime

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
    steps = _with_the_person(booking)
    return {
        "booking": booking, "person": booking.referral.service_user, "seeing": list(seeing.values()),
        "steps": steps, "minutes": int((booking.ends_at - booking.first_entry_at).total_seconds() // 60),
        "person_minutes": _person_minutes(booking, steps), "today": today,
        "format": fmt, "large": fmt == LetterFormat.LARGE_PRINT,
    }


@dataclass(frozen=True)
class PartWithThePerson:
    """A part of the assessment the person is there for, as booked in the diaries (a
    longer appointment's parts are longer than the template's)."""

    name: str
    starts_at: datetime
    ends_at: datetime

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


def _with_the_person(booking: Booking) -> list[PartWithThePerson]:
    template_steps = booking.template.steps.filter(with_person=True).order_by("order")
    names = list(template_steps.values_list("name", flat=True))
    spans: dict[str, tuple[datetime, datetime]] = {}
    for entry in booking.entries.filter(step__in=names):
        starts, ends = spans.get(entry.step, (entry.starts_at, entry.ends_at))
        spans[entry.step] = (min(starts, entry.starts_at), max(ends, entry.ends_at))
    return [PartWithThePerson(name, *spans[name]) for name in names if name in spans]


def _person_minutes(booking: Booking, parts: list[PartWithThePerson]) -> int:
    """From the first part with the person to the end of the last, as booked."""
    if not parts:
        return 0
    return int((max(p.ends_at for p in parts) - min(p.starts_at for p in parts)).total_seconds() // 60)


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
