"""The date and time input (core.forms.LocalDateTimeField): the NHS.UK date input's day,
month and year, then the hour and minute on the 24-hour clock, in UK time. The single
`YYYY-MM-DDTHH:MM` value under the field's own name is still read; the hour repeated in
autumn asks BST or GMT; the hour skipped in spring is refused; a message names the part
missing; what was typed is shown again."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django import forms

from core.forms import LocalDateTimeField, NhsDateField, NHSFormMixin


class WhenForm(NHSFormMixin, forms.Form):
    when = LocalDateTimeField(label="Call started")


class OptionalWhenForm(NHSFormMixin, forms.Form):
    when = LocalDateTimeField(label="Call ended", required=False)


def boxes(day="20", month="11", year="2026", hour="18", minute="30", **more):
    return {"when_day": day, "when_month": month, "when_year": year, "when_hour": hour,
            "when_minute": minute, **more}


def test_the_five_boxes_are_that_local_time_in_london():
    form = WhenForm(boxes())
    assert form.is_valid(), form.errors
    assert form.cleaned_data["when"] == datetime(2026, 11, 20, 18, 30, tzinfo=UTC)


def test_a_summer_time_in_the_boxes_is_an_hour_ahead_of_utc():
    form = WhenForm(boxes(day="1", month="7", hour="9", minute="5"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["when"] == datetime(2026, 7, 1, 8, 5, tzinfo=UTC)


def test_the_single_iso_value_under_the_fields_own_name_is_still_read():
    form = WhenForm({"when": "2026-11-20T18:30"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["when"] == datetime(2026, 11, 20, 18, 30, tzinfo=UTC)


def test_a_single_value_that_is_not_a_date_and_time_is_refused_with_the_fields_name():
    form = WhenForm({"when": "yesterday at six"})
    assert not form.is_valid()
    assert form.errors["when"] == ["Call started must be a real date and time"]


def test_a_whole_time_typed_into_the_hour_box_is_read_as_hour_and_minute():
    form = WhenForm(boxes(hour="14:30", minute=""))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["when"] == datetime(2026, 11, 20, 14, 30, tzinfo=UTC)


@pytest.mark.parametrize(("typed", "error"), [
    (boxes(month=""), "Call started must include a month"),
    (boxes(minute=""), "Call started must include a minute"),
    (boxes(hour="", minute=""), "Call started must include a time"),
    (boxes(day="", month="", year=""), "Call started must include a date"),
    (boxes(day="", hour=""), "Call started must include a day and an hour"),
    (boxes(day="31", month="11"), "Call started must be a real date"),
    (boxes(hour="24"), "Call started must be a real time, on the 24-hour clock, like 14:30"),
    (boxes(minute="60"), "Call started must be a real time, on the 24-hour clock, like 14:30"),
    (boxes(hour="six"), "Call started must be a real time, on the 24-hour clock, like 14:30"),
    (boxes(year="9" * 30), "Call started must be a real date"),
    (boxes(hour="9" * 30), "Call started must be a real time, on the 24-hour clock, like 14:30"),
    (boxes(day="", month="", year="", hour="", minute=""), "Enter call started"),
])
def test_a_message_names_the_part_missing_or_wrong_and_the_boxes_keep_what_was_typed(typed, error):
    form = WhenForm(typed)
    assert not form.is_valid()
    assert form.errors["when"] == [error]
    html = str(form["when"])
    for name, value in typed.items():
        shown = f' value="{value}">' if value else ">"
        assert f'name="{name}" type="text" inputmode="numeric"{shown}' in html


def test_only_the_empty_box_is_marked_when_one_part_is_missing():
    form = WhenForm(boxes(minute=""))
    form.is_valid()
    html = str(form["when"])
    assert html.count("nhsuk-input--error") == 1
    assert 'nhsuk-input--width-2 nhsuk-input--error" id="id_when_4" name="when_minute"' in html


def test_an_optional_date_and_time_left_empty_is_none():
    form = OptionalWhenForm(boxes(day="", month="", year="", hour="", minute=""))
    assert form.is_valid() and form.cleaned_data["when"] is None


def test_the_repeated_autumn_hour_asks_which_of_the_two_was_meant_and_keeps_the_boxes():
    form = WhenForm(boxes(day="25", month="10", hour="01", minute="30"))
    assert not form.is_valid()
    assert form.errors["when"] == [
        "01:30 on 25 October 2026 happened twice, as the clocks went back: "
        "choose whether you mean the first (BST) or the second, an hour later (GMT)."]
    html = str(form["when"])
    assert 'name="when_clock" type="radio" value="bst"' in html and "01:30 GMT, an hour later" in html
    assert 'name="when_hour" type="text" inputmode="numeric" value="01"' in html


@pytest.mark.parametrize(("clock", "instant"), [("bst", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
                                                ("gmt", datetime(2026, 10, 25, 1, 30, tzinfo=UTC))])
def test_the_clock_chosen_in_the_boxes_names_one_of_the_two_instants(clock, instant):
    form = WhenForm(boxes(day="25", month="10", hour="1", minute="30", when_clock=clock))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["when"] == instant
    assert 'checked' in str(form["when"])


def test_the_skipped_spring_hour_in_the_boxes_is_refused_with_the_reason():
    form = WhenForm(boxes(day="29", month="3", hour="1", minute="30"))
    assert not form.is_valid()
    assert form.errors["when"] == ["There is no 01:30 on 29 March 2026: the clocks went forward an hour, "
                                   "from 01:00 GMT to 02:00 BST. Enter the time as the clock showed it."]
    assert "when_clock" not in str(form["when"])


def test_the_field_is_a_fieldset_with_a_legend_labelled_boxes_and_uk_time_in_the_hint():
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=UTC)):
        html = WhenForm().render()
    assert '<fieldset class="nhsuk-fieldset" role="group" aria-describedby="id_when-hint">' in html
    assert '<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Call started</legend>' in html
    assert "For example, 1 12 2026 and 14 30. UK time, on the 24-hour clock" in html
    for n, part in enumerate(("Day", "Month", "Year", "Hour", "Minute")):
        assert f'for="id_when_{n}">{part}</label>' in html


def test_an_initial_instant_is_shown_in_uk_time():
    html = str(WhenForm(initial={"when": datetime(2026, 7, 1, 8, 5, tzinfo=UTC)})["when"])
    for name, value in [("day", "1"), ("month", "7"), ("year", "2026"), ("hour", "09"), ("minute", "05")]:
        assert f'name="when_{name}" type="text" inputmode="numeric" value="{value}"' in html


class FilterForm(NHSFormMixin, forms.Form):
    start = NhsDateField(label="From", required=False, example_days=-7, named="The first day")


def test_a_date_other_than_a_birth_date_has_an_example_near_today_and_its_own_name_in_messages():
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=UTC)):
        assert FilterForm().fields["start"].hint() == "For example, 24 11 2026"
    form = FilterForm({"start_day": "24", "start_month": "", "start_year": "2026"})
    assert not form.is_valid() and form.errors["start"] == ["The first day must include a month"]
    bad_iso = FilterForm({"start": "2026-11-31"})
    assert not bad_iso.is_valid() and bad_iso.errors["start"] == ["The first day must be a real date"]
    assert 'value="31"' in str(bad_iso["start"])  # shown as it was sent


def test_a_date_of_birth_offers_the_browser_its_parts_to_fill():
    from cap.forms import PersonForm
    from cap.public_forms import PersonDetailsForm

    assert 'autocomplete="bday-day"' not in str(PersonForm()["date_of_birth"])
    html = str(PersonDetailsForm(about_self=True)["date_of_birth"])
    assert all(f'autocomplete="bday-{part}"' in html for part in ("day", "month", "year"))
    form = PersonDetailsForm({"date_of_birth_day": "15", "date_of_birth_month": "3",
                              "date_of_birth_year": "1984"})
    assert form.fields["date_of_birth"].hint() == "For example, 15 3 1984"
    form.is_valid()
    assert form.cleaned_data["date_of_birth"] == date(1984, 3, 15)
