"""Labels, never codes, on the page: {{ referral.urgency|urgency_label }} (triage.labels), on
every template without {% load %} (a builtin, as the NHS style's filters are)."""

from django import template

from triage import labels

register = template.Library()


@register.filter
def urgency_label(code: str | None) -> str:
    return labels.label(labels.URGENCY, code)


@register.filter
def stream_label(code: str | None) -> str:
    return labels.label(labels.STREAM, code)


@register.filter
def status_label(code: str | None) -> str:
    return labels.label(labels.STATUS, code)


@register.filter
def outcome_label(code: str | None) -> str:
    return labels.label(labels.OUTCOME, code)


@register.filter
def queue_label(code: str | None) -> str:
    return labels.label(labels.QUEUE, code)
