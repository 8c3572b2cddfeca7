"""Scheduling actions: holding and booking a structured assessment into clinical diaries,
and what happens afterwards (rebook, cancel, attended, did not attend, was not brought,
and the clinical review that missed appointments may need before anything else).

Every booking's diary entries are written in one transaction, or none. The database's
exclusion constraints are the guarantee against double booking; their violation becomes
a Conflict here, never a server error. Rows are locked in core.locks' one order: the
referral, then the booking, then diary entries, then rooms."""

from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from adjustments import selectors as adjustment_selectors
from adjustments.models import Adjustment
from cap.models import Referral, ReferralStatus, Task, TaskKind
from cap.referral_status import referral_status_set
from careplans.services import episode_open_after_assessment
from core.errors import Conflict, Invalid, StaleVersion
from core.formatting import clock_time, day_date
from core.history import history_user_set, save_as
from core.locks import diary_write_order, lock_booking, lock_bookings_expiring, lock_referral
from messaging.services import appointment_messages_cancel, appointment_messages_queue
from triage.models import AssessmentSetting, WaitTarget
from triage.services import next_due_refresh, target_cancel, target_meet, target_start

from . import options as finder
from .models import (
    ABSENCE_KINDS,
    Booking,
    BookingKind,
    BookingStatus,
    ClinicalReview,
    ClinicalReviewDecision,
    ClinicalReviewReason,
    CrisisPlace,
    DiaryEntry,
    DiaryException,
    PersonUnavailability,
    Practitioner,
    SlotIssue,
    SlotIssueAction,
    SlotIssueReason,
    Team,
    WorkingPattern,
)

HOLD_MINUTES = 5
DOUBLE_BOOKING = ("no_double_booking_of_a_practitioner", "no_double_booking_of_a_room")
DEADLOCK_DETECTED = "40P01"
TAKEN = "That time was taken meanwhile: choose from the fresh options."
# Run again, as a new run (ADR 0010), each time a person is back on the booking queue.
REBOOKING = "rebooking"
# "Did not attend" this many times (or once, for a person flagged vulnerable) asks for a
# clinical review before the person is booked again.
DID_NOT_ATTEND_REVIEW_AT = 3
REVIEW_NEEDED = ("{ref} needs a clinical review before it is booked again: a triage clinician "
                 "records it from the triage worklist.")


def options_for(*, referral: Referral, team: Team | None = None, setting: str = "",
                now: datetime | None = None, limit: int = 10) -> finder.OptionSearch:
    """The earliest options for the referral's assessment. When none is within its
    target, or the options cannot be searched at all (finder.CannotSearch: no team,
    template or practitioner for what triage decided), a referral waiting for a booking
    goes on the appointment slot issues list (once), with the reason."""
    now = now or timezone.now()
    waiting = referral.status == ReferralStatus.AWAITING_BOOKING
    try:
        plan = finder.plan_for(referral, team=team, setting=setting, now=now)
        search = finder.options_find(plan, limit=limit, now=now)
        if not search.options and Adjustment.SAME_PRACTITIONER in plan.adjustments.applied:
            # Nobody seen last time is free: whoever is free, rather than no time at all.
            search = finder.options_find(finder.plan_for(referral, team=team, setting=setting, now=now,
                                                         keep_last_seen=False), limit=limit, now=now)
    except finder.CannotSearch as stuck:
        if waiting:
            slot_issue_raise(referral=referral, reason=stuck.reason, detail=stuck.message,
                             target_due_at=finder.assessment_deadline(referral), first_option_at=None,
                             now=now)
        raise
    if search.none_within_target and waiting:
        slot_issue_raise(referral=referral, reason=SlotIssueReason.NONE_WITHIN_TARGET, detail="",
                         target_due_at=search.plan.deadline,
                         first_option_at=search.options[0].starts_at if search.options else None, now=now)
    return search


def slot_issue_raise(*, referral: Referral, reason: str, detail: str, target_due_at: datetime | None,
                     first_option_at: datetime | None, now: datetime) -> SlotIssue:
    """Put the referral on the slot issues list, or bring its open issue up to date (the
    reason may change: a team added, then no time before the target). Idempotent: one
    open issue a referral (a partial unique constraint; get_or_create retries the read
    when a concurrent search created it first). A system change: no actor."""
    issue, created = SlotIssue.objects.get_or_create(
        referral=referral, resolved_at=None,
        defaults={"raised_at": now, "reason": reason, "reason_detail": detail[:300],
                  "target_due_at": target_due_at, "first_option_at": first_option_at})
    found = {"reason": reason, "reason_detail": detail[:300], "target_due_at": target_due_at,
             "first_option_at": first_option_at}
    changed = [name for name, value in found.items() if getattr(issue, name) != value]
    if not created and changed:
        for name in changed:
            setattr(issue, name, found[name])
        save_as(issue, None, update_fields=changed)
    return issue


SLOT_ISSUE_SCAN_BATCH = 200


def slot_issues_find(*, now: datetime | None = None) -> int:
    """Search every referral waiting for a booking, as the booking page would: those
    that cannot be booked within their target, or searched at all, go on the slot
    issues list with the reason; an open issue whose referral now has a time within its
    target is resolved. Run by a beat task; idempotent (each referral in a transaction of
    its own, so a failure leaves the others done). Returns how many are listed."""
    now = now or timezone.now()
    listed = 0
    waiting = Referral.objects.filter(status=ReferralStatus.AWAITING_BOOKING).order_by("next_due_at", "pk")
    for referral in waiting.iterator(chunk_size=SLOT_ISSUE_SCAN_BATCH):
        with transaction.atomic():
            listed += slot_issue_check(referral=referral, now=now)
    return listed


def slot_issue_check(*, referral: Referral, now: datetime) -> bool:
    """True when the referral is (now) on the slot issues list."""
    try:
        search = options_for(referral=referral, now=now, limit=1)
    except finder.CannotSearch:
        return True
    except Invalid:
        return False  # not triaged for an assessment: nothing to book
    if search.none_within_target:
        return True
    for issue in SlotIssue.objects.filter(referral=referral, resolved_at__isnull=True):
        issue.resolved_at = now
        save_as(issue, None, update_fields=["resolved_at"])
    return False


def slot_issue_update(*, actor: User, issue: SlotIssue, seen_version: int, owner: User | None, note: str,
                      action: str) -> SlotIssue:
    """A manager takes on a slot issue: who owns it, what they are doing and a note.
    Refused when made from an older version (another manager changed it meanwhile), and
    "book outside the target" needs the reason in the note. Locks the issue."""
    note = note.strip()
    if action and action not in SlotIssueAction.values:
        raise Invalid("Choose an action from the list.", field="action")
    if action == SlotIssueAction.BOOK_OUTSIDE_TARGET and not note:
        raise Invalid("Give the reason for booking outside the target in the note.", field="note")
    with transaction.atomic():
        issue = SlotIssue.objects.select_for_update().get(pk=issue.pk)
        if issue.resolved_at is not None:
            raise Conflict("This slot issue has been resolved: the person was booked, or a time "
                           "within the target was found.")
        if issue.version != seen_version:
            raise StaleVersion("Someone changed this slot issue while you were editing it: check "
                               "what they saved, then make your change again.",
                               current_version=issue.version)
        issue.owner, issue.note, issue.action = owner, note, action
        issue.version += 1
        return save_as(issue, actor)


def booking_hold(*, actor: User, referral: Referral, option_id: str, now: datetime | None = None) -> Booking:
    """Hold an option for HOLD_MINUTES while the admin agrees it with the person. Locks
    the referral."""
    return _book(actor, referral, option_id, BookingStatus.HELD, now or timezone.now())


def booking_create(*, actor: User, referral: Referral, option_id: str,
                   now: datetime | None = None) -> Booking:
    """Book an option: every practitioner's entries and the room's, in one transaction.
    Locks the referral."""
    return _book(actor, referral, option_id, BookingStatus.BOOKED, now or timezone.now())


def _book(actor: User, referral: Referral | None, option_id: str, status: str, now: datetime,
          rebook: tuple[Booking, str, str] | None = None) -> Booking:
    """Hold or book an option, or move rebook's booking to it. Locks the referral, or,
    when rebooking, the old booking after its referral (core.locks.lock_booking)."""
    rebooked_from = None
    try:
        with transaction.atomic():
            if rebook is None:
                assert referral is not None, "a booking that moves no other is for a referral"
                referral = lock_referral(referral.pk)
                if referral.status != ReferralStatus.AWAITING_BOOKING:
                    raise Conflict(f"{referral.reference} is not waiting for a booking.")
                if ClinicalReview.objects.open().filter(referral=referral).exists():
                    raise Conflict(REVIEW_NEEDED.format(ref=referral.reference), field="option")
                if blocked := adjustment_selectors.booking_blocked_reason(
                        referral, finder.latest_assessment_decision(referral).stream):
                    raise Conflict(blocked, field="option")
            else:
                rebooked_from = lock_booking(rebook[0].pk)
                referral = rebooked_from.referral
                _cancel(actor, rebooked_from, *rebook[1:], now, reopen=False)
            holds_release_expired(now=now)
            option = finder.Option.from_id(option_id, referral)
            team = Team.objects.get(pk=option.team_id)
            plan = finder.plan_for(referral, team=team, setting=option.setting, now=now)
            if not finder.keeps_the_plans_practitioners(plan, option):
                # An option found once nobody seen last time was free (options_for); triage's
                # named individuals are still pinned, and checked, in this plan.
                plan = finder.plan_for(referral, team=team, setting=option.setting, now=now,
                                       keep_last_seen=False)
            diaries = finder.option_check(plan, option, now,
                                          ignore_booking=rebooked_from.pk if rebooked_from else None)
            booking = _write(actor, referral, plan, option, status, now, rebooked_from, diaries)
    except OperationalError as error:
        # A deadlock between two bookings of the same diaries (the fixed write order
        # should prevent it): PostgreSQL rolled this one back, so it is simply taken.
        if getattr(error.__cause__, "pgcode", None) == DEADLOCK_DETECTED:
            raise Conflict(TAKEN, field="option") from None
        raise
    except IntegrityError as error:
        if any(name in str(error) for name in DOUBLE_BOOKING):
            raise Conflict(TAKEN, field="option") from None
        if "one_live_booking_of_each_kind_per_referral" in str(error):
            who = referral.reference if referral is not None else "The referral"
            raise Conflict(f"{who} already has a booking or a hold.", field="option") from None
        raise
    return booking


def _write(actor: User, referral: Referral, plan: finder.AssessmentPlan, option: finder.Option, status: str,
           now: datetime, rebooked_from: Booking | None, diaries: finder.Availability) -> Booking:
    entries = finder.planned_entries(plan, option, diaries.practitioners, diaries.rooms)
    held = status == BookingStatus.HELD
    booking = save_as(Booking(
        referral=referral, template=plan.template, team=plan.team, room_id=option.room_id,
        setting=plan.setting, starts_at=option.starts_at,
        first_entry_at=min(e.starts_at for e in entries), ends_at=max(e.ends_at for e in entries),
        status=status, held_until=now + timedelta(minutes=HOLD_MINUTES) if held else None,
        booked_by=actor, created_at=now, booked_at=None if held else now, rebooked_from=rebooked_from,
        interpreter_needed=adjustment_selectors.interpreter_needed(referral.service_user),
    ), actor)
    # In core.locks' order, so two bookings waiting on each other's entries queue up
    # instead of deadlocking.
    DiaryEntry.objects.bulk_create([
        DiaryEntry(booking=booking, practitioner=e.practitioner, room=e.room, step=e.step, role=e.role,
                   by_phone=e.by_phone, starts_at=e.starts_at, ends_at=e.ends_at)
        for e in diary_write_order(entries)])
    if not held:
        _booked(actor, booking, now)
    return booking


def _booked(actor: User, booking: Booking, now: datetime) -> None:
    referral = booking.referral
    target_meet(referral=referral, code="booking", at=now, actor=actor)
    target_meet(referral=referral, code=REBOOKING, at=now, actor=actor)
    referral_status_set(referral=referral, to=ReferralStatus.BOOKED, actor=actor)
    SlotIssue.objects.filter(referral=referral, resolved_at__isnull=True).update(resolved_at=now)
    # The confirmation and reminders, in this transaction: they exist exactly when the booking does.
    appointment_messages_queue(booking, now)


@transaction.atomic
def booking_interpreter_confirm(*, actor: User, booking: Booking, who: str,
                                now: datetime | None = None) -> Booking:
    """Record who is booked to interpret at the assessment the person's flag asks an
    interpreter for; the booking is no longer "interpreter to confirm". Locks the
    referral, then the booking."""
    who = who.strip()
    if not who:
        raise Invalid("Enter who is booked to interpret: the agency and the interpreter's name",
                      field="who")
    if len(who) > 200:
        raise Invalid("Who is booked to interpret must be 200 characters or fewer", field="who")
    booking = lock_booking(booking.pk)
    if not booking.interpreter_needed:
        raise Conflict("This booking needs no interpreter.", field="who")
    if booking.status not in (BookingStatus.HELD, BookingStatus.BOOKED):
        raise Conflict(f"The booking is {booking.get_status_display().lower()}: no interpreter to book.",
                       field="who")
    booking.interpreter_booked, booking.interpreter_confirmed_at = who, now or timezone.now()
    return save_as(booking, actor)


@transaction.atomic
def booking_confirm(*, actor: User, booking: Booking, now: datetime | None = None) -> Booking:
    """Book a held option: the hold becomes the booking if it has not run out. Locks the
    referral, then the booking."""
    now = now or timezone.now()
    booking = lock_booking(booking.pk)
    if booking.status != BookingStatus.HELD or booking.held_until is None or booking.held_until <= now:
        raise Conflict("The hold ran out and the time may have gone: choose from the fresh options.")
    booking.status, booking.booked_at, booking.held_until = BookingStatus.BOOKED, now, None
    save_as(booking, actor)
    _booked(actor, booking, now)
    return booking


@transaction.atomic
def booking_release(*, actor: User, booking: Booking, now: datetime | None = None) -> Booking:
    """Give a held time back at once (the person could not do it). Locks the referral,
    then the booking."""
    booking = lock_booking(booking.pk)
    if booking.status != BookingStatus.HELD:
        raise Conflict("Only a held time can be released.")
    booking.status = BookingStatus.EXPIRED
    booking.entries.update(live=False)
    return save_as(booking, actor)


def holds_release_expired(*, now: datetime | None = None) -> int:
    """Free the diary time of holds that ran out. Idempotent; run by the booking
    services before they write, and by a beat task every minute. Locks the holds
    without their referrals, skipping those locked (core.locks.lock_bookings_expiring)."""
    now = now or timezone.now()
    with transaction.atomic():
        expired = lock_bookings_expiring(now)
        for booking in expired:
            booking.status = BookingStatus.EXPIRED
            booking.entries.update(live=False)
            save_as(booking, None)
    return len(expired)


def booking_cancel(*, actor: User | None, booking: Booking, by: str, reason: str,
                   now: datetime | None = None) -> Booking:
    """Cancel a booking (by the person or by the service, with a reason). The person
    goes back to the booking queue: still under the CAP until assessed. Locks the
    referral, then the booking. No actor: the person themselves, by a reply to a message
    (messaging.replies), their history naming no member of staff."""
    if by not in ("person", "service"):
        raise Invalid("Say who cancelled: the person or the service.", field="by")
    if not reason.strip():
        raise Invalid("Give the reason for cancelling.", field="reason")
    with transaction.atomic():
        booking = lock_booking(booking.pk)
        return _cancel(actor, booking, by, reason.strip(), now or timezone.now(), reopen=True)


def _cancel(actor: User | None, booking: Booking, by: str, reason: str, now: datetime,
            reopen: bool) -> Booking:
    _check_booked(booking, "cancelled or rebooked")
    booking.status, booking.cancelled_at = BookingStatus.CANCELLED, now
    booking.cancelled_by, booking.cancel_reason = by, reason
    booking.entries.update(live=False)
    save_as(booking, actor)
    appointment_messages_cancel(booking, now)
    # A cancelled crisis assessment leaves the person with urgent triage, still awaiting
    # their urgent assessment (its clock running); only a structured one goes back to
    # the booking queue.
    if reopen and not booking.is_crisis:
        _back_to_the_queue(actor, booking, since=now, reason=f"Booking cancelled by the {by}: {reason}")
    return booking


def _back_to_the_queue(actor: User | None, booking: Booking, *, since: datetime, reason: str) -> None:
    """The person is back on the booking queue, with a new run of the rebooking target
    from `since` (the cancellation, or the missed appointment), so they are at the top of
    the queue instead of sinking behind the routine targets their first booking met."""
    referral = booking.referral
    referral_status_set(referral=referral, to=ReferralStatus.AWAITING_BOOKING, actor=actor, reason=reason)
    target_start(referral=referral, code=REBOOKING, start=since, again=True)


NOT_BOOKED: dict[str, str] = {
    BookingStatus.HELD: "is held, not booked yet",
    BookingStatus.EXPIRED: "was a hold that ran out",
    BookingStatus.ATTENDED: "has been recorded as attended",
    BookingStatus.DID_NOT_ATTEND: "has been recorded as not attended",
    BookingStatus.WAS_NOT_BROUGHT: "has been recorded as not brought",
}


def _check_booked(booking: Booking, action: str) -> None:
    """A Conflict saying what became of a booking that is no longer booked: another
    admin may have cancelled, rebooked or recorded it a moment ago."""
    if booking.status == BookingStatus.BOOKED:
        return
    if booking.status == BookingStatus.CANCELLED:
        moved = Booking.objects.filter(rebooked_from=booking).first()
        state = (f"has been rebooked to {timezone.localtime(moved.starts_at):%a %d %b %Y %H:%M}"
                 if moved else "has been cancelled")
    else:
        state = NOT_BOOKED[booking.status]
    raise Conflict(f"This booking {state}: only a booked assessment can be {action}.")


def booking_rebook(*, actor: User, booking: Booking, option_id: str, by: str, reason: str,
                   now: datetime | None = None) -> Booking:
    """Move a booking to another option: the old one is cancelled and the new one booked
    in one transaction, so the person is never left with neither or both. Locks the
    referral, then the old booking (as cancelling does: a rebook and a cancel of one
    booking at once queue up, and the second is told what the first did)."""
    if booking.is_crisis:
        raise Conflict(CRISIS_IS_URGENT_TRIAGES)
    if not reason.strip():
        raise Invalid("Give the reason for rebooking.", field="reason")
    if by not in ("person", "service"):
        raise Invalid("Say who asked to rebook: the person or the service.", field="by")
    # No referral: _book locks the old booking's own, then the old booking.
    return _book(actor, None, option_id, BookingStatus.BOOKED, now or timezone.now(),
                 rebook=(booking, by, f"Rebooked: {reason.strip()}"))


@transaction.atomic
def booking_attended(*, actor: User, booking: Booking, now: datetime | None = None) -> Booking:
    """The person attended: the assessment target is met and they leave the CAP's list,
    handed over to the booking's team (an episode of care opens with it, its care
    coordinator to be named). Locks the referral, then the booking."""
    now = now or timezone.now()
    booking = _happened(booking, now)
    booking.status, booking.outcome_recorded_at = BookingStatus.ATTENDED, now
    save_as(booking, actor)
    referral = booking.referral
    for code in finder.ASSESSMENT_TARGETS:
        target_meet(referral=referral, code=code, at=booking.starts_at, actor=actor)
    referral_status_set(referral=referral, to=ReferralStatus.ASSESSED, actor=actor)
    episode_open_after_assessment(actor=actor, referral=referral, team=booking.team, at=now)
    return booking


@transaction.atomic
def booking_did_not_attend(*, actor: User, booking: Booking, now: datetime | None = None) -> Booking:
    """The person did not attend: the time stays used, the assessment target keeps
    running, and the person goes back to the booking queue on the rebooking target from
    the missed appointment. A third time, or any time for a person flagged vulnerable, a
    clinical review is asked for, and they cannot be booked again until it is recorded.
    Locks the referral, then the booking."""
    now = now or timezone.now()
    booking = _happened(booking, now)
    booking.status, booking.outcome_recorded_at = BookingStatus.DID_NOT_ATTEND, now
    save_as(booking, actor)
    _back_to_the_queue(actor, booking, since=booking.starts_at, reason="Did not attend the assessment")
    reason = _review_reason(booking)
    if reason:
        save_as(ClinicalReview(referral=booking.referral, booking=booking, reason=reason, requested_at=now),
                actor)
    return booking


def _review_reason(booking: Booking) -> str:
    """Why this missed appointment needs a clinical review, or "" when it does not. Only
    "did not attend" counts: "was not brought" is not the person's choice."""
    if booking.referral.service_user.vulnerable:
        return ClinicalReviewReason.VULNERABLE
    missed = Booking.objects.filter(referral=booking.referral, kind=BookingKind.STRUCTURED,
                                    status=BookingStatus.DID_NOT_ATTEND).count()
    return ClinicalReviewReason.THIRD_DID_NOT_ATTEND if missed >= DID_NOT_ATTEND_REVIEW_AT else ""


@transaction.atomic
def booking_was_not_brought(*, actor: User, booking: Booking, now: datetime | None = None) -> Booking:
    """A child, or an adult who depends on others to attend, was not brought: a
    safeguarding review task for the team that was to assess them, and the person back
    on the booking queue with the rebooking target from the missed appointment. It never
    discharges anyone, and never asks for the review that may discharge (it is not the
    person's choice). Locks the referral, then the booking."""
    now = now or timezone.now()
    booking = _happened(booking, now)
    booking.status, booking.outcome_recorded_at = BookingStatus.WAS_NOT_BROUGHT, now
    save_as(booking, actor)
    _back_to_the_queue(actor, booking, since=booking.starts_at, reason="Was not brought to the assessment")
    referral = booking.referral
    save_as(Task(kind=TaskKind.SAFEGUARDING_REVIEW, team=booking.team, service_user=referral.service_user,
                 created_by=actor, created_at=now,
                 description=(f"{referral.reference}: {referral.service_user} was not brought to their "
                              f"assessment on {timezone.localtime(booking.starts_at):%a %d %b %Y %H:%M}. "
                              "Review the safeguarding concern with those who care for them; the "
                              "admin team is booking another appointment.")), actor)
    return booking


def clinical_review_record(*, actor: User, review: ClinicalReview, decision: str, note: str, letter: str = "",
                           routed_to: str = "", now: datetime | None = None) -> ClinicalReview:
    """A clinician's review after missed appointments: offer another appointment (the
    person can be booked again, the rebooking target still running), discharge to the GP
    with a letter, or route to another service (each stops the referral's running
    targets). Two clinicians recording at once: the second is told. Locks the referral,
    then the review."""
    note, letter, routed_to = note.strip(), letter.strip(), routed_to.strip()
    if decision not in ClinicalReviewDecision.values:
        raise Invalid("Choose what happens next.", field="decision")
    if not note:
        raise Invalid("Give the reasons for the decision.", field="note")
    if decision == ClinicalReviewDecision.DISCHARGE_TO_GP and not letter:
        raise Invalid("Write the letter to the GP.", field="letter")
    if decision == ClinicalReviewDecision.ROUTE_ELSEWHERE and not routed_to:
        raise Invalid("Say which service the person is routed to.", field="routed_to")
    now = now or timezone.now()
    with transaction.atomic():
        referral = lock_referral(review.referral_id)
        review = ClinicalReview.objects.select_for_update().get(pk=review.pk)
        if review.decided_at:
            raise Conflict("This review has already been recorded: see the referral.")
        review.decision, review.note, review.decided_by, review.decided_at = decision, note, actor, now
        review.letter = letter if decision == ClinicalReviewDecision.DISCHARGE_TO_GP else ""
        review.routed_to = routed_to if decision == ClinicalReviewDecision.ROUTE_ELSEWHERE else ""
        save_as(review, actor)
        if decision != ClinicalReviewDecision.REBOOK:
            _leave_the_cap(actor, referral, review, now)
    return review


def _leave_the_cap(actor: User, referral: Referral, review: ClinicalReview, now: datetime) -> None:
    if referral.status != ReferralStatus.AWAITING_BOOKING:
        raise Conflict(f"{referral.reference} is {ReferralStatus(referral.status).label.lower()}, no "
                       "longer waiting for a booking: only another appointment can be decided now.")
    discharged = review.decision == ClinicalReviewDecision.DISCHARGE_TO_GP
    why = "discharged to the GP after a clinical review" if discharged else \
        f"routed to {review.routed_to} after a clinical review"
    referral_status_set(referral=referral, to=ReferralStatus.CLOSED if discharged else ReferralStatus.ROUTED,
                        actor=actor, reason=f"Clinical review: {why}")
    for target in WaitTarget.objects.running().filter(referral=referral):
        target_cancel(target=target, at=now, reason=why[:120], actor=actor)
    next_due_refresh(referral)


CRISIS_IS_URGENT_TRIAGES = ("Urgent triage arranged this crisis assessment: record it completed, with "
                            "its outcome, or arrange it again, from the referral's urgent triage actions.")


def _happened(booking: Booking, now: datetime) -> Booking:
    booking = lock_booking(booking.pk)
    if booking.is_crisis:
        raise Conflict(CRISIS_IS_URGENT_TRIAGES)
    _check_booked(booking, "marked attended or not attended")
    if booking.starts_at > now:
        raise Invalid("The assessment has not started yet.")
    return booking


def unavailable_time_add(*, actor: User, referral: Referral, weekday: int | None, starts: time, ends: time,
                         note: str = "") -> PersonUnavailability:
    """A time the person said they cannot do; options avoid it."""
    _check_unavailable_time(weekday, starts, ends)
    return save_as(PersonUnavailability(referral=referral, weekday=weekday, starts=starts, ends=ends,
                                        note=note.strip()), actor)


def unavailable_time_change(*, actor: User, unavailable: PersonUnavailability, weekday: int | None,
                            starts: time, ends: time, note: str = "") -> PersonUnavailability:
    """Correct a time the person cannot do (mistyped, or changed since they said it)."""
    _check_unavailable_time(weekday, starts, ends)
    unavailable.weekday, unavailable.starts, unavailable.ends = weekday, starts, ends
    unavailable.note = note.strip()
    return save_as(unavailable, actor)


def unavailable_time_remove(*, actor: User, unavailable: PersonUnavailability) -> None:
    """The person can do that time after all: options may use it again. Its history
    keeps what it was and who removed it."""
    history_user_set(unavailable, actor)
    unavailable.delete()


def _check_unavailable_time(weekday: int | None, starts: time, ends: time) -> None:
    if weekday is not None and weekday not in range(7):
        raise Invalid("Choose a day from the list.", field="weekday")
    if ends <= starts:
        raise Invalid("The end must be after the start.", field="ends")


# --- Urgent crisis assessments -----------------------------------------------------------
# "The practitioner with the right skills and knowledge of the relevant specialty will be
# allocated for this assessment" (002, urgent face to face triage and/or assessment):
# urgent triage books it straight into one named practitioner's diary, at a time agreed
# with the person, not into an option the search found.

CRISIS_ASSESSMENT = timedelta(minutes=90)  # the diary time a full crisis assessment takes
CRISIS_STEP = "Crisis assessment"
CRISIS_EARLIEST = timedelta(minutes=15)  # "starting now", entered a few minutes late
CRISIS_HORIZON = timedelta(hours=72)  # beyond it, it is not an urgent assessment


def crisis_assessment_book(*, actor: User, referral: Referral, team: Team, practitioner: Practitioner,
                           starts_at: datetime, place: str, place_detail: str = "",
                           now: datetime | None = None) -> Booking:
    """Book an urgent crisis assessment into the practitioner's diary: one booking and
    its one diary entry, in the caller's transaction or its own. An earlier live crisis
    booking of the referral is cancelled in the same transaction (arranged again). A time
    the practitioner is not working, or already has something, is a Conflict. Expects the
    referral locked (core.locks.lock_referral): then locks the earlier booking."""
    now = now or timezone.now()
    place_detail = place_detail.strip()
    if place not in CrisisPlace.values:
        raise Invalid("Choose where the assessment happens.", field="place")
    if place == CrisisPlace.OTHER and not place_detail:
        raise Invalid("Say where the assessment happens.", field="where")
    if starts_at < now - CRISIS_EARLIEST:
        raise Invalid("That time has passed: enter when the assessment starts.", field="when")
    if starts_at > now + CRISIS_HORIZON:
        raise Invalid("An urgent crisis assessment starts within 72 hours: enter an earlier time.",
                      field="when")
    if not practitioner.teams.filter(pk=team.pk).exists():
        raise Invalid(f"{practitioner.name} is not in {team}.", field="practitioner")
    ends_at = starts_at + CRISIS_ASSESSMENT
    try:
        with transaction.atomic():
            for earlier in Booking.objects.filter(referral=referral, kind=BookingKind.CRISIS,
                                                  status=BookingStatus.BOOKED).values_list("pk", flat=True):
                _cancel(actor, lock_booking(earlier), "service", "Crisis assessment arranged again",
                        now, reopen=False)
            finder.practitioner_check(practitioner, starts_at, ends_at, now)
            booking = save_as(Booking(
                referral=referral, kind=BookingKind.CRISIS, template=None, team=team,
                setting=(AssessmentSetting.HOME if place == CrisisPlace.HOME else AssessmentSetting.CLINIC),
                place=place, place_detail=place_detail, starts_at=starts_at, first_entry_at=starts_at,
                ends_at=ends_at, status=BookingStatus.BOOKED, booked_by=actor, created_at=now,
                booked_at=now), actor)
            DiaryEntry.objects.create(booking=booking, practitioner=practitioner, step=CRISIS_STEP,
                                      role="Crisis assessor", starts_at=starts_at, ends_at=ends_at)
    except IntegrityError as error:
        if any(name in str(error) for name in DOUBLE_BOOKING):
            raise Conflict(f"{practitioner.name} was booked at that time meanwhile: choose another "
                           "time or another practitioner.", field="practitioner") from None
        raise
    return booking


@transaction.atomic
def crisis_assessment_attended(*, actor: User, referral: Referral, now: datetime | None = None) -> None:
    """The crisis assessment took place: its booking is attended (the time stays used,
    and the referral is free for a later structured assessment's booking). Expects the
    referral locked; then locks the booking."""
    now = now or timezone.now()
    for pk in Booking.objects.filter(referral=referral, kind=BookingKind.CRISIS,
                                     status=BookingStatus.BOOKED).values_list("pk", flat=True):
        booking = lock_booking(pk)
        booking.status, booking.outcome_recorded_at = BookingStatus.ATTENDED, now
        save_as(booking, actor)


# --- Practitioners' absences and working patterns ---------------------------------------
# Kept on the diary pages by the admin team and managers for anyone, and by a practitioner
# for themselves (selectors.may_keep_diary decides who; these functions what is valid).
# Each write locks the practitioner's row first, so two people recording an absence for
# one practitioner at once queue up and the second sees the first's (no overlap slips in).
# Bookings never lock a practitioner (their guarantee is the diary entries' exclusion
# constraint), so this lock takes no part in core.locks' order.

# One record covers at most a year; a longer absence is recorded again when it is known
# to go on, which is also when the admin team should look at the diary again.
ABSENCE_MAX_DAYS = 366


def _lock_practitioner(practitioner: Practitioner) -> Practitioner:
    return Practitioner.objects.select_for_update().get(pk=practitioner.pk)


def _day_start(day: date) -> datetime:
    """Midnight in Europe/London: absences are whole days of the service's calendar."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _absence_span(kind: str, first_day: date, last_day: date | None, days: int | None) -> tuple[datetime,
                                                                                                datetime]:
    if kind not in ABSENCE_KINDS:
        raise Invalid("Choose leave, training or sickness.", field="kind")
    if last_day is None:
        if days is None or days < 1:
            raise Invalid("Enter the last day of the absence.", field="last_day")
        last_day = first_day + timedelta(days=days - 1)
    if last_day < first_day:
        raise Invalid("The last day must be the same as or after the first day.", field="last_day")
    if (last_day - first_day).days + 1 > ABSENCE_MAX_DAYS:
        raise Invalid(f"An absence can be up to {ABSENCE_MAX_DAYS} days: record a longer one again "
                      "when it is known to go on.", field="last_day")
    return _day_start(first_day), _day_start(last_day + timedelta(days=1))


def _check_no_other_absence(practitioner: Practitioner, starts_at: datetime, ends_at: datetime,
                            exclude: int | None = None) -> None:
    clash = (DiaryException.objects.filter(practitioner=practitioner, kind__in=ABSENCE_KINDS,
                                           starts_at__lt=ends_at, ends_at__gt=starts_at)
             .exclude(pk=exclude or 0).order_by("starts_at").first())
    if clash:
        last = timezone.localtime(clash.ends_at - timedelta(microseconds=1)).date()
        raise Invalid(f"{practitioner.name} already has {clash.get_kind_display().lower()} recorded from "
                      f"{day_date(clash.starts_at)} to {day_date(last)}: "
                      "change that one instead.", field="first_day")


@transaction.atomic
def diary_absence_record(*, actor: User, practitioner: Practitioner, kind: str, first_day: date,
                         last_day: date | None = None, days: int | None = None,
                         note: str = "") -> DiaryException:
    """Leave, training or sickness over whole days, first to last (or `days` from the
    first). Booked assessments it clashes with are then on the booking queue's list to
    rearrange (selectors.bookings_to_rearrange); new options avoid the days at once."""
    starts_at, ends_at = _absence_span(kind, first_day, last_day, days)
    practitioner = _lock_practitioner(practitioner)
    _check_no_other_absence(practitioner, starts_at, ends_at)
    return save_as(DiaryException(practitioner=practitioner, kind=kind, starts_at=starts_at, ends_at=ends_at,
                                  note=note.strip()), actor)


@transaction.atomic
def diary_absence_change(*, actor: User, absence: DiaryException, kind: str, first_day: date,
                         last_day: date, note: str = "") -> DiaryException:
    """Correct an absence (back early, extended, recorded as the wrong kind)."""
    starts_at, ends_at = _absence_span(kind, first_day, last_day, None)
    _lock_practitioner(absence.practitioner)
    _check_no_other_absence(absence.practitioner, starts_at, ends_at, exclude=absence.pk)
    absence.kind, absence.starts_at, absence.ends_at, absence.note = kind, starts_at, ends_at, note.strip()
    return save_as(absence, actor)


@transaction.atomic
def diary_absence_cancel(*, actor: User, absence: DiaryException) -> None:
    """The absence is not happening: the practitioner may be booked on those days again.
    Its history keeps what it was and who cancelled it."""
    _lock_practitioner(absence.practitioner)
    history_user_set(absence, actor)
    absence.delete()


def absence_days(absence: DiaryException) -> tuple[date, date]:
    """The first and last day an absence covers, as it was recorded."""
    last = timezone.localtime(absence.ends_at - timedelta(microseconds=1)).date()
    return timezone.localtime(absence.starts_at).date(), last


@transaction.atomic
def working_session_add(*, actor: User, practitioner: Practitioner, weekday: int, starts: time,
                        ends: time) -> WorkingPattern:
    """A weekly session the practitioner works (Europe/London wall times): the options
    offer their time in it from now on."""
    if weekday not in range(7):
        raise Invalid("Choose a day from the list.", field="weekday")
    if ends <= starts:
        raise Invalid("The end must be after the start.", field="ends")
    practitioner = _lock_practitioner(practitioner)
    clash = practitioner.working_pattern.filter(weekday=weekday, starts__lt=ends, ends__gt=starts).first()
    if clash:
        raise Invalid(f"{practitioner.name} already works {clock_time(clash.starts)} to "
                      f"{clock_time(clash.ends)} that day: a session cannot overlap another.", field="starts")
    return save_as(WorkingPattern(practitioner=practitioner, weekday=weekday, starts=starts, ends=ends),
                   actor)


@transaction.atomic
def working_session_remove(*, actor: User, session: WorkingPattern) -> None:
    """The practitioner no longer works that session; assessments already booked in it
    stay booked."""
    _lock_practitioner(session.practitioner)
    history_user_set(session, actor)
    session.delete()
