"""The duty rota's form: a manager and the shift's start and end, in UK time."""

from django import forms
from django.contrib.auth.models import User

from core.forms import LocalDateTimeField, NHSFormMixin

from . import rota


class DutyShiftForm(NHSFormMixin, forms.Form):
    manager = forms.ModelChoiceField(User.objects.none(), label="Duty manager")
    starts_at = LocalDateTimeField(label="Starts")
    ends_at = LocalDateTimeField(label="Ends")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        manager = self.fields["manager"]
        assert isinstance(manager, forms.ModelChoiceField)
        manager.queryset = rota.managers()
        manager.label_from_instance = lambda user: user.get_full_name() or user.username

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", "The end must be after the start")
        return data
