"""How the CAP writes a date, a time and an NHS number wherever a person reads them: the
NHS content style guide's forms, in one place for the pages, the letters and the
messages ("Tuesday 1 December 2026", "9am", "10:30am", "midday", "midnight",
"943 476 5919"). Instants are shown in UK time (Europe/London)."""

from datetime import date, datetime, time

from django.utils import timezone

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _local(value: date | datetime) -> date | datetime:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def nhs_number(value: str | None) -> str:
    """An NHS number in three groups, 3 3 4 ("943 476 5919"); anything else as it is."""
    digits = (value or "").replace(" ", "")
    if len(digits) == 10 and digits.isdigit():
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    return value or ""


def day_date(value: date | datetime | None, *, weekday: bool = False, short: bool = False) -> str:
    """"1 December 2026", with `weekday` "Tuesday 1 December 2026"; `short` "Tue 1 Dec 2026"
    (a table's column, where space is short). No leading zero, no "st" or "th"."""
    if value is None:
        return ""
    value = _local(value)
    month, day_name = MONTHS[value.month - 1], DAYS[value.weekday()]
    if short:
        month, day_name = month[:3], day_name[:3]
    text = f"{value.day} {month} {value.year}"
    return f"{day_name} {text}" if weekday else text


def clock_time(value: datetime | time | None) -> str:
    """"9am", "10:30am", "2:15pm", "midday", "midnight": the 12-hour clock with no
    leading zero, no full stops and no space, in UK time."""
    if value is None:
        return ""
    local = timezone.localtime(value) if isinstance(value, datetime) and timezone.is_aware(value) else value
    hour, minute = local.hour, local.minute
    if minute == 0 and hour == 0:
        return "midnight"
    if minute == 0 and hour == 12:
        return "midday"
    suffix = "am" if hour < 12 else "pm"
    twelve = hour % 12 or 12
    return f"{twelve}{suffix}" if minute == 0 else f"{twelve}:{minute:02d}{suffix}"


def date_and_time(value: datetime | None, *, weekday: bool = False, short: bool = False) -> str:
    """"Tuesday 1 December 2026 at 10:30am" (with `weekday`), "1 December 2026 at 10:30am",
    or "Tue 1 Dec 2026, 10:30am" when `short`."""
    if value is None:
        return ""
    joiner = ", " if short else " at "
    return f"{day_date(value, weekday=weekday, short=short)}{joiner}{clock_time(value)}"
