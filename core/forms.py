"""Forms that render as NHS.UK design system fields, with an error summary on every form."""

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils import timezone

from core.errors import DomainError

if TYPE_CHECKING:
    # The mixin goes before a Form or ModelForm; the type checker sees what it extends.
    _FormBase = forms.BaseForm
else:
    _FormBase = object

WIDGET_CLASSES = {
    forms.Textarea: "nhsuk-textarea",
    forms.Select: "nhsuk-select",
    forms.CheckboxInput: "nhsuk-checkboxes__input",
    forms.ClearableFileInput: "nhsuk-file-upload",
    forms.FileInput: "nhsuk-file-upload",
}


class NHSFormRenderer(TemplatesSetting):
    form_template_name = "components/form.html"
    field_template_name = "components/field.html"


class NHSFormMixin(_FormBase):
    """Adds the design system's classes, and links hints and errors to each input."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            label = str(field.label or name.replace("_", " "))
            verb = "Select" if isinstance(field, forms.ChoiceField) else "Enter"
            field.error_messages["required"] = f"{verb} {label[0].lower()}{label[1:]}"
            if getattr(field, "max_length", None):
                # Said before it bites (the character count), and by the server with the
                # limit; never by the browser's maxlength, which cuts pasted text silently.
                field.error_messages["max_length"] = (
                    f"{label} must be %(limit_value)d characters or fewer (it has %(show_value)d)")
                widget.attrs.pop("maxlength", None)
            if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                continue
            css = next((c for cls, c in WIDGET_CLASSES.items() if isinstance(widget, cls)),
                       "nhsuk-input")
            widget.attrs["class"] = f"{css} {widget.attrs.get('class', '')}".strip()
            described = [f"id_{name}-hint"] if field.help_text else []
            if isinstance(widget, forms.Textarea) and getattr(field, "max_length", None):
                widget.attrs["class"] += " nhsuk-js-character-count"
                described.append(f"id_{name}-info")
            if described:
                widget.attrs["aria-describedby"] = " ".join(described)

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            described = widget.attrs.get("aria-describedby", "")
            widget.attrs["aria-describedby"] = f"{described} id_{name}-error".strip()
            if "nhsuk-input" in widget.attrs.get("class", ""):
                widget.attrs["class"] += " nhsuk-input--error"

    def add_domain_error(self, error: DomainError) -> None:
        """Show a service's DomainError on the field it names, or on the whole form."""
        self.add_error(error.field if error.field in self.fields else None, error.message)


class NhsDateInput(forms.MultiWidget):
    """The NHS.UK date input: day, month and year in three boxes (`<name>_day`, `_month`,
    `_year`). A single ISO date under the field's own name is read too, for a script or a
    link that sends one."""

    template_name = "components/widgets/date_input.html"
    parts = ("day", "month", "year")

    def __init__(self, attrs: dict | None = None):
        boxes: dict[str, forms.Widget | type[forms.Widget]] = {
            part: forms.TextInput(attrs={"inputmode": "numeric"}) for part in self.parts}
        super().__init__(boxes, attrs)

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_0" if id_ else ""  # the day: where the error summary's link goes

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        if isinstance(value, str) and (parsed := _iso_date(value)):
            return [parsed.day, parsed.month, parsed.year]
        return [None, None, None]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if data.get(name):
            return data.get(name)
        return tuple(data.get(f"{name}_{part}", "") for part in self.parts)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and not any(f"{name}_{part}" in data for part in self.parts)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        if isinstance(value, tuple):  # as typed, kept on an error
            value = list(value)
        context = super().get_context(name, value, attrs)
        for part, sub in zip(self.parts, context["widget"]["subwidgets"], strict=True):
            sub["part"] = part
            sub["width"] = 4 if part == "year" else 2
        return context


class NhsDateField(forms.DateField):
    """A date in the NHS.UK date input, with the design system's messages: "Date of birth
    must include a month", "Date of birth must be a real date"."""

    widget = NhsDateInput

    def to_python(self, value: Any) -> date | None:
        if not isinstance(value, tuple | list):
            return super().to_python(value)
        parts = [str(p or "").strip() for p in value]
        if not any(parts):
            return None
        label = str(self.label or "The date")
        missing = [part for part, text in zip(NhsDateInput.parts, parts, strict=True) if not text]
        if missing:
            raise forms.ValidationError(f"{label} must include a {' and a '.join(missing)}",
                                        code="incomplete")
        try:
            day, month, year = (int(text) for text in parts)
            if year < 1000:
                raise ValueError
            return date(year, month, day)
        except ValueError:
            raise forms.ValidationError(f"{label} must be a real date", code="invalid") from None


def _iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


class LocalDateTimeInput(forms.DateTimeInput):
    """A date and time in Europe/London (datetime-local), with a choice of BST or GMT that
    appears only for a time in the hour repeated when the clocks go back."""

    input_type = "datetime-local"
    template_name = "components/widgets/local_datetime.html"

    def __init__(self, attrs: dict | None = None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name), data.get(f"{name}_clock", "")

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        text, clock = value if isinstance(value, tuple) else (value, "")
        context = super().get_context(name, text, attrs)
        naive = _naive(text) if isinstance(text, str) else None
        if naive is not None and clock_change(naive) == "repeated":
            context["widget"].update(ambiguous=True, clock=clock, clock_name=f"{name}_clock",
                                     time=f"{naive:%H:%M}")
        return context


class LocalDateTimeField(forms.DateTimeField):
    """A date and time as people in the service say it, in Europe/London. In the hour the
    clocks go back (01:00-01:59 on the last Sunday of October) the same time happens twice:
    the form asks whether BST (the first) or GMT (an hour later) was meant. A time in the
    hour the clocks skip in spring does not exist, and is refused with the reason."""

    widget = LocalDateTimeInput

    def to_python(self, value: Any) -> datetime | None:
        text, clock = value if isinstance(value, tuple) else (value, "")
        if text in self.empty_values:
            return None
        if isinstance(text, datetime):
            return text
        naive = _naive(str(text))
        if naive is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return localise(naive, clock)


def _naive(text: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return parsed.replace(tzinfo=None) if parsed.tzinfo is None else None


def clock_change(naive: datetime) -> str:
    """"repeated" in the hour the clocks go back, "skipped" in the hour they go forward,
    else "" (in the current time zone, Europe/London)."""
    zone = timezone.get_current_timezone()
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return ""
    round_trip = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    return "repeated" if round_trip == naive else "skipped"


def localise(naive: datetime, clock: str = "") -> datetime:
    """The instant a local time names; `clock` ("bst" or "gmt") says which of a repeated hour."""
    zone = timezone.get_current_timezone()
    match clock_change(naive):
        case "skipped":
            raise forms.ValidationError(
                f"There is no {naive:%H:%M} on {naive.day} {naive:%B %Y}: the clocks went forward an "
                "hour, from 01:00 GMT to 02:00 BST. Enter the time as the clock showed it.", code="skipped")
        case "repeated" if clock not in ("bst", "gmt"):
            raise forms.ValidationError(
                f"{naive:%H:%M} on {naive.day} {naive:%B %Y} happened twice, as the clocks went back: "
                "choose whether you mean the first (BST) or the second, an hour later (GMT).",
                code="ambiguous")
        case "repeated":
            # In UTC: an aware time whose offset depends on `fold` compares unequal to every
            # time in another zone (PEP 495), so it is not passed on as it is.
            return naive.replace(tzinfo=zone, fold=0 if clock == "bst" else 1).astimezone(UTC)
    return naive.replace(tzinfo=zone)
