"""Intake actions: every contact that reaches the Central Access Point, by any channel,
ends here and (when clinical) on the triage worklist."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone

from core.errors import Conflict, Invalid
from core.history import save_as
from core.locks import lock_referral, lock_referrals
from scheduling.models import Team
from triage import services as triage_services

from .models import (
    OPEN_STATUSES,
    CallNature,
    CallOutcome,
    Channel,
    Enquiry,
    GPPractice,
    MatchResult,
    Referral,
    ReferralStatus,
    ServiceUser,
    Task,
    TaskKind,
)
from .references import next_reference
from .referral_status import referral_initial_status
from .validators import normalise_nhs_number, normalise_postcode


@dataclass(frozen=True)
class PersonDetails:
    given_name: str
    family_name: str
    date_of_birth: date | None  # None: not known (an Urgent Care Hub arrival may give a name only)
    postcode: str
    nhs_number: str = ""
    gp_practice: GPPractice | None = None


@dataclass(frozen=True)
class Referrer:
    name: str = ""
    role: str = ""
    organisation: str = ""
    ods_code: str = ""
    phone: str = ""


@dataclass(frozen=True)
class ContactDetails:
    preference: str = ""
    phone: str = ""
    email: str = ""
    safe_to_leave_message: bool = False
    consent_to_share: bool | None = None


@dataclass
class PersonMatch:
    service_user: ServiceUser
    result: str
    candidates: list[ServiceUser] = field(default_factory=list)


@dataclass
class Receipt:
    """What intake tells whoever logged a referral: the referral, how the person
    was matched, and anything they should know (an open referral or episode)."""

    referral: Referral
    match: PersonMatch
    warnings: list[str] = field(default_factory=list)


# --- One person, one record --------------------------------------------------------

def likely_matches(person: PersonDetails, *, exclude_id: int | None = None) -> list[ServiceUser]:
    """People already known with the same date of birth and the same family name or
    postcode: offered to a person to link or confirm, never merged silently."""
    candidates = (
        ServiceUser.objects.filter(date_of_birth=person.date_of_birth, superseded_by__isnull=True)
        .annotate(family=Upper("family_name"))
        .filter(Q(family=person.family_name.strip().upper())
                | Q(postcode=normalise_postcode(person.postcode)))
    )
    if exclude_id:
        candidates = candidates.exclude(id=exclude_id)
    return list(candidates.order_by("id")[:10])


def person_match(*, actor: User | None, person: PersonDetails) -> PersonMatch:
    """The person's one record: found by NHS number, otherwise a new record, flagged
    for review when someone already known looks like the same person. Expects to run
    inside the caller's transaction."""
    nhs_number = normalise_nhs_number(person.nhs_number) or None
    if nhs_number:
        existing = ServiceUser.objects.filter(nhs_number=nhs_number).first()
        if existing:
            return PersonMatch(existing, MatchResult.MATCHED_NHS_NUMBER)
    candidates = [c for c in likely_matches(person) if not (c.nhs_number and nhs_number)]
    record = ServiceUser(
        nhs_number=nhs_number, given_name=person.given_name.strip(),
        family_name=person.family_name.strip(), date_of_birth=person.date_of_birth,
        postcode=normalise_postcode(person.postcode), gp_practice=person.gp_practice,
    )
    record.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():  # a savepoint: another request may add this NHS number first
            save_as(record, actor)
    except IntegrityError:
        existing = ServiceUser.objects.filter(nhs_number=nhs_number).first() if nhs_number else None
        if existing is None:
            raise
        return PersonMatch(existing, MatchResult.MATCHED_NHS_NUMBER)
    result = MatchResult.POSSIBLE_MATCH if candidates else MatchResult.NEW_PERSON
    return PersonMatch(record, result, candidates)


def known_to_services_warnings(service_user: ServiceUser, *, exclude_id: int | None = None) -> list[str]:
    from careplans.models import Episode

    warnings = []
    open_referrals = service_user.referrals.filter(status__in=OPEN_STATUSES)
    if exclude_id is not None:
        open_referrals = open_referrals.exclude(id=exclude_id)
    for other in open_referrals:
        warnings.append(f"{service_user} already has an open referral, {other.reference} "
                        f"({other.get_status_display().lower()}).")
    for episode in Episode.objects.open().filter(service_user=service_user).select_related("team"):
        warnings.append(f"{service_user} is known to services: open episode with {episode.team}.")
    return warnings


# --- Referrals ---------------------------------------------------------------------

def _check_received_at(received_at: datetime, now: datetime, field_name: str = "received_at") -> None:
    if received_at > now:
        raise Invalid("The date and time received cannot be in the future.", field=field_name)


def _check_date_of_birth(person: PersonDetails, today: date) -> None:
    if person.date_of_birth and person.date_of_birth > today:
        raise Invalid("Date of birth must be in the past.", field="date_of_birth")


def _goes_to_children_hub(service_user: ServiceUser, received_at: datetime) -> bool:
    """Under-18s go to the separate children's triage and navigation hub where the trust
    has one (setting CHILDREN_HUB_ENABLED); otherwise they stream to CAMHS at triage. With
    no date of birth the age is not known, and the referral waits for triage as an adult's."""
    age = service_user.age_on(timezone.localtime(received_at).date())
    return settings.CHILDREN_HUB_ENABLED and age is not None and age < 18


def referral_receive(*, actor: User | None, channel: str, person: PersonDetails, reason: str,
                     received_at: datetime | None = None, first_contact_at: datetime | None = None,
                     referrer: Referrer = Referrer(), referrer_risk: str = "",
                     referrer_urgency: str = "", contact: ContactDetails = ContactDetails(),
                     attachment: UploadedFile | None = None,
                     submission_token: str | None = None, risk_indicators: Sequence[str] = (),
                     specific_queue: str = "") -> Receipt:
    """Receive a referral from any channel: match the person, start the triage review
    clock (or redirect an under-18 to the children's hub), and say what is already open.
    Expects to run inside the caller's transaction (see the channel functions below)."""
    now = timezone.now()
    received_at = received_at or now
    _check_received_at(received_at, now)
    _check_date_of_birth(person, timezone.localdate())
    match = person_match(actor=actor, person=person)
    referral = Referral(
        reference=next_reference("REF"), service_user=match.service_user, channel=channel,
        received_at=received_at, first_contact_at=min(first_contact_at or received_at, received_at),
        reason=reason, referrer_name=referrer.name, referrer_role=referrer.role,
        referrer_organisation=referrer.organisation, referrer_ods_code=referrer.ods_code.upper(),
        referrer_phone=referrer.phone, submission_token=submission_token,
        referrer_risk=referrer_risk, referrer_urgency=referrer_urgency,
        contact_preference=contact.preference, contact_phone=contact.phone,
        contact_email=contact.email, safe_to_leave_message=contact.safe_to_leave_message,
        consent_to_share=contact.consent_to_share, match_result=match.result, logged_by=actor,
        risk_indicators=list(risk_indicators), specific_queue=specific_queue,
        suggested_urgency=triage_services.urgency_suggestion(risk_indicators),
    )
    if attachment is not None:
        referral.attachment.save(attachment.name, attachment, save=False)
    referral_initial_status(referral=referral, now=now,
                            to_children_hub=_goes_to_children_hub(match.service_user, received_at))
    save_as(referral, actor)
    if referral.status == ReferralStatus.AWAITING_TRIAGE:
        triage_services.target_start(referral=referral, code="triage_review", start=received_at)
        triage_services.intake_clocks_start(referral=referral)
    warnings = known_to_services_warnings(match.service_user, exclude_id=referral.id)
    return Receipt(referral, match, warnings)


@transaction.atomic
def referral_log_written(*, actor: User, person: PersonDetails, referrer: Referrer, reason: str,
                         referrer_risk: str = "", referrer_urgency: str = "",
                         received_at: datetime | None = None,
                         attachment: UploadedFile | None = None, risk_indicators: Sequence[str] = (),
                         specific_queue: str = "") -> Referral:
    """Log a GP letter or electronic referral; it reaches the triage worklist at once."""
    return referral_log_written_receipt(
        actor=actor, person=person, referrer=referrer, reason=reason, referrer_risk=referrer_risk,
        referrer_urgency=referrer_urgency, received_at=received_at, attachment=attachment,
        risk_indicators=risk_indicators, specific_queue=specific_queue,
    ).referral


@transaction.atomic
def referral_log_written_receipt(*, actor: User, **details: Any) -> Receipt:
    return referral_receive(actor=actor, channel=Channel.WRITTEN, **details)


@transaction.atomic
def referral_add_information(*, actor: User, referral: Referral, text: str) -> Referral:
    """Add information the admin team gathered before triage, signed and dated. Locks
    the referral."""
    referral = lock_referral(referral.pk)
    if referral.status != ReferralStatus.AWAITING_TRIAGE:
        raise Invalid("Information can be added only while the referral awaits triage.", field="text")
    stamp = timezone.localtime().strftime("%d %b %Y %H:%M")
    entry = f"{stamp}, {actor.get_full_name() or actor.get_username()}: {text.strip()}"
    referral.additional_information = "\n".join(filter(None, [referral.additional_information, entry]))
    if len(referral.additional_information) > 8000:
        raise Invalid("The information gathered is too long; summarise it.", field="text")
    return save_as(referral, actor)


@transaction.atomic
def match_confirm_new_person(*, actor: User, referral: Referral) -> Referral:
    """A person confirmed the referral's record is someone new. Locks the referral."""
    referral = lock_referral(referral.pk)
    referral.match_reviewed_at, referral.match_reviewed_by = timezone.now(), actor
    return save_as(referral, actor)


@transaction.atomic
def match_link_to_existing(*, actor: User, referral: Referral, person: ServiceUser) -> Referral:
    """A person confirmed the referral is about someone already known: move it to that
    record and mark the provisional record as superseded (never deleted). Locks the
    referral and its provisional record."""
    referral = lock_referral(referral.pk, select_related=("service_user",))
    provisional = referral.service_user
    if person.pk == provisional.pk or person.superseded_by_id:
        raise Invalid("Choose another person's current record.", field="person")
    if provisional.nhs_number and person.nhs_number and provisional.nhs_number != person.nhs_number:
        raise Invalid("These records have different NHS numbers: they are not the same person.",
                      field="person")
    if provisional.referrals.exclude(pk=referral.pk).exists():
        raise Invalid("The provisional record has other referrals; link each of them.", field="person")
    provisional.superseded_by = person
    save_as(provisional, actor)
    referral.service_user = person
    referral.match_reviewed_at, referral.match_reviewed_by = timezone.now(), actor
    return save_as(referral, actor)


# --- Phone calls -------------------------------------------------------------------

CLINICAL_OUTCOMES = {CallOutcome.PASSED_TO_TRIAGE, CallOutcome.ROUTED_TO_TEAM}


@dataclass(frozen=True)
class Call:
    started_at: datetime
    caller_type: str
    nature: str
    outcome_kind: str
    outcome: str
    details: str = ""
    ended_at: datetime | None = None
    emergency_advised: bool = False


def _check_call(call: Call, now: datetime) -> None:
    _check_received_at(call.started_at, now, "started_at")
    if call.ended_at and call.ended_at < call.started_at:
        raise Invalid("The call cannot end before it started.", field="ended_at")
    if call.ended_at and call.ended_at > now:
        raise Invalid("The call cannot end in the future.", field="ended_at")
    if call.nature == CallNature.CLINICAL and call.outcome_kind not in CLINICAL_OUTCOMES:
        raise Invalid("A clinical call must go to urgent clinical triage or to the person's "
                      "existing team.", field="outcome_kind")


@transaction.atomic
def call_log(*, actor: User, call: Call, person: PersonDetails | None = None,
             service_user: ServiceUser | None = None, team: Team | None = None) -> Enquiry:
    """Log a phone call and carry out its outcome. A call passed to urgent clinical
    triage creates a referral whose first contact is the call's start, or, when the
    person already has one awaiting triage, flags that one as urgent (no duplicate);
    that referral is locked."""
    now = timezone.now()
    _check_call(call, now)
    enquiry = Enquiry(
        reference=next_reference("ENQ"), channel=Channel.PHONE, received_at=call.started_at,
        ended_at=call.ended_at, caller_type=call.caller_type, nature=call.nature,
        details=call.details, outcome=call.outcome, outcome_kind=call.outcome_kind,
        emergency_advised_at=now if call.emergency_advised else None,
        service_user=service_user, logged_by=actor,
    )
    if call.outcome_kind == CallOutcome.PASSED_TO_TRIAGE:
        enquiry.referral = _pass_to_urgent_triage(actor, call, person, service_user, now)
        enquiry.service_user = enquiry.referral.service_user
    save_as(enquiry, actor)
    if call.outcome_kind == CallOutcome.ROUTED_TO_TEAM:
        _task_for(actor, enquiry, TaskKind.ROUTED_CALL, team or _existing_team(enquiry.service_user))
    elif call.outcome_kind == CallOutcome.APPOINTMENT_CHANGE:
        _task_for(actor, enquiry, TaskKind.APPOINTMENT_CHANGE, None)
    return enquiry


def _pass_to_urgent_triage(actor: User, call: Call, person: PersonDetails | None,
                           service_user: ServiceUser | None, now: datetime) -> Referral:
    if service_user is not None:
        waiting = lock_referrals(service_user.referrals.filter(status=ReferralStatus.AWAITING_TRIAGE)
                                 .order_by("received_at")).first()
        if waiting:
            waiting.first_contact_at = min(waiting.first_contact_at, call.started_at)
            waiting.urgent_triage_requested_at = waiting.urgent_triage_requested_at or now
            save_as(waiting, actor)
            triage_services.intake_clocks_start(referral=waiting)
            return waiting
        person = PersonDetails(
            nhs_number=service_user.nhs_number or "", given_name=service_user.given_name,
            family_name=service_user.family_name, date_of_birth=service_user.date_of_birth,
            postcode=service_user.postcode, gp_practice=service_user.gp_practice)
    if person is None:
        raise Invalid("A call passed to triage needs the person it is about.", field="given_name")
    receipt = referral_receive(actor=actor, channel=Channel.PHONE, person=person,
                               reason=call.details or call.outcome, received_at=call.started_at,
                               first_contact_at=call.started_at)
    referral = receipt.referral
    referral.urgent_triage_requested_at = now
    save_as(referral, actor)
    if referral.status == ReferralStatus.AWAITING_TRIAGE:  # not redirected to the children's hub
        triage_services.intake_clocks_start(referral=referral)
    return referral


def _existing_team(service_user: ServiceUser | None) -> Team:
    from careplans.models import Episode

    episode = (Episode.objects.open().filter(service_user=service_user).select_related("team")
               .order_by("-opened_on").first()) if service_user else None
    if episode is None:
        raise Invalid("Routing to the existing team needs a person known to a team.", field="team")
    return episode.team


def _task_for(actor: User, enquiry: Enquiry, kind: str, team: Team | None) -> Task:
    task = Task(kind=kind, description=f"{enquiry.reference}: {enquiry.outcome}",
                service_user=enquiry.service_user, enquiry=enquiry, team=team, created_by=actor)
    return save_as(task, actor)


@transaction.atomic
def task_complete(*, actor: User, task: Task) -> Task:
    """Mark a task done. Locks the task row, so two people marking it at once record
    one completion and the second is told it was already done."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.done_at:
        raise Conflict("This task has already been marked done.")
    task.done_at, task.done_by = timezone.now(), actor
    return save_as(task, actor)
