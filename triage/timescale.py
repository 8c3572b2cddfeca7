"""Triage's target timescale for an assessment, parsed strictly: a whole number and hours,
days or weeks ("14 days", "2 weeks", "48 hours"). It sets the due instant of the
assessment's wait target, counted from the target's own start, through the one clock
(triage.clock): hours as elapsed time, days and weeks as London calendar days."""

import re
from dataclasses import dataclass
from datetime import datetime

from core.errors import Invalid

from . import clock

UNITS = {"hour": "hours", "hours": "hours", "day": "days", "days": "days", "week": "weeks", "weeks": "weeks"}
# A year at most: beyond it is not a timescale for a first assessment.
LONGEST = {"hours": 24 * 366, "days": 366, "weeks": 52}
_PATTERN = re.compile(r"^\s*(\d{1,4})\s*([a-z]+)\s*$", re.IGNORECASE)
FORMAT_ERROR = ("Enter the timescale as a whole number and hours, days or weeks, for example "
                "14 days, 48 hours or 2 weeks")


@dataclass(frozen=True)
class Timescale:
    amount: int
    unit: str  # hours, days or weeks

    def __str__(self) -> str:
        return f"{self.amount} {self.unit[:-1] if self.amount == 1 else self.unit}"

    def due_from(self, start: datetime) -> datetime:
        if self.unit == "hours":
            return clock.due_at(start, clock.TWENTY_FOUR_SEVEN, self.amount, clock.BusinessCalendar())
        days = self.amount * 7 if self.unit == "weeks" else self.amount
        return clock.due_at(start, clock.CALENDAR_DAYS, days, clock.BusinessCalendar())


def timescale_parse(text: str) -> Timescale | None:
    """The timescale typed, or None when empty (the urgency's default); anything else is
    Invalid with a message that says what to type."""
    if not text or not text.strip():
        return None
    match = _PATTERN.match(text)
    unit = UNITS.get(match.group(2).lower()) if match else None
    if match is None or unit is None:
        raise Invalid(FORMAT_ERROR + ".", field="target_timescale")
    amount = int(match.group(1))
    if not 1 <= amount <= LONGEST[unit]:
        raise Invalid(f"Enter a timescale from 1 to {LONGEST[unit]} {unit}.", field="target_timescale")
    return Timescale(amount, unit)
