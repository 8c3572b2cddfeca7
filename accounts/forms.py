from django import forms
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm

from core.forms import NHSFormMixin


class CodeForm(NHSFormMixin, forms.Form):
    """A code at the second step of sign-in: six digits from the authenticator app, or a
    recovery code."""

    code = forms.CharField(
        label="Security code", max_length=32,
        help_text="The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "none",
                                      "spellcheck": "false", "inputmode": "text",
                                      "class": "nhsuk-input--width-10"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].error_messages["required"] = "Enter the security code"


class SetupCodeForm(CodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        field.help_text = "The 6-digit code your authenticator app shows for the Central Access Point."
        field.widget.attrs["inputmode"] = "numeric"


class PasswordChangeForm(NHSFormMixin, DjangoPasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = (
            "At least 12 characters, and not easy to guess: not a common password, a word with numbers "
            "added, your name or username. A passphrase of three or four unrelated words works well.")
        self.fields["new_password1"].widget.attrs["aria-describedby"] = "id_new_password1-hint"
