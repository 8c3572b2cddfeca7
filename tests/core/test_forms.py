"""Text limits are shown before they bite (the NHS character count) and enforced by the
server with a message naming the limit; the browser never cuts text silently."""

import pytest
from django import forms

from core.forms import NHSFormMixin


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
