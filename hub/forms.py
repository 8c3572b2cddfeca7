from django import forms

from cap.forms import PersonForm
from cap.models import ServiceUser
from cap.services import PersonDetails
from cap.validators import normalise_nhs_number
from core.forms import LocalDateTimeField, NHSFormMixin
from core.lists import ListFilterForm

from .models import ArrivalRoute, HubOutcome
from .services import Arrival


class ArrivalForm(PersonForm):
    """An arrival at the hub. Who arrived is the person chosen from the search, or the
    details typed: a first and last name are enough (someone in crisis may not say more)."""

    arrived_at = LocalDateTimeField(label="Time of arrival", help_text="Within the last 24 hours")
    route = forms.ChoiceField(label="How did they come to the hub?", choices=ArrivalRoute.choices,
                              widget=forms.RadioSelect)
    accompanied_by = forms.CharField(label="Who is with them", max_length=200, required=False,
                                     help_text="For example, two police officers and her mother")
    presenting_concern = forms.CharField(label="Presenting concern", max_length=4000,
                                         widget=forms.Textarea(attrs={"rows": 4}))
    service_user = forms.ModelChoiceField(queryset=ServiceUser.objects.filter(superseded_by__isnull=True),
                                          required=False, widget=forms.HiddenInput)

    NAME_FIELDS = ("given_name", "family_name")
    OPTIONAL_FIELDS = ("date_of_birth", "postcode")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in (*self.NAME_FIELDS, *self.OPTIONAL_FIELDS):
            self.fields[name].required = False
        self.fields["given_name"].help_text = 'If they will not say, what they are known as, or "Unknown"'
        self.address_pattern()
        self.order_fields(["arrived_at", "route", "accompanied_by", "presenting_concern"])

    def clean(self):
        data = super().clean()
        if not data.get("service_user"):
            for name in self.NAME_FIELDS:
                if not (data.get(name) or "").strip() and name not in self.errors:
                    self.add_error(name, f"Enter their {self.fields[name].label.lower()}, or find the "
                                   "person above.")
        return data

    def arrival(self) -> Arrival:
        d = self.cleaned_data
        return Arrival(arrived_at=d["arrived_at"], route=d["route"], accompanied_by=d["accompanied_by"],
                       presenting_concern=d["presenting_concern"])

    def person(self) -> PersonDetails | None:
        d = self.cleaned_data
        if d.get("service_user"):
            return None
        return PersonDetails(
            nhs_number=normalise_nhs_number(d["nhs_number"]), given_name=d["given_name"],
            family_name=d["family_name"], date_of_birth=d.get("date_of_birth"),
            postcode=d.get("postcode") or "", gp_practice=d["gp_practice_code"], **self.address())


class AssessmentCompletedForm(NHSFormMixin, forms.Form):
    completed_at = LocalDateTimeField(label="Assessment completed at",
                                      help_text="Between the time of arrival and now")
    outcome = forms.ChoiceField(label="Outcome", choices=HubOutcome.choices, widget=forms.RadioSelect)
    notes = forms.CharField(label="Notes", max_length=4000, required=False,
                            widget=forms.Textarea(attrs={"rows": 4}),
                            help_text="What was agreed, and with whom")


class BoardFilterForm(ListFilterForm):
    """The board's sort and filter: by how people came (each of its lists), and the order of
    those waiting and being assessed (the assessed are listed latest first)."""

    route = forms.ChoiceField(label="How they came", required=False,
                              choices=[("", "Any way"), *ArrivalRoute.choices])
    sort = forms.ChoiceField(label="Sort by", required=False,
                             choices=[("due", "Due first"), ("arrived", "Arrived first"),
                                      ("name", "Last name")])
