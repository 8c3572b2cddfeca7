"""A referral's status: the transitions it may make, and the one function that makes them.

`referral_status_set` is the only writer of `Referral.status` after a referral is
created (`referral_initial_status` sets its first one): it refuses any transition the
table does not list and records the change in the referral's history, with who made
it and why. The database works out the triage queue from the status
(`Referral.triage_queue`), so a referral leaves a queue in the same write."""

from datetime import datetime

from core.errors import Conflict, Invalid
from core.history import save_as

from .models import Channel, Referral, ReferralStatus

S = ReferralStatus

# (from, to): what moves a referral that way, recorded as the history's reason when the
# caller gives none. Nothing moves a referral out of routed, accepted by the children's
# hub, assessed or closed: what happens next belongs to the service it went to. One
# redirected to the children's hub stays the CAP's until the hub answers.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.AWAITING_TRIAGE, S.AWAITING_BOOKING): "Triaged routine: to the booking queue",
    (S.AWAITING_TRIAGE, S.AWAITING_URGENT_ASSESSMENT): "Triaged urgent or very urgent: assess",
    (S.AWAITING_TRIAGE, S.ROUTED): "Routed at triage",
    (S.AWAITING_URGENT_ASSESSMENT, S.ASSESSED): "Urgent assessment completed",
    # The Urgent Care Hub's assessment refers the person on: CAP triage streams them.
    (S.AWAITING_URGENT_ASSESSMENT, S.AWAITING_TRIAGE): "Urgent Care Hub: referred on to CAP triage",
    # The crisis assessment found a need for a further, non-urgent assessment with the
    # aligned team: the person stays under the CAP until it takes place.
    (S.AWAITING_URGENT_ASSESSMENT, S.AWAITING_BOOKING):
        "Crisis assessment completed: a further assessment to book",
    (S.AWAITING_BOOKING, S.BOOKED): "Assessment booked",
    # The old booking is cancelled and the new one booked in one transaction: the
    # referral stays booked, and its history records the move.
    (S.BOOKED, S.BOOKED): "Assessment rebooked",
    (S.BOOKED, S.AWAITING_BOOKING): "Booking cancelled, or the person did not attend",
    (S.BOOKED, S.ASSESSED): "Attended the assessment",
    # A clinician's review after missed appointments (scheduling.services.
    # clinical_review_record) may end the CAP's part; "was not brought" never asks for one.
    (S.AWAITING_BOOKING, S.CLOSED): "Clinical review: discharged to the GP",
    (S.AWAITING_BOOKING, S.ROUTED): "Clinical review: routed to another service",
    (S.REDIRECTED_CHILDREN_HUB, S.ACCEPTED_CHILDREN_HUB): "Accepted by the children's hub",
    (S.REDIRECTED_CHILDREN_HUB, S.AWAITING_TRIAGE): "Returned by the children's hub to CAP triage",
    # A crisis call about someone triaged routine (cap.services.call_log): the referral
    # goes back on the urgent triage queue; a booking is kept until triage decides again.
    (S.AWAITING_BOOKING, S.AWAITING_TRIAGE): "Crisis call: back to urgent triage",
    (S.BOOKED, S.AWAITING_TRIAGE): "Crisis call: back to urgent triage",
    (S.AWAITING_TRIAGE, S.BOOKED): "Triaged routine again: its booking kept",
    # The sender withdrew the referral before triage (a BaRS cancellation).
    (S.AWAITING_TRIAGE, S.CLOSED): "Cancelled by the sender before triage",
}

# Urgent triage actions belong to the 24/7 queue: before triage, or while an urgent
# assessment is awaited. After that the referral's own team records what happens.
URGENT_ACTION_STATUSES = frozenset({S.AWAITING_TRIAGE, S.AWAITING_URGENT_ASSESSMENT})

# The history's reason column (django-simple-history's default CharField).
REASON_LENGTH = 100


def referral_initial_status(*, referral: Referral, to_children_hub: bool, now: datetime) -> None:
    """Set a new (unsaved) referral's first status: it waits for triage, or, for an
    under-18 where the trust has a children's hub, it is redirected there from `now`.

    An Urgent Care Hub arrival awaits its urgent assessment at once, whatever the age: the
    person is already with the staff who assess them, so there is nothing to triage and
    nowhere to redirect them to."""
    if referral.pk is not None:
        raise ValueError("A referral's first status is set before it is saved.")
    if referral.channel == Channel.HUB:
        referral.status = S.AWAITING_URGENT_ASSESSMENT
    elif to_children_hub:
        referral.status, referral.redirected_at = S.REDIRECTED_CHILDREN_HUB, now
    else:
        referral.status = S.AWAITING_TRIAGE


def referral_status_set(*, referral: Referral, to: str, actor, reason: str = "") -> Referral:
    """Move the referral to status `to` and save it, its history naming the actor and
    the reason (the transition's name when none is given). A transition the table does
    not list is a Conflict, and nothing changes.

    Expects the referral locked and read fresh in the caller's transaction
    (core.locks.lock_referral or lock_booking), so its status is the current one."""
    if to not in S.values:
        raise Invalid(f"{to!r} is not a referral status.")
    name = TRANSITIONS.get((referral.status, to))
    if name is None:
        raise Conflict(f"{referral.reference} is {S(referral.status).label.lower()}: it cannot "
                       f"become {S(to).label.lower()}.")
    referral.status = to
    referral._change_reason = (reason.strip() or name)[:REASON_LENGTH]
    try:
        save_as(referral, actor)
    finally:
        del referral._change_reason  # a later save of this instance is another change
    # Computed by the database from the status: read back so the instance agrees.
    referral.refresh_from_db(fields=["triage_queue"])
    return referral
