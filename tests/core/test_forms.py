"""Text limits are shown before they bite (the NHS character count) and enforced by the
server with a message naming the limit; the browser never cuts text silently."""

from datetime import UTC, datetime

import pytest
from django import forms

from core.forms import LocalDateTimeField, NHSFormMixin


class NoteForm(NHSFormMixin, forms.Form):
    name = forms.CharField(label="Name", max_length=10)
    note = forms.CharField(label="Note", max_length=20, widget=forms.Textarea)


def test_a_long_text_field_carries_the_character_count_and_no_maxlength():
    html = NoteForm().as_div()
    assert 'data-module="nhsuk-character-count" data-maxlength="20"' in html
    assert "You can enter up to 20 characters" in html
    assert 'aria-describedby="id_note-info"' in html
    assert "maxlength" not in html.replace("data-maxlength", "")


def test_text_over_the_limit_is_refused_with_the_limit_and_kept_whole():
    form = NoteForm({"name": "Asha", "note": "x" * 25})
    assert not form.is_valid()
    assert form.errors["note"] == ["Note must be 20 characters or fewer (it has 25)"]
    assert form["note"].value() == "x" * 25


@pytest.mark.django_db
def test_the_public_form_keeps_the_whole_relationship_and_who_filled_it_in(reference_data):
    from cap.public_forms import AboutYouForm

    form = AboutYouForm({"referrer_name": "Sam Reid", "relationship": "r" * 60,
                         "referrer_phone": "07700 900982"})
    assert form.is_valid(), form.errors
    role = form.referrer("public").role
    assert role == f"{'r' * 60} (member of the public)"


class WhenForm(NHSFormMixin, forms.Form):
    when = LocalDateTimeField(label="When")


def test_an_ordinary_local_time_is_that_instant_in_london():
    form = WhenForm({"when": "2026-11-20T18:30"})
    assert form.is_valid()
    assert form.cleaned_data["when"] == datetime(2026, 11, 20, 18, 30, tzinfo=UTC)


def test_a_time_in_the_repeated_autumn_hour_asks_which_of_the_two_was_meant():
    form = WhenForm({"when": "2026-10-25T01:30"})
    assert not form.is_valid()
    assert form.errors["when"] == [
        "01:30 on 25 October 2026 happened twice, as the clocks went back: "
        "choose whether you mean the first (BST) or the second, an hour later (GMT)."]
    html = form["when"].as_widget()
    assert 'name="when_clock" type="radio" value="bst"' in html and "01:30 GMT, an hour later" in html


@pytest.mark.parametrize("clock, instant", [("bst", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
                                            ("gmt", datetime(2026, 10, 25, 1, 30, tzinfo=UTC))])
def test_the_chosen_clock_names_one_of_the_two_instants(clock, instant):
    form = WhenForm({"when": "2026-10-25T01:30", "when_clock": clock})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["when"] == instant


def test_a_time_in_the_missing_spring_hour_is_refused_with_the_reason():
    form = WhenForm({"when": "2026-03-29T01:30"})
    assert not form.is_valid()
    assert form.errors["when"] == ["There is no 01:30 on 29 March 2026: the clocks went forward an hour, "
                                   "from 01:00 GMT to 02:00 BST. Enter the time as the clock showed it."]
    assert "when_clock" not in form["when"].as_widget()


def test_an_ordinary_time_offers_no_clock_choice():
    assert "when_clock" not in WhenForm({"when": "2026-10-25T02:30"})["when"].as_widget()


@pytest.mark.django_db
def test_a_call_in_the_repeated_hour_is_logged_at_the_instant_chosen(client_for, call_handler):
    from cap.models import Enquiry

    form = {"started_at": "2026-10-25T01:40", "started_at_clock": "gmt", "ended_at": "2026-10-25T01:50",
            "ended_at_clock": "gmt", "caller_type": "service_user", "nature": "general_information",
            "outcome_kind": "resolved", "outcome": "Gave the opening times"}
    response = client_for(call_handler).post("/calls/new/", form)
    assert response.status_code == 302
    assert Enquiry.objects.get().received_at == datetime(2026, 10, 25, 1, 40, tzinfo=UTC)
