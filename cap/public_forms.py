"""Forms of the public online enquiry and self-referral: one question (or one small
group of questions) per page, each rendered with the NHS.UK design system."""

import re

from django import forms

from core.forms import NHSFormMixin

from .forms import PersonForm
from .models import CallerType, ContactPreference, GPPractice, RiskIndicator
from .services import ContactDetails, PersonDetails, Referrer
from .validators import normalise_nhs_number

NOT_LISTED = "not_listed"
NO_GP = "no_gp"
_UK_PHONE = re.compile(r"^(?:\+44|0)\d{9,10}$")

FILLED_IN_BY = [
    (CallerType.SERVICE_USER, "I need help for myself"),
    (CallerType.CARER, "I am a carer, friend or family member"),
    (CallerType.PROFESSIONAL, "I am a professional, for example a teacher or social worker"),
    (CallerType.PUBLIC, "I am a member of the public"),
]


def validate_uk_phone(value: str) -> None:
    if not _UK_PHONE.match(re.sub(r"[\s()-]", "", value)):
        raise forms.ValidationError("Enter a UK phone number, like 07700 900 982 or 0116 496 0000.")


class PublicForm(NHSFormMixin, forms.Form):
    """`about_self` says whether the person filling in the form is the person who needs
    help: questions then say "you", and browsers may offer to fill in their details."""

    autocomplete: dict[str, str] = {}

    def __init__(self, *args, about_self: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.about_self = about_self
        for name, token in self.autocomplete.items():
            if name in self.fields and about_self:
                self.fields[name].widget.attrs["autocomplete"] = token


class WhoForm(PublicForm):
    filled_in_by = forms.ChoiceField(label="Who is filling in this form?", choices=FILLED_IN_BY,
                                     widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["filled_in_by"].error_messages["required"] = "Select who is filling in this form"

    def about_self(self) -> bool:
        return self.cleaned_data["filled_in_by"] == CallerType.SERVICE_USER


class AboutYouForm(PublicForm):
    """The carer, professional or member of the public filling in the form."""

    referrer_name = forms.CharField(label="Your full name", max_length=120)
    relationship = forms.CharField(label="Your relationship to the person", max_length=60,
                                   help_text="For example, mother, neighbour or support worker")
    referrer_phone = forms.CharField(label="Your phone number", max_length=20,
                                     validators=[validate_uk_phone])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # This page is always about the person filling in the form.
        for name, token in [("referrer_name", "name"), ("referrer_phone", "tel")]:
            self.fields[name].widget.attrs["autocomplete"] = token
        self.fields["referrer_phone"].widget.input_type = "tel"

    def referrer(self, filled_in_by: str) -> Referrer:
        d = self.cleaned_data
        kind = CallerType(filled_in_by).label.lower()
        return Referrer(name=d["referrer_name"], role=f"{d['relationship']} ({kind})",
                        phone=d["referrer_phone"])


# No letter: the online form does not ask for a postal address.
ONLINE_CONTACT_CHOICES = [(value, label) for value, label in ContactPreference.choices
                          if value != ContactPreference.LETTER]


class GPPracticeForm(PublicForm):
    """Eligibility: the Central Access Point serves people registered with a GP
    practice in its area."""

    gp_practice = forms.ChoiceField(label="GP practice", choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        practices = [(p.ods_code, f"{p.name}, {p.postcode}" if p.postcode else p.name)
                     for p in GPPractice.objects.order_by("name", "ods_code")]
        self.fields["gp_practice"].choices = [
            ("", "Select a GP practice"), *practices,
            (NOT_LISTED, "My GP practice is not listed"), (NO_GP, "I do not have a GP"),
        ]
        self.fields["gp_practice"].error_messages["required"] = (
            "Select a GP practice, or choose that it is not listed")

    def signpost(self) -> bool:
        return self.cleaned_data["gp_practice"] in (NOT_LISTED, NO_GP)

    def practice(self) -> GPPractice:
        return GPPractice.objects.get(ods_code=self.cleaned_data["gp_practice"])


class PersonDetailsForm(PublicForm, PersonForm):
    """The person's details, with the same fields and checks as staff use; the GP
    practice was chosen on its own page."""

    autocomplete = {"given_name": "given-name", "family_name": "family-name",
                    "date_of_birth": "bday", "postcode": "postal-code",
                    "address_line_1": "address-line1", "address_line_2": "address-line2",
                    "town": "address-level2"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["gp_practice_code"]
        self.fields["nhs_number"].help_text = (
            "If you know it. It is 10 digits, for example 943 476 5919")
        self.order_fields(["given_name", "family_name", "date_of_birth", "address_line_1",
                           "address_line_2", "town", "postcode", "nhs_number"])

    def person(self, practice: GPPractice) -> PersonDetails:
        d = self.cleaned_data
        return PersonDetails(nhs_number=normalise_nhs_number(d["nhs_number"]),
                             given_name=d["given_name"], family_name=d["family_name"],
                             date_of_birth=d["date_of_birth"], postcode=d["postcode"],
                             gp_practice=practice, **self.address())


class HelpNeededForm(PublicForm):
    reason = forms.CharField(
        label="What do you need help with?", max_length=4000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Tell us what is happening, how long it has been going on and how it affects "
                  "day-to-day life. You can enter up to 4,000 characters.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "Enter what you need help with"
        if not self.about_self:
            self.fields["reason"].label = "What does the person need help with?"
            self.fields["reason"].error_messages["required"] = "Enter what the person needs help with"


YES_NO = [("yes", "Yes"), ("no", "No")]


class RiskForm(PublicForm):
    """Short questions about safety, asked of everyone. An answer that signals risk (a plan,
    intent, or not safe right now) shows how to get help now on the next page, and becomes
    a risk indicator, so the urgency rules put the referral on the 24/7 urgent queue with
    its clock running from the moment it is sent."""

    thoughts = forms.ChoiceField(label="Have you had thoughts of ending your life?", choices=YES_NO,
                                 widget=forms.RadioSelect)
    plan = forms.ChoiceField(label="If yes, do you have a plan for how you would do it?",
                             choices=YES_NO, widget=forms.RadioSelect, required=False,
                             help_text="Answer this if you said yes to the question above")
    intent = forms.ChoiceField(label="If yes, do you intend to act on these thoughts?",
                               choices=YES_NO, widget=forms.RadioSelect, required=False,
                               help_text="Answer this if you said yes to thoughts of ending your life")
    safe_now = forms.ChoiceField(label="Are you safe right now?", choices=YES_NO, widget=forms.RadioSelect)

    # (question as the check-answers page asks it of you / of the person, as staff read it)
    QUESTIONS = {"thoughts": ("Thoughts of ending your life", "Thoughts of ending their life"),
                 "plan": ("A plan", "A plan"),
                 "intent": ("Intends to act on the thoughts", "Intends to act on the thoughts"),
                 "safe_now": ("Safe right now", "Safe right now")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.needed_by_choice = name in ("plan", "intent")
        if not self.about_self:
            self.fields["thoughts"].label = "Has the person had thoughts of ending their life?"
            self.fields["plan"].label = "If yes, does the person have a plan for how they would do it?"
            self.fields["intent"].label = "If yes, does the person intend to act on these thoughts?"
            self.fields["intent"].help_text = "Answer this if you said yes to thoughts of ending their life"
            self.fields["safe_now"].label = "Is the person safe right now?"
        self.fields["thoughts"].error_messages["required"] = self._ask("had thoughts of ending {their} life")
        self.fields["safe_now"].error_messages["required"] = (
            "Select whether you are safe right now" if self.about_self
            else "Select whether the person is safe right now")

    def _ask(self, what: str) -> str:
        """An error message asking whether you have, or the person has, `what`."""
        who, their = ("you have", "your") if self.about_self else ("the person has", "their")
        return f"Select whether {who} {what.format(their=their)}"

    def clean(self):
        d = super().clean()
        if d.get("thoughts") == "yes":
            if not d.get("plan") and "plan" not in self.errors:
                self.add_error("plan", self._ask("a plan"))
            if not d.get("intent") and "intent" not in self.errors:
                who = "you intend" if self.about_self else "the person intends"
                self.add_error("intent", f"Select whether {who} to act on these thoughts")
        elif d.get("thoughts") == "no":
            d["plan"] = d["intent"] = ""  # asked only after a yes: an answer left from before is not one
        return d

    def signals_risk(self) -> bool:
        d = self.cleaned_data
        return "yes" in (d["plan"], d["intent"]) or d["safe_now"] == "no"

    def risk_indicators(self) -> list[str]:
        """A plan or intent: the urgency rule for intent with a plan (very urgent, 4 hours);
        not safe right now: the rule for a person in crisis (urgent, 24 hours)."""
        d = self.cleaned_data
        indicators = []
        if "yes" in (d["plan"], d["intent"]):
            indicators.append(RiskIndicator.INTENT_WITH_PLAN.value)
        if d["safe_now"] == "no":
            indicators.append(RiskIndicator.REFERRER_FLAGGED_CRISIS.value)
        return indicators

    def answers(self, *, about_self: bool) -> list[tuple[str, str]]:
        """(question, Yes or No) for each question answered."""
        d = self.cleaned_data
        return [(self.QUESTIONS[name][0 if about_self else 1], dict(YES_NO)[d[name]])
                for name in self.QUESTIONS if d[name]]

    def as_staff_read_it(self) -> str:
        return "Answered online:\n" + "\n".join(f"{q}: {a}" for q, a in self.answers(about_self=False))


class ContactForm(PublicForm):
    contact_preference = forms.ChoiceField(label="How should we contact you?",
                                           choices=ONLINE_CONTACT_CHOICES, widget=forms.RadioSelect)
    phone = forms.CharField(label="Phone number", max_length=20, required=False,
                            validators=[validate_uk_phone],
                            help_text="Needed if you chose a phone call or text message")
    email = forms.EmailField(label="Email address", required=False,
                             help_text="Needed if you chose email")
    safe_to_leave_message = forms.BooleanField(
        label="It is safe to leave a message", required=False,
        help_text="On voicemail, or with someone who answers the phone")

    autocomplete = {"phone": "tel", "email": "email"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.input_type = "tel"
        self.fields["contact_preference"].error_messages["required"] = "Select how we should contact you"
        if not self.about_self:
            self.fields["contact_preference"].label = "How should we contact the person?"
            self.fields["contact_preference"].error_messages["required"] = (
                "Select how we should contact the person")

    def clean(self):
        d = super().clean()
        preference = d.get("contact_preference")
        if preference in (ContactPreference.PHONE, ContactPreference.TEXT) and not d.get("phone") \
                and "phone" not in self.errors:
            self.add_error("phone", "Enter a phone number to be contacted by phone or text message")
        if preference == ContactPreference.EMAIL and not d.get("email") and "email" not in self.errors:
            self.add_error("email", "Enter an email address to be contacted by email")
        return d

    def contact(self) -> ContactDetails:
        d = self.cleaned_data
        return ContactDetails(preference=d["contact_preference"], phone=d["phone"], email=d["email"],
                              safe_to_leave_message=d["safe_to_leave_message"], consent_to_share=True)


class SubmitForm(PublicForm):
    """The last page: consent, a one-time token against double submission, and a
    honeypot only bots fill in."""

    consent = forms.BooleanField(
        label="I agree that the Central Access Point can use this information to contact me "
              "and decide the right support")
    website = forms.CharField(label="Leave this field empty", required=False, max_length=200)
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].error_messages["required"] = (
            "Confirm that you agree we can use this information")
        self.fields["website"].widget.attrs.update(
            {"class": "nhsuk-input", "tabindex": "-1", "autocomplete": "off"})
