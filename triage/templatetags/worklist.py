"""A worklist row's due state and flags for the lists rendered from the template (the
booking queue, under the CAP): the same rules as the triage queues' rows
(triage.presenters)."""

from datetime import datetime

from django import template

from ..presenters import DueState, due_state, row_flags

register = template.Library()


@register.filter
def due_state_at(referral, now: datetime) -> DueState:
    """`{% with state=referral|due_state_at:now %}`: its time left, breached or at risk."""
    return due_state(getattr(referral, "next_due", None), getattr(referral, "at_risk_at", None), now)


@register.filter
def worklist_flags(referral) -> tuple[tuple[str, str], ...]:
    return row_flags(referral)
