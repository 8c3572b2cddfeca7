from django import forms

from config.forms import NHSFormMixin

from .models import DecisionOutcome, Stream, Urgency


class TriageDecisionForm(NHSFormMixin, forms.Form):
    urgency = forms.ChoiceField(choices=Urgency.choices, widget=forms.RadioSelect,
                                help_text="Clinical Response Priority")
    outcome = forms.ChoiceField(choices=DecisionOutcome.choices, widget=forms.RadioSelect)
    stream = forms.ChoiceField(label="Specialty stream", required=False,
                               choices=[("", "Choose a stream")] + Stream.choices)
    rationale = forms.CharField(label="Clinical rationale", max_length=4000, widget=forms.Textarea)
