from django import forms
from django.contrib.auth import get_user_model

from accounts import roles
from core.forms import NhsDateField, NHSFormMixin
from triage.models import AssessmentSetting

from .models import ABSENCE_KINDS, CancelledBy, ClinicalReviewDecision, SlotIssueAction, Team

WEEKDAYS = [("", "Every day"), ("0", "Mondays"), ("1", "Tuesdays"), ("2", "Wednesdays"),
            ("3", "Thursdays"), ("4", "Fridays"), ("5", "Saturdays"), ("6", "Sundays")]


class OptionsFilterForm(NHSFormMixin, forms.Form):
    """Which team and setting to search; the triage decision's by default."""

    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False, empty_label=None,
                                  help_text="The team aligned to the person's GP practice comes first.")
    setting = forms.ChoiceField(choices=[("", "As triage decided")] + AssessmentSetting.choices,
                                required=False)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(pk__in=[t.pk for t in teams])
        self.fields["team"].choices = [(t.pk, str(t)) for t in teams]


class OptionChoiceForm(NHSFormMixin, forms.Form):
    option = forms.CharField(widget=forms.HiddenInput, max_length=2000)
    action = forms.ChoiceField(choices=[("hold", "Hold"), ("book", "Book")], widget=forms.HiddenInput)


class UnavailableTimeForm(NHSFormMixin, forms.Form):
    weekday = forms.TypedChoiceField(choices=WEEKDAYS, required=False, coerce=int, empty_value=None,
                                     label="Day")
    starts = forms.TimeField(label="From", help_text="On the 24-hour clock, for example 09:00",
                             error_messages={"invalid": "Enter the start as a time on the 24-hour "
                                                        "clock, like 09:00 or 13:30"})
    ends = forms.TimeField(label="Until", help_text="For example, 17:30",
                           error_messages={"invalid": "Enter the end as a time on the 24-hour "
                                                      "clock, like 12:00 or 17:30"})
    note = forms.CharField(max_length=200, required=False, label="Note (optional)")

    def clean(self):
        data = super().clean()
        if data.get("starts") and data.get("ends") and data["ends"] <= data["starts"]:
            self.add_error("ends", "The end must be after the start")
        return data


class CancelForm(NHSFormMixin, forms.Form):
    by = forms.ChoiceField(choices=CancelledBy.choices, widget=forms.RadioSelect, label="Who cancelled")
    reason = forms.CharField(max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class InterpreterForm(NHSFormMixin, forms.Form):
    who = forms.CharField(label="Who is booked to interpret", max_length=200,
                          help_text="The agency and the interpreter's name, for example Language Line, "
                                    "Anna Kowalska")


class RebookForm(NHSFormMixin, forms.Form):
    option = forms.CharField(widget=forms.HiddenInput, max_length=2000)
    by = forms.ChoiceField(choices=CancelledBy.choices, widget=forms.RadioSelect,
                           label="Who asked to change it")
    reason = forms.CharField(max_length=300, label="Reason for the change")


class ClinicalReviewForm(NHSFormMixin, forms.Form):
    decision = forms.ChoiceField(choices=ClinicalReviewDecision.choices, widget=forms.RadioSelect,
                                 label="What happens next")
    note = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
                           label="Your reasons", help_text="What you considered: risk, who you spoke to.")
    letter = forms.CharField(max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 6}),
                             label="Letter to the GP", help_text="Needed to discharge to the GP.")
    routed_to = forms.CharField(max_length=200, required=False, label="Service routed to",
                                help_text="Needed to route to another service.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("letter", "routed_to"):
            self.fields[name].needed_by_choice = True  # type: ignore[attr-defined]


class SlotIssueForm(NHSFormMixin, forms.Form):
    """A manager takes on a slot issue: its owner, what is being done and a note."""

    owner = forms.ModelChoiceField(
        get_user_model().objects.none(), required=False, empty_label="No one yet",
        help_text="A manager or a member of the admin team.")
    action = forms.ChoiceField(choices=[("", "Not decided yet")] + SlotIssueAction.choices, required=False,
                               widget=forms.RadioSelect, label="What is being done")
    note = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="For example the clinic time asked for, or the team asked. "
                                     "Needed to book outside the target: say why.")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = (get_user_model().objects.filter(
            is_active=True, groups__name__in=[roles.MANAGER, roles.ADMIN_TEAM])
            .distinct().order_by("first_name", "last_name", "username"))
        owner.label_from_instance = lambda user: user.get_full_name() or user.username


class AbsenceForm(NHSFormMixin, forms.Form):
    """Leave, training or sickness over whole days; services.diary_absence_record checks
    the days (after the first, no overlap, at most a year)."""

    kind = forms.ChoiceField(choices=[(k.value, k.label) for k in ABSENCE_KINDS], widget=forms.RadioSelect,
                             label="What kind of absence")
    first_day = NhsDateField(label="First day", help_text="For example, 27 3 2027")
    last_day = NhsDateField(label="Last day", help_text="The same as the first day for one day")
    note = forms.CharField(max_length=200, required=False, label="Note",
                           help_text="Seen by the admin team and managers, and in the practitioner's diary.")

    def clean(self):
        data = super().clean()
        if data.get("first_day") and data.get("last_day") and data["last_day"] < data["first_day"]:
            self.add_error("last_day", "The last day must be the same as or after the first day")
        return data


class WorkingSessionForm(NHSFormMixin, forms.Form):
    weekday = forms.TypedChoiceField(choices=WEEKDAYS[1:], coerce=int, label="Day")
    starts = forms.TimeField(label="Starts (24-hour clock, for example 09:00)")
    ends = forms.TimeField(label="Ends (for example 17:00)")

    def clean(self):
        data = super().clean()
        if data.get("starts") and data.get("ends") and data["ends"] <= data["starts"]:
            self.add_error("ends", "The end must be after the start")
        return data
