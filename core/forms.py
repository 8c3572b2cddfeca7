"""Forms that render as NHS.UK design system fields, with an error summary on every form."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
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


_ISO_LIKE = re.compile(r"^\s*(\d{1,4})-(\d{1,2})-(\d{1,2})\s*$")


def typed_values(form_class: type[forms.Form], data: Any, prefix: str = "") -> dict[str, Any]:
    """What was typed into each field of `form_class` that `data` holds, read as each widget
    reads it (a date's three boxes, a list of ticked boxes), to show again as initial
    values: a search on the same page keeps what was typed and sends nothing."""
    typed = {}
    fields: dict[str, forms.Field] = form_class.base_fields
    for name, field in fields.items():
        key = f"{prefix}-{name}" if prefix else name
        if not field.widget.value_omitted_from_data(data, {}, key):
            typed[name] = field.widget.value_from_datadict(data, {}, key)
    return typed


class NhsDateInput(forms.MultiWidget):
    """The NHS.UK date input: day, month and year in three boxes (`<name>_day`, `_month`,
    `_year`). A single ISO date under the field's own name is read too, for a script or a
    link that sends one."""

    template_name = "components/widgets/date_input.html"
    parts: tuple[str, ...] = ("day", "month", "year")
    widths = {"year": 4}

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
        if isinstance(value, str) and (match := _ISO_LIKE.match(value)):
            year, month, day = match.groups()  # not a real date, but shown as it was sent
            return [day, month, year]
        return [None] * len(self.parts)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if data.get(name):
            return data.get(name)
        return tuple(data.get(f"{name}_{part}", "") for part in self.parts)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and not any(f"{name}_{part}" in data for part in self.parts)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        typed = list(value) if isinstance(value, tuple) else None  # as typed, kept on an error
        context = super().get_context(name, typed if typed is not None else value, attrs)
        in_error = "nhsuk-input--error" in (context["widget"]["attrs"].get("class") or "")
        # The design system marks only the boxes left empty when a part is missing, and
        # every box when the date as a whole is wrong.
        empty = {part for part, text in zip(self.parts, typed or [], strict=False)
                 if not str(text or "").strip()} if typed and any(typed) else set()
        autocomplete = context["widget"]["attrs"].get("autocomplete")
        for part, sub in zip(self.parts, context["widget"]["subwidgets"], strict=True):
            sub.update(part=part, width=self.widths.get(part, 2),
                       error=in_error and (not empty or part in empty))
            if autocomplete == "bday":  # the browser fills each box with its own part
                sub["autocomplete"] = f"bday-{part}"
        return context


def _missing(parts: dict[str, str], groups: dict[str, tuple[str, ...]]) -> str:
    """"a day and a month", or "a date" when none of a group (day, month, year) was given."""
    absent: list[str] = []
    for group, names in groups.items():
        gone = [n for n in names if not parts[n]]
        if len(gone) == len(names) and len(names) > 1 and len(groups) > 1:
            absent.append(group)
        else:
            absent.extend(gone)
    said = [f"{'an' if word[0] in 'aeiouh' else 'a'} {word}" for word in absent]
    return said[0] if len(said) == 1 else f"{', '.join(said[:-1])} and {said[-1]}"


def _date_from_parts(label: str, parts: dict[str, str]) -> date:
    try:
        day, month, year = (int(parts[p]) for p in ("day", "month", "year"))
        if year < 1000:
            raise ValueError
        return date(year, month, day)
    except (ValueError, OverflowError):
        raise forms.ValidationError(f"{label} must be a real date", code="invalid") from None


def _example(day: date) -> str:
    return f"{day.day} {day.month} {day.year}"


def _hint(help_text: str, example: str) -> str:
    return f"{help_text.rstrip('.')}. {example}" if help_text else example


class NhsDateField(forms.DateField):
    """A date in the NHS.UK date input, with the design system's messages: "Date of birth
    must include a month", "Date of birth must be a real date".

    The hint ends with an example: a date of birth's is 15 3 1984; any other date's is
    `example_days` from today (so it looks like the dates the person will type). `named`
    names the date in its messages where the label alone would not ("From" is "The first
    day": "The first day must include a month")."""

    widget = NhsDateInput

    def __init__(self, *, example_days: int | None = None, named: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.example_days = example_days
        self.named = named

    def hint(self) -> str:
        if self.example_days is None:
            example = "For example, 15 3 1984"
        else:
            example = f"For example, {_example(timezone.localdate() + timedelta(days=self.example_days))}"
        return _hint(str(self.help_text or ""), example)

    def to_python(self, value: Any) -> date | None:
        label = self.named or str(self.label or "The date")
        if not isinstance(value, tuple | list):
            try:
                return super().to_python(value)
            except forms.ValidationError:
                raise forms.ValidationError(f"{label} must be a real date", code="invalid") from None
        parts = dict(zip(NhsDateInput.parts, (str(p or "").strip() for p in value), strict=True))
        if not any(parts.values()):
            return None
        if not all(parts.values()):
            raise forms.ValidationError(
                f"{label} must include {_missing(parts, {'date': NhsDateInput.parts})}", code="incomplete")
        return _date_from_parts(label, parts)


def _iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


@dataclass(frozen=True)
class TypedDateTime:
    """What was posted for a date and time: the single ISO text under the field's own name
    (a script, a link, an older test), or else the five boxes; and the BST/GMT choice."""

    text: str | None
    parts: tuple[str, ...]
    clock: str = ""


class LocalDateTimeInput(NhsDateInput):
    """A date and time in Europe/London: the NHS.UK date input's day, month and year, then
    the time as hour and minute on the 24-hour clock, in boxes of the same kind. The NHS.UK
    design system has no time input; two numeric boxes follow its date input (one thing a
    box, a number keypad on a phone, "must include an hour" when one is left out), where one
    "14:30" box needs a colon that a phone's number keypad does not have. A choice of BST or
    GMT appears only for a time in the hour repeated when the clocks go back."""

    template_name = "components/widgets/local_datetime.html"
    parts = ("day", "month", "year", "hour", "minute")
    date_parts = parts[:3]
    time_parts = parts[3:]

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, str):
            value = _naive(value)
        if isinstance(value, datetime):
            value = timezone.localtime(value) if timezone.is_aware(value) else value
            return [value.day, value.month, value.year, f"{value.hour:02d}", f"{value.minute:02d}"]
        return [None] * len(self.parts)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        clock = data.get(f"{name}_clock", "")
        if data.get(name):
            return TypedDateTime(text=data.get(name), parts=(), clock=clock)
        return TypedDateTime(text=None, parts=tuple(data.get(f"{name}_{p}", "") for p in self.parts),
                             clock=clock)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        clock = ""
        if isinstance(value, TypedDateTime):
            clock = value.clock
            value = value.text if value.text is not None else value.parts
        context = super().get_context(name, value, attrs)
        subs = context["widget"]["subwidgets"]
        context["widget"].update(date_boxes=subs[:3], time_boxes=subs[3:])
        shown = [sub["value"] for sub in subs]
        naive = _naive(value) if isinstance(value, str) else _naive_from_parts(shown)
        if naive is not None and clock_change(naive) == "repeated":
            context["widget"].update(ambiguous=True, clock=clock, clock_name=f"{name}_clock",
                                     time=f"{naive:%H:%M}")
        return context


def _split_time(parts: dict[str, str]) -> dict[str, str]:
    """A whole time typed into the hour box ("14:30", "14.30") is read as hour and minute."""
    hour = parts["hour"].replace(".", ":")
    if ":" in hour and not parts["minute"]:
        parts["hour"], _, parts["minute"] = (p.strip() for p in hour.partition(":"))
    return parts


def _naive_from_parts(values: list[Any]) -> datetime | None:
    parts = _split_time(dict(zip(LocalDateTimeInput.parts, (str(v or "").strip() for v in values),
                                 strict=True)))
    try:
        return datetime.combine(_date_from_parts("", parts), _time_from_parts("", parts))
    except (forms.ValidationError, KeyError):
        return None


def _time_from_parts(label: str, parts: dict[str, str]) -> time:
    try:
        if not (parts["hour"].isdigit() and parts["minute"].isdigit()) or len(parts["minute"]) > 2:
            raise ValueError
        return time(int(parts["hour"]), int(parts["minute"]))
    except (ValueError, OverflowError):
        raise forms.ValidationError(
            f"{label} must be a real time, on the 24-hour clock, like 14:30", code="invalid") from None


class LocalDateTimeField(forms.DateTimeField):
    """A date and time as people in the service say it, in Europe/London. In the hour the
    clocks go back (01:00-01:59 on the last Sunday of October) the same time happens twice:
    the form asks whether BST (the first) or GMT (an hour later) was meant. A time in the
    hour the clocks skip in spring does not exist, and is refused with the reason."""

    widget = LocalDateTimeInput

    def hint(self) -> str:
        example = (f"For example, {_example(timezone.localdate())} and 14 30. "
                   "UK time, on the 24-hour clock")
        return _hint(str(self.help_text or ""), example)

    def to_python(self, value: Any) -> datetime | None:
        if isinstance(value, datetime):
            return value
        clock = ""
        if isinstance(value, TypedDateTime):
            clock = value.clock
            if value.text is None:
                naive = self._from_parts(value.parts)
                return None if naive is None else localise(naive, clock)
            value = value.text
        if value in self.empty_values:
            return None
        naive = _naive(str(value))
        if naive is None:
            raise forms.ValidationError(f"{self.label or 'The date and time'} must be a real date and time",
                                        code="invalid")
        return localise(naive, clock)

    def _from_parts(self, values: tuple[str, ...]) -> datetime | None:
        parts = _split_time(dict(zip(LocalDateTimeInput.parts, (str(v or "").strip() for v in values),
                                     strict=True)))
        if not any(parts.values()):
            return None
        label = str(self.label or "The date and time")
        if not all(parts.values()):
            groups = {"date": LocalDateTimeInput.date_parts, "time": LocalDateTimeInput.time_parts}
            raise forms.ValidationError(f"{label} must include {_missing(parts, groups)}",
                                        code="incomplete")
        return datetime.combine(_date_from_parts(label, parts), _time_from_parts(label, parts))


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
