"""Triage actions: recording decisions, and starting, stopping and scanning wait targets."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history  # type: ignore[import-untyped]

from bars.models import ResponseOutcome
from bars.responses import response_queue
from cap.models import Referral, ReferralStatus, ServiceUser
from cap.referral_status import URGENT_ACTION_STATUSES, referral_status_set
from core.errors import Conflict, Invalid, StaleVersion
from core.history import save_as
from core.locks import lock_referral
from directory.models import CommunityService
from scheduling.models import Booking, BookingStatus, Discipline, Practitioner, Team

from . import clock
from .alerts import scan_breaches  # the watcher's entry point, named here too
from .models import (
    CONCLUDING_OUTCOMES,
    AlertSchedule,
    ClosureDay,
    CrisisOutcome,
    DecisionOutcome,
    Huddle,
    HuddleItem,
    InformationRequest,
    PhysicalHealthCheck,
    Stream,
    TargetDefinition,
    TriageClaim,
    TriageDecision,
    Urgency,
    UrgencyRule,
    UrgentAction,
    WaitTarget,
)
from .timescale import timescale_parse

# Which targets a decision starts, and from which instant of the referral.
ASSESSMENT_TARGETS: dict[str, list[tuple[str, str]]] = {
    Urgency.VERY_URGENT: [("assessment_4h", "first_contact_at")],
    Urgency.URGENT: [("assessment_24h", "first_contact_at")],
    Urgency.ROUTINE: [("booking", "received_at"), ("routine_assessment", "received_at")],
}


def business_calendar() -> clock.BusinessCalendar:
    closures = frozenset(ClosureDay.objects.values_list("day", flat=True))
    return clock.BusinessCalendar(closures=closures)


@dataclass(frozen=True)
class TargetStart:
    """One target to start: its definition's code, from when, and how (see target_start)."""

    code: str
    start: datetime
    provisional: bool = False
    again: bool = False
    due: datetime | None = None


def target_start(*, referral: Referral, code: str, start: datetime, provisional: bool = False,
                 again: bool = False, due: datetime | None = None) -> WaitTarget:
    """Start a target's clock for a referral; starting it twice changes nothing (a target
    started provisionally at intake keeps its start when triage confirms it). With
    `again`, a target of this kind that ran before and was stopped is followed by a new
    run from `start` (a crisis after a routine triage): the earlier run stays as it ended,
    in the figures and the alerts, and the new one is watched, and alerted, afresh.
    With `due`, the target is due then rather than after the definition's amount: a
    deadline someone else set (a BaRS sender's call-back deadline).
    Expects the referral locked (core.locks.lock_referral)."""
    return targets_start(referral=referral, starts=[TargetStart(code, start, provisional, again, due)])[0]


def targets_start(*, referral: Referral, starts: Sequence[TargetStart],
                  fresh: bool = False) -> list[WaitTarget]:
    """Start several targets of one referral at once, each as target_start would (the
    targets a new referral starts at intake): a handful of statements however many there
    are. Returns each start's target, in order. `fresh`: the referral was made in this
    transaction and has run none of these kinds yet, so its earlier runs are not read.
    Expects the referral locked."""
    codes = {s.code for s in starts}
    definitions = {d.code: d for d in TargetDefinition.objects.filter(code__in=codes)}
    if missing := codes - definitions.keys():
        raise TargetDefinition.DoesNotExist(f"No target definition {', '.join(sorted(missing))}.")
    runs: dict[str, list[WaitTarget]] = {code: [] for code in codes}
    earlier = () if fresh else (WaitTarget.objects.filter(referral=referral, definition__code__in=codes)
                                .select_related("definition").order_by("-started_at", "-id"))
    for run in earlier:
        runs[run.definition.code].append(run)
    # Only a working-day clock reads the closure days (a query, on every target started).
    needs_calendar = any(definitions[s.code].clock == clock.BUSINESS for s in starts if s.due is None)
    calendar = business_calendar() if needs_calendar else clock.BusinessCalendar()
    chosen: list[WaitTarget] = []
    new: list[WaitTarget] = []
    for s in starts:
        definition = definitions[s.code]
        running = [r for r in runs[s.code] if r.met_at is None and r.cancelled_at is None]
        latest = next(iter(running if s.again else runs[s.code]), None)
        if latest is None:
            due = s.due or clock.due_at(s.start, definition.clock, definition.amount, calendar)
            latest = WaitTarget(referral=referral, definition=definition, started_at=s.start, due_at=due,
                                at_risk_at=definition.at_risk_at(s.start, due), provisional=s.provisional)
            runs[s.code].insert(0, latest)  # the same code twice in one call: started once
            new.append(latest)
        chosen.append(latest)
    if new:
        bulk_create_with_history(new, WaitTarget)
        # The breach watcher's first alert: at risk, or breached when none.
        AlertSchedule.objects.bulk_create([AlertSchedule(target=t, next_alert_at=t.at_risk_at or t.due_at)
                                           for t in new])
        next_due_refresh(referral)
    return chosen


def target_meet(*, referral: Referral, code: str, at: datetime, actor: User | None = None) -> None:
    """Stop a running target's clock (met, or breached and now met)."""
    targets = list(WaitTarget.objects.running().filter(referral=referral, definition__code=code))
    if not targets:
        return  # none of this kind running: nothing changes
    overdue = [t for t in targets if t.due_at < at]
    if overdue and AlertSchedule.objects.filter(target__in=overdue, next_alert_at__lte=at).exists():
        # Met past its due instant before the watcher's next minute came round (a target
        # born overdue: a letter received yesterday, a first contact hours ago): the breach
        # is alerted now, by the watcher's own exactly-once path, so none goes unalerted.
        scan_breaches(now=at)
    # The watcher's row goes first: a scan holding it (FOR UPDATE) finishes its batch before
    # the target stops, and a scan after this skips the locked row, then finds it gone.
    AlertSchedule.objects.filter(target__in=targets).delete()
    for target in targets:
        target.met_at = at
        save_as(target, actor)
    next_due_refresh(referral)


def target_cancel(*, target: WaitTarget, at: datetime, reason: str, actor: User | None = None) -> None:
    """Stop a running target without it being met, saying why (shown on the referral and
    counted apart in the performance figures)."""
    AlertSchedule.objects.filter(target=target).delete()
    target.cancelled_at, target.cancel_reason = at, reason
    save_as(target, actor)


# --- Clocks from first contact -----------------------------------------------------------
# "From first contact" (the seeds): every signal of urgency at intake starts the matching
# 24/7 target at the first contact, before anyone triages the referral, so until then a
# crisis contact is watched, sorted and counted as what it may be. Triage confirms it or
# stops it.

PROVISIONAL_ASSESSMENT: dict[str, str] = {Urgency.EMERGENCY: "assessment_4h",
                                          Urgency.VERY_URGENT: "assessment_4h",
                                          Urgency.URGENT: "assessment_24h"}
URGENT_RESPONSE = "urgent_triage_response"
# A BaRS sender's call-back deadline (ServiceRequest.occurrencePeriod.end): met when triage
# concludes (the response message goes back to the sender) or gives telephone advice.
REFERRER_CALLBACK = "referrer_callback"
URGENCY_REVISED = "urgency revised by triage"


def intake_urgency(referral: Referral) -> str:
    """The most urgent signal at intake: the referrer's stated urgency, the urgency rules'
    suggestion from the risk indicators, or a call passed to urgent clinical triage (urgent)."""
    signals = {referral.referrer_urgency, referral.suggested_urgency}
    if referral.urgent_triage_requested_at:
        signals.add(Urgency.URGENT)
    return next((u for u in URGENCY_ORDER if u in signals), "")


def intake_clocks_start(*, referral: Referral, also: Sequence[TargetStart] = (), fresh: bool = False) -> None:
    """Start, from the first contact, the provisional assessment target that the intake's
    urgency signals call for, and the urgent triage response target for a contact on the
    24/7 queue. A referral redirected to the children's hub runs the hub's handoff target
    instead of the response target (the hub, not a CAP clinician, acts next), and keeps
    its provisional assessment target: a child in crisis does not lose the clock.
    Starting them again changes nothing. The targets `also` start with them (a new
    referral's triage review: one batch of statements for all of them). `fresh`: a
    referral made in this transaction (see targets_start)."""
    code = PROVISIONAL_ASSESSMENT.get(intake_urgency(referral))
    if referral.status == ReferralStatus.REDIRECTED_CHILDREN_HUB:
        _children_hub_handoff_start(referral=referral, urgent=code is not None)
    starts = list(also)
    if code is not None:
        starts.append(TargetStart(code, referral.first_contact_at, provisional=True))
        if referral.status != ReferralStatus.REDIRECTED_CHILDREN_HUB:
            starts.append(TargetStart(URGENT_RESPONSE, referral.first_contact_at))
    if starts:
        targets_start(referral=referral, starts=starts, fresh=fresh)


# --- The children's hub handoff ----------------------------------------------------------
# A referral redirected to the children's hub stays on the CAP's handoff queue, with a
# clock, until the hub accepts it or returns it.

CHILDREN_HUB_HANDOFF = "children_hub_handoff"  # 1 working day
CHILDREN_HUB_HANDOFF_URGENT = "children_hub_handoff_urgent"  # 4 hours, 24/7
CHILDREN_HUB_HANDOFFS = (CHILDREN_HUB_HANDOFF, CHILDREN_HUB_HANDOFF_URGENT)
HANDOFF_NOW_URGENT = "urgent: the 4-hour handoff target applies"
HUB_ACCEPTED = "accepted by the children's hub, which assesses"
HUB_RETURNED = "returned by the children's hub"


def _children_hub_handoff_start(*, referral: Referral, urgent: bool) -> None:
    """The handoff target from the redirection: 4 hours 24/7 when intake signals urgent or
    more, else 1 working day. A referral flagged urgent after its routine handoff started
    (a call passed to urgent triage) swaps to the urgent one, the routine one stopped."""
    start = referral.redirected_at or referral.received_at
    if not urgent:
        already_urgent = WaitTarget.objects.filter(referral=referral,
                                                   definition__code=CHILDREN_HUB_HANDOFF_URGENT).exists()
        if not already_urgent:
            target_start(referral=referral, code=CHILDREN_HUB_HANDOFF, start=start)
        return
    target_start(referral=referral, code=CHILDREN_HUB_HANDOFF_URGENT, start=start)
    for target in WaitTarget.objects.running().filter(referral=referral,
                                                      definition__code=CHILDREN_HUB_HANDOFF):
        target_cancel(target=target, at=timezone.now(), reason=HANDOFF_NOW_URGENT)
    next_due_refresh(referral)


def children_hub_accepted_clocks(*, actor: User, referral: Referral, at: datetime) -> None:
    """The hub accepted: its handoff target is met, and the provisional assessment target
    stops (the hub now owns the assessment; the CAP could never meet it)."""
    for code in CHILDREN_HUB_HANDOFFS:
        target_meet(referral=referral, code=code, at=at, actor=actor)
    for target in WaitTarget.objects.running().filter(referral=referral, provisional=True):
        target_cancel(target=target, at=at, actor=actor, reason=HUB_ACCEPTED)
    next_due_refresh(referral)


def children_hub_returned_clocks(*, actor: User, referral: Referral, at: datetime) -> None:
    """The hub returned it and it awaits CAP triage again (the caller has moved it): the
    handoff target stops, not met; the triage review starts from the return (the CAP had
    it back only then); the intake's urgent clocks keep their first-contact start, and the
    urgent triage response target starts, from the first contact, if urgent."""
    for target in WaitTarget.objects.running().filter(referral=referral,
                                                      definition__code__in=CHILDREN_HUB_HANDOFFS):
        target_cancel(target=target, at=at, actor=actor, reason=HUB_RETURNED)
    target_start(referral=referral, code="triage_review", start=at)
    intake_clocks_start(referral=referral)
    next_due_refresh(referral)


def crisis_clocks_restart(*, referral: Referral, actor: User) -> None:
    """A crisis call about a referral already triaged routine puts it back on the urgent
    queue: its urgent clocks run again, from the call (the referral's first contact), as
    new runs beside any of the same kind that ran before and stopped."""
    code = PROVISIONAL_ASSESSMENT.get(intake_urgency(referral))
    if code is None:
        return
    for target_code, provisional in ((code, True), (URGENT_RESPONSE, False)):
        target_start(referral=referral, code=target_code, start=referral.first_contact_at,
                     provisional=provisional, again=True)


def _intake_clocks_settle(*, actor: User, referral: Referral, decision: "Decision", now: datetime) -> None:
    """After a triage decision: a clinician has acted (the urgent response is met); an
    assessment at the urgency intake signalled confirms its target, keeping its start;
    any other provisional target is stopped, the urgency revised by triage. Asking for
    information or taking it to the huddle leaves them running."""
    target_meet(referral=referral, code=URGENT_RESPONSE, at=now, actor=actor)
    if decision.outcome not in CONCLUDING_OUTCOMES:
        return
    target_meet(referral=referral, code=REFERRER_CALLBACK, at=now, actor=actor)
    confirmed = ({code for code, _ in ASSESSMENT_TARGETS[decision.urgency]}
                 if decision.outcome == DecisionOutcome.ASSESSMENT else set())
    for target in WaitTarget.objects.running().filter(referral=referral, provisional=True) \
            .select_related("definition"):
        if target.definition.code in confirmed:
            target.provisional = False
            save_as(target, actor)
        else:
            reason = (URGENCY_REVISED if decision.outcome == DecisionOutcome.ASSESSMENT else
                      f"triage decided: {DecisionOutcome(decision.outcome).label[0].lower()}"
                      f"{DecisionOutcome(decision.outcome).label[1:]}")
            target_cancel(target=target, at=now, actor=actor, reason=reason)
    next_due_refresh(referral)


def next_due_refresh(referral: Referral) -> None:
    """Write the referral's earliest running due instant (what the queues order by);
    every change to its running targets goes through here. The watcher forgets the
    referral's targets that are no longer running. One statement: it runs on every
    claim, decision, booking and outcome."""
    with connection.cursor() as cursor:
        cursor.execute(NEXT_DUE_REFRESH_SQL.format(
            schedule=AlertSchedule._meta.db_table, targets=WaitTarget._meta.db_table,
            referrals=Referral._meta.db_table), {"referral": referral.pk})
        row = cursor.fetchone()
    referral.next_due_at = row[0] if row else None


# The earliest due instant of the running targets (WaitTarget.objects.running()), and the
# watcher's rows of the stopped ones deleted; the two tables differ, so one snapshot serves.
NEXT_DUE_REFRESH_SQL = """
WITH stopped AS (
    DELETE FROM {schedule} s USING {targets} t
     WHERE s.target_id = t.id AND t.referral_id = %(referral)s
       AND (t.met_at IS NOT NULL OR t.cancelled_at IS NOT NULL)
)
UPDATE {referrals} SET next_due_at = (
    SELECT min(t.due_at) FROM {targets} t
     WHERE t.referral_id = %(referral)s AND t.met_at IS NULL AND t.cancelled_at IS NULL)
 WHERE id = %(referral)s
RETURNING next_due_at
"""


CLAIM_MINUTES = 30


def urgency_suggestion(indicators: Iterable[str]) -> str:
    """The most urgent urgency that an active rule suggests for these risk indicators."""
    indicators = list(indicators)
    if not indicators:
        return ""  # no rule suggests anything for none (and no query is built)
    suggested = set(UrgencyRule.objects.filter(active=True, indicator__in=indicators)
                    .values_list("urgency", flat=True))
    return next((u for u in URGENCY_ORDER if u in suggested), "")


URGENCY_ORDER = [Urgency.EMERGENCY, Urgency.VERY_URGENT, Urgency.URGENT, Urgency.ROUTINE]


@transaction.atomic
def claim_referral(*, actor: User, referral: Referral, now: datetime | None = None) -> TriageClaim:
    """Claim a referral to work it. Another clinician's live claim is refused; an
    expired one is taken over. Claiming again extends your own claim. Locks the referral."""
    now = now or timezone.now()
    lock_referral(referral.pk)
    claim = TriageClaim.objects.filter(referral=referral).select_related("clinician").first()
    if claim and claim.clinician_id != actor.pk and claim.active(now):
        name = claim.clinician.get_full_name() or claim.clinician.get_username()
        raise Conflict(f"{name} is working on {referral.reference} until "
                       f"{timezone.localtime(claim.expires_at):%H:%M}.")
    expires = now + timedelta(minutes=CLAIM_MINUTES)
    # One upsert (INSERT ... ON CONFLICT (referral) DO UPDATE) under the referral's lock,
    # where update_or_create took a savepoint, a SELECT FOR UPDATE and a write.
    claim = TriageClaim(referral=referral, clinician=actor, claimed_at=now, expires_at=expires)
    TriageClaim.objects.bulk_create([claim], update_conflicts=True, unique_fields=["referral"],
                                    update_fields=["clinician", "claimed_at", "expires_at"])
    target_meet(referral=referral, code=URGENT_RESPONSE, at=now, actor=actor)  # a clinician acts
    return claim


def release_claim(*, actor: User, referral: Referral) -> None:
    TriageClaim.objects.filter(referral=referral, clinician=actor).delete()


def _check_claim(actor: User, referral: Referral, now: datetime) -> None:
    claim = TriageClaim.objects.filter(referral=referral).select_related("clinician").first()
    if claim and claim.clinician_id != actor.pk and claim.active(now):
        name = claim.clinician.get_full_name() or claim.clinician.get_username()
        raise Conflict(f"{name} is working on {referral.reference}; wait for them or for "
                       "their claim to expire.")


@dataclass(frozen=True)
class Decision:
    """What a triage clinician decided, as entered on the form or sent to the API."""

    urgency: str
    outcome: str
    rationale: str
    stream: str = ""
    target_timescale: str = ""
    # Why an assessment may wait longer than its urgency's default: needed then.
    timescale_reason: str = ""
    disciplines: tuple[Discipline, ...] = ()
    named_practitioners: tuple[Practitioner, ...] = ()
    setting: str = ""
    requirements: str = ""
    external_service: CommunityService | None = None
    external_agency: str = ""
    existing_team: Team | None = None
    information_from: str = ""
    information_needed: str = ""
    huddle_question: str = ""
    # The clinician confirms streaming someone under 18 to an adult or older people's stream.
    confirm_age_stream: bool = False


def _check_decision(d: Decision) -> None:
    if (d.urgency == Urgency.EMERGENCY) != (d.outcome == DecisionOutcome.EMERGENCY_SERVICES):
        raise Invalid("An emergency, and only an emergency, is routed to emergency services "
                      "at once.", field="outcome")
    if d.outcome == DecisionOutcome.ASSESSMENT and not d.stream:
        raise Invalid("Choose the specialty stream for the assessment.", field="stream")
    if d.outcome == DecisionOutcome.ROUTE_EXTERNAL and not (d.external_service or d.external_agency):
        raise Invalid("Choose the service or agency the person is routed to.", field="external_agency")
    if d.outcome == DecisionOutcome.INFORMATION_REQUEST and not (d.information_from and d.information_needed):
        raise Invalid("Say what information is missing and who is asked for it.",
                      field="information_needed")
    if d.outcome == DecisionOutcome.HUDDLE and not d.huddle_question:
        raise Invalid("Say what the huddle should help decide.", field="huddle_question")


# Streams for adults or older people: an under-18 streamed to one is asked about. Learning
# disabilities, specialist and mixed streams serve all ages ("designed mainly around life
# stages and commonality of needs and not by age alone", the seed).
ADULT_STREAMS = frozenset({Stream.AMH, Stream.MHSOP, Stream.MHSOP_MEMORY})
ADULT_AGE = 18


def age_stream_unconfirmed(*, person: ServiceUser, decision: "Decision", today: date) -> str:
    """What to confirm when a decision streams a child to an adult or older people's
    stream without the clinician confirming it; empty when nothing needs confirming."""
    if decision.outcome != DecisionOutcome.ASSESSMENT or decision.stream not in ADULT_STREAMS:
        return ""
    age = person.age_on(today)
    if decision.confirm_age_stream or (age is not None and age >= ADULT_AGE):
        return ""
    # A crisis caller may not have given the date of birth: the person may be a child.
    said = f"{person}'s age is not known" if age is None else f"{person} is {age}"
    return f"{said}: confirm streaming to {Stream(decision.stream).label}"


@transaction.atomic
def triage_decision_record(*, actor: User, referral: Referral, decision: Decision | None = None,
                           **fields: Any) -> TriageDecision:
    """Record a clinician's triage decision (an immutable record) and carry it out.

    Locks the referral row so two clinicians deciding at once cannot both succeed; a
    live claim by another clinician is refused. Asking for information or taking the
    referral to the huddle leaves it awaiting triage with its clock running."""
    d = decision or Decision(**fields)
    referral = lock_referral(referral.pk)
    now = timezone.now()
    if referral.status != ReferralStatus.AWAITING_TRIAGE:
        raise Conflict(f"{referral.reference} has already been triaged.")
    _check_claim(actor, referral, now)
    _check_decision(d)
    if unconfirmed := age_stream_unconfirmed(person=referral.service_user, decision=d,
                                             today=timezone.localtime(now).date()):
        raise Invalid(unconfirmed, field="confirm_age_stream")
    existing_team = d.existing_team
    if d.outcome == DecisionOutcome.ROUTE_EXISTING_TEAM and existing_team is None:
        existing_team = _existing_team_of(referral.service_user)
    timescale_due = _timescale_due(referral, d, now)
    record = _save_decision(actor, referral, d, existing_team, now, timescale_due is not None)
    OUTCOME_ACTIONS[d.outcome](actor=actor, referral=referral, decision=d, record=record, now=now)
    _intake_clocks_settle(actor=actor, referral=referral, decision=d, now=now)
    if timescale_due is not None:
        _assessment_due_set(actor=actor, referral=referral, code=ASSESSMENT_TARGET_OF[d.urgency],
                            due=timescale_due)
    if d.outcome in CONCLUDING_OUTCOMES:  # its action moved (and saved) the referral
        target_meet(referral=referral, code="triage_review", at=now, actor=actor)
        TriageClaim.objects.filter(referral=referral).delete()
        _sender_told_of_decision(referral, d, now)
    else:  # still awaiting triage; its history shows when a decision was recorded
        save_as(referral, actor)
    return record


def _sender_told_of_decision(referral: Referral, d: Decision, now: datetime) -> None:
    """A referral sent by BaRS: its sender hears what triage decided (bars.responses)."""
    if d.outcome == DecisionOutcome.ASSESSMENT:
        response_queue(referral=referral, outcome=ResponseOutcome.ACCEPTED, now=now,
                       text=f"Accepted by the Central Access Point for a {Urgency(d.urgency).label.lower()} "
                            f"assessment (referral {referral.reference}).")
    else:
        response_queue(referral=referral, outcome=ResponseOutcome.ROUTED, now=now,
                       text=f"Triaged by the Central Access Point: "
                            f"{DecisionOutcome(d.outcome).label.lower()} "
                            f"(referral {referral.reference}).")


# The target whose due instant triage's timescale sets, by urgency.
ASSESSMENT_TARGET_OF: dict[str, str] = {
    Urgency.VERY_URGENT: "assessment_4h", Urgency.URGENT: "assessment_24h",
    Urgency.ROUTINE: "routine_assessment"}


def _timescale_due(referral: Referral, d: Decision, now: datetime) -> datetime | None:
    """The assessment target's due instant set by the decision's timescale, counted from
    the target's start (as its default is); None when the timescale is empty or comes to
    the default. Shorter is the clinician's to choose; longer needs a reason, and only a
    routine assessment may wait longer: the 4 and 24 hours of an urgent one are the
    seed's, for the person's safety (a longer wait is a routine decision)."""
    if d.outcome != DecisionOutcome.ASSESSMENT:
        return None
    chosen = timescale_parse(d.target_timescale)
    if chosen is None:
        return None
    start, default = _assessment_target_span(referral, ASSESSMENT_TARGET_OF[d.urgency])
    due = chosen.due_from(start)
    if due == default:
        return None
    if due <= now:
        raise Invalid(f"{chosen} from {timezone.localtime(start):%d %b %Y %H:%M} has already passed: "
                      "enter a longer timescale, or leave it empty for the default.",
                      field="target_timescale")
    if due > default and d.urgency != Urgency.ROUTINE:
        label = Urgency(d.urgency).label.lower()
        raise Invalid(f"{'An' if label[0] in 'aeiou' else 'A'} {label} assessment is due within "
                      f"{DEFAULT_TIMESCALES[d.urgency]}: enter a shorter timescale, or decide a routine "
                      "assessment.", field="target_timescale")
    if due > default and not d.timescale_reason.strip():
        raise Invalid(f"Give the reason the assessment may wait longer than the default of "
                      f"{DEFAULT_TIMESCALES[d.urgency]}.", field="timescale_reason")
    return due


def _assessment_target_span(referral: Referral, code: str) -> tuple[datetime, datetime]:
    """(start, default due) of the assessment target: the running one's (a provisional
    target started at intake), else what starting it now would give."""
    running = WaitTarget.objects.running().filter(referral=referral, definition__code=code).first()
    if running is not None:
        return running.started_at, running.due_at
    definition = TargetDefinition.objects.get(code=code)
    start_field = next(f for c, f in sum(ASSESSMENT_TARGETS.values(), []) if c == code)
    start = getattr(referral, start_field)
    return start, clock.due_at(start, definition.clock, definition.amount, business_calendar())


def _assessment_due_set(*, actor: User, referral: Referral, code: str, due: datetime) -> None:
    """Give the running assessment target triage's due instant, its at-risk time from the
    definition's thresholds, and the watcher's next alert to match (the watcher's insert
    is idempotent on (target, kind), so an alert already raised is not raised again)."""
    target = WaitTarget.objects.running().select_related("definition").get(referral=referral,
                                                                           definition__code=code)
    target.due_at = due
    target.at_risk_at = target.definition.at_risk_at(target.started_at, due)
    save_as(target, actor)
    AlertSchedule.objects.update_or_create(target=target,
                                           defaults={"next_alert_at": target.at_risk_at or due})
    next_due_refresh(referral)


def _save_decision(actor: User, referral: Referral, d: Decision, existing_team: Team | None,
                   now: datetime, timescale_sets_due: bool) -> TriageDecision:
    suggested = referral.suggested_urgency
    record = save_as(TriageDecision(
        referral=referral, urgency=d.urgency, suggested_urgency=suggested,
        urgency_overridden=bool(suggested) and suggested != d.urgency, outcome=d.outcome,
        stream=d.stream if d.outcome == DecisionOutcome.ASSESSMENT else "", rationale=d.rationale,
        target_timescale=_timescale_text(d), timescale_sets_due=timescale_sets_due,
        timescale_reason=d.timescale_reason.strip() if timescale_sets_due else "",
        setting=d.setting, requirements=d.requirements, external_service=d.external_service,
        external_agency=d.external_agency, existing_team=existing_team, decided_by=actor,
        decided_at=now,
    ), actor)
    record.disciplines.set(d.disciplines)
    record.named_practitioners.set(d.named_practitioners)
    return record


def _timescale_text(d: Decision) -> str:
    """The timescale as recorded: an assessment's in one form ("14 days"), else as typed;
    empty is the urgency's default."""
    chosen = timescale_parse(d.target_timescale) if d.outcome == DecisionOutcome.ASSESSMENT else None
    if chosen is not None:
        return str(chosen)
    return d.target_timescale or DEFAULT_TIMESCALES.get(d.urgency, "")


DEFAULT_TIMESCALES: dict[str, str] = {Urgency.VERY_URGENT: "4 hours", Urgency.URGENT: "24 hours",
                      Urgency.ROUTINE: "28 days"}


class OutcomeAction(Protocol):
    """Carries out a decision's outcome on the locked referral."""

    def __call__(self, *, actor: User, referral: Referral, decision: Decision, record: TriageDecision,
                 now: datetime) -> None: ...


def assessment_targets_start(*, referral: Referral, urgency: str) -> None:
    """Start the targets an assessment of this urgency is held to (ASSESSMENT_TARGETS)."""
    for code, start_field in ASSESSMENT_TARGETS[urgency]:
        target_start(referral=referral, code=code, start=getattr(referral, start_field))


def _to_assessment(*, actor: User, referral: Referral, decision: Decision, **_: object) -> None:
    assessment_targets_start(referral=referral, urgency=decision.urgency)
    to = (ReferralStatus.AWAITING_BOOKING if decision.urgency == Urgency.ROUTINE
          else ReferralStatus.AWAITING_URGENT_ASSESSMENT)
    kept = referral.bookings.filter(status=BookingStatus.BOOKED)
    if to == ReferralStatus.AWAITING_BOOKING and kept.exists():
        # Back at triage after a crisis call, its structured assessment kept: routine again,
        # it is booked, not waiting to be booked a second time.
        to = ReferralStatus.BOOKED
    referral_status_set(referral=referral, to=to, actor=actor)


def _routed(*, actor: User, referral: Referral, record: TriageDecision, **_: object) -> None:
    referral_status_set(referral=referral, to=ReferralStatus.ROUTED, actor=actor,
                        reason=record.get_outcome_display())


def _to_existing_team(*, actor: User, referral: Referral, record: TriageDecision, **_: object) -> None:
    from cap.models import Task, TaskKind

    save_as(Task(kind=TaskKind.ROUTED_REFERRAL, team=record.existing_team,
                 service_user=referral.service_user, created_by=actor,
                 description=f"{referral.reference} routed to you by triage: {record.rationale}"), actor)
    _routed(actor=actor, referral=referral, record=record)


def _ask_for_information(*, actor: User, referral: Referral, decision: Decision, now: datetime,
                         **_: object) -> None:
    save_as(InformationRequest(
        referral=referral, requested_from=decision.information_from,
        what=decision.information_needed, requested_by=actor, requested_at=now,
        chase_at=clock.add_working_days(now, 1, business_calendar())), actor)


def _to_huddle(*, actor: User, referral: Referral, decision: Decision, now: datetime,
               **_other: object) -> None:
    huddle, _ = Huddle.objects.get_or_create(held_on=next_huddle_day(now))
    HuddleItem.objects.get_or_create(huddle=huddle, referral=referral, defaults={
        "question": decision.huddle_question, "added_by": actor, "added_at": now})


def next_huddle_day(now: datetime) -> date:
    """The huddle meets every working day at HUDDLE_TIME: a referral sent after it
    goes on the next working day's agenda."""
    calendar = business_calendar()
    day = timezone.localtime(now).date()
    if timezone.localtime(now).time() >= HUDDLE_TIME:
        day += timedelta(days=1)
    while calendar.is_closed(day):
        day += timedelta(days=1)
    return day


HUDDLE_TIME = time(11, 0)

OUTCOME_ACTIONS: dict[str, OutcomeAction] = {
    DecisionOutcome.ASSESSMENT: _to_assessment,
    DecisionOutcome.ROUTE_EXTERNAL: _routed,
    DecisionOutcome.EMERGENCY_SERVICES: _routed,
    DecisionOutcome.ROUTE_EXISTING_TEAM: _to_existing_team,
    DecisionOutcome.INFORMATION_REQUEST: _ask_for_information,
    DecisionOutcome.HUDDLE: _to_huddle,
}


def _existing_team_of(service_user: ServiceUser) -> Team:
    from careplans.models import Episode

    episode = Episode.objects.open().filter(service_user=service_user).order_by("-opened_on").first()
    if episode is None:
        raise Invalid("The person has no open episode with a team: choose the team.",
                      field="existing_team")
    return episode.team


# Urgent actions that arrange something: their time may be ahead. Every other urgent
# action records what was done, so its time lies between the first contact and now.
# Urgent actions that answer the sender's call-back (advice given, or the person seen).
CALLBACK_KINDS = {UrgentAction.Kind.TELEPHONE_ADVICE, UrgentAction.Kind.DE_ESCALATION,
                  UrgentAction.Kind.ASSESSMENT_COMPLETED}
ADVICE_KINDS = {UrgentAction.Kind.TELEPHONE_ADVICE, UrgentAction.Kind.DE_ESCALATION}
ARRANGED_KINDS = {UrgentAction.Kind.FACE_TO_FACE_TRIAGE, UrgentAction.Kind.CRISIS_ASSESSMENT_ARRANGED}


def _check_urgent_action_time(referral: Referral, kind: str, when: datetime | None, now: datetime) -> None:
    if when is None:
        return
    first = timezone.localtime(referral.first_contact_at)
    if when < referral.first_contact_at:
        raise Invalid(f"The time is before the first contact ({first:%a %d %b %Y %H:%M}): enter a "
                      "time after it.", field="when")
    if kind not in ARRANGED_KINDS and when > now:
        raise Invalid(f"{UrgentAction.Kind(kind).label} is recorded once done: enter a time between "
                      f"the first contact ({first:%a %d %b %Y %H:%M}) and now.", field="when")


@dataclass(frozen=True)
class Outcome:
    """What follows a completed crisis assessment, as entered on the form."""

    outcome: str = ""
    service: CommunityService | None = None
    agency: str = ""
    safety_plan: str = ""


def _check_outcome(o: Outcome, notes: str) -> None:
    if o.outcome not in CrisisOutcome.values:
        raise Invalid("Choose what follows the assessment.", field="outcome")
    if o.outcome == CrisisOutcome.ROUTED and not (o.service or o.agency.strip()):
        raise Invalid("Choose the service from the directory, or name the agency, the person is "
                      "routed to.", field="outcome_agency")
    if o.outcome == CrisisOutcome.SELF_MANAGEMENT and not o.safety_plan.strip():
        raise Invalid("Write the person's safety plan: it goes with a self-management plan.",
                      field="safety_plan")
    if o.outcome == CrisisOutcome.ADMISSION and not notes.strip():
        raise Invalid("Say in the notes whether the admission is informal or under the Mental "
                      "Health Act, and where.", field="notes")
    if o.outcome == CrisisOutcome.FURTHER_ASSESSMENT and not notes.strip():
        raise Invalid("Write the crisis assessment's findings in the notes: the further assessment "
                      "builds on them.", field="notes")


@transaction.atomic
def urgent_action_record(*, actor: User, referral: Referral, kind: str, who: str = "", where: str = "",
                         when: datetime | None = None, notes: str = "",
                         practitioner: Practitioner | None = None, place: str = "",
                         outcome: Outcome | None = None) -> UrgentAction:
    """Record what urgent clinical triage did. A crisis assessment arranged is booked into
    the practitioner's diary (who, where and when come from the booking); a completed
    assessment meets the 4-hour or 24-hour target and records what follows it; a transfer
    moves the referral to non-urgent triage. Locks the referral (then, through
    scheduling, its crisis booking)."""
    referral = lock_referral(referral.pk)
    now = timezone.now()
    if referral.status not in URGENT_ACTION_STATUSES:
        raise Conflict(f"{referral.reference} is no longer with urgent triage.")
    _check_urgent_action_time(referral, kind, when, now)
    booking = None
    if kind == UrgentAction.Kind.CRISIS_ASSESSMENT_ARRANGED:
        booking = _crisis_assessment_book(actor, referral, practitioner, when, place, where, now)
        who, where, when = practitioner.name if practitioner else who, booking.where, booking.starts_at
    o = outcome or Outcome()
    if kind == UrgentAction.Kind.ASSESSMENT_COMPLETED:
        if referral.status != ReferralStatus.AWAITING_URGENT_ASSESSMENT:
            raise Conflict(f"{referral.reference} is not waiting for an urgent assessment.")
        _check_outcome(o, notes)
        o = Outcome(o.outcome,
                    o.service if o.outcome == CrisisOutcome.ROUTED else None,
                    o.agency.strip() if o.outcome == CrisisOutcome.ROUTED else "",
                    o.safety_plan.strip() if o.outcome == CrisisOutcome.SELF_MANAGEMENT else "")
    else:
        o = Outcome()
    action = save_as(UrgentAction(referral=referral, kind=kind, who=who, where=where, when=when,
                                  notes=notes, booking=booking, outcome=o.outcome,
                                  outcome_service=o.service, outcome_agency=o.agency,
                                  safety_plan=o.safety_plan, recorded_by=actor, recorded_at=now), actor)
    if kind in CALLBACK_KINDS:
        target_meet(referral=referral, code=REFERRER_CALLBACK, at=now, actor=actor)
    if kind in ADVICE_KINDS:
        response_queue(referral=referral, outcome=ResponseOutcome.ADVICE, now=now,
                       text=f"{UrgentAction.Kind(kind).label} given by the Central Access Point "
                            f"(referral {referral.reference}).")
    if kind == UrgentAction.Kind.ASSESSMENT_COMPLETED:
        _urgent_assessment_completed(actor, referral, action, now)
    elif kind == UrgentAction.Kind.TRANSFER_NON_URGENT:
        referral.urgent_triage_requested_at = None
        save_as(referral, actor)
    return action


def _crisis_assessment_book(actor: User, referral: Referral, practitioner: Practitioner | None,
                            starts_at: datetime | None, place: str, place_detail: str,
                            now: datetime) -> Booking:
    """The urgent face-to-face assessment, in the diary of a practitioner of a team of the
    stream triage chose (the person's aligned team is listed first)."""
    from scheduling import services as scheduling
    from scheduling.selectors import teams_for

    if referral.status != ReferralStatus.AWAITING_URGENT_ASSESSMENT:
        raise Conflict(f"Record the triage decision for {referral.reference} first: its urgency and "
                       "stream say who assesses the person, and by when.")
    if practitioner is None:
        raise Invalid("Choose the practitioner who will assess the person.", field="practitioner")
    if starts_at is None:
        raise Invalid("Enter when the assessment starts.", field="when")
    stream = crisis_assessment_stream(referral)
    team = next((t for t in teams_for(referral, stream) if t.practitioners.filter(pk=practitioner.pk)
                 .exists()), None)
    if team is None:
        raise Invalid(f"{practitioner.name} is not in a team of the {Stream(stream).label} stream.",
                      field="practitioner")
    return scheduling.crisis_assessment_book(actor=actor, referral=referral, team=team,
                                             practitioner=practitioner, starts_at=starts_at,
                                             place=place, place_detail=place_detail, now=now)


def crisis_assessment_stream(referral: Referral) -> str:
    """The stream of the referral's latest triage decision for an assessment."""
    return (TriageDecision.objects.filter(referral=referral, outcome=DecisionOutcome.ASSESSMENT)
            .order_by("-decided_at", "-pk").values_list("stream", flat=True).first() or "")


def _urgent_assessment_completed(actor: User, referral: Referral, action: UrgentAction,
                                 now: datetime) -> None:
    """The 4-hour or 24-hour target is met when the assessment took place; its diary time
    is attended. A further assessment puts the person on the booking queue for a
    structured assessment with the aligned team, its targets started as a routine triage
    decision starts them; every other outcome ends the CAP's part (assessed), and one that
    keeps the person in the trust's services (STAYS_IN_SERVICES) hands them over: an
    episode of care opens with the crisis assessment's team."""
    from careplans.services import episode_open_after_assessment
    from scheduling.services import crisis_assessment_attended

    at = action.when or action.recorded_at
    for code in ("assessment_4h", "assessment_24h"):
        target_meet(referral=referral, code=code, at=at, actor=actor)
    team = crisis_assessment_team(referral)
    crisis_assessment_attended(actor=actor, referral=referral, now=now)
    if action.outcome == CrisisOutcome.FURTHER_ASSESSMENT:
        assessment_targets_start(referral=referral, urgency=Urgency.ROUTINE)
        referral_status_set(referral=referral, to=ReferralStatus.AWAITING_BOOKING, actor=actor)
        return
    referral_status_set(referral=referral, to=ReferralStatus.ASSESSED, actor=actor,
                        reason=f"Urgent assessment completed: {action.get_outcome_display()}")
    # With no team of the stream at all, the outcome is still recorded (what happened must
    # not be lost); the person then has no episode, which "accounted for" reports.
    if action.outcome in STAYS_IN_SERVICES and team is not None:
        episode_open_after_assessment(actor=actor, referral=referral, team=team, at=now)


# Outcomes of a crisis assessment after which the trust's services go on caring for the
# person. Admitted, they are held by the crisis assessment's team as well as the ward, so
# a named team follows them up on discharge; a further assessment is not a handover yet:
# it is booked first.
STAYS_IN_SERVICES = (CrisisOutcome.HOME_TREATMENT, CrisisOutcome.ADMISSION)


def crisis_assessment_team(referral: Referral) -> Team | None:
    """The team that carried out the crisis assessment: its booking's (the assessing
    practitioner's team of the decision's stream), else the stream's aligned team."""
    from scheduling.models import BookingKind
    from scheduling.selectors import teams_for

    booking = (referral.bookings.filter(kind=BookingKind.CRISIS,
                                        status__in=[BookingStatus.BOOKED, BookingStatus.ATTENDED])
               .select_related("team").order_by("-starts_at").first())
    if booking is not None:
        return booking.team
    stream = crisis_assessment_stream(referral)
    return next(iter(teams_for(referral, stream)), None) if stream else None


@transaction.atomic
def information_received(*, actor: User, request: InformationRequest, response: str) -> InformationRequest:
    request = InformationRequest.objects.select_for_update().get(pk=request.pk)
    if request.received_at:
        raise Conflict("This information has already been received.")
    request.received_at, request.response = timezone.now(), response
    return save_as(request, actor)


@transaction.atomic
def information_chased(*, actor: User, request: InformationRequest) -> InformationRequest:
    """Record a chase; the next one is due a working day later."""
    now = timezone.now()
    request = InformationRequest.objects.select_for_update().get(pk=request.pk)
    if request.received_at:
        raise Conflict("This information has already been received.")
    request.chased_count += 1
    request.chase_at = clock.add_working_days(now, 1, business_calendar())
    return save_as(request, actor)


@transaction.atomic
def huddle_item_discussed(*, actor: User, item: HuddleItem, discussion: str) -> HuddleItem:
    item = HuddleItem.objects.select_for_update().select_related("huddle").get(pk=item.pk)
    item.discussion, item.discussed_at = discussion, timezone.now()
    save_as(item, actor)
    item.huddle.attendees.add(actor)
    return item


GP_LETTER = """Dear colleague,

Re: {person}, born {dob}, NHS number {nhs}

The Central Access Point has triaged the referral {reference}. Before a mental health
assessment, please arrange these physical health checks:

{checks}

We have advised {given} to make an appointment with you. Once the results are
available, please send them to the Central Access Point quoting {reference}.

Yours sincerely,
{clinician}
Clinical triage, Central Access Point"""


@transaction.atomic
def physical_health_check_request(*, actor: User, referral: Referral, checks_needed: str,
                                  advice_given: str) -> PhysicalHealthCheck:
    """Physical health checks first: a letter to the GP, and the advice given to the person."""
    person = referral.service_user
    letter = GP_LETTER.format(
        person=person, dob=f"{person.date_of_birth:%d %B %Y}" if person.date_of_birth else "not known",
        nhs=person.formatted_nhs_number or "not known",
        reference=referral.reference, checks=checks_needed.strip(), given=person.given_name,
        clinician=actor.get_full_name() or actor.get_username())
    return save_as(PhysicalHealthCheck(referral=referral, checks_needed=checks_needed,
                                       advice_given=advice_given, letter=letter,
                                       requested_by=actor), actor)


# --- The wait targets a manager maintains ------------------------------------------------

# The longest a target may be set to, by clock: beyond these a figure is a typing slip
# (a 4-hour target entered as 400), not a decision about a service.
TARGET_LIMITS: dict[str, tuple[int, str]] = {clock.TWENTY_FOUR_SEVEN: (72, "hours"),
                                             clock.BUSINESS: (60, "working days"),
                                             clock.CALENDAR_DAYS: (365, "days")}


@dataclass(frozen=True)
class TargetSettings:
    amount: int
    at_risk_share: int | None
    at_risk_minutes_left: int | None


def target_definition_version(definition: TargetDefinition) -> int:
    """How many times the definition has been saved: the version a manager's form was
    made from (its history only grows)."""
    return definition.history.count()


@transaction.atomic
def target_definition_change(*, actor: User, definition_id: int, seen_version: int,
                             settings: TargetSettings) -> TargetDefinition:
    """Change a wait target's time and its at-risk thresholds, with history. It applies to
    targets started after the change: a running target keeps the due instant it started
    with (the queues, the alerts and what the person was told all rest on it).

    Locks the definition; a change made from an older version than the current one is
    refused (StaleVersion), so one manager never silently undoes another's."""
    definition = TargetDefinition.objects.select_for_update().get(pk=definition_id)
    current = target_definition_version(definition)
    if seen_version != current:
        raise StaleVersion(f"Someone else changed {definition.name} while you were editing it. "
                           "Check its values now and change them again if still needed.",
                           current_version=current)
    _check_target_settings(definition.clock, settings)
    if current == 0:
        # Set up by a migration, which writes no history: keep the values as set up first,
        # so the history says what the first change was from.
        TargetDefinition.history.bulk_history_create([definition])
    definition.amount = settings.amount
    definition.at_risk_share = settings.at_risk_share
    definition.at_risk_minutes_left = settings.at_risk_minutes_left
    return save_as(definition, actor)


def _check_target_settings(clock_kind: str, settings: TargetSettings) -> None:
    most, unit = TARGET_LIMITS[clock_kind]
    if not 1 <= settings.amount <= most:
        raise Invalid(f"The time must be between 1 and {most} {unit}.", field="amount")
    if settings.at_risk_share is not None and not 1 <= settings.at_risk_share <= 99:
        raise Invalid("The share of the time elapsed must be between 1% and 99%.", field="at_risk_share")
    if clock_kind == clock.TWENTY_FOUR_SEVEN and settings.at_risk_minutes_left is not None \
            and not 1 <= settings.at_risk_minutes_left < settings.amount * 60:
        raise Invalid(f"The minutes left must be at least 1 and less than the whole target "
                      f"({settings.amount * 60} minutes), or the target is at risk from its start.",
                      field="at_risk_minutes_left")
