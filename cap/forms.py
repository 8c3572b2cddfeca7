from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils import timezone

from core.form_reveals import RevealedChoice, RevealsMixin
from core.forms import LocalDateTimeField, NhsDateField, NHSFormMixin
from core.uploads import RefusedUpload, pdf_problem, too_large_message

from .models import (
    CallerType,
    CallNature,
    CallOutcome,
    ChildrenHubResponse,
    GPPractice,
    RiskIndicator,
    ServiceUser,
    SpecificQueue,
)
from .services import Call, Caller, PersonDetails, Referrer
from .validators import normalise_nhs_number, validate_nhs_number, validate_postcode

REFERRER_URGENCY = [("", "Not stated"), ("routine", "Routine"), ("urgent", "Urgent"),
                    ("very_urgent", "Very urgent")]


class PersonForm(NHSFormMixin, forms.Form):
    nhs_number = forms.CharField(label="NHS number", required=False, max_length=12,
                                 help_text="10 digits, for example 943 476 5919",
                                 validators=[validate_nhs_number])
    given_name = forms.CharField(label="First name", max_length=100)
    family_name = forms.CharField(label="Last name", max_length=100)
    date_of_birth = NhsDateField(label="Date of birth")
    postcode = forms.CharField(label="Postcode", max_length=8, validators=[validate_postcode])
    gp_practice_code = forms.CharField(label="GP practice ODS code", required=False, max_length=10,
                                       help_text="For example C82001")
    # The postal address, for letters: optional, as a caller or referrer may not know it.
    address_line_1 = forms.CharField(label="Address line 1", required=False, max_length=100)
    address_line_2 = forms.CharField(label="Address line 2 (optional)", required=False, max_length=100)
    town = forms.CharField(label="Town or city", required=False, max_length=60)
    ADDRESS_FIELDS = ("address_line_1", "address_line_2", "town")
    # The NHS.UK address pattern's tokens: on a page where the person may be typing their
    # own address, or a form the admin team fills in with them (WCAG 2.2 1.3.5).
    ADDRESS_AUTOCOMPLETE = {"address_line_1": "address-line1", "address_line_2": "address-line2",
                            "town": "address-level2", "postcode": "postal-code"}

    def address_pattern(self) -> None:
        """Ask for the postal address as the design system's address pattern does: its
        autocomplete tokens, and the postcode box as wide as a postcode."""
        for name, token in self.ADDRESS_AUTOCOMPLETE.items():
            self.fields[name].widget.attrs["autocomplete"] = token
        self.fields["postcode"].widget.attrs["class"] += " nhsuk-input--width-10"

    def clean(self):
        data = super().clean()
        # A letter cannot go to a town alone: the rest of an address without its first line
        # would be dropped by the services (they store an address only with its first line).
        rest = [name for name in ("address_line_2", "town") if (data.get(name) or "").strip()]
        if rest and not (data.get("address_line_1") or "").strip() and "address_line_1" not in self.errors:
            self.add_error("address_line_1", "Enter address line 1, or leave the address empty.")
        return data

    def clean_date_of_birth(self):
        dob = self.cleaned_data["date_of_birth"]
        if dob and dob > timezone.localdate():
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
            postcode=data["postcode"], gp_practice=data["gp_practice_code"], **self.address(),
        )

    def address(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "").strip() for name in self.ADDRESS_FIELDS}


class AttachmentField(forms.FileField):
    """A referral letter: a PDF no larger than REFERRAL_ATTACHMENT_MAX_BYTES, checked by
    its content (core.uploads.pdf_problem: it parses and holds no JavaScript, launch
    action or embedded file), not by the name or type the browser claims."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return upload
        limit = settings.REFERRAL_ATTACHMENT_MAX_BYTES
        if upload.size > limit or isinstance(upload, RefusedUpload):  # not read past the page's limit
            raise forms.ValidationError(too_large_message(limit))
        if not upload.name.lower().endswith(".pdf"):
            raise forms.ValidationError("The file must be a PDF.")
        if problem := pdf_problem(upload):
            raise forms.ValidationError(problem)
        return upload


class WrittenReferralForm(PersonForm):
    field_order = ["nhs_number", "given_name", "family_name", "date_of_birth", "address_line_1",
                   "address_line_2", "town", "postcode", "gp_practice_code"]
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
    risk_indicators = forms.MultipleChoiceField(
        label="Risk indicators in the referral", choices=RiskIndicator.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text="Select all that the referral describes")
    specific_queue = forms.ChoiceField(
        label="Specific triage queue", required=False,
        choices=[("", "None: general triage")] + SpecificQueue.choices,
        help_text="Eating disorder and nursing home in-reach referrals have their own triage clinicians")
    received_at = LocalDateTimeField(label="Date and time received",
                                      help_text="When the letter or electronic referral arrived")
    attachment = AttachmentField(label="Referral letter (PDF)", required=False,
                                 help_text="A PDF up to 10 MB")

    def clean_received_at(self):
        received_at = self.cleaned_data["received_at"]
        if received_at > timezone.now():
            raise forms.ValidationError("The date and time received cannot be in the future.")
        return received_at

    def referrer(self) -> Referrer:
        d = self.cleaned_data
        return Referrer(name=d["referrer_name"], role=d["referrer_role"],
                        organisation=d["referrer_organisation"], ods_code=d["referrer_ods_code"])


class PersonSearchForm(NHSFormMixin, forms.Form):
    """Find the caller's person: by NHS number, or by last name with date of birth."""

    nhs_number = forms.CharField(label="NHS number", required=False, max_length=12,
                                 validators=[validate_nhs_number])
    family_name = forms.CharField(label="Last name", required=False, max_length=100)
    date_of_birth = NhsDateField(label="Date of birth", required=False)
    given_name = forms.CharField(label="First name", required=False, max_length=100)

    def clean(self):
        data = super().clean()
        has_key = data.get("nhs_number") or (data.get("family_name") and data.get("date_of_birth"))
        if not has_key and not self.errors:
            raise forms.ValidationError("Enter an NHS number, or a last name and date of birth.")
        return data


class CallForm(RevealsMixin, PersonForm):
    """A phone call. Who it is about is needed when it goes to triage and the person
    was not found by the search; a caller who cannot or will not give the person's date
    of birth or postcode leaves them out and ticks "identity not confirmed": nothing
    stops a crisis call on missing demographics.

    Who the call is about sits under the "Passed to urgent clinical triage" radio
    (core.form_reveals): only that outcome creates a referral and so reads the person's
    details (services.call_log), so another outcome neither needs them nor is held up by
    a half-typed date of birth left under a radio not chosen."""

    started_at = LocalDateTimeField(label="Call started")
    ended_at = LocalDateTimeField(label="Call ended", required=False)
    caller_type = forms.ChoiceField(label="Who is calling?", choices=CallerType.choices,
                                    widget=forms.RadioSelect)
    caller_name = forms.CharField(label="Caller's name", max_length=201, required=False)
    caller_relationship = forms.CharField(
        label="Caller's relationship to the person", max_length=60, required=False,
        help_text="For example mother, neighbour, community nurse, or 'self'")
    callback_number = forms.CharField(
        label="Callback number", max_length=30, required=False,
        help_text="The number the triage clinician should ring back",
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
        validators=[RegexValidator(r"^\+?[0-9 ()-]{6,30}$",
                                   "Enter a phone number, like 0116 496 0000 or 07700 900 982.")])
    nature = forms.ChoiceField(label="Nature of the call", choices=CallNature.choices,
                               widget=forms.RadioSelect)
    details = forms.CharField(label="What the caller said", max_length=4000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="Your notes of the call")
    risk_indicators = forms.MultipleChoiceField(
        label="Risk indicators", choices=RiskIndicator.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that the caller describes. They suggest an urgency to triage.")
    outcome_kind = forms.ChoiceField(
        label="Outcome", choices=CallOutcome.choices, widget=forms.RadioSelect,
        help_text="A clinical call goes to urgent clinical triage or to the person's existing team")
    outcome = forms.CharField(label="What was given or done", max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="Advice given, services signposted, who you transferred the call to")
    emergency_advised = forms.BooleanField(
        label="The caller was in immediate danger and was advised to call 999", required=False)
    identity_not_confirmed = forms.BooleanField(
        label="Identity not confirmed", required=False,
        help_text="Tick when the caller cannot or will not give the person's date of birth or "
                  "postcode: the call still goes to urgent triage, and the identity is completed "
                  "later on the referral")
    service_user = forms.ModelChoiceField(queryset=ServiceUser.objects.filter(superseded_by__isnull=True),
                                          required=False, widget=forms.HiddenInput)

    PERSON_FIELDS = ("given_name", "family_name", "date_of_birth", "postcode")
    ABOUT_FIELDS = ("identity_not_confirmed", "nhs_number", "given_name", "family_name",
                    "date_of_birth", "address_line_1", "address_line_2", "town", "postcode",
                    "gp_practice_code")
    REVEALS = {"outcome_kind": {CallOutcome.PASSED_TO_TRIAGE: ABOUT_FIELDS}}
    ABOUT_HEADING = "Who the call is about"
    ABOUT_HINT = ("Needed when the person was not found above. What you searched for is "
                  "filled in.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.PERSON_FIELDS:
            self.fields[name].required = False
        self.order_fields(["started_at", "ended_at", "caller_type", "caller_name", "caller_relationship",
                           "callback_number", "nature", "details", "risk_indicators", "outcome_kind",
                           "outcome", "emergency_advised"])

    def clean(self):
        data = super().clean()
        needs_person = (data.get("outcome_kind") == CallOutcome.PASSED_TO_TRIAGE
                        and not data.get("service_user"))
        if needs_person and not data.get("identity_not_confirmed"):
            for name in self.PERSON_FIELDS:
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, "A call passed to triage needs the person: enter "
                                   f"their {self.fields[name].label.lower()}."
                                   + (UNCONFIRMED_HINT if name in ("date_of_birth", "postcode") else ""))
        return data

    def outcome_choices(self, *, person_chosen: bool) -> list[RevealedChoice]:
        """Each outcome's radio with the fields it reveals: who the call is about, under
        triage, unless the person was chosen from the search (then nothing is asked)."""
        return [RevealedChoice(choice.radio, [] if person_chosen else choice.fields,
                               choice.reveal_id, heading=self.ABOUT_HEADING, hint=self.ABOUT_HINT)
                for choice in self.revealed_choices("outcome_kind")]

    def call(self) -> Call:
        d = self.cleaned_data
        return Call(started_at=d["started_at"], ended_at=d["ended_at"], caller_type=d["caller_type"],
                    nature=d["nature"], outcome_kind=d["outcome_kind"], outcome=d["outcome"],
                    details=d["details"], emergency_advised=d["emergency_advised"],
                    caller=Caller(name=d["caller_name"], relationship=d["caller_relationship"],
                                  callback_number=d["callback_number"]),
                    risk_indicators=tuple(d["risk_indicators"]))

    def person(self) -> PersonDetails | None:
        d = self.cleaned_data
        if d.get("service_user"):
            return None
        if d.get("identity_not_confirmed") and d.get("outcome_kind") == CallOutcome.PASSED_TO_TRIAGE:
            return PersonDetails(
                nhs_number=normalise_nhs_number(d["nhs_number"]), given_name=d["given_name"],
                family_name=d["family_name"], date_of_birth=d["date_of_birth"],
                postcode=d["postcode"], gp_practice=d["gp_practice_code"], identity_confirmed=False,
                **self.address())
        if not d.get("family_name"):
            return None
        return super().person()


UNCONFIRMED_HINT = (" If the caller cannot or will not give it, tick \u201cIdentity not confirmed\u201d"
                    " and pass the call on.")


class CallSearchForm(NHSFormMixin, forms.Form):
    """The call list's search: any one of reference, name or number, and a day."""

    q = forms.CharField(label="Reference, caller's or person's name, or callback number",
                        max_length=100, required=False)
    day = NhsDateField(label="Date of the call", required=False, example_days=-1)


class IdentityForm(PersonForm):
    """Completing the identity of a person passed to triage without it, with their postal
    address when it is known (for letters; optional)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.address_pattern()
        self.order_fields(["given_name", "family_name", "date_of_birth", "address_line_1",
                           "address_line_2", "town", "postcode", "nhs_number", "gp_practice_code"])


class AdditionalInformationForm(NHSFormMixin, forms.Form):
    text = forms.CharField(label="Information gathered", max_length=2000, widget=forms.Textarea,
                           help_text="Who you spoke to and what they said")


class ChildrenHubResponseForm(NHSFormMixin, forms.Form):
    """The children's hub's answer to a referral redirected to it, as the hub gave it."""

    outcome = forms.ChoiceField(label="What did the children's hub say?", widget=forms.RadioSelect,
                                choices=ChildrenHubResponse.Outcome.choices)
    reason = forms.CharField(label="The hub's reason for returning it", max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 4}),
                             help_text="Needed when the hub returns the referral: it is shown to "
                                       "the triage clinician.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].needed_by_choice = True


class VulnerableForm(NHSFormMixin, forms.Form):
    """Whether the person is flagged vulnerable, and why (any missed appointment then asks
    for a clinical review)."""

    vulnerable = forms.TypedChoiceField(
        label="Is this person vulnerable?", widget=forms.RadioSelect, coerce=lambda v: v == "yes",
        choices=[("yes", "Yes: any missed appointment needs a clinical review first"), ("no", "No")])
    reason = forms.CharField(label="Why", max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="What makes a missed appointment a concern, or why the flag "
                                       "is removed. Shown to whoever books and reviews.")


class AccessLogFilterForm(NHSFormMixin, forms.Form):
    """The access log's date range, both ends optional and inclusive (local days)."""

    start = NhsDateField(label="From", required=False, example_days=-7, named="The first day")
    end = NhsDateField(label="To", required=False, example_days=0, named="The last day")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "The last day must be the same as or after the first day")
        return data


class UserSearchForm(NHSFormMixin, forms.Form):
    """Find a member of staff by username or name, to read what they have looked at."""

    q = forms.CharField(label="Username or name", max_length=150)
