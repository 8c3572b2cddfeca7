"""Forms that render as NHS.UK design system fields, with an error summary on every form."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.forms.renderers import TemplatesSetting

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
