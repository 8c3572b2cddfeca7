from django import forms

from core.forms import NhsDateField, NHSFormMixin

from .models import COMMUNICATION, Adjustment, AdjustmentFlag, FlagStatus, Impairment, ShareConsent
from .services import FlagDetails

APPOINTMENT = tuple(a for a in Adjustment if a not in COMMUNICATION)


class AdjustmentFlagForm(NHSFormMixin, forms.Form):
    """A person's Reasonable Adjustment flag, as the standard structures it: the
    impairments, the adjustments (communication and information; the place and the
    appointment), consent to share, and when to review it."""

    status = forms.ChoiceField(label="Does the person need reasonable adjustments?", widget=forms.RadioSelect,
                               choices=FlagStatus.choices)
    impairments = forms.MultipleChoiceField(
        label="Impairments or conditions the adjustments are for", required=False,
        choices=Impairment.choices, widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply, as the person or their carer describes them.")
    communication = forms.MultipleChoiceField(
        label="Communication and information", required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(a.value, a.label) for a in COMMUNICATION],
        help_text="Letters and messages come in the format chosen here.")
    interpreter_language = forms.CharField(label="Language the interpreter speaks", max_length=60,
                                           required=False, help_text="Where a spoken language "
                                                                     "interpreter is needed")
    appointment = forms.MultipleChoiceField(
        label="The place and the appointment", required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(a.value, a.label) for a in APPOINTMENT],
        help_text="The search for assessment times respects these.")
    details = forms.CharField(label="Anything else about the adjustments", max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="In the person's words, where the choices do not say it.")
    consent_to_share = forms.ChoiceField(label="Did the person agree to share the flag with other services?",
                                         widget=forms.RadioSelect, choices=ShareConsent.choices)
    review_on = NhsDateField(label="Review date", required=False, example_days=180,
                             help_text="When to check it with the person again. Leave it empty for a "
                                       "year from today.")

    @classmethod
    def for_flag(cls, flag: AdjustmentFlag | None, data=None) -> "AdjustmentFlagForm":
        if flag is None:
            return cls(data)
        return cls(data, initial={
            "status": flag.status, "impairments": flag.impairments,
            "communication": [a for a in flag.adjustments if a in COMMUNICATION],
            "appointment": [a for a in flag.adjustments if a in APPOINTMENT],
            "interpreter_language": flag.interpreter_language, "details": flag.details,
            "consent_to_share": flag.consent_to_share, "review_on": flag.review_on})

    def add_domain_error(self, error) -> None:
        # The service checks the adjustments as one list; the page asks for them in two groups.
        if error.field == "adjustments":
            error.field = "communication"
        super().add_domain_error(error)

    def details_given(self) -> FlagDetails:
        d = self.cleaned_data
        return FlagDetails(status=d["status"], consent_to_share=d["consent_to_share"],
                           impairments=d["impairments"], adjustments=[*d["communication"], *d["appointment"]],
                           interpreter_language=d["interpreter_language"], details=d["details"],
                           review_on=d["review_on"])
