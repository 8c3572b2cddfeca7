"""Forms for what happens around a triage decision: information requests, the MDT
huddle, physical health checks first and urgent triage actions. They parse input;
the rules live in triage/services.py."""

from django import forms

from core.forms import LocalDateTimeField, NHSFormMixin
from directory.models import CommunityService
from scheduling.models import CrisisPlace, Practitioner

from .models import CrisisOutcome, UrgentAction
from .services import Outcome


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
    """One form for every urgent action; the fields that only one kind needs are grouped
    under their own heading, optional to the form and required by the service (the hints
    say when)."""

    kind = forms.ChoiceField(label="What was done", choices=UrgentAction.Kind.choices,
                             widget=forms.RadioSelect)
    who = forms.CharField(label="Who", max_length=120, required=False,
                          help_text="Who carried it out or will, for example the crisis team. "
                                    "For a crisis assessment, choose the practitioner below.")
    when = LocalDateTimeField(label="When", required=False,
                               help_text="When it happened or is arranged for: after the first "
                                         "contact, and not after now for what has been done. For a "
                                         "crisis assessment, when it starts.")
    # Arranging the crisis assessment, in a practitioner's diary.
    practitioner = forms.ModelChoiceField(
        Practitioner.objects.none(), required=False, label="Practitioner",
        empty_label="Choose a practitioner",
        help_text="Needed to arrange a crisis assessment: the practitioners of the stream triage "
                  "chose, the person's aligned team first. Their diary refuses a time they are "
                  "not working or already booked.")
    place = forms.ChoiceField(label="Where the assessment happens", choices=CrisisPlace.choices,
                              required=False, widget=forms.RadioSelect,
                              help_text="Needed to arrange a crisis assessment.")
    where = forms.CharField(label="Where", max_length=160, required=False,
                            help_text="The address, the clinic or the place, in words (needed for "
                                      "somewhere else).")
    # After a completed assessment.
    outcome = forms.ChoiceField(label="What follows the assessment", choices=CrisisOutcome.choices,
                                required=False, widget=forms.RadioSelect,
                                help_text="Needed when the assessment is completed.")
    outcome_service = forms.ModelChoiceField(
        CommunityService.objects.filter(retired_at__isnull=True), required=False,
        label="Service from the directory", empty_label="Choose a service",
        help_text="For routing to another service.")
    outcome_agency = forms.CharField(label="Or the agency's name", max_length=160, required=False,
                                     help_text="When the service is not in the directory.")
    safety_plan = forms.CharField(
        label="The person's safety plan", max_length=4000, required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed for a self-management plan: warning signs, what helps, who to call, "
                  "and how to keep safe (999, or NHS 111 option 2).")
    notes = forms.CharField(label="Notes", max_length=4000, required=False,
                            widget=forms.Textarea(attrs={"rows": 4}),
                            help_text="For an admission, whether informal or under the Mental Health "
                                      "Act. For a further assessment, the crisis assessment's "
                                      "findings: the structured assessment builds on them.")

    # Needed for one kind or outcome: not "(optional)", though the form cannot require them.
    NEEDED_BY_CHOICE = ("practitioner", "place", "outcome", "safety_plan")
    ARRANGE = ("practitioner", "place", "where")
    OUTCOME = ("outcome", "outcome_service", "outcome_agency", "safety_plan")

    def __init__(self, *args, practitioners=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["practitioner"]
        assert isinstance(field, forms.ModelChoiceField)
        if practitioners is not None:
            field.queryset = practitioners
        for name in self.NEEDED_BY_CHOICE:
            self.fields[name].needed_by_choice = True  # type: ignore[attr-defined]

    def fieldsets(self):
        return [("If arranging the crisis assessment", [self[n] for n in self.ARRANGE]),
                ("If the assessment is completed", [self[n] for n in self.OUTCOME])]

    def action(self) -> dict:
        """The service's arguments."""
        data = self.cleaned_data
        return {"kind": data["kind"], "who": data["who"], "where": data["where"], "when": data["when"],
                "notes": data["notes"], "practitioner": data["practitioner"], "place": data["place"],
                "outcome": Outcome(outcome=data["outcome"], service=data["outcome_service"],
                                   agency=data["outcome_agency"], safety_plan=data["safety_plan"])}
