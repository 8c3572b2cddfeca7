"""The formats a letter comes in, and which one a person's letter takes."""

from collections.abc import Mapping

from django.db import models

from adjustments import selectors as adjustment_selectors
from adjustments.models import InformationFormat
from cap.models import ServiceUser

# The person's formats, one set for letters and messages (adjustments.models).
LetterFormat = InformationFormat


class LetterKind(models.TextChoices):
    APPOINTMENT = "appointment", "Appointment letter"
    GP = "gp", "GP letter"
    CARE_PLAN = "care_plan", "Care plan copy for the person"
    CARE_PLAN_GP = "care_plan_gp", "Care plan copy for the GP"


# The GP's letter is read by the practice: the person's easy read does not apply to it,
# but a large print copy can still be asked for.
FORMATS_OF = {
    LetterKind.APPOINTMENT: (LetterFormat.STANDARD, LetterFormat.LARGE_PRINT, LetterFormat.EASY_READ),
    LetterKind.GP: (LetterFormat.STANDARD, LetterFormat.LARGE_PRINT),
    LetterKind.CARE_PLAN: (LetterFormat.STANDARD, LetterFormat.LARGE_PRINT, LetterFormat.EASY_READ),
    LetterKind.CARE_PLAN_GP: (LetterFormat.STANDARD, LetterFormat.LARGE_PRINT),
}
# The letters read by the person themselves, in the format they asked for.
FOR_THE_PERSON = (LetterKind.APPOINTMENT, LetterKind.CARE_PLAN)


def preferred_format(service_user: ServiceUser) -> str:
    """The format the person's Reasonable Adjustment flag asks their letters in: easy read,
    large print, or standard (adjustments.selectors.letter_format decides)."""
    return LetterFormat(adjustment_selectors.letter_format(service_user))


def letter_format(query: Mapping[str, str], service_user: ServiceUser, kind: str) -> str:
    """The format to show: `?format=` when it names one this kind of letter comes in, else
    the older `?large=1` switch, else the person's own (a letter to the GP: standard). Any
    other value falls back, so a mistyped address still shows the letter."""
    formats = FORMATS_OF[LetterKind(kind)]
    asked = query.get("format", "")
    if asked in formats:
        return asked
    if query.get("large") == "1":
        return LetterFormat.LARGE_PRINT
    own = preferred_format(service_user) if kind in FOR_THE_PERSON else LetterFormat.STANDARD
    if own in formats:
        return own
    # Easy read is large too: where a letter has no easy-read version, large print.
    return LetterFormat.LARGE_PRINT if own == LetterFormat.EASY_READ else LetterFormat.STANDARD
