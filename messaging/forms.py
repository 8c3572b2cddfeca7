"""The forms of the appointment page a message links to."""

from django import forms

from core.forms import NHSFormMixin

from .models import ReplyIntent

CAN_YOU_COME = [
    (ReplyIntent.CONFIRM, "Yes, I will come"),
    (ReplyIntent.REBOOK, "I need a different day or time"),
    (ReplyIntent.CANCEL, "Cancel this appointment"),
]
QUESTIONS_LENGTH = 3000


class ReplyForm(NHSFormMixin, forms.Form):
    intent = forms.ChoiceField(label="Can you come to this appointment?", choices=CAN_YOU_COME,
                               widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intent"].error_messages["required"] = "Select whether you can come"
        self.fields["intent"].error_messages["invalid_choice"] = "Select whether you can come"


class QuestionsForm(NHSFormMixin, forms.Form):
    questions = forms.CharField(
        label="Your questions and concerns", max_length=QUESTIONS_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Anything you want to ask or tell us before the appointment. The people you will see "
                  "read it before you come.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questions"].error_messages["required"] = "Enter your questions or concerns"

    def clean_questions(self) -> str:
        text = self.cleaned_data["questions"].strip()
        if not text:
            raise forms.ValidationError("Enter your questions or concerns")
        return text
