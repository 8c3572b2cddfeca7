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
from django.db.models import Case, IntegerField, Q, Value, When
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
    ChildrenHubResponse,
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
from .referral_status import referral_initial_status, referral_status_set
from .validators import normalise_nhs_number, normalise_postcode


@dataclass(frozen=True)
class PersonDetails:
    """Who a contact is about. The date of birth and postcode are missing only when the
    identity is not confirmed (a crisis caller could not or would not give them)."""

    given_name: str
    family_name: str
    date_of_birth: date | None
    postcode: str
    nhs_number: str = ""
    gp_practice: GPPractice | None = None
    identity_confirmed: bool = True
    address_line_1: str = ""
    address_line_2: str = ""
    town: str = ""


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
            _address_fill_if_missing(actor, existing, person)
            return PersonMatch(existing, MatchResult.MATCHED_NHS_NUMBER)
    candidates = [c for c in likely_matches(person) if not (c.nhs_number and nhs_number)]
    record = ServiceUser(
        nhs_number=nhs_number, given_name=person.given_name.strip(),
        family_name=person.family_name.strip(), date_of_birth=person.date_of_birth,
        postcode=normalise_postcode(person.postcode), gp_practice=person.gp_practice,
        identity_confirmed=person.identity_confirmed, address_line_1=person.address_line_1.strip(),
        address_line_2=person.address_line_2.strip(), town=person.town.strip(),
    )
    if not person.identity_confirmed:  # a caller's "unknown" is still a record to triage
        record.given_name = record.given_name or "Unknown"
        record.family_name = record.family_name or "Unknown"
    _check_identity(record)
    record.full_clean(validate_unique=False, validate_constraints=False)
    if not nhs_number:
        save_as(record, actor)  # no NHS number, nothing another request could add first
    else:
        try:
            with transaction.atomic():  # a savepoint: another request may add this NHS number first
                save_as(record, actor)
        except IntegrityError:
            existing = ServiceUser.objects.filter(nhs_number=nhs_number).first()
            if existing is None:
                raise
            return PersonMatch(existing, MatchResult.MATCHED_NHS_NUMBER)
    result = MatchResult.POSSIBLE_MATCH if candidates else MatchResult.NEW_PERSON
    return PersonMatch(record, result, candidates)


def _address_fill_if_missing(actor: User | None, record: ServiceUser, person: PersonDetails) -> None:
    """A known person's record gets the postal address a new contact gives only when it has
    none: an address already recorded (perhaps corrected by the admin team) is not
    overwritten by whatever a referrer's system holds."""
    if record.address_line_1 or not person.address_line_1.strip():
        return
    _address_copy(record, person)
    save_as(record, actor)


def _address_copy(record: ServiceUser, person: PersonDetails) -> None:
    record.address_line_1 = person.address_line_1.strip()
    record.address_line_2 = person.address_line_2.strip()
    record.town = person.town.strip()


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


def _check_identity(record: ServiceUser) -> None:
    """A record whose identity is confirmed has a date of birth and a postcode (the
    database checks it too: service_user_confirmed_identity_has_dob_and_postcode)."""
    if record.identity_confirmed and record.date_of_birth is None:
        raise Invalid("Enter the person's date of birth.", field="date_of_birth")
    if record.identity_confirmed and not record.postcode:
        raise Invalid("Enter the person's postcode.", field="postcode")


def _goes_to_children_hub(service_user: ServiceUser, received_at: datetime) -> bool:
    """Under-18s go to the separate children's triage and navigation hub where the trust
    has one (setting CHILDREN_HUB_ENABLED); otherwise they stream to CAMHS at triage. With
    no date of birth the age is not known, and the referral waits for triage as an adult's."""
    age = service_user.age_on(timezone.localtime(received_at).date())
    # An unknown age stays with adult triage, which sees the person's identity is not confirmed.
    return settings.CHILDREN_HUB_ENABLED and age is not None and age < 18


def referral_receive(*, actor: User | None, channel: str, person: PersonDetails, reason: str,
                     received_at: datetime | None = None, first_contact_at: datetime | None = None,
                     referrer: Referrer = Referrer(), referrer_risk: str = "",
                     referrer_urgency: str = "", contact: ContactDetails = ContactDetails(),
                     attachment: UploadedFile | None = None,
                     submission_token: str | None = None, risk_indicators: Sequence[str] = (),
                     specific_queue: str = "",
                     targets: Sequence[triage_services.TargetStart] = ()) -> Receipt:
    """Receive a referral from any channel: match the person, start the triage review
    clock (or redirect an under-18 to the children's hub) and the channel's own `targets`
    (a BaRS sender's call-back deadline), and say what is already open.
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
    starts = list(targets)
    if referral.status == ReferralStatus.AWAITING_TRIAGE:
        starts.insert(0, triage_services.TargetStart("triage_review", received_at))
    # Redirected to the children's hub too: the handoff target, and any urgent clock.
    triage_services.intake_clocks_start(referral=referral, also=starts, fresh=True)
    # A record made just now has no other referral nor episode to warn of.
    known = match.result == MatchResult.MATCHED_NHS_NUMBER
    warnings = known_to_services_warnings(match.service_user, exclude_id=referral.id) if known else []
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


# --- The children's hub handoff --------------------------------------------------------
# Under-18s redirected to the children's hub wait on the CAP's handoff queue, worked by
# triage clinicians (and seen by managers), until the hub answers. They record its answer.

HUB_REASON_LENGTH = 2000


@transaction.atomic
def children_hub_accept(*, actor: User, referral: Referral) -> ChildrenHubResponse:
    """The children's hub accepted the referral: recorded, the handoff target met, and the
    referral leaves the CAP (the hub owns it and its assessment). Locks the referral."""
    referral = lock_referral(referral.pk)
    now = timezone.now()
    _check_redirected(referral)
    response = save_as(ChildrenHubResponse(referral=referral, outcome=ChildrenHubResponse.Outcome.ACCEPTED,
                                           responded_at=now, recorded_by=actor), actor)
    referral_status_set(referral=referral, to=ReferralStatus.ACCEPTED_CHILDREN_HUB, actor=actor)
    triage_services.children_hub_accepted_clocks(actor=actor, referral=referral, at=now)
    return response


@transaction.atomic
def children_hub_return(*, actor: User, referral: Referral, reason: str) -> ChildrenHubResponse:
    """The children's hub returned the referral, saying why: recorded, and the referral
    awaits CAP triage again with its triage clock (its urgent clocks kept from the first
    contact). Locks the referral."""
    reason = reason.strip()
    if not reason:
        raise Invalid("Enter the reason the children's hub gave for returning the referral.", field="reason")
    if len(reason) > HUB_REASON_LENGTH:
        raise Invalid(f"The reason must be {HUB_REASON_LENGTH} characters or fewer.", field="reason")
    referral = lock_referral(referral.pk)
    now = timezone.now()
    _check_redirected(referral)
    response = save_as(ChildrenHubResponse(referral=referral, outcome=ChildrenHubResponse.Outcome.RETURNED,
                                           reason=reason, responded_at=now, recorded_by=actor), actor)
    referral_status_set(referral=referral, to=ReferralStatus.AWAITING_TRIAGE, actor=actor,
                        reason=f"Returned by the children's hub: {reason}")
    triage_services.children_hub_returned_clocks(actor=actor, referral=referral, at=now)
    return response


def _check_redirected(referral: Referral) -> None:
    if referral.status != ReferralStatus.REDIRECTED_CHILDREN_HUB:
        raise Conflict(f"{referral.reference} is not waiting for the children's hub: it is "
                       f"{referral.get_status_display().lower()}.")


@transaction.atomic
def identity_complete(*, actor: User, referral: Referral, person: PersonDetails) -> Referral:
    """Complete the identity of a person passed to triage without it (a crisis caller
    who could not or would not give the date of birth or postcode). An NHS number that
    another record holds moves the referral to that record, the provisional one marked
    superseded; otherwise the record is completed and confirmed, and, when someone
    already known looks like the same person, the referral goes to the identity check
    (match_result possible match). Locks the referral and its person."""
    referral = lock_referral(referral.pk, select_related=("service_user",))
    record = referral.service_user
    if record.identity_confirmed:
        raise Conflict(f"The identity of {record} on {referral.reference} is already confirmed.")
    _check_date_of_birth(person, timezone.localdate())
    nhs_number = normalise_nhs_number(person.nhs_number) or None
    known = ServiceUser.objects.filter(nhs_number=nhs_number).exclude(pk=record.pk).first() \
        if nhs_number else None
    if known is not None:
        if record.referrals.exclude(pk=referral.pk).exists():
            raise Invalid("This NHS number is another person's record, and the provisional record "
                          "has other referrals: ask the admin team to link them.", field="nhs_number")
        record.superseded_by = known
        save_as(record, actor)
        referral.service_user, referral.match_result = known, MatchResult.MATCHED_NHS_NUMBER
        referral.match_reviewed_at, referral.match_reviewed_by = timezone.now(), actor
        return save_as(referral, actor)
    record.given_name, record.family_name = person.given_name.strip(), person.family_name.strip()
    record.date_of_birth, record.postcode = person.date_of_birth, normalise_postcode(person.postcode)
    record.nhs_number, record.identity_confirmed = nhs_number, True
    record.gp_practice = person.gp_practice or record.gp_practice
    if person.address_line_1.strip():
        _address_copy(record, person)
    _check_identity(record)
    record.full_clean(validate_unique=False, validate_constraints=False)
    save_as(record, actor)
    candidates = [c for c in likely_matches(person, exclude_id=record.pk)
                  if not (c.nhs_number and nhs_number)]
    if candidates:
        referral.match_result = MatchResult.POSSIBLE_MATCH
        referral.match_reviewed_at, referral.match_reviewed_by = None, None
        save_as(referral, actor)
    return referral


# --- Phone calls -------------------------------------------------------------------

CLINICAL_OUTCOMES = {CallOutcome.PASSED_TO_TRIAGE, CallOutcome.ROUTED_TO_TEAM}


@dataclass(frozen=True)
class Caller:
    """Who called, and the number the clinician who triages the call rings back."""

    name: str = ""
    relationship: str = ""
    callback_number: str = ""


@dataclass(frozen=True)
class Call:
    started_at: datetime
    caller_type: str
    nature: str
    outcome_kind: str
    outcome: str  # what was given or done: advice, signposting
    details: str = ""  # the call handler's notes: what the caller said
    ended_at: datetime | None = None
    emergency_advised: bool = False
    caller: Caller = Caller()
    risk_indicators: tuple[str, ...] = ()


@dataclass
class CallReceipt:
    """The call logged, and what its call handler is told: which referral it created
    or joined, and what that did to the referral."""

    enquiry: Enquiry
    notes: list[str] = field(default_factory=list)


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
             service_user: ServiceUser | None = None, team: Team | None = None) -> CallReceipt:
    """Log a phone call and carry out its outcome. A call passed to urgent clinical
    triage creates a referral whose first contact is the call's start, or, when the
    person already has an open referral, is added to it as a further contact and
    re-prioritises it (no duplicate); that referral is locked."""
    now = timezone.now()
    _check_call(call, now)
    enquiry = Enquiry(
        reference=next_reference("ENQ"), channel=Channel.PHONE, received_at=call.started_at,
        ended_at=call.ended_at, caller_type=call.caller_type, nature=call.nature,
        details=call.details, outcome=call.outcome, outcome_kind=call.outcome_kind,
        emergency_advised_at=now if call.emergency_advised else None,
        caller_name=call.caller.name.strip(), caller_relationship=call.caller.relationship.strip(),
        callback_number=call.caller.callback_number.strip(),
        risk_indicators=list(dict.fromkeys(call.risk_indicators)),
        service_user=service_user, logged_by=actor,
    )
    notes: list[str] = []
    if call.outcome_kind == CallOutcome.PASSED_TO_TRIAGE:
        enquiry.referral, enquiry.joined_referral, notes = _pass_to_urgent_triage(
            actor, call, person, service_user, now)
        enquiry.service_user = enquiry.referral.service_user
    save_as(enquiry, actor)
    if call.outcome_kind == CallOutcome.ROUTED_TO_TEAM:
        _task_for(actor, enquiry, TaskKind.ROUTED_CALL, team or _existing_team(enquiry.service_user))
    elif call.outcome_kind == CallOutcome.APPOINTMENT_CHANGE:
        _task_for(actor, enquiry, TaskKind.APPOINTMENT_CHANGE, None)
    return CallReceipt(enquiry, notes)


# Which of a person's open referrals a crisis call joins when they have more than one:
# the one nearest triage first.
_JOIN_ORDER = Case(*(When(status=status, then=Value(rank)) for rank, status in enumerate(
    [ReferralStatus.AWAITING_TRIAGE, ReferralStatus.AWAITING_URGENT_ASSESSMENT,
     ReferralStatus.AWAITING_BOOKING, ReferralStatus.BOOKED])), output_field=IntegerField())


def _pass_to_urgent_triage(actor: User, call: Call, person: PersonDetails | None,
                           service_user: ServiceUser | None,
                           now: datetime) -> tuple[Referral, bool, list[str]]:
    """The referral the call goes to triage as, whether it joined one already open, and
    what the call handler is told."""
    if service_user is None and person is not None and person.nhs_number:
        # Typed in, not found by the search: the NHS number still finds the person's record.
        service_user = ServiceUser.objects.filter(
            nhs_number=normalise_nhs_number(person.nhs_number), superseded_by__isnull=True).first()
    if service_user is not None:
        open_referral = lock_referrals(service_user.referrals.open()
                                       .order_by(_JOIN_ORDER, "received_at")).first()
        if open_referral:
            return open_referral, True, _crisis_call_joins(actor, open_referral, call, now)
        person = PersonDetails(
            nhs_number=service_user.nhs_number or "", given_name=service_user.given_name,
            family_name=service_user.family_name, date_of_birth=service_user.date_of_birth,
            postcode=service_user.postcode, gp_practice=service_user.gp_practice,
            identity_confirmed=service_user.identity_confirmed,
            address_line_1=service_user.address_line_1, address_line_2=service_user.address_line_2,
            town=service_user.town)
    if person is None:
        raise Invalid("A call passed to triage needs the person it is about.", field="given_name")
    receipt = referral_receive(actor=actor, channel=Channel.PHONE, person=person,
                               reason=call.details or call.outcome, received_at=call.started_at,
                               first_contact_at=call.started_at, risk_indicators=call.risk_indicators)
    referral = receipt.referral
    referral.urgent_triage_requested_at = now
    save_as(referral, actor)
    # Redirected to the children's hub or not, a call passed to urgent triage runs its clocks.
    triage_services.intake_clocks_start(referral=referral)
    notes = [f"Passed to urgent triage as {referral.reference}."]
    if not referral.service_user.identity_confirmed:
        notes.append(f"{referral.reference} is marked identity not confirmed: its date of birth "
                     "and postcode are to be completed on the referral.")
    return referral, False, notes


def _crisis_call_joins(actor: User, referral: Referral, call: Call, now: datetime) -> list[str]:
    """Add the call to the person's open referral as a further contact, with its risk
    indicators, and re-prioritise the referral by where it is:

    - awaiting triage: flagged urgent, its clocks from the earliest contact;
    - awaiting its urgent assessment: the contact is added, and the 4- or 24-hour target
      already running stays (the call changes no clock);
    - awaiting booking or booked (triaged routine): back on the urgent triage queue, its
      urgent clocks from the call; a booking is kept until triage decides again.

    Expects `referral` locked."""
    referral.risk_indicators = list(dict.fromkeys([*referral.risk_indicators, *call.risk_indicators]))
    referral.suggested_urgency = triage_services.urgency_suggestion(referral.risk_indicators)
    added = f"Call added to {referral.reference} ({referral.get_status_display().lower()})"
    if referral.status == ReferralStatus.AWAITING_TRIAGE:
        referral.first_contact_at = min(referral.first_contact_at, call.started_at)
        referral.urgent_triage_requested_at = referral.urgent_triage_requested_at or now
        save_as(referral, actor)
        triage_services.intake_clocks_start(referral=referral)
        return [f"{added}: it is on the urgent triage queue, its clocks from the first contact."]
    if referral.status == ReferralStatus.AWAITING_URGENT_ASSESSMENT:
        save_as(referral, actor)
        running = referral.targets.filter(met_at__isnull=True, cancelled_at__isnull=True,
                                          definition__code__in=("assessment_4h", "assessment_24h")) \
            .select_related("definition").order_by("due_at").first()
        due = f", due {timezone.localtime(running.due_at):%a %-d %b %H:%M}" if running else ""
        return [f"{added}: its urgent assessment target stays as it is{due}. Tell the clinician "
                "assessing the person about this call."]
    # Triaged routine: a crisis now is a new first contact for the urgent clocks.
    booked = list(referral.bookings.filter(status="booked").order_by("starts_at")) \
        if referral.status == ReferralStatus.BOOKED else []
    referral.first_contact_at = call.started_at
    referral.urgent_triage_requested_at = now
    referral_status_set(referral=referral, to=ReferralStatus.AWAITING_TRIAGE, actor=actor)
    triage_services.crisis_clocks_restart(referral=referral, actor=actor)
    notes = [f"{added}: it is back on the urgent triage queue, its urgent clocks from this call."]
    for booking in booked:
        notes.append(f"Its booked assessment on {timezone.localtime(booking.starts_at):%a %-d %b %Y %H:%M} "
                     "is kept until triage decides again.")
    return notes


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


@transaction.atomic
def service_user_vulnerable_set(*, actor: User, service_user: ServiceUser, vulnerable: bool,
                                reason: str, now: datetime | None = None) -> ServiceUser:
    """Flag the person vulnerable, or remove the flag, saying why; the person's history
    records who changed it and when. Flagged, any "did not attend" asks for a clinical
    review before they are booked again (scheduling.services.booking_did_not_attend).
    Locks the person."""
    reason = reason.strip()
    if not reason:
        raise Invalid("Say why." if vulnerable else "Say why the flag is removed.", field="reason")
    person = ServiceUser.objects.select_for_update().get(pk=service_user.pk)
    person.vulnerable, person.vulnerable_reason = vulnerable, reason
    person.vulnerable_set_by, person.vulnerable_set_at = actor, now or timezone.now()
    return save_as(person, actor)
