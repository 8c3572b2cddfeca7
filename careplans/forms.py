from django import forms

from core.forms import LocalDateTimeField, NhsDateField, NHSFormMixin
from core.lists import ListFilterForm
from directory.models import CommunityService, Expertise
from scheduling.models import Practitioner, Team

from .models import (
    SECTIONS,
    Audience,
    EpisodeCloseReason,
    OtherNeedLevel,
    StepUpEndReason,
    StepUpNotReason,
    StepUpReason,
    SupportLevel,
)

SECTION_HINTS = {
    "goals": "Write them as the person says them.",
    "carer_goals": "Write them as the carer says them, where there is a carer.",
    "safety_plan": "Warning signs, what helps, who to contact, and what to do in a crisis.",
    "advance_directives": "The person's wishes for their care if they become unable to say.",
    "plan": "What we will do together, and when.",
    "external_expectations": "What we ask of the GP and any other practitioners outside our teams.",
}


SectionFields = type("SectionFields", (forms.Form,), {
    name: forms.CharField(label=heading, required=False, help_text=SECTION_HINTS[name],
                          widget=forms.Textarea(attrs={"rows": 5}))
    for name, heading in SECTIONS})


class ContributeForm(NHSFormMixin, SectionFields):
    summary = forms.CharField(label="What you changed, and why", max_length=300)
    # The version the practitioner is editing, so a contribution made meanwhile is never undone.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    team = forms.ModelChoiceField(queryset=Team.objects.none(), label="Contributing as",
                                  required=False, empty_label="Your team for this person")

    def __init__(self, *args, practitioner=None, **kwargs):
        super().__init__(*args, **kwargs)
        if practitioner is not None:
            self.fields["team"].queryset = practitioner.teams.order_by("name")

    def sections(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name, _ in SECTIONS}


class DirectoryEntriesField(forms.CharField):
    """Directory entries by their numbers, as shown in the directory, separated by commas."""

    def clean(self, value):
        value = super().clean(value)
        numbers = [part.strip() for part in (value or "").split(",") if part.strip()]
        if not all(n.isdigit() for n in numbers):
            raise forms.ValidationError("Enter directory entry numbers separated by commas")
        services = list(CommunityService.objects.active().filter(pk__in=numbers))
        if len(services) != len(set(numbers)):
            raise forms.ValidationError("One of those directory entries does not exist or has closed")
        return services


class OtherNeedForm(NHSFormMixin, forms.Form):
    need = forms.CharField(label="Other need", max_length=200,
                           help_text="For example: benefits, housing, loneliness and isolation.")
    level = forms.ChoiceField(label="Level of support", choices=OtherNeedLevel.choices,
                              widget=forms.RadioSelect)
    services = DirectoryEntriesField(label="Directory entries offered", required=False,
                                     help_text="Their numbers from the community support directory, "
                                               "separated by commas.")


class CoordinatorForm(NHSFormMixin, forms.Form):
    care_coordinator = forms.ModelChoiceField(
        label="Care coordinator (lead professional)",
        queryset=Practitioner.objects.order_by("name"))


class TeamAroundForm(NHSFormMixin, forms.Form):
    practitioner = forms.ModelChoiceField(label="Expert",
                                          queryset=Practitioner.objects.order_by("name"))
    involvement = forms.CharField(label="What they bring to the person's care", max_length=200)


class ShareForm(NHSFormMixin, forms.Form):
    audience = forms.ChoiceField(choices=Audience.choices, widget=forms.HiddenInput)
    shared_with = forms.CharField(label="Shared with", max_length=200,
                                  help_text="The person's or carer's name, or the GP practice.")
    method = forms.CharField(label="How", max_length=100, required=False,
                             help_text="For example: printed and handed over, posted, sent securely.")


class StepUpStartForm(NHSFormMixin, forms.Form):
    reason = forms.ChoiceField(label="Reason for step up", choices=StepUpReason.choices,
                               widget=forms.RadioSelect)
    detail = forms.CharField(label="What has changed", required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    practitioners = forms.ModelMultipleChoiceField(
        label="Step up practitioners", queryset=Practitioner.objects.order_by("name"),
        help_text="Hold Ctrl (or Cmd) to choose more than one.")
    frequency = forms.CharField(label="Frequency of contact", max_length=100,
                                help_text="Up to daily, 7 days a week in daytime. For example: daily.")
    checks_confirmed = forms.MultipleChoiceField(
        label="Confirm that none of the reasons not to involve step up applies",
        choices=[(code, f"Not so: {label[0].lower()}{label[1:]}") for code, label in StepUpNotReason.choices],
        widget=forms.CheckboxSelectMultiple,
        help_text="Step up would not routinely be involved in these cases. "
                  "Tick each one that does not apply.")


class StepUpEndForm(NHSFormMixin, forms.Form):
    end_reason = forms.ChoiceField(label="Why step up is ending", choices=StepUpEndReason.choices,
                                   widget=forms.RadioSelect)


class ExpertiseRequestForm(NHSFormMixin, forms.Form):
    expertise = forms.ModelChoiceField(label="Expert, from the directory of expertise",
                                       queryset=Expertise.objects.select_related("practitioner"))
    level = forms.ChoiceField(label="Level of support", choices=SupportLevel.choices,
                              widget=forms.RadioSelect)
    question = forms.CharField(label="What you need help with", max_length=4000,
                               widget=forms.Textarea(attrs={"rows": 4}))


class RequestAnswerForm(NHSFormMixin, forms.Form):
    note = forms.CharField(label="Note", max_length=500, required=False)


class SlotForm(NHSFormMixin, forms.Form):
    starts_at = LocalDateTimeField(label="Starts")
    ends_at = LocalDateTimeField(label="Ends")


class TransitionForm(NHSFormMixin, forms.Form):
    from_team = forms.ModelChoiceField(label="From team", queryset=Team.objects.order_by("name"),
                                       help_text="The person's current team: one with an open episode.")
    to_team = forms.ModelChoiceField(label="To team", queryset=Team.objects.order_by("name"))
    reason = forms.CharField(label="The person's needs that call for the move", max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 4}),
                             help_text="A transition is planned on need, never on age alone.")
    planned_for = NhsDateField(label="Planned date", help_text="Today or later.", example_days=28)

    def __init__(self, *args, service_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if service_user is not None:
            self.fields["from_team"].queryset = Team.objects.filter(
                episodes__service_user=service_user, episodes__closed_on__isnull=True).order_by("name")


class EpisodeCoordinatorForm(NHSFormMixin, forms.Form):
    care_coordinator = forms.ModelChoiceField(label="Care coordinator (lead professional)",
                                              queryset=Practitioner.objects.none())

    def __init__(self, *args, team=None, **kwargs):
        super().__init__(*args, **kwargs)
        if team is not None:
            self.fields["care_coordinator"].queryset = team.practitioners.order_by("name")
            self.fields["care_coordinator"].help_text = f"A practitioner of the {team}."


class EpisodeCloseForm(NHSFormMixin, forms.Form):
    reason = forms.ChoiceField(
        label="Why the episode is closing", widget=forms.RadioSelect,
        choices=[(c, label) for c, label in EpisodeCloseReason.choices if c != EpisodeCloseReason.TRANSITION],
        help_text="To move the person to another team, plan a transition from their care plan.")
    detail = forms.CharField(label="Details", max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Needed for another reason.")


class TransitionCancelForm(NHSFormMixin, forms.Form):
    reason = forms.CharField(label="Why the transition is cancelled", max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}))


# The caseload's sort choices: "Due first" keeps the most at risk at the top (a care
# coordinator still to be named, the earliest due, and the rest by the day they opened).
CASELOAD_SORT_CHOICES = [("due", "Due first"), ("opened", "Opened first"), ("name", "Last name")]
CASELOAD_COORDINATOR_CHOICES = [("", "Named or not"), ("not_named", "Not named yet"),
                                ("named", "Named"), ("mine", "Me")]


class CaseloadFilterForm(ListFilterForm):
    """The caseload's sort and filters. `teams` are the teams whose caseload the user holds;
    `is_practitioner` offers "Me" as care coordinator."""

    team = forms.ChoiceField(label="Team", required=False)
    coordinator = forms.ChoiceField(label="Care coordinator", required=False)
    sort = forms.ChoiceField(label="Sort by", required=False, choices=CASELOAD_SORT_CHOICES)

    def __init__(self, data, *, teams: list[tuple[int, str]], is_practitioner: bool):
        super().__init__(data)
        self.set_choices("team", [("", "All our teams"), *((str(pk), name) for pk, name in teams)])
        self.set_choices("coordinator", [choice for choice in CASELOAD_COORDINATOR_CHOICES
                                         if is_practitioner or choice[0] != "mine"])
