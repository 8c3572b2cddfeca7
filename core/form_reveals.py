"""Fields that belong to one choice of a radio question: shown under that choice's radio
(the NHS.UK conditional reveal, templates/components/radios_reveal.html), needed only when
it is chosen, and ignored otherwise.

A form declares `REVEALS = {"outcome": {"assessment": ("stream", ...), ...}}` and, for the
fields a choice cannot do without, `NEEDED = {"outcome": {"assessment": {"stream":
"Choose the specialty stream"}}}`. Without JavaScript every choice's fields are shown (the
design system reveals them only once its script runs), so the server is what decides:
what was typed under a choice not taken is kept on the page but never reaches the
service, and cannot block the form with an error the clinician cannot see."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms

if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


@dataclass(frozen=True)
class RevealedChoice:
    """One radio of the question, with the fields shown under it."""

    radio: Any  # the BoundWidget of the choice
    fields: list[forms.BoundField]
    reveal_id: str
    # A group of fields revealed together may be named, as its own fieldset (the call's
    # "Who the call is about"); most reveals are one or two fields and need no name.
    heading: str = ""
    hint: str = ""


class RevealsMixin(_FormBase):
    REVEALS: ClassVar[dict[str, dict[str, tuple[str, ...]]]] = {}
    NEEDED: ClassVar[dict[str, dict[str, dict[str, str]]]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for needed in self.NEEDED.values():
            for names in needed.values():
                for name in names:
                    if name in self.fields:
                        self.fields[name].needed_by_choice = True  # type: ignore[attr-defined]

    def revealed_choices(self, question: str) -> list[RevealedChoice]:
        """Each radio of `question` with the bound fields it reveals, in the choices' order.
        A field marked `shown_with` another is rendered by that field's template."""
        belongs = self.REVEALS[question]
        bound = self[question]
        return [RevealedChoice(radio, [self[n] for n in belongs.get(str(radio.data["value"]), ())
                                       if n in self.fields
                                       and not getattr(self.fields[n], "shown_with", None)],
                               f"{bound.auto_id}-{radio.data['value']}-reveal")
                for radio in bound.subwidgets]

    def revealed_names(self, question: str) -> set[str]:
        return {name for names in self.REVEALS[question].values() for name in names}

    def chosen(self, question: str) -> str:
        return str(self.cleaned_data.get(question) or "")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for question, belongs in self.REVEALS.items():
            chosen = self.chosen(question)
            kept = set(belongs.get(chosen, ()))
            for name in self.revealed_names(question) - kept:
                if name not in self.fields:
                    continue
                # Another choice's field: its value and any error in it are not this
                # decision's (the bound data still shows what was typed).
                self.errors.pop(name, None)
                data[name] = self.fields[name].to_python(None)
            for name, message in self.NEEDED.get(question, {}).get(chosen, {}).items():
                if name in self.fields and name not in self.errors and not data.get(name):
                    self.add_error(name, message)
        return data
