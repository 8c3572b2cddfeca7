"""The NHS content style's dates, times and NHS numbers as template filters, on every
template without a load (TEMPLATES' builtins): `{{ booking.starts_at|nhs_datetime }}`.
The rules are core.formatting's, shared with the letters and the messages."""

from datetime import date, datetime, time

from django import template

from core import formatting

register = template.Library()


@register.filter
def nhs_number(value: str | None) -> str:
    """943 476 5919."""
    return formatting.nhs_number(value)


@register.filter
def nhs_date(value: date | datetime | None) -> str:
    """1 December 2026."""
    return formatting.day_date(value)


@register.filter
def nhs_day_date(value: date | datetime | None) -> str:
    """Tuesday 1 December 2026."""
    return formatting.day_date(value, weekday=True)


@register.filter
def nhs_short_date(value: date | datetime | None) -> str:
    """Tue 1 Dec 2026, for a table's column."""
    return formatting.day_date(value, weekday=True, short=True)


@register.filter
def nhs_time(value: datetime | time | None) -> str:
    """9am, 10:30am, midday, midnight."""
    return formatting.clock_time(value)


@register.filter
def nhs_datetime(value: datetime | None) -> str:
    """Tuesday 1 December 2026 at 10:30am."""
    return formatting.date_and_time(value, weekday=True)


@register.filter
def nhs_short_datetime(value: datetime | None) -> str:
    """Tue 1 Dec 2026, 10:30am, for a table's column."""
    return formatting.date_and_time(value, weekday=True, short=True)
