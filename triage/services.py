"""Triage actions: recording decisions, and starting, stopping and scanning wait targets."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from cap.models import Referral, ReferralStatus, ServiceUser
from cap.referral_status import URGENT_ACTION_STATUSES, referral_status_set
from core.errors import Conflict, Invalid, StaleVersion
from core.history import save_as
from core.locks import lock_referral
from directory.models import CommunityService
from scheduling.models import Discipline, Practitioner, Team

from . import clock
from .alerts import scan_breaches  # noqa: F401  (the watcher's entry point, named here too)
from .models import (
    CONCLUDING_OUTCOMES,
    AlertSchedule,
    ClosureDay,
    DecisionOutcome,
    Huddle,
    HuddleItem,
    InformationRequest,
    PhysicalHealthCheck,
    TargetDefinition,
    TriageClaim,
    TriageDecision,
    Urgency,
    UrgencyRule,
    UrgentAction,
    WaitTarget,
)

# Which targets a decision starts, and from which instant of the referral.
ASSESSMENT_TARGETS: dict[str, list[tuple[str, str]]] = {
    Urgency.VERY_URGENT: [("assessment_4h", "first_contact_at")],
    Urgency.URGENT: [("assessment_24h", "first_contact_at")],
    Urgency.ROUTINE: [("booking", "received_at"), ("routine_assessment", "received_at")],
}


def business_calendar() -> clock.BusinessCalendar:
    closures = frozenset(ClosureDay.objects.values_list("day", flat=True))
    return clock.BusinessCalendar(closures=closures)


def target_start(*, referral: Referral, code: str, start: datetime, provisional: bool = False) -> WaitTarget:
    """Start a target's clock for a referral; starting it twice changes nothing (a target
    started provisionally at intake keeps its start when triage confirms it)."""
    definition = TargetDefinition.objects.get(code=code)
    due = clock.due_at(start, definition.clock, definition.amount, business_calendar())
    at_risk = definition.at_risk_at(start, due)
    target, created = WaitTarget.objects.get_or_create(
        referral=referral, definition=definition,
        defaults={"started_at": start, "due_at": due, "at_risk_at": at_risk, "provisional": provisional},
    )
    if created:
        # The breach watcher's first alert: at risk, or breached when none.
        AlertSchedule.objects.create(target=target, next_alert_at=at_risk or due)
        next_due_refresh(referral)
    return target


def target_meet(*, referral: Referral, code: str, at: datetime, actor: User | None = None) -> None:
    """Stop a running target's clock (met, or breached and now met)."""
    targets = list(WaitTarget.objects.running().filter(referral=referral, definition__code=code))
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
URGENCY_REVISED = "urgency revised by triage"


def intake_urgency(referral: Referral) -> str:
    """The most urgent signal at intake: the referrer's stated urgency, the urgency rules'
    suggestion from the risk indicators, or a call passed to urgent clinical triage (urgent)."""
    signals = {referral.referrer_urgency, referral.suggested_urgency}
    if referral.urgent_triage_requested_at:
        signals.add(Urgency.URGENT)
    return next((u for u in URGENCY_ORDER if u in signals), "")


def intake_clocks_start(*, referral: Referral) -> None:
    """Start, from the first contact, the provisional assessment target that the intake's
    urgency signals call for, and the urgent triage response target for a contact on the
    24/7 queue. Starting them again changes nothing."""
    code = PROVISIONAL_ASSESSMENT.get(intake_urgency(referral))
    if code is None:
        return
    target_start(referral=referral, code=code, start=referral.first_contact_at, provisional=True)
    target_start(referral=referral, code=URGENT_RESPONSE, start=referral.first_contact_at)


def _intake_clocks_settle(*, actor: User, referral: Referral, decision: "Decision", now: datetime) -> None:
    """After a triage decision: a clinician has acted (the urgent response is met); an
    assessment at the urgency intake signalled confirms its target, keeping its start;
    any other provisional target is stopped, the urgency revised by triage. Asking for
    information or taking it to the huddle leaves them running."""
    target_meet(referral=referral, code=URGENT_RESPONSE, at=now, actor=actor)
    if decision.outcome not in CONCLUDING_OUTCOMES:
        return
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
    referral's targets that are no longer running."""
    earliest = (WaitTarget.objects.running().filter(referral=OuterRef("pk"))
                .order_by("due_at").values("due_at")[:1])
    Referral.objects.filter(pk=referral.pk).update(next_due_at=Subquery(earliest))
    referral.next_due_at = Referral.objects.values_list("next_due_at", flat=True).get(pk=referral.pk)
    AlertSchedule.objects.filter(target__referral=referral).exclude(
        target__met_at__isnull=True, target__cancelled_at__isnull=True).delete()


CLAIM_MINUTES = 30


def urgency_suggestion(indicators: Iterable[str]) -> str:
    """The most urgent urgency that an active rule suggests for these risk indicators."""
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
    claim, _ = TriageClaim.objects.update_or_create(
        referral=referral, defaults={"clinician": actor, "claimed_at": now, "expires_at": expires})
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
    existing_team = d.existing_team
    if d.outcome == DecisionOutcome.ROUTE_EXISTING_TEAM and existing_team is None:
        existing_team = _existing_team_of(referral.service_user)
    record = _save_decision(actor, referral, d, existing_team, now)
    OUTCOME_ACTIONS[d.outcome](actor=actor, referral=referral, decision=d, record=record, now=now)
    _intake_clocks_settle(actor=actor, referral=referral, decision=d, now=now)
    if d.outcome in CONCLUDING_OUTCOMES:  # its action moved (and saved) the referral
        target_meet(referral=referral, code="triage_review", at=now, actor=actor)
        TriageClaim.objects.filter(referral=referral).delete()
    else:  # still awaiting triage; its history shows when a decision was recorded
        save_as(referral, actor)
    return record


def _save_decision(actor: User, referral: Referral, d: Decision, existing_team: Team | None,
                   now: datetime) -> TriageDecision:
    suggested = referral.suggested_urgency
    record = save_as(TriageDecision(
        referral=referral, urgency=d.urgency, suggested_urgency=suggested,
        urgency_overridden=bool(suggested) and suggested != d.urgency, outcome=d.outcome,
        stream=d.stream if d.outcome == DecisionOutcome.ASSESSMENT else "", rationale=d.rationale,
        target_timescale=d.target_timescale or DEFAULT_TIMESCALES.get(d.urgency, ""),
        setting=d.setting, requirements=d.requirements, external_service=d.external_service,
        external_agency=d.external_agency, existing_team=existing_team, decided_by=actor,
        decided_at=now,
    ), actor)
    record.disciplines.set(d.disciplines)
    record.named_practitioners.set(d.named_practitioners)
    return record


DEFAULT_TIMESCALES: dict[str, str] = {Urgency.VERY_URGENT: "4 hours", Urgency.URGENT: "24 hours",
                      Urgency.ROUTINE: "28 days"}


class OutcomeAction(Protocol):
    """Carries out a decision's outcome on the locked referral."""

    def __call__(self, *, actor: User, referral: Referral, decision: Decision, record: TriageDecision,
                 now: datetime) -> None: ...


def _to_assessment(*, actor: User, referral: Referral, decision: Decision, **_: object) -> None:
    for code, start_field in ASSESSMENT_TARGETS[decision.urgency]:
        target_start(referral=referral, code=code, start=getattr(referral, start_field))
    to = (ReferralStatus.AWAITING_BOOKING if decision.urgency == Urgency.ROUTINE
          else ReferralStatus.AWAITING_URGENT_ASSESSMENT)
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


@transaction.atomic
def urgent_action_record(*, actor: User, referral: Referral, kind: str, who: str = "", where: str = "",
                         when: datetime | None = None, notes: str = "") -> UrgentAction:
    """Record what urgent clinical triage did. A completed assessment meets the 4-hour or
    24-hour target; a transfer moves the referral to non-urgent triage. Locks the referral."""
    referral = lock_referral(referral.pk)
    if referral.status not in URGENT_ACTION_STATUSES:
        raise Conflict(f"{referral.reference} is no longer with urgent triage.")
    if kind == UrgentAction.Kind.ASSESSMENT_COMPLETED and when and when > timezone.now():
        raise Invalid("An assessment cannot be completed in the future.", field="when")
    action = save_as(UrgentAction(referral=referral, kind=kind, who=who, where=where, when=when,
                                  notes=notes, recorded_by=actor), actor)
    if kind == UrgentAction.Kind.ASSESSMENT_COMPLETED:
        if referral.status != ReferralStatus.AWAITING_URGENT_ASSESSMENT:
            raise Conflict(f"{referral.reference} is not waiting for an urgent assessment.")
        at = when or action.recorded_at
        for code in ("assessment_4h", "assessment_24h"):
            target_meet(referral=referral, code=code, at=at, actor=actor)
        referral_status_set(referral=referral, to=ReferralStatus.ASSESSED, actor=actor)
    elif kind == UrgentAction.Kind.TRANSFER_NON_URGENT:
        referral.urgent_triage_requested_at = None
        save_as(referral, actor)
    return action


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

Re: {person}, born {dob:%d %B %Y}, NHS number {nhs}

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
        person=person, dob=person.date_of_birth, nhs=person.formatted_nhs_number or "not known",
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
