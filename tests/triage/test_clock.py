"""The wait-target clock, with exact instants (Europe/London wall times)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from triage.clock import (
    BUSINESS,
    CALENDAR_DAYS,
    TWENTY_FOUR_SEVEN,
    BusinessCalendar,
    add_working_days,
    due_at,
)

LONDON = ZoneInfo("Europe/London")
CAL = BusinessCalendar()


def london(*args):
    return datetime(*args, tzinfo=LONDON)


def test_referral_received_monday_noon_is_due_tuesday_noon():
    assert add_working_days(london(2026, 11, 23, 12), 1, CAL) == london(2026, 11, 24, 12)


def test_referral_received_friday_evening_is_due_monday_close():
    assert add_working_days(london(2026, 11, 20, 18, 30), 1, CAL) == london(2026, 11, 23, 17)


def test_referral_received_christmas_eve_is_due_after_the_bank_holidays():
    # 25 Dec (Fri) and 28 Dec (Mon, Boxing Day substitute) are bank holidays.
    assert add_working_days(london(2026, 12, 24, 10), 1, CAL) == london(2026, 12, 29, 10)


def test_eight_open_hours_ending_at_close_are_due_at_close_that_day():
    assert add_working_days(london(2026, 11, 23, 9), 1, CAL) == london(2026, 11, 23, 17)


def test_referral_received_before_opening_counts_from_opening():
    assert add_working_days(london(2026, 11, 24, 7, 15), 1, CAL) == london(2026, 11, 24, 17)


def test_extra_closure_day_is_skipped():
    calendar = BusinessCalendar(closures=frozenset({date(2026, 11, 24)}))
    assert add_working_days(london(2026, 11, 23, 12), 1, calendar) == london(2026, 11, 25, 12)


def test_working_day_across_the_spring_clock_change_keeps_wall_time():
    # Clocks go forward at 01:00 on Sunday 29 March 2026.
    assert add_working_days(london(2026, 3, 27, 14), 1, CAL) == london(2026, 3, 30, 14)


def test_four_hours_is_four_elapsed_hours_across_the_autumn_clock_change():
    # Clocks go back at 02:00 BST on Sunday 25 October 2026: 00:30 BST + 4h = 03:30 GMT.
    start = london(2026, 10, 25, 0, 30)
    due = due_at(start, TWENTY_FOUR_SEVEN, 4, CAL)
    assert due - start == timedelta(hours=4)
    assert due.astimezone(LONDON) == london(2026, 10, 25, 3, 30)


def test_four_hours_is_four_elapsed_hours_across_the_spring_clock_change():
    start = london(2026, 3, 29, 0, 30)  # GMT; clocks jump 01:00 -> 02:00
    due = due_at(start, TWENTY_FOUR_SEVEN, 4, CAL)
    assert due.astimezone(LONDON) == london(2026, 3, 29, 5, 30)


def test_twenty_four_hours_across_autumn_change_ends_an_hour_earlier_on_the_wall_clock():
    due = due_at(london(2026, 10, 24, 12), TWENTY_FOUR_SEVEN, 24, CAL)
    assert due.astimezone(LONDON) == london(2026, 10, 25, 11)


def test_twenty_eight_calendar_days_keep_the_wall_time_across_a_clock_change():
    due = due_at(london(2026, 10, 10, 10), CALENDAR_DAYS, 28, CAL)
    assert due.astimezone(LONDON) == london(2026, 11, 7, 10)


def test_due_instants_are_in_utc():
    assert due_at(london(2026, 6, 1, 12), BUSINESS, 1, CAL).utcoffset() == timedelta(0)


def test_unknown_clock_is_refused():
    with pytest.raises(ValueError):
        due_at(london(2026, 6, 1, 12), "lunar", 1, CAL)
