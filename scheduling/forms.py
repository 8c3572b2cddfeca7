from django import forms

from config.forms import NHSFormMixin

from .models import Practitioner, Team


class BookingForm(NHSFormMixin, forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), empty_label=None)
    practitioner = forms.ModelChoiceField(queryset=Practitioner.objects.none(),
                                          empty_label="Choose a practitioner")
    starts_at = forms.DateTimeField(
        label="Assessment starts",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    minutes = forms.IntegerField(label="Length in minutes", initial=60, min_value=15, max_value=480)
    location = forms.CharField(max_length=120, required=False)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [team.id for team in teams]
        self.fields["team"].queryset = Team.objects.filter(id__in=ids)
        self.fields["team"].choices = [(team.id, str(team)) for team in teams]
        self.fields["practitioner"].queryset = (
            Practitioner.objects.filter(teams__in=ids).select_related("discipline").distinct()
        )
