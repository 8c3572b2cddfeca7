"""Writes to the single integrated care plan, step-up support, expertise requests and
transitions. Each function owns its transaction and takes the acting user."""

from collections.abc import Iterable
from datetime import date, datetime

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from cap.models import Referral, ServiceUser
from core.errors import Conflict, Invalid, NotAllowed, StaleVersion
from core.history import save_as
from core.locks import lock_referral
from directory.models import CommunityService, Expertise
from scheduling.models import Practitioner, Team
from triage.models import WaitTarget
from triage.services import next_due_refresh, target_cancel, target_meet, target_start

from . import selectors
from .models import (
    SECTIONS,
    STEP_UP_LIMIT,
    Audience,
    CarePlan,
    CarePlanVersion,
    Episode,
    EpisodeCloseReason,
    ExpertiseRequest,
    ExpertiseRequestEvent,
    OtherNeed,
    OtherNeedLevel,
    PlanShare,
    RequestStatus,
    StepUpEndReason,
    StepUpEpisode,
    StepUpNotReason,
    StepUpReason,
    SupportLevel,
    SupportSlot,
    TeamAroundMember,
    Transition,
    TransitionStatus,
)


def _require_involved(actor: User, service_user: ServiceUser) -> Practitioner:
    if not actor.has_perm("careplans.contribute_care_plan"):
        raise NotAllowed("Your role cannot contribute to care plans.")
    practitioner = selectors.practitioner_of(actor)
    if practitioner is None or not selectors.is_involved(actor, service_user):
        raise NotAllowed("Only practitioners involved in this person's care can change their plan.")
    return practitioner


# The plan and its versions

def care_plan_start(*, actor: User, service_user: ServiceUser, now: datetime | None = None) -> CarePlan:
    """The person's one plan, started if there is none yet (at or before the first assessment).
    Idempotent: two practitioners opening the page at once get the same plan."""
    if not actor.has_perm("careplans.contribute_care_plan"):
        raise NotAllowed("Your role cannot start care plans.")
    plan = CarePlan.objects.filter(service_user=service_user).first()
    if plan:
        return plan
    now = now or timezone.now()
    episode = (Episode.objects.open().filter(service_user=service_user, care_coordinator__isnull=False)
               .order_by("-opened_on").first())
    try:
        with transaction.atomic():
            plan = save_as(CarePlan(service_user=service_user, created_by=actor, created_at=now,
                                    updated_at=now, version=1,
                                    care_coordinator=episode.care_coordinator if episode else None),
                           actor)
            _write_version(plan, actor=actor, summary="Plan started", team=None, now=now)
    except IntegrityError:  # the other practitioner's start won
        plan = CarePlan.objects.get(service_user=service_user)
    return plan


def _snapshot(plan: CarePlan) -> dict[str, str | list[str]]:
    sections: dict[str, str | list[str]] = dict(plan.sections())
    sections["other_needs"] = [
        f"{need.need} ({need.get_level_display()})"
        + (f": {', '.join(s.name for s in need.services.all())}" if need.services.exists() else "")
        for need in plan.other_needs.all()]
    return sections


def _write_version(plan: CarePlan, *, actor: User, summary: str, team: Team | None,
                   now: datetime) -> CarePlanVersion:
    practitioner = selectors.practitioner_of(actor)
    return CarePlanVersion.objects.create(
        care_plan=plan, number=plan.version, sections=_snapshot(plan), summary=summary, author=actor,
        author_name=practitioner.name if practitioner else actor.get_full_name() or actor.username,
        team=team, created_at=now)


def _contributing_team(practitioner: Practitioner, service_user: ServiceUser,
                       team: Team | None) -> Team | None:
    if team is not None:
        if not practitioner.teams.filter(pk=team.pk).exists():
            raise Invalid("Contribute as one of your own teams.", field="team")
        return team
    teams = practitioner.teams.all()
    return (teams.filter(episodes__service_user=service_user, episodes__closed_on__isnull=True).first()
            or teams.first())


def _locked_plan(care_plan: CarePlan) -> CarePlan:
    # Two contributions at once: the second waits, then builds on the first.
    return CarePlan.objects.select_for_update().get(pk=care_plan.pk)


@transaction.atomic
def care_plan_contribute(*, actor: User, care_plan: CarePlan, sections: dict[str, str], summary: str,
                         team: Team | None = None, based_on: int | None = None,
                         now: datetime | None = None) -> CarePlanVersion:
    """A practitioner's contribution: a new version of the whole plan, naming its author,
    team and time. Earlier versions stay as they were.

    `based_on` is the version the practitioner edited. If another contribution was saved
    since, this one is refused (StaleVersion) rather than written over it: the row lock
    only makes the two wait in turn, and the second would still undo the first."""
    now = now or timezone.now()
    practitioner = _require_involved(actor, care_plan.service_user)
    plan = _locked_plan(care_plan)
    if based_on is not None and based_on != plan.version:
        raise StaleVersion(
            f"Version {plan.version} was saved while you were editing version {based_on}. Your "
            "text is kept: compare it with the current plan, merge the two and save again.",
            current_version=plan.version)
    if not summary.strip():
        raise Invalid("Say what you changed.", field="summary")
    known = {name for name, _ in SECTIONS}
    changed = {name: text.strip() for name, text in sections.items()
               if name in known and text.strip() != getattr(plan, name)}
    if not changed:
        raise Invalid("Nothing in the plan has changed.")
    for name, text in changed.items():
        setattr(plan, name, text)
    return _new_version(plan, actor=actor, summary=summary.strip(), now=now,
                        team=_contributing_team(practitioner, plan.service_user, team))


def _new_version(plan: CarePlan, *, actor: User, summary: str, team: Team | None,
                 now: datetime) -> CarePlanVersion:
    plan.version += 1
    plan.updated_at = now
    save_as(plan, actor)
    return _write_version(plan, actor=actor, summary=summary, team=team, now=now)


@transaction.atomic
def other_need_add(*, actor: User, care_plan: CarePlan, need: str, level: str,
                   services: Iterable[CommunityService] = (), now: datetime | None = None) -> OtherNeed:
    now = now or timezone.now()
    practitioner = _require_involved(actor, care_plan.service_user)
    plan = _locked_plan(care_plan)
    if level not in OtherNeedLevel.values:
        raise Invalid("Choose the level of support needed.", field="level")
    if not need.strip():
        raise Invalid("Describe the need.", field="need")
    other = OtherNeed.objects.create(care_plan=plan, need=need.strip(), level=level, added_by=actor,
                                     added_at=now)
    other.services.set(services)
    _new_version(plan, actor=actor, now=now, summary=f"Other need added: {other}",
                 team=_contributing_team(practitioner, plan.service_user, None))
    return other


# The care coordinator and the team around the person

@transaction.atomic
def care_coordinator_set(*, actor: User, care_plan: CarePlan, practitioner: Practitioner,
                         now: datetime | None = None) -> CarePlan:
    """The plan's care coordinator (lead professional). Named from the plan, they are also
    the coordinator of the person's open episode with a team of theirs, whose care
    coordinator target is then met (care_coordinator_name)."""
    _require_involved(actor, care_plan.service_user)
    plan = _locked_plan(care_plan)
    plan.care_coordinator = practitioner
    save_as(plan, actor)
    for episode in Episode.objects.open().filter(service_user=plan.service_user,
                                                 team__practitioners=practitioner):
        _coordinator_named(actor, episode, practitioner, now or timezone.now())
    return plan


@transaction.atomic
def team_around_add(*, actor: User, care_plan: CarePlan, practitioner: Practitioner, involvement: str,
                    now: datetime | None = None) -> TeamAroundMember:
    _require_involved(actor, care_plan.service_user)
    if not involvement.strip():
        raise Invalid("Say what they bring to the person's care.", field="involvement")
    if care_plan.team_around.filter(practitioner=practitioner, ended_at__isnull=True).exists():
        raise Conflict(f"{practitioner} is already in the team around the person.", field="practitioner")
    member = TeamAroundMember(care_plan=care_plan, practitioner=practitioner,
                              involvement=involvement.strip(), added_by=actor,
                              added_at=now or timezone.now())
    return save_as(member, actor)


@transaction.atomic
def team_around_end(*, actor: User, member: TeamAroundMember,
                    now: datetime | None = None) -> TeamAroundMember:
    _require_involved(actor, member.care_plan.service_user)
    member = TeamAroundMember.objects.select_for_update().get(pk=member.pk)
    if member.ended_at is None:
        member.ended_at = now or timezone.now()
        save_as(member, actor)
    return member


# Sharing

@transaction.atomic
def care_plan_share(*, actor: User, care_plan: CarePlan, audience: str, shared_with: str, method: str,
                    now: datetime | None = None) -> PlanShare:
    """Record that the current version was given to the person and carer, or to the GP."""
    _require_involved(actor, care_plan.service_user)
    if audience not in Audience.values:
        raise Invalid("Choose who the plan was shared with.", field="audience")
    if not shared_with.strip():
        raise Invalid("Enter who it was shared with.", field="shared_with")
    plan = _locked_plan(care_plan)
    version = CarePlanVersion.objects.get(care_plan=plan, number=plan.version)
    return PlanShare.objects.create(care_plan=plan, version=version, audience=audience,
                                    shared_with=shared_with.strip(), method=method.strip(),
                                    shared_by=actor, shared_at=now or timezone.now())


# Community step up support

@transaction.atomic
def step_up_start(*, actor: User, service_user: ServiceUser, reason: str,
                  practitioners: Iterable[Practitioner],
                  frequency: str, checks_confirmed: list[str], detail: str = "",
                  now: datetime | None = None) -> StepUpEpisode:
    """Start temporary step-up support, expected to last not more than six weeks."""
    now = now or timezone.now()
    _require_involved(actor, service_user)
    if reason not in StepUpReason.values:
        raise Invalid("Choose the reason for step up.", field="reason")
    if set(checks_confirmed) != set(StepUpNotReason.values):
        raise Invalid("Confirm that none of the reasons not to involve step up applies.",
                      field="checks_confirmed")
    if not Episode.objects.open().filter(service_user=service_user).exists():
        raise Invalid("Step up is for people open to the service.")
    if not practitioners:
        raise Invalid("Choose the step up practitioners.", field="practitioners")
    if not frequency.strip():
        raise Invalid("Enter how often they will be in contact.", field="frequency")
    step_up = StepUpEpisode(service_user=service_user, reason=reason, detail=detail.strip(),
                            frequency=frequency.strip(), checks_confirmed=sorted(checks_confirmed),
                            started_by=actor, started_at=now, limit_at=now + STEP_UP_LIMIT)
    try:
        with transaction.atomic():
            save_as(step_up, actor)
    except IntegrityError as error:
        raise Conflict("This person already has step up support running.") from error
    step_up.practitioners.set(practitioners)
    return step_up


@transaction.atomic
def step_up_end(*, actor: User, step_up: StepUpEpisode, end_reason: str,
                now: datetime | None = None) -> StepUpEpisode:
    _require_involved(actor, step_up.service_user)
    if end_reason not in StepUpEndReason.values:
        raise Invalid("Choose why step up is ending.", field="end_reason")
    step_up = StepUpEpisode.objects.select_for_update().get(pk=step_up.pk)
    if step_up.ended_at:
        raise Conflict("This step up support has already ended.")
    step_up.ended_at, step_up.end_reason, step_up.ended_by = now or timezone.now(), end_reason, actor
    return save_as(step_up, actor)


# Additional support and expertise

# Which of the directory's offers each level needs.
LEVEL_OFFER: dict[str, str] = {
    SupportLevel.PHONE_ADVICE: "phone_advice", SupportLevel.SUPERVISION: "supervision",
    SupportLevel.JOINT_CONTACTS: "joint_contact", SupportLevel.JOINT_INTERVENTIONS: "joint_contact"}

NEXT_STATUSES: dict[str, set[str]] = {
    RequestStatus.REQUESTED: {RequestStatus.ACCEPTED, RequestStatus.DECLINED},
    RequestStatus.ACCEPTED: {RequestStatus.COMPLETED, RequestStatus.DECLINED}}


@transaction.atomic
def expertise_request_create(*, actor: User, service_user: ServiceUser, expertise: Expertise, level: str,
                             question: str, now: datetime | None = None) -> ExpertiseRequest:
    now = now or timezone.now()
    _require_involved(actor, service_user)
    if level not in SupportLevel.values:
        raise Invalid("Choose the level of support.", field="level")
    if not getattr(expertise, LEVEL_OFFER[level]):
        raise Invalid(f"{expertise.practitioner} does not offer this level of support.", field="level")
    if not question.strip():
        raise Invalid("Say what you need help with.", field="question")
    request = save_as(ExpertiseRequest(service_user=service_user, expertise=expertise,
                                       expert=expertise.practitioner, level=level,
                                       question=question.strip(), requested_by=actor,
                                       requested_at=now), actor)
    ExpertiseRequestEvent.objects.create(request=request, to_status=RequestStatus.REQUESTED, by=actor, at=now)
    return request


@transaction.atomic
def expertise_request_move(*, actor: User, request: ExpertiseRequest, to_status: str, note: str = "",
                           now: datetime | None = None) -> ExpertiseRequest:
    """The expert accepts, declines or completes a request (the requester may also withdraw it,
    recorded as declined)."""
    request = ExpertiseRequest.objects.select_for_update().get(pk=request.pk)
    practitioner = selectors.practitioner_of(actor)
    is_expert = practitioner is not None and practitioner.pk == request.expert_id
    if not is_expert and not (request.requested_by_id == actor.pk and to_status == RequestStatus.DECLINED):
        raise NotAllowed("Only the expert asked can answer this request.")
    if to_status not in NEXT_STATUSES.get(request.status, set()):
        raise Conflict(f"A request that is {request.get_status_display().lower()} cannot become "
                       f"{RequestStatus(to_status).label.lower()}.")
    ExpertiseRequestEvent.objects.create(request=request, from_status=request.status, to_status=to_status,
                                         note=note.strip(), by=actor, at=now or timezone.now())
    request.status = to_status
    return save_as(request, actor)


def support_slot_offer(*, actor: User, starts_at: datetime, ends_at: datetime) -> SupportSlot:
    practitioner = selectors.practitioner_of(actor)
    if practitioner is None or not Expertise.objects.filter(practitioner=practitioner).exists():
        raise NotAllowed("Only practitioners in the directory of expertise offer support slots.")
    if ends_at <= starts_at:
        raise Invalid("A slot ends after it starts.", field="ends_at")
    return SupportSlot.objects.create(practitioner=practitioner, starts_at=starts_at, ends_at=ends_at)


@transaction.atomic
def support_slot_take(*, actor: User, slot: SupportSlot, request: ExpertiseRequest) -> SupportSlot:
    if request.requested_by_id != actor.pk:
        raise NotAllowed("Only the practitioner who asked can take a slot for the request.")
    if slot.practitioner_id != request.expert_id:
        raise Invalid("The slot is another expert's.")
    if request.status not in (RequestStatus.REQUESTED, RequestStatus.ACCEPTED):
        raise Conflict("The request is closed.")
    # Two practitioners taking the same slot: exactly one update succeeds.
    if SupportSlot.objects.filter(pk=slot.pk, taken_by__isnull=True).update(taken_by=request) != 1:
        raise Conflict("Someone has just taken that slot.")
    slot.refresh_from_db()
    return slot


# Handovers: an assessment opens an episode of care with a team; the team names a care
# coordinator within a target; an episode closes with a reason. "The person will remain
# under the Central Access Point until the assessment has taken place" (002): after it,
# they are on a team's caseload, so nobody is lost between the two.

CARE_COORDINATOR_TARGET = selectors.CARE_COORDINATOR_TARGET
# Why the care coordinator target stops unmet when an episode closes first.
COORDINATOR_NOT_NEEDED = "episode closed before a care coordinator was named"


@transaction.atomic
def episode_open_after_assessment(*, actor: User, referral: Referral, team: Team,
                                  at: datetime) -> Episode:
    """The handover after an assessment: the person's episode of care with `team` opens,
    led to by `referral`, and the care coordinator target starts on the referral from `at`.
    Idempotent: with an episode with that team open already, nothing new is opened (and
    its target, if any, runs on). Expects the referral locked (core.locks.lock_referral),
    as the assessment's own service holds it."""
    existing = Episode.objects.open().filter(service_user_id=referral.service_user_id, team=team).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            episode = save_as(Episode(service_user_id=referral.service_user_id, team=team,
                                      referral=referral, opened_on=timezone.localdate(at),
                                      opened_by=actor), actor)
    except IntegrityError:  # another referral of the person's handed over to the team meanwhile
        return Episode.objects.open().get(service_user_id=referral.service_user_id, team=team)
    _coordinator_target_start(referral, at)
    return episode


def _coordinator_target_start(referral: Referral, at: datetime) -> None:
    # `again`: a referral whose earlier episode had its coordinator named runs the target anew.
    target_start(referral=referral, code=CARE_COORDINATOR_TARGET, start=at, again=True)


def may_act_for_team(actor: User, team: Team) -> bool:
    """A practitioner of the team, or a manager (who holds the caseloads of all teams)."""
    practitioner = selectors.practitioner_of(actor)
    in_team = practitioner is not None and practitioner.teams.filter(pk=team.pk).exists()
    return in_team or actor.has_perm("careplans.change_episode")


def _locked_episode(episode: Episode) -> Episode:
    if episode.referral_id:
        lock_referral(episode.referral_id)  # the referral first: its target changes too
    return Episode.objects.select_for_update().select_related("team").get(pk=episode.pk)


def _coordinator_named(actor: User, episode: Episode, practitioner: Practitioner, now: datetime) -> None:
    episode.care_coordinator = practitioner
    save_as(episode, actor)
    if episode.referral is not None:
        target_meet(referral=episode.referral, code=CARE_COORDINATOR_TARGET, at=now, actor=actor)


@transaction.atomic
def care_coordinator_name(*, actor: User, episode: Episode, practitioner: Practitioner,
                          now: datetime | None = None) -> Episode:
    """The team names the person's care coordinator, one of its own practitioners: the
    care coordinator target is met, and the care plan names them as its lead professional.
    Locks the referral, then the episode."""
    now = now or timezone.now()
    episode = _locked_episode(episode)
    if episode.closed_on:
        raise Conflict("This episode of care has closed.")
    if not may_act_for_team(actor, episode.team):
        raise NotAllowed(f"Only the {episode.team}'s practitioners, or a manager, name its "
                         "care coordinators.")
    if not practitioner.teams.filter(pk=episode.team_id).exists():
        raise Invalid(f"Choose a practitioner of the {episode.team}.", field="care_coordinator")
    _coordinator_named(actor, episode, practitioner, now)
    plan = CarePlan.objects.select_for_update().filter(service_user_id=episode.service_user_id).first()
    if plan is not None and plan.care_coordinator_id != practitioner.pk:
        plan.care_coordinator = practitioner
        save_as(plan, actor)
    return episode


CLOSE_REASONS_OF_A_PAGE = (EpisodeCloseReason.DISCHARGED_TO_GP, EpisodeCloseReason.OTHER)


@transaction.atomic
def episode_close(*, actor: User, episode: Episode, reason: str, detail: str = "",
                  now: datetime | None = None) -> Episode:
    """Close an episode of care: discharged to the GP, or another reason, in words. A move
    to another team closes it through its transition (transition_done), never here, so the
    person always has a receiving team. Locks the referral, then the episode."""
    now = now or timezone.now()
    episode = _locked_episode(episode)
    if not may_act_for_team(actor, episode.team):
        raise NotAllowed(f"Only the {episode.team}'s practitioners, or a manager, close its episodes.")
    if reason not in CLOSE_REASONS_OF_A_PAGE:
        raise Invalid("Choose why the episode is closing. To move the person to another team, "
                      "plan a transition.", field="reason")
    if reason == EpisodeCloseReason.OTHER and not detail.strip():
        raise Invalid("Say why the episode is closing.", field="detail")
    if Transition.objects.filter(service_user_id=episode.service_user_id, from_team_id=episode.team_id,
                                 status__in=[TransitionStatus.PLANNED, TransitionStatus.AGREED]).exists():
        raise Conflict("A transition from this team is planned: complete or cancel it first.")
    return _episode_closed(actor, episode, reason, detail.strip(), now)


def _episode_closed(actor: User, episode: Episode, reason: str, detail: str, now: datetime) -> Episode:
    if episode.closed_on:
        raise Conflict("This episode of care has already closed.")
    episode.closed_on, episode.closed_by = timezone.localdate(now), actor
    episode.close_reason, episode.close_detail = reason, detail
    save_as(episode, actor)
    if episode.referral is not None and reason != EpisodeCloseReason.TRANSITION:
        # Moved through a transition, the target carries on for the receiving team.
        running = WaitTarget.objects.running().filter(referral=episode.referral,
                                                      definition__code=CARE_COORDINATOR_TARGET)
        for target in running:
            target_cancel(target=target, at=now, reason=COORDINATOR_NOT_NEEDED, actor=actor)
        next_due_refresh(episode.referral)
    return episode


# Transitions between specialties: handovers from the person's current team to another,
# planned, agreed by the receiving team, then done (the episode moves) or cancelled.

@transaction.atomic
def transition_plan(*, actor: User, service_user: ServiceUser, from_team: Team, to_team: Team, reason: str,
                    planned_for: date, now: datetime | None = None) -> Transition:
    """A planned move between specialties, agreed on the person's needs by both teams. Nothing
    calls this from a date of birth: a birthday alone never moves anyone. It moves the person
    from their current team (an open episode with it), on a day still to come."""
    now = now or timezone.now()
    _require_involved(actor, service_user)
    if from_team.specialty == to_team.specialty:
        raise Invalid("A transition moves between two specialties.", field="to_team")
    if not Episode.objects.open().filter(service_user=service_user, team=from_team).exists():
        raise Invalid(f"{service_user} has no open episode with the {from_team}: a transition moves "
                      "them from their current team.", field="from_team")
    if planned_for < timezone.localdate(now):
        raise Invalid("The planned date cannot be in the past.", field="planned_for")
    if len(reason.strip()) < 10:
        raise Invalid("Describe the needs that call for the move.", field="reason")
    if Transition.objects.filter(service_user=service_user, from_team=from_team,
                                 status__in=[TransitionStatus.PLANNED, TransitionStatus.AGREED]).exists():
        raise Conflict(f"A transition from the {from_team} is already planned for {service_user}.")
    return save_as(Transition(service_user=service_user, from_specialty=from_team.specialty,
                              to_specialty=to_team.specialty, from_team=from_team, to_team=to_team,
                              reason=reason.strip(), planned_for=planned_for, recorded_by=actor,
                              recorded_at=now), actor)


def _locked_transition(transition: Transition) -> Transition:
    return (Transition.objects.select_for_update().select_related("from_team", "to_team", "service_user")
            .get(pk=transition.pk))


def _check_status(transition: Transition, *allowed: str, doing: str) -> None:
    if transition.status not in allowed:
        raise Conflict(f"A transition that is {transition.get_status_display().lower()} cannot be {doing}.")


@transaction.atomic
def transition_agree(*, actor: User, transition: Transition, now: datetime | None = None) -> Transition:
    """The receiving team agrees to take the person on: only someone of that team, or a manager."""
    transition = _locked_transition(transition)
    if not may_act_for_team(actor, transition.to_team):
        raise NotAllowed(f"Only the {transition.to_team}, the receiving team, or a manager, agrees "
                         "a transition.")
    _check_status(transition, TransitionStatus.PLANNED, doing="agreed")
    transition.status, transition.agreed_by, transition.agreed_at = (TransitionStatus.AGREED, actor,
                                                                     now or timezone.now())
    return save_as(transition, actor)


@transaction.atomic
def transition_done(*, actor: User, transition: Transition, now: datetime | None = None) -> Transition:
    """The move happens: the from-team's episode closes ("moved to another team through a
    transition") and one opens with the receiving team, from the same referral. A care
    coordinator target still running carries on, due when it was; one already met (the
    from-team named its coordinator) runs again, for the receiving team to name its own.
    Agreed first; done by either team, or a manager. Locks the transition, then (through
    the episodes) the referral."""
    now = now or timezone.now()
    leaving = Episode.objects.open().filter(service_user_id=transition.service_user_id,
                                            team_id=transition.from_team_id).first()
    if leaving is not None:
        leaving = _locked_episode(leaving)  # its referral first, as every lock order starts
    transition = _locked_transition(transition)
    if not (may_act_for_team(actor, transition.to_team) or may_act_for_team(actor, transition.from_team)):
        raise NotAllowed("Only the two teams of the transition, or a manager, complete it.")
    _check_status(transition, TransitionStatus.AGREED, doing="done before the receiving team agrees it")
    if leaving is None or leaving.closed_on:
        raise Conflict(f"The person's episode with the {transition.from_team} has closed: cancel the "
                       "transition, or plan a new one from their current team.")
    _episode_closed(actor, leaving, EpisodeCloseReason.TRANSITION,
                    f"To the {transition.to_team}", now)
    arriving = Episode.objects.open().filter(service_user_id=transition.service_user_id,
                                             team=transition.to_team).first()
    if arriving is None:
        arriving = save_as(Episode(service_user_id=transition.service_user_id, team=transition.to_team,
                                   referral_id=leaving.referral_id, opened_on=timezone.localdate(now),
                                   opened_by=actor), actor)
        if leaving.referral is not None:
            _coordinator_target_start(leaving.referral, now)
    transition.status, transition.done_by, transition.done_at = TransitionStatus.DONE, actor, now
    return save_as(transition, actor)


@transaction.atomic
def transition_cancel(*, actor: User, transition: Transition, reason: str,
                      now: datetime | None = None) -> Transition:
    """Either team, or a manager, cancels a transition not yet done, saying why."""
    transition = _locked_transition(transition)
    if not (may_act_for_team(actor, transition.to_team) or may_act_for_team(actor, transition.from_team)):
        raise NotAllowed("Only the two teams of the transition, or a manager, cancel it.")
    _check_status(transition, TransitionStatus.PLANNED, TransitionStatus.AGREED, doing="cancelled")
    if not reason.strip():
        raise Invalid("Say why the transition is cancelled.", field="reason")
    transition.status, transition.cancelled_by = TransitionStatus.CANCELLED, actor
    transition.cancelled_at, transition.cancel_reason = now or timezone.now(), reason.strip()[:500]
    return save_as(transition, actor)
