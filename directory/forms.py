import re
from datetime import time

from django import forms
from django.core.exceptions import ValidationError

from cap.models import PrimaryCareNetwork
from cap.validators import validate_postcode
from core.forms import NHSFormMixin
from scheduling.models import Practitioner

from . import postcodes
from .links import validate_link
from .models import Access, CommunityService, Need, Specialty
from .selectors import Search
from .services import ExpertiseDetails, HelplineDetails, LocationDetails, Opening, ServiceDetails

NEED_CHOICES = [("", "Any need"), *Need.choices]
DAY_NAMES = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_OPENING = re.compile(r"^\s*([a-z]+)\s+(\d{1,2}[:.]\d{2})\s*(?:-|–|to)\s*(\d{1,2}[:.]\d{2})\s*$", re.I)


def validate_place(value: str) -> None:
    """A full postcode (checked as cap/validators checks every postcode) or a district."""
    value = value.strip()
    if len(value.replace(" ", "")) > 4:
        validate_postcode(value)
    elif not postcodes.district_code(value):
        raise ValidationError("Enter a postcode, like LE11 3TU, or the first part of one, like LE11.",
                              code="postcode")
    if postcodes.locate(value) is None:
        raise ValidationError("We can only find places in Leicester, Leicestershire and Rutland "
                              "and just over the border.", code="unknown_place")


class SearchForm(NHSFormMixin, forms.Form):
    q = forms.CharField(label="Search words", required=False, max_length=200,
                        help_text="For example crisis cafe, debt advice or carers group")
    need = forms.ChoiceField(label="What kind of help", choices=NEED_CHOICES, required=False)
    postcode = forms.CharField(label="Postcode or town area", required=False, max_length=8,
                               validators=[validate_place],
                               help_text="Nearest first. For example LE11 3TU or LE11")
    open_now = forms.BooleanField(label="Open now", required=False)
    free_only = forms.BooleanField(label="Free only", required=False)

    def search(self) -> Search:
        data = self.cleaned_data
        return Search(words=data["q"], need=data["need"], postcode=data["postcode"],
                      open_now=data["open_now"], free_only=data["free_only"])


def parse_openings(text: str) -> tuple[Opening, ...]:
    openings = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _OPENING.match(line)
        day = match and next((n for n, d in enumerate(DAY_NAMES) if d.startswith(match[1].lower()[:3])), None)
        if not match or day is None:
            raise ValidationError(f"Line {number}: write a day and times, like Monday 09:00-17:00.")
        try:
            opens, closes = (time.fromisoformat(t.replace(".", ":").zfill(5)) for t in match.groups()[1:])
        except ValueError as e:
            raise ValidationError(f"Line {number}: times are like 09:00 or 17:30.") from e
        openings.append(Opening(day, opens, closes))
    return tuple(openings)


def format_openings(schedules) -> str:
    return "\n".join(f"{DAY_NAMES[s.weekday].title()} {s.opens_at:%H:%M}-{s.closes_at:%H:%M}"
                     for s in schedules)


class ServiceForm(NHSFormMixin, forms.Form):
    name = forms.CharField(max_length=160)
    organisation = forms.CharField(label="Organisation that runs it", max_length=160)
    description = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    category = forms.ChoiceField(label="Main category of need", choices=Need.choices)
    needs = forms.MultipleChoiceField(label="Other needs it meets", choices=Need.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)
    access = forms.ChoiceField(label="How people get to it", choices=Access.choices,
                               widget=forms.RadioSelect, initial=Access.SELF_REFERRAL)
    how_to_access = forms.CharField(label="How to access it", max_length=2000, required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    eligibility = forms.CharField(label="Who it is for", max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    minimum_age = forms.IntegerField(label="Minimum age", required=False, min_value=0, max_value=130)
    maximum_age = forms.IntegerField(label="Maximum age", required=False, min_value=0, max_value=130)
    cost = forms.CharField(max_length=200, required=False, help_text="For example Free, or £3 a session")
    free = forms.BooleanField(label="Free to use", required=False, initial=True)
    area = forms.CharField(label="Area served, in words", max_length=120, required=False,
                           help_text="For example Leicester City, or all of Leicester, "
                                     "Leicestershire and Rutland")
    postcode_districts = forms.CharField(
        label="Postcode districts served", max_length=400, required=False,
        help_text="Separated by commas, like LE11, LE12. Leave empty when it serves anyone.")
    pcns = forms.ModelMultipleChoiceField(
        PrimaryCareNetwork.objects.order_by("name"), required=False, label="Primary Care Networks served",
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Hold Ctrl (or Cmd) to choose more than one.")
    contact_name = forms.CharField(label="Contact name", max_length=120, required=False)
    phone = forms.CharField(max_length=40, required=False)
    email = forms.EmailField(required=False)
    url = forms.URLField(label="Website", required=False, assume_scheme="https", validators=[validate_link])
    location_name = forms.CharField(label="Venue", max_length=160, required=False)
    address = forms.CharField(label="Address", max_length=200, required=False)
    town = forms.CharField(label="Town or city", max_length=80, required=False)
    postcode = forms.CharField(label="Postcode", max_length=8, required=False, validators=[validate_postcode],
                               help_text="Leave the venue empty for a phone or online service.")
    openings = forms.CharField(
        label="Opening times", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One a line, like Monday 09:00-17:00. A closing time before the opening time "
                  "means after midnight; the same time means open all day.")

    @classmethod
    def for_service(cls, service: CommunityService, data=None):
        location = service.locations.order_by("id").first()
        initial = {key: getattr(service, key) for key in (
            "name", "organisation", "description", "category", "access", "how_to_access", "eligibility",
            "minimum_age", "maximum_age", "cost", "free", "area", "contact_name", "phone", "email", "url")}
        initial |= {"needs": [n for n in service.needs if n != service.category],
                    "postcode_districts": ", ".join(service.postcode_districts),
                    "pcns": list(service.pcns.all()), "openings": format_openings(service.schedules.all())}
        if location:
            initial |= {"location_name": location.name, "address": location.address, "town": location.town,
                        "postcode": location.postcode}
        return cls(data, initial=initial)

    def clean_postcode_districts(self):
        typed = re.split(r"[,\s]+", self.cleaned_data["postcode_districts"])
        raw = [d.strip().upper() for d in typed if d.strip()]
        bad = [d for d in raw if postcodes.district_code(d) != d]
        if bad:
            raise ValidationError(f"Not a postcode district: {', '.join(bad)}. Write them like LE11, LE12.")
        return tuple(raw)

    def clean_openings(self):
        return parse_openings(self.cleaned_data["openings"])

    def clean(self):
        data = super().clean()
        has_place = any(data.get(k) for k in ("location_name", "address", "town"))
        if has_place and not data.get("postcode") and "postcode" not in self.errors:
            self.add_error("postcode", "Enter the venue's postcode, so people nearest find it first.")
        return data

    def details(self, *, identifier="", last_checked_at=None) -> ServiceDetails:
        data = self.cleaned_data
        locations = ()
        if data["postcode"]:
            locations = (LocationDetails(postcode=data["postcode"], name=data["location_name"],
                                         address=data["address"], town=data["town"]),)
        return ServiceDetails(
            name=data["name"], organisation=data["organisation"], description=data["description"],
            category=data["category"], needs=tuple(data["needs"]), access=data["access"],
            how_to_access=data["how_to_access"], eligibility=data["eligibility"],
            minimum_age=data["minimum_age"], maximum_age=data["maximum_age"], cost=data["cost"],
            free=data["free"], area=data["area"], postcode_districts=data["postcode_districts"],
            pcn_codes=tuple(p.code for p in data["pcns"]), contact_name=data["contact_name"],
            phone=data["phone"], email=data["email"], url=data["url"], locations=locations,
            schedules=data["openings"], identifier=identifier)


class CategoriseForm(NHSFormMixin, forms.Form):
    """The categories of need of an entry imported with terms no category is known for,
    and which of its terms mean the main category from now on."""

    category = forms.ChoiceField(label="Main category of need", choices=Need.choices,
                                 widget=forms.RadioSelect)
    needs = forms.MultipleChoiceField(label="Other needs it meets", choices=Need.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)
    remember = forms.MultipleChoiceField(
        label="Remember for every entry with the term", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Entries waiting with the term are categorised now, and later imports with it too.")

    def __init__(self, *args, terms: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.terms = terms
        self.fields["remember"].choices = [
            (str(n), f"{t.get('name') or t.get('id')} ({t.get('vocabulary') or 'no vocabulary'})")
            for n, t in enumerate(terms)]
        if not terms:
            del self.fields["remember"]

    def remembered(self) -> list[dict]:
        return [self.terms[int(n)] for n in self.cleaned_data.get("remember", [])]


class ImportForm(NHSFormMixin, forms.Form):
    file = forms.FileField(label="Open Referral UK JSON file",
                           help_text="JSON Lines (one service a line), a JSON list of services, "
                                     "or an Open Referral UK page. Up to 20 MB.")

    MAX_BYTES = 20 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise ValidationError("The file is bigger than 20 MB: split it and load each part.")
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError as e:
            raise ValidationError("The file is not UTF-8 text. Save it as UTF-8 JSON and try again.") from e


def _active_services():
    return CommunityService.objects.active().order_by("name", "id").only("id", "name", "organisation")


class ServiceChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.organisation})"


class HelplineForm(NHSFormMixin, forms.Form):
    asked_by = forms.CharField(label="Who asked", max_length=120, help_text="The member of staff who rang")
    asked_by_team = forms.CharField(label="Their team", max_length=120, required=False)
    need = forms.ChoiceField(label="Category of need", choices=Need.choices)
    area = forms.CharField(label="Area", max_length=8, validators=[validate_place],
                           help_text="Where the person lives: a postcode district, like LE11. "
                                     "Do not write anything that names the person.")
    question = forms.CharField(label="What they asked", max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 3}))
    answer = forms.CharField(label="Answer given", max_length=4000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    suggested = ServiceChoiceField(_active_services(), required=False, label="Entries suggested",
                                   widget=forms.SelectMultiple(attrs={"size": 8}),
                                   help_text="Hold Ctrl (or Cmd) to choose more than one.")
    unmet = forms.BooleanField(label="Nothing suitable exists: log an unmet need", required=False)
    unmet_description = forms.CharField(label="What was needed (optional)", max_length=2000, required=False,
                                        widget=forms.Textarea(attrs={"rows": 2}),
                                        help_text="For commissioners. The question is used when empty.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suggested"].queryset = _active_services()

    def details(self) -> HelplineDetails:
        data = self.cleaned_data
        return HelplineDetails(
            asked_by=data["asked_by"], asked_by_team=data["asked_by_team"], need=data["need"],
            area=data["area"], question=data["question"], answer=data["answer"],
            suggested=tuple(data["suggested"]), unmet=data["unmet"],
            unmet_description=data["unmet_description"])


class UnmetNeedForm(NHSFormMixin, forms.Form):
    need = forms.ChoiceField(label="Category of need", choices=Need.choices)
    area = forms.CharField(label="Area", max_length=8, validators=[validate_place],
                           help_text="A postcode district, like LE11")
    description = forms.CharField(label="What was needed", max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))


class ExpertiseSearchForm(NHSFormMixin, forms.Form):
    specialty = forms.ChoiceField(choices=[("", "Any specialty"), *Specialty.choices], required=False)
    skill = forms.CharField(label="Skill", max_length=100, required=False,
                            help_text="For example DBT, ARFID, family therapy")


class PractitionerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.discipline.name})"


class ExpertiseForm(NHSFormMixin, forms.Form):
    practitioner = PractitionerChoiceField(
        Practitioner.objects.select_related("discipline").order_by("name", "id"), empty_label="Choose")
    specialty = forms.ChoiceField(choices=Specialty.choices)
    skills = forms.CharField(max_length=400, help_text="Separated by commas, like DBT, family work, ARFID")
    phone_advice = forms.BooleanField(label="Offers phone advice", required=False, initial=True)
    supervision = forms.BooleanField(label="Offers supervision", required=False)
    joint_contact = forms.BooleanField(label="Offers joint contacts", required=False)
    notes = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                            help_text="For example the best days to ring")

    def details(self) -> ExpertiseDetails:
        data = self.cleaned_data
        return ExpertiseDetails(specialty=data["specialty"], skills=data["skills"],
                                phone_advice=data["phone_advice"], supervision=data["supervision"],
                                joint_contact=data["joint_contact"], notes=data["notes"])
