"""The parts every letter shares: the letterhead, an address block, and the print and
large print controls (templates/components/letters/)."""

import re

from django import template

from core.letterhead import LETTERHEAD

register = template.Library()


@register.inclusion_tag("components/letters/letterhead.html")
def letterhead() -> dict:
    return {"letterhead": LETTERHEAD}


@register.simple_tag
def cap_phone() -> str:
    return LETTERHEAD.phone


@register.inclusion_tag("components/letters/address.html")
def postal_address(lines: list[str] | None, label: str = "", fallback: str = "") -> dict:
    """The recipient's address block: `lines` from ServiceUser or GPPractice.postal_address."""
    return {"lines": lines or [], "label": label, "fallback": fallback}


@register.inclusion_tag("components/letters/print_controls.html", takes_context=True)
def print_controls(context: template.Context) -> dict:
    """Print, and switch between normal and large print (?large=1) keeping the rest of
    the address, for every letter."""
    request = context["request"]
    query = request.GET.copy()
    # A letter in a chosen format (letters.formats, ?format=) says whether it is large;
    # the switch replaces that choice.
    large = context.get("large", query.get("large") == "1")
    query.pop("format", None)
    if large:
        query.pop("large", None)
        if "format" in context:  # normal print, even for someone whose own format is large
            query["format"] = "standard"
    else:
        query["large"] = "1"
    return {"large": large, "switch_query": query.urlencode()}


# A sentence ends at a full stop, question or exclamation mark followed by a space, or a
# line break: easy read puts each on its own line.
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+|\n+")


@register.filter
def one_idea_a_line(text: str | None) -> list[str]:
    """Text as written split into its sentences, for an easy-read page: one idea a line."""
    return [part.strip() for part in _SENTENCE_END.split(text or "") if part.strip()]


@register.filter
def about_how_long(minutes: int) -> str:
    """A length for an easy-read page: "45 minutes" up to an hour, then hours to the
    nearest half ("2 and a half hours")."""
    if minutes <= 60:
        return f"{minutes} minutes"
    halves = round(minutes / 30)
    hours, half = divmod(halves, 2)
    if hours == 1 and not half:
        return "1 hour"
    return f"{hours} and a half hours" if half else f"{hours} hours"
