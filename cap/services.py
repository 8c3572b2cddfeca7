"""Intake actions: every contact that reaches the Central Access Point."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from triage import services as triage_services

from .errors import Invalid
from .history import save_as
from .models import (
    CallNature,
    Channel,
    Enquiry,
    GPPractice,
    Referral,
    ServiceUser,
)
from .references import next_reference
from .validators import normalise_nhs_number, normalise_postcode


@dataclass(frozen=True)
class PersonDetails:
    given_name: str
    family_name: str
    date_of_birth: date
    postcode: str
    nhs_number: str = ""
    gp_practice: GPPractice | None = None


@dataclass(frozen=True)
class Referrer:
    name: str = ""
    role: str = ""
    organisation: str = ""
    ods_code: str = ""


def service_user_for(*, actor, person: PersonDetails) -> ServiceUser:
    """The person's one record, found by NHS number; a new record when there is none.

    Matching on name, date of birth and postcode (for people without an NHS
    number) needs a person to confirm it and is never done silently here."""
    nhs_number = normalise_nhs_number(person.nhs_number) or None
    if nhs_number:
        existing = ServiceUser.objects.select_for_update().filter(nhs_number=nhs_number).first()
        if existing:
            return existing
    user = ServiceUser(
        nhs_number=nhs_number,
        given_name=person.given_name.strip(),
        family_name=person.family_name.strip(),
        date_of_birth=person.date_of_birth,
        postcode=normalise_postcode(person.postcode),
        gp_practice=person.gp_practice,
    )
    user.full_clean()
    return save_as(user, actor)


def _check_received_at(received_at: datetime, now: datetime) -> None:
    if received_at > now:
        raise Invalid("The date and time received cannot be in the future.", field="received_at")


@transaction.atomic
def referral_log_written(*, actor, person: PersonDetails, referrer: Referrer, reason: str,
                         referrer_risk: str = "", referrer_urgency: str = "",
                         received_at: datetime | None = None) -> Referral:
    """Log a GP letter or electronic referral; it reaches the triage worklist with
    its review due time at once."""
    now = timezone.now()
    received_at = received_at or now
    _check_received_at(received_at, now)
    referral = Referral(
        reference=next_reference("REF"),
        service_user=service_user_for(actor=actor, person=person),
        channel=Channel.WRITTEN,
        received_at=received_at,
        first_contact_at=received_at,
        referrer_name=referrer.name,
        referrer_role=referrer.role,
        referrer_organisation=referrer.organisation,
        referrer_ods_code=referrer.ods_code.upper(),
        reason=reason,
        referrer_risk=referrer_risk,
        referrer_urgency=referrer_urgency,
        logged_by=actor,
    )
    save_as(referral, actor)
    triage_services.target_start(referral=referral, code="triage_review", start=received_at)
    return referral


@transaction.atomic
def call_log(*, actor, started_at: datetime, ended_at: datetime | None, caller_type: str,
             nature: str, details: str, outcome: str,
             person: PersonDetails | None = None) -> Enquiry:
    """Log a phone call. A clinical call is passed to urgent clinical triage: it
    becomes a referral whose first contact is the call's start, so the urgent
    clocks count from the moment the person first reached the service."""
    now = timezone.now()
    _check_received_at(started_at, now)
    if ended_at and ended_at < started_at:
        raise Invalid("The call cannot end before it started.", field="ended_at")
    enquiry = Enquiry(
        reference=next_reference("ENQ"), channel=Channel.PHONE, received_at=started_at,
        ended_at=ended_at, caller_type=caller_type, nature=nature, details=details,
        outcome=outcome, logged_by=actor,
    )
    if nature == CallNature.CLINICAL:
        if person is None:
            raise Invalid("A clinical call goes to triage: enter who the call is about.",
                          field="given_name")
        service_user = service_user_for(actor=actor, person=person)
        referral = Referral(
            reference=next_reference("REF"), service_user=service_user, channel=Channel.PHONE,
            received_at=started_at, first_contact_at=started_at, reason=details or outcome,
            logged_by=actor,
        )
        save_as(referral, actor)
        triage_services.target_start(referral=referral, code="triage_review", start=started_at)
        enquiry.service_user, enquiry.referral = service_user, referral
    return save_as(enquiry, actor)
