from django import forms

from core.forms import NhsDateField, NHSFormMixin

from .services import REASON_MAX_LENGTH, REASON_MIN_LENGTH


class BreakGlassForm(NHSFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why do you need to see this record?", max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Your reason is recorded with every page of the record you open, and reported to "
                  "the managers and the Caldicott guardian.")
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data["reason"].split())
        if len(reason) < REASON_MIN_LENGTH:
            raise forms.ValidationError(
                f"Say why you need to see this record, in at least {REASON_MIN_LENGTH} characters")
        return reason


class ReportFilterForm(NHSFormMixin, forms.Form):
    granted_from = NhsDateField(label="From", required=False, example_days=-7,
                                named="The start date")
    granted_to = NhsDateField(label="To", required=False, example_days=0, named="The end date")

    def clean(self):
        data = super().clean()
        start, end = data.get("granted_from"), data.get("granted_to")
        if start and end and start > end:
            self.add_error("granted_to", "The end date must be the same as or after the start date")
        return data
