"""What every list a person works from shares: its sort and filters read from the address,
and its refresh. static/js/queue-refresh.mjs asks for the list again every
REFRESH_SECONDS with the REFRESH_HEADER, and the view answers with the list alone."""

from django import forms
from django.http import HttpRequest, QueryDict

REFRESH_HEADER = "fetch"  # the X-Requested-With value queue-refresh.mjs sends
REFRESH_SECONDS = 60  # between a list's refreshes (the page tells queue-refresh.mjs)


def is_refresh(request: HttpRequest) -> bool:
    """The request is a list's refresh, to be answered with the list alone."""
    return request.headers.get("X-Requested-With") == REFRESH_HEADER


class ListFilterForm(forms.Form):
    """A list's sort and filters, read from the address (GET), so a refresh, a bookmark and
    the pagination links all show the same list. A parameter of any shape is harmless: one
    that is not a known choice is left out (the default applies), never an error. Each
    field is an NHS.UK select, its id `filter-<name>`."""

    def __init__(self, data: QueryDict | dict[str, str] | None) -> None:
        super().__init__(data, auto_id="filter-%s")
        for field in self.fields.values():
            field.widget.attrs["class"] = "nhsuk-select"

    def set_choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def chosen(self) -> dict[str, str]:
        """The valid parameters, each known choice as given; a bad one is left out."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned[name] for name in self.fields if cleaned.get(name)}
