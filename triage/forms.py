from django import forms
from django.db.models import Prefetch

from cap.models import Channel
from core.errors import DomainError
from core.form_reveals import RevealsMixin
from core.forms import NhsDateField, NHSFormMixin
from directory.models import CommunityService
from scheduling.models import Discipline, Practitioner, Team

from . import performance
from .models import AssessmentSetting, DecisionOutcome, InformationRequest, Stream, Urgency
from .services import ADULT_AGE, ADULT_STREAMS, Decision, TargetSettings
from .timescale import timescale_parse


class TriageDecisionForm(RevealsMixin, NHSFormMixin, forms.Form):
    """The triage decision: each outcome's fields sit under its radio (core.form_reveals),
    so only the chosen outcome's are shown, needed and sent to the service."""

    urgency = forms.ChoiceField(choices=Urgency.choices, widget=forms.RadioSelect,
                                help_text="Clinical Response Priority")
    outcome = forms.ChoiceField(choices=DecisionOutcome.choices, widget=forms.RadioSelect)
    # For an assessment.
    # Fields that only one outcome needs are optional to the form; the service says
    # which are needed (the hints tell the clinician before they submit).
    stream = forms.ChoiceField(label="Specialty stream", required=False,
                               choices=[("", "Choose a stream")] + Stream.choices,
                               help_text="Needed for an assessment.")
    # Shown only for someone under 18 (see __init__); the service refuses an adult or older
    # people's stream for them until it is ticked.
    confirm_age_stream = forms.BooleanField(
        required=False, label="I confirm this adult or older people's stream is right for them")
    target_timescale = forms.CharField(
        max_length=40, required=False, widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10"}),
        help_text="A number and hours, days or weeks, for example 14 days. It sets the assessment's "
                  "due date, counted from receipt (urgent: from first contact). Leave empty for the "
                  "default of the urgency: 4 hours if very urgent, 24 hours if urgent, 28 days "
                  "otherwise. Longer than the default only for a routine assessment, with a reason.")
    timescale_reason = forms.CharField(
        label="Reason for a timescale longer than the default", max_length=2000, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when the timescale is longer than the default, for example the person is "
                  "away until a date.")
    disciplines = forms.ModelMultipleChoiceField(
        Discipline.objects.all(), to_field_name="code", required=False,
        widget=forms.CheckboxSelectMultiple, label="Disciplines required (optional)")
    # Named individuals are chosen from one team's people (about a dozen), not from every
    # practitioner in the trust: the team first, then its people
    # (templates/triage/_named_individuals.html, with a filter box when scripts run).
    named_team = forms.ModelChoiceField(
        Team.objects.all(), required=False, label="Team of the named individuals",
        empty_label="Choose a team",
        help_text="Needed to name individuals: choose the team, then the people.")
    named_practitioners = forms.ModelMultipleChoiceField(
        Practitioner.objects.select_related("discipline"), required=False,
        widget=forms.CheckboxSelectMultiple, label="Named individuals required",
        template_name="triage/_named_individuals.html")
    setting = forms.ChoiceField(choices=AssessmentSetting.choices, required=False,
                                widget=forms.RadioSelect, label="Clinic or home (optional)")
    requirements = forms.CharField(label="Specific requirements", max_length=2000, required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}),
                                   help_text="For example an interpreter, step-free access or a "
                                             "practitioner of a particular gender.")
    # Routing.
    external_service = forms.ModelChoiceField(
        CommunityService.objects.filter(retired_at__isnull=True), required=False,
        label="Service from the directory", empty_label="Choose a service")
    external_agency = forms.CharField(
        label="Or the agency's name", max_length=160, required=False,
        help_text="When it is not in the directory, for example NHS Talking Therapies or the GP. "
                  "Routing outside the trust needs a service or an agency.")
    existing_team = forms.ModelChoiceField(
        Team.objects.all(), required=False, label="Existing team", empty_label="Choose a team",
        help_text="Leave empty for the team of the person's open episode of care.")
    # Missing information.
    information_from = forms.ChoiceField(choices=InformationRequest.From.choices, required=False,
                                         widget=forms.RadioSelect, label="Who is asked",
                                         help_text="Needed to ask for information.")
    information_needed = forms.CharField(label="What information is needed", max_length=2000,
                                         required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                         help_text="Needed to ask for information.")
    # The huddle.
    huddle_question = forms.CharField(label="The question for the huddle", max_length=2000,
                                      required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                      help_text="Needed for the huddle.")
    rationale = forms.CharField(label="Clinical rationale", max_length=4000, widget=forms.Textarea)

    REVEALS = {"outcome": {
        DecisionOutcome.ASSESSMENT: (
            "stream", "confirm_age_stream", "target_timescale", "timescale_reason", "disciplines",
            "named_team", "named_practitioners", "setting", "requirements"),
        DecisionOutcome.ROUTE_EXTERNAL: ("external_service", "external_agency"),
        DecisionOutcome.ROUTE_EXISTING_TEAM: ("existing_team",),
        DecisionOutcome.INFORMATION_REQUEST: ("information_from", "information_needed"),
        DecisionOutcome.HUDDLE: ("huddle_question",),
    }}
    # What each outcome cannot do without, said on the field (the service checks it too).
    NEEDED = {"outcome": {
        DecisionOutcome.ASSESSMENT: {"stream": "Choose the specialty stream for the assessment."},
        DecisionOutcome.INFORMATION_REQUEST: {
            "information_from": "Select who is asked for the information",
            "information_needed": "Enter what information is needed"},
        DecisionOutcome.HUDDLE: {"huddle_question": "Enter the question for the huddle"},
    }}

    def __init__(self, *args, person=None, today=None, **kwargs):
        """`person` and `today`: the person triaged, and the day, for their age. The age
        confirmation is asked only of someone under 18."""
        super().__init__(*args, **kwargs)
        self.fields["named_team"].shown_with = "named_practitioners"  # type: ignore[attr-defined]
        age = person.age_on(today) if person is not None and today is not None else None
        if person is None or (age is not None and age >= ADULT_AGE):
            del self.fields["confirm_age_stream"]
        else:
            said = f"{person}'s age is not known" if age is None else f"{person} is {age}"
            self.fields["confirm_age_stream"].help_text = (
                f"{said}. Needed to stream them to "
                f"{' or '.join(sorted(Stream(s).label for s in ADULT_STREAMS))}.")

    def clean_target_timescale(self) -> str:
        """Strictly a number and a unit, said on the field; the service checks the rest
        (shorter, or longer with a reason), which depends on the referral's targets."""
        text = self.cleaned_data["target_timescale"]
        try:
            chosen = timescale_parse(text)
        except DomainError as error:
            raise forms.ValidationError(error.message) from None
        return str(chosen) if chosen else ""

    def outcome_choices(self):
        """Each outcome's radio with the fields it reveals."""
        return self.revealed_choices("outcome")

    def named_groups(self) -> list[tuple[Team, list[tuple[Practitioner, bool]]]]:
        """Each team with its practitioners and whether each is ticked, for choosing named
        individuals team by team (three queries, however many teams)."""
        ticked = {str(v) for v in (self.data.getlist("named_practitioners") if self.is_bound
                                   and hasattr(self.data, "getlist") else [])}
        teams = Team.objects.prefetch_related(
            Prefetch("practitioners", queryset=Practitioner.objects.select_related("discipline")))
        return [(team, [(p, str(p.pk) in ticked) for p in team.practitioners.all()])
                for team in teams]

    def clean(self):
        data = super().clean()
        named, team = data.get("named_practitioners"), data.get("named_team")
        if named and team is None and "named_team" not in self.errors:
            self.add_error("named_team", "Choose the team of the named individuals")
        elif named and team is not None:
            # Membership is read from the team, not the page: a name ticked under one team
            # and sent with another is refused.
            members = set(team.practitioners.values_list("pk", flat=True))
            strangers = [p.name for p in named if p.pk not in members]
            if strangers:
                self.add_error("named_practitioners",
                               f"{', '.join(strangers)} {'is' if len(strangers) == 1 else 'are'} "
                               f"not in {team}: choose people from the team chosen")
        return data

    def decision(self) -> Decision:
        data = self.cleaned_data
        return Decision(
            urgency=data["urgency"], outcome=data["outcome"], rationale=data["rationale"],
            stream=data["stream"], target_timescale=data["target_timescale"],
            timescale_reason=data["timescale_reason"],
            disciplines=tuple(data["disciplines"]),
            named_practitioners=tuple(data["named_practitioners"]), setting=data["setting"],
            requirements=data["requirements"], external_service=data["external_service"],
            external_agency=data["external_agency"], existing_team=data["existing_team"],
            information_from=data["information_from"],
            information_needed=data["information_needed"],
            huddle_question=data["huddle_question"],
            confirm_age_stream=data.get("confirm_age_stream", False),
        )


class PerformanceForm(forms.Form):
    start = NhsDateField(label="From", example_days=-364, named="The start")
    end = NhsDateField(label="To", example_days=0, named="The end")
    period = forms.ChoiceField(label="By", choices=[("week", "Week"), ("month", "Month")], initial="week")
    stream = forms.ChoiceField(choices=[("", "All streams"), *Stream.choices], required=False)
    team = forms.ModelChoiceField(Team.objects.all(), required=False, empty_label="All teams")
    channel = forms.ChoiceField(choices=[("", "All channels"), *Channel.choices], required=False)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError("The start must be on or before the end.")
        if data.get("start") and data.get("end") and (data["end"] - data["start"]).days > 5 * 366:
            raise forms.ValidationError("Choose at most five years.")
        return data

    def filters(self) -> performance.Filters:
        d = self.cleaned_data
        return performance.Filters(start=d["start"], end=d["end"], period=d["period"] or "week",
                                   stream=d.get("stream") or "", team=d["team"].pk if d.get("team") else None,
                                   channel=d.get("channel") or "")


class TargetDefinitionForm(NHSFormMixin, forms.Form):
    """A wait target's time and at-risk thresholds; the service checks the ranges that
    depend on the target's clock."""

    amount = forms.IntegerField(label="Time", min_value=1, max_value=2**31 - 1)
    at_risk_share = forms.IntegerField(
        label="At risk at this share of the time elapsed (%)", required=False, min_value=1,
        max_value=99, help_text="For example 75. Leave empty for no alert by share of time.")
    at_risk_minutes_left = forms.IntegerField(
        label="At risk with this many minutes left", required=False, min_value=1,
        max_value=2**31 - 1, help_text="Leave empty for no alert by time left.")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)

    def __init__(self, *args, unit: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].label = f"Time ({unit})"
        self.fields["amount"].error_messages["required"] = f"Enter the time in {unit}"
        self.fields["amount"].widget.attrs["class"] += " nhsuk-input--width-4"
        for name in ("at_risk_share", "at_risk_minutes_left"):
            self.fields[name].widget.attrs["class"] += " nhsuk-input--width-4"

    def target_settings(self) -> TargetSettings:
        d = self.cleaned_data
        return TargetSettings(amount=d["amount"], at_risk_share=d["at_risk_share"],
                              at_risk_minutes_left=d["at_risk_minutes_left"])
