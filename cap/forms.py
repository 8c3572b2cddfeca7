from django import forms
from django.utils import timezone

from config.forms import NHSFormMixin

from .models import CallerType, CallNature, GPPractice
from .services import PersonDetails, Referrer
from .validators import normalise_nhs_number, validate_nhs_number, validate_postcode

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
REFERRER_URGENCY = [("", "Not stated"), ("routine", "Routine"), ("urgent", "Urgent"),
                    ("very_urgent", "Very urgent")]


class PersonForm(NHSFormMixin, forms.Form):
    nhs_number = forms.CharField(label="NHS number", required=False, max_length=12,
                                 help_text="10 digits, for example 943 476 5919",
                                 validators=[validate_nhs_number])
    given_name = forms.CharField(label="First name", max_length=100)
    family_name = forms.CharField(label="Last name", max_length=100)
    date_of_birth = forms.DateField(label="Date of birth",
                                    widget=forms.DateInput(attrs={"type": "date"}))
    postcode = forms.CharField(max_length=8, validators=[validate_postcode])
    gp_practice_code = forms.CharField(label="GP practice ODS code", required=False, max_length=10,
                                       help_text="For example C82001")

    def clean_date_of_birth(self):
        dob = self.cleaned_data["date_of_birth"]
        if dob > timezone.localdate():
            raise forms.ValidationError("Date of birth must be in the past.")
        return dob

    def clean_gp_practice_code(self):
        code = self.cleaned_data["gp_practice_code"].strip().upper()
        if not code:
            return None
        practice = GPPractice.objects.filter(ods_code=code).first()
        if practice is None:
            raise forms.ValidationError("No GP practice in the area has this ODS code.")
        return practice

    def person(self) -> PersonDetails:
        data = self.cleaned_data
        return PersonDetails(
            nhs_number=normalise_nhs_number(data["nhs_number"]), given_name=data["given_name"],
            family_name=data["family_name"], date_of_birth=data["date_of_birth"],
            postcode=data["postcode"], gp_practice=data["gp_practice_code"],
        )


class WrittenReferralForm(PersonForm):
    referrer_name = forms.CharField(label="Referrer's name", max_length=120)
    referrer_role = forms.CharField(label="Referrer's role", max_length=80, required=False)
    referrer_organisation = forms.CharField(label="Referrer's organisation", max_length=120,
                                            required=False)
    referrer_ods_code = forms.CharField(label="Referrer's practice ODS code", max_length=10,
                                        required=False)
    reason = forms.CharField(label="Reason for referral", max_length=4000, widget=forms.Textarea)
    referrer_risk = forms.CharField(label="Current risk, as the referrer describes it",
                                    max_length=4000, required=False, widget=forms.Textarea)
    referrer_urgency = forms.ChoiceField(label="Urgency flagged by the referrer",
                                         choices=REFERRER_URGENCY, required=False)
    received_at = forms.DateTimeField(label="Date and time received", widget=DATETIME_WIDGET,
                                      help_text="When the letter or electronic referral arrived")

    def referrer(self) -> Referrer:
        d = self.cleaned_data
        return Referrer(name=d["referrer_name"], role=d["referrer_role"],
                        organisation=d["referrer_organisation"], ods_code=d["referrer_ods_code"])


class CallForm(PersonForm):
    """A phone call. Who it is about is needed only when it goes to triage."""

    started_at = forms.DateTimeField(label="Call started", widget=DATETIME_WIDGET)
    ended_at = forms.DateTimeField(label="Call ended", widget=DATETIME_WIDGET, required=False)
    caller_type = forms.ChoiceField(label="Who is calling?", choices=CallerType.choices,
                                    widget=forms.RadioSelect)
    nature = forms.ChoiceField(label="Nature of the call", choices=CallNature.choices,
                               widget=forms.RadioSelect,
                               help_text="A clinical call is passed to urgent clinical triage")
    details = forms.CharField(label="What the caller said", max_length=4000, required=False,
                              widget=forms.Textarea)
    outcome = forms.CharField(label="Outcome: what was given or done", max_length=2000,
                              widget=forms.Textarea)

    PERSON_FIELDS = ("given_name", "family_name", "date_of_birth", "postcode")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.PERSON_FIELDS:
            self.fields[name].required = False
        self.order_fields(["started_at", "ended_at", "caller_type", "nature"])

    def clean(self):
        data = super().clean()
        if data.get("nature") == CallNature.CLINICAL:
            for name in self.PERSON_FIELDS:
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, "A clinical call goes to triage: enter "
                                   f"the person's {self.fields[name].label.lower()}.")
        return data

    def person(self) -> PersonDetails | None:
        if self.cleaned_data.get("nature") != CallNature.CLINICAL:
            return None
        return super().person()
