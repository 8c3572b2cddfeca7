"""The one clock: from a start instant, a target's clock and its size, to a due instant.

Pure functions, no database. Instants are aware datetimes; results are in UTC.

* 24/7 clocks count elapsed real time, so 4 hours is 4 hours across a change of
  the clocks: the arithmetic is done in UTC.
* Calendar-day clocks count whole days on the Europe/London wall clock (28 days
  after 10:00 is 10:00, whatever the clocks did in between).
* Business clocks count open time: N working days are N x (length of a standard
  opening day) of open hours, counted from the start, or from the next opening
  when the start is outside opening hours. Opening hours are Europe/London wall
  times, so they move with the clocks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")

TWENTY_FOUR_SEVEN = "24_7"
CALENDAR_DAYS = "calendar_days"
BUSINESS = "business"


@lru_cache(maxsize=8)
def _bank_holidays(years: tuple[int, ...]) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=years).keys())


@dataclass(frozen=True)
class BusinessCalendar:
    """Opening hours per weekday (0 = Monday), closed on England and Wales bank
    holidays and on any extra closure days."""

    opening_hours: dict[int, tuple[time, time]] = field(default_factory=lambda: {
        day: (time(9), time(17)) for day in range(5)
    })
    closures: frozenset[date] = frozenset()

    @property
    def working_day_length(self) -> timedelta:
        opens, closes = next(iter(self.opening_hours.values()))
        return _wall(date(2001, 1, 1), closes) - _wall(date(2001, 1, 1), opens)

    def is_closed(self, day: date) -> bool:
        return (day.weekday() not in self.opening_hours or day in self.closures
                or day in _bank_holidays((day.year,)))

    def open_interval(self, day: date) -> tuple[datetime, datetime] | None:
        if self.is_closed(day):
            return None
        opens, closes = self.opening_hours[day.weekday()]
        return _wall(day, opens), _wall(day, closes)


def _wall(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=LONDON).astimezone(UTC)


def add_elapsed(start: datetime, duration: timedelta) -> datetime:
    return start.astimezone(UTC) + duration


def add_calendar_days(start: datetime, days: int) -> datetime:
    local = start.astimezone(LONDON)
    moved = datetime.combine(local.date() + timedelta(days=days), local.time(), tzinfo=LONDON)
    return moved.astimezone(UTC)


def add_open_time(start: datetime, duration: timedelta, calendar: BusinessCalendar) -> datetime:
    """The instant when `duration` of open time has passed since `start`."""
    remaining = duration
    day = start.astimezone(LONDON).date()
    for _ in range(3660):  # ten years of days: a calendar with no opening at all is a bug
        interval = calendar.open_interval(day)
        if interval:
            opens, closes = interval
            begin = max(opens, start.astimezone(UTC))
            if begin < closes:
                available = closes - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
        day += timedelta(days=1)
    raise ValueError("The business calendar has no opening hours.")


def add_working_days(start: datetime, days: int, calendar: BusinessCalendar) -> datetime:
    return add_open_time(start, calendar.working_day_length * days, calendar)


def due_at(start: datetime, clock: str, amount: int, calendar: BusinessCalendar) -> datetime:
    """Due instant of a target: `amount` is hours for 24/7 clocks, days otherwise."""
    if clock == TWENTY_FOUR_SEVEN:
        return add_elapsed(start, timedelta(hours=amount))
    if clock == CALENDAR_DAYS:
        return add_calendar_days(start, amount)
    if clock == BUSINESS:
        return add_working_days(start, amount, calendar)
    raise ValueError(f"Unknown clock {clock!r}")


def at_risk_at(started: datetime, due: datetime, share: int | None,
               minutes_left: int | None) -> datetime | None:
    """When a target becomes at risk: `share` percent of its time elapsed, or
    `minutes_left` before its due instant, whichever comes first (None: neither set).
    Elapsed time, in UTC: a working-day target's share counts closed hours too."""
    candidates = []
    if share is not None:
        candidates.append(started.astimezone(UTC) + (due - started) * share / 100)
    if minutes_left is not None:
        candidates.append(due.astimezone(UTC) - timedelta(minutes=minutes_left))
    if not candidates:
        return None
    return max(min(candidates), started.astimezone(UTC))
