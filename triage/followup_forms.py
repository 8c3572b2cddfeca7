"""Forms for what happens around a triage decision: information requests, the MDT
huddle, physical health checks first and urgent triage actions. They parse input;
the rules live in triage/services.py."""

from django import forms

from core.forms import LocalDateTimeField, NHSFormMixin

from .models import UrgentAction


class InformationReceivedForm(NHSFormMixin, forms.Form):
    response = forms.CharField(label="What was received", max_length=4000, widget=forms.Textarea(
        attrs={"rows": 3}), help_text="Summarise the information, or say where it is filed.")


class HuddleDiscussionForm(NHSFormMixin, forms.Form):
    discussion = forms.CharField(label="Discussion and outcome", max_length=4000,
                                 widget=forms.Textarea(attrs={"rows": 3}))


class PhysicalHealthCheckForm(NHSFormMixin, forms.Form):
    checks_needed = forms.CharField(
        label="Physical health checks needed", max_length=2000, widget=forms.Textarea,
        help_text="For example: blood tests (full blood count, thyroid function, B12 and folate), "
                  "ECG. This goes in the letter to the GP.")
    advice_given = forms.CharField(
        label="Advice given to the person", max_length=2000, widget=forms.Textarea,
        help_text="What you told the person or their carer, and how.")


class UrgentActionForm(NHSFormMixin, forms.Form):
    kind = forms.ChoiceField(label="What was done", choices=UrgentAction.Kind.choices,
                             widget=forms.RadioSelect)
    who = forms.CharField(label="Who", max_length=120, required=False,
                          help_text="Who carried it out or will, for example the crisis team.")
    where = forms.CharField(label="Where", max_length=160, required=False)
    when = LocalDateTimeField(label="When", required=False,
                               help_text="When it happened or is arranged for.")
    notes = forms.CharField(label="Notes", max_length=4000, required=False,
                            widget=forms.Textarea(attrs={"rows": 4}))
