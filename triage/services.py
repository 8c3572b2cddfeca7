"""Triage actions: recording decisions, and starting, stopping and scanning wait targets."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from cap.errors import Conflict, Invalid
from cap.history import save_as
from cap.models import Referral, ReferralStatus

from . import clock
from .models import (
    BreachAlert,
    ClosureDay,
    DecisionOutcome,
    ScanHeartbeat,
    TargetDefinition,
    TriageDecision,
    Urgency,
    WaitTarget,
)

# Which targets a decision starts, and from which instant of the referral.
ASSESSMENT_TARGETS = {
    Urgency.VERY_URGENT: [("assessment_4h", "first_contact_at")],
    Urgency.URGENT: [("assessment_24h", "first_contact_at")],
    Urgency.ROUTINE: [("booking", "received_at"), ("routine_assessment", "received_at")],
}


def business_calendar() -> clock.BusinessCalendar:
    closures = frozenset(ClosureDay.objects.values_list("day", flat=True))
    return clock.BusinessCalendar(closures=closures)


def target_start(*, referral: Referral, code: str, start: datetime) -> WaitTarget:
    """Start a target's clock for a referral; starting it twice changes nothing."""
    definition = TargetDefinition.objects.get(code=code)
    due = clock.due_at(start, definition.clock, definition.amount, business_calendar())
    target, _ = WaitTarget.objects.get_or_create(
        referral=referral, definition=definition,
        defaults={"started_at": start, "due_at": due},
    )
    return target


def target_meet(*, referral: Referral, code: str, at: datetime, actor=None) -> None:
    """Stop a running target's clock (met, or breached and now met)."""
    for target in WaitTarget.objects.running().filter(referral=referral, definition__code=code):
        target.met_at = at
        save_as(target, actor)


@transaction.atomic
def triage_decision_record(*, actor, referral: Referral, urgency: str, outcome: str,
                           rationale: str, stream: str = "") -> TriageDecision:
    """Record a clinician's triage decision. Expects no lock held; locks the referral
    row so two clinicians deciding at once cannot both succeed."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != ReferralStatus.AWAITING_TRIAGE:
        raise Conflict(f"{referral.reference} has already been triaged.")
    if (urgency == Urgency.EMERGENCY) != (outcome == DecisionOutcome.EMERGENCY_SERVICES):
        raise Invalid("An emergency, and only an emergency, is routed to emergency services "
                      "at once.", field="outcome")
    if outcome == DecisionOutcome.ASSESSMENT and not stream:
        raise Invalid("Choose the specialty stream for the assessment.", field="stream")
    now = timezone.now()
    decision = save_as(TriageDecision(
        referral=referral, urgency=urgency, outcome=outcome,
        stream=stream if outcome == DecisionOutcome.ASSESSMENT else "",
        rationale=rationale, decided_by=actor, decided_at=now,
    ), actor)
    target_meet(referral=referral, code="triage_review", at=now, actor=actor)
    if outcome == DecisionOutcome.ASSESSMENT:
        for code, start_field in ASSESSMENT_TARGETS[urgency]:
            target_start(referral=referral, code=code, start=getattr(referral, start_field))
        referral.status = ReferralStatus.AWAITING_BOOKING
    else:
        referral.status = ReferralStatus.ROUTED
    save_as(referral, actor)
    return decision


def scan_breaches(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """Raise one `breached` alert for every running target past its due instant.

    Works from the partial index on running targets' due instants, in batches.
    The unique (target, kind) constraint with ON CONFLICT DO NOTHING makes two
    scanners at once, a retried task or a redelivered message harmless; a breach
    that happened while no worker ran is found by the next scan."""
    now = now or timezone.now()
    raised = 0
    last_id = 0
    while True:
        ids = list(
            WaitTarget.objects.running().overdue_at(now).filter(id__gt=last_id)
            .exclude(alerts__kind=BreachAlert.Kind.BREACHED)
            .order_by("id").values_list("id", flat=True)[:batch_size]
        )
        if not ids:
            break
        created = BreachAlert.objects.bulk_create(
            [BreachAlert(target_id=i, kind=BreachAlert.Kind.BREACHED, raised_at=now) for i in ids],
            ignore_conflicts=True,
        )
        raised += len(created)
        last_id = ids[-1]
    ScanHeartbeat.objects.create(finished_at=timezone.now(), alerts_raised=raised)
    return raised
