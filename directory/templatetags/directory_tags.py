from django import template

from directory.links import is_allowed_link

register = template.Library()

KM_PER_MILE = 1.609344
HISTORY_VERBS = {"+": "Added", "~": "Changed", "-": "Deleted"}


@register.filter
def miles(km) -> str:
    if km is None:
        return ""
    value = km / KM_PER_MILE
    if value < 0.5:
        return "less than half a mile"
    if value < 9.5:
        return f"{value:.1f} miles"
    return f"{value:.0f} miles"


@register.filter
def history_summary(record) -> str:
    """What a history row changed: the names of the fields, or what happened."""
    verb = HISTORY_VERBS.get(record.history_type, record.history_type)
    if record.history_type != "~":
        return verb
    previous = record.prev_record
    if previous is None:
        return verb
    changed = [change.field.replace("_", " ") for change in record.diff_against(previous).changes]
    return f"{verb}: {', '.join(changed)}" if changed else f"{verb}, nothing different"


@register.filter
def safe_link(value) -> str:
    """The link if it is http(s), tel or mailto, else nothing: whatever got into the
    database, a template never renders another scheme (directory.links)."""
    value = str(value or "")
    return value if is_allowed_link(value) else ""
