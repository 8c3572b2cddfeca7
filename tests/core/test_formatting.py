"""The NHS content style's dates, times and NHS numbers (core.formatting), shown in UK time."""

from datetime import UTC, date, datetime, time

import pytest
from django import forms
from django.template import Context, Template

from core import formatting
from core.forms import NhsDateField, NHSFormMixin


@pytest.mark.parametrize(("hour", "minute", "shown"), [
    (0, 0, "midnight"), (12, 0, "midday"), (9, 0, "9am"), (10, 30, "10:30am"), (14, 5, "2:05pm"),
    (0, 15, "12:15am"), (12, 45, "12:45pm"), (23, 59, "11:59pm"),
])
def test_a_time_is_written_on_the_12_hour_clock_without_leading_zero_or_full_stops(hour, minute, shown):
    assert formatting.clock_time(time(hour, minute)) == shown


def test_an_instant_is_shown_in_uk_time_in_summer_and_in_winter():
    assert formatting.clock_time(datetime(2026, 7, 1, 9, 0, tzinfo=UTC)) == "10am"
    assert formatting.clock_time(datetime(2026, 12, 1, 9, 0, tzinfo=UTC)) == "9am"
    # 23:30 UTC on 30 June is already 1 July in London.
    assert formatting.day_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == "1 July 2026"


def test_a_date_has_no_leading_zero_and_no_ordinal():
    day = date(2026, 12, 1)
    assert formatting.day_date(day) == "1 December 2026"
    assert formatting.day_date(day, weekday=True) == "Tuesday 1 December 2026"
    assert formatting.day_date(day, weekday=True, short=True) == "Tue 1 Dec 2026"


def test_a_date_and_time_reads_as_a_sentence_or_as_a_table_cell():
    instant = datetime(2026, 12, 1, 10, 15, tzinfo=UTC)
    assert formatting.date_and_time(instant, weekday=True) == "Tuesday 1 December 2026 at 10:15am"
    assert formatting.date_and_time(instant, weekday=True, short=True) == "Tue 1 Dec 2026, 10:15am"


@pytest.mark.parametrize(("given", "shown"), [
    ("9434765919", "943 476 5919"), ("943 476 5919", "943 476 5919"), ("", ""), (None, ""),
    ("12345", "12345"),
])
def test_an_nhs_number_is_shown_in_groups_of_three_three_and_four(given, shown):
    assert formatting.nhs_number(given) == shown


def test_every_template_has_the_filters_without_loading_them():
    template = Template("{{ n|nhs_number }}; {{ t|nhs_datetime }}; {{ d|nhs_date|default:'not known' }}")
    midday = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    rendered = template.render(Context({"n": "9434765919", "t": midday, "d": None}))
    assert rendered == "943 476 5919; Tuesday 1 December 2026 at midday; not known"


class _DateForm(NHSFormMixin, forms.Form):
    date_of_birth = NhsDateField(label="Date of birth")


@pytest.mark.parametrize(("data", "error"), [
    ({"date_of_birth_day": "15", "date_of_birth_month": "", "date_of_birth_year": "1984"},
     "Date of birth must include a month"),
    ({"date_of_birth_day": "", "date_of_birth_month": "", "date_of_birth_year": "1984"},
     "Date of birth must include a day and a month"),
    ({"date_of_birth_day": "31", "date_of_birth_month": "2", "date_of_birth_year": "1984"},
     "Date of birth must be a real date"),
    ({"date_of_birth_day": "x", "date_of_birth_month": "3", "date_of_birth_year": "84"},
     "Date of birth must be a real date"),
    ({}, "Enter date of birth"),
])
def test_the_date_input_says_what_is_missing_or_wrong_and_keeps_what_was_typed(data, error):
    form = _DateForm(data)
    assert not form.is_valid() and form.errors["date_of_birth"] == [error]
    html = str(form["date_of_birth"])
    for name, value in data.items():
        assert f'name="{name}"' in html and (not value or f'value="{value}"' in html)


def test_the_date_input_reads_three_boxes_or_one_iso_date():
    boxes = _DateForm({"date_of_birth_day": "15", "date_of_birth_month": "3", "date_of_birth_year": "1984"})
    assert boxes.is_valid() and boxes.cleaned_data["date_of_birth"] == date(1984, 3, 15)
    iso = _DateForm({"date_of_birth": "1984-03-15"})
    assert iso.is_valid() and iso.cleaned_data["date_of_birth"] == date(1984, 3, 15)


def test_the_date_input_is_a_fieldset_of_three_labelled_boxes_linked_from_the_error_summary():
    form = _DateForm({"date_of_birth_day": "15"})
    form.is_valid()
    html = form.render()
    assert '<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Date of birth</legend>' in html
    for n, part in enumerate(("Day", "Month", "Year")):
        label = ('<label class="nhsuk-label nhsuk-date-input__label" '
                 f'for="id_date_of_birth_{n}">{part}</label>')
        assert label in html
    assert 'href="#id_date_of_birth_0"' in html and "nhsuk-input--error" in html
