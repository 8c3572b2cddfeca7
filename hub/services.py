"""Urgent Care Hub actions: an arrival recorded (which starts the 2-hour assessment
target from the time of arrival), its assessment started, and completed with its outcome
(which meets the target)."""

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from cap import services as cap_services
from cap.models import Channel, Referral, ReferralStatus, ServiceUser
from cap.referral_status import referral_status_set
from cap.services import PersonDetails, Referrer
from core.errors import Conflict, Invalid
from core.history import save_as
from core.locks import lock_referral, lock_referrals
from triage import services as triage_services
from triage.alerts import HUB_ASSESSMENT_TARGET
from triage.models import WaitTarget

from .models import ArrivalRoute, HubArrival, HubOutcome

# An arrival is recorded while the person is at the hub: a time more than a day ago is a
# typing slip (a wrong date), not a late entry, and would start a clock already long past.
ARRIVAL_RECORDED_WITHIN = timedelta(hours=24)


@dataclass(frozen=True)
class Arrival:
    arrived_at: datetime
    route: str
    presenting_concern: str
    accompanied_by: str = ""


@dataclass
class ArrivalReceipt:
    """What the hub staff are told: the arrival, whether it joined the person's open
    referral, and what is already open for them."""

    arrival: HubArrival
    joined: bool
    warnings: list[str] = field(default_factory=list)


def _check_arrival(arrival: Arrival, now: datetime) -> None:
    if arrival.arrived_at > now:
        raise Invalid("The time of arrival cannot be in the future.", field="arrived_at")
    if arrival.arrived_at < now - ARRIVAL_RECORDED_WITHIN:
        raise Invalid("The time of arrival must be within the last 24 hours.", field="arrived_at")
    if arrival.route not in ArrivalRoute.values:
        raise Invalid("Select how the person came to the hub.", field="route")
    if not arrival.presenting_concern.strip():
        raise Invalid("Enter the presenting concern.", field="presenting_concern")


def _open_referral_to_join(service_user: ServiceUser) -> Referral | None:
    """The person's newest open referral, locked, unless a hub assessment is already
    running for it (someone recorded twice: the second arrival gets its own referral). A
    referral whose earlier hub assessment is over runs the 2-hour target again."""
    return (lock_referrals(Referral.objects.open().filter(service_user=service_user)
                           .exclude(targets__in=WaitTarget.objects.running()
                                    .filter(definition__code=HUB_ASSESSMENT_TARGET))
                           .order_by("-received_at", "-id"))
            .first())


@transaction.atomic
def hub_arrival_record(*, actor: User, arrival: Arrival, person: PersonDetails | None = None,
                       service_user: ServiceUser | None = None) -> ArrivalReceipt:
    """Record someone's arrival at the hub and start their 2-hour assessment target from
    the time they arrived. A person found by the search (`service_user`) with an open
    referral joins it (locked); anyone else gets a new referral on the Urgent Care Hub
    channel, awaiting urgent assessment. A name is enough: the date of birth and postcode
    may be unknown (the person matching offers no likely match without a date of birth)."""
    now = timezone.now()
    _check_arrival(arrival, now)
    referral = _open_referral_to_join(service_user) if service_user is not None else None
    joined = referral is not None
    if referral is None:
        if service_user is not None:
            person = PersonDetails(
                nhs_number=service_user.nhs_number or "", given_name=service_user.given_name,
                family_name=service_user.family_name, date_of_birth=service_user.date_of_birth,
                postcode=service_user.postcode, gp_practice=service_user.gp_practice)
        if person is None or not (person.given_name.strip() and person.family_name.strip()):
            raise Invalid("Enter the person's first and last name, or find them first.",
                          field="given_name")
        # Someone who gives only a name is recorded as identity not confirmed, completed
        # later on the referral, as a crisis call's person is.
        person = replace(person, identity_confirmed=person.identity_confirmed
                         and person.date_of_birth is not None and bool(person.postcode.strip()))
        receipt = cap_services.referral_receive(
            actor=actor, channel=Channel.HUB, person=person, reason=arrival.presenting_concern,
            received_at=arrival.arrived_at, first_contact_at=arrival.arrived_at,
            referrer=Referrer(role=ArrivalRoute(arrival.route).label))
        referral = receipt.referral
    target = triage_services.target_start(referral=referral, code=HUB_ASSESSMENT_TARGET, again=True,
                                          start=arrival.arrived_at)
    record = save_as(HubArrival(
        referral=referral, target=target, arrived_at=arrival.arrived_at, route=arrival.route,
        accompanied_by=arrival.accompanied_by.strip(), presenting_concern=arrival.presenting_concern,
        recorded_by=actor, recorded_at=now), actor)
    warnings = cap_services.known_to_services_warnings(referral.service_user, exclude_id=referral.id)
    return ArrivalReceipt(record, joined, warnings)


def _lock_arrival(arrival: HubArrival) -> HubArrival:
    """The arrival, locked after its referral (core.locks: the referral first)."""
    lock_referral(arrival.referral_id)
    return HubArrival.objects.select_for_update().select_related("referral", "target").get(pk=arrival.pk)


@transaction.atomic
def hub_assessment_start(*, actor: User, arrival: HubArrival) -> HubArrival:
    """A member of the hub staff has begun the person's assessment. Locks the referral,
    then the arrival, so two people starting it at once record one start."""
    arrival = _lock_arrival(arrival)
    if arrival.assessed_at:
        raise Conflict("This person's assessment has already been completed.")
    if arrival.assessment_started_at:
        who = arrival.assessment_started_by
        name = (who.get_full_name() or who.get_username()) if who else "someone"
        raise Conflict(f"{name} started this assessment at "
                       f"{timezone.localtime(arrival.assessment_started_at):%H:%M}.")
    arrival.assessment_started_at, arrival.assessment_started_by = timezone.now(), actor
    return save_as(arrival, actor)


@transaction.atomic
def hub_assessment_complete(*, actor: User, arrival: HubArrival, completed_at: datetime, outcome: str,
                            notes: str = "") -> HubArrival:
    """The assessment is complete, at `completed_at` (between the arrival and now), with its
    outcome: the 2-hour target is met then (breached if after its due time). A referral the
    arrival created is assessed; a referral it joined carries on with its own pathway.
    Locks the referral, then the arrival."""
    now = timezone.now()
    arrival = _lock_arrival(arrival)
    if arrival.assessed_at:
        raise Conflict("This person's assessment has already been completed.")
    if completed_at > now:
        raise Invalid("The assessment cannot be completed in the future.", field="completed_at")
    if completed_at < arrival.arrived_at:
        raise Invalid(f"The assessment cannot be completed before the person arrived "
                      f"({timezone.localtime(arrival.arrived_at):%d %b %H:%M}).", field="completed_at")
    if outcome not in HubOutcome.values:
        raise Invalid("Select the outcome of the assessment.", field="outcome")
    arrival.assessed_at, arrival.assessed_by = completed_at, actor
    arrival.outcome, arrival.outcome_notes = outcome, notes.strip()
    save_as(arrival, actor)
    referral = arrival.referral
    triage_services.target_meet(referral=referral, code=HUB_ASSESSMENT_TARGET, at=completed_at,
                                actor=actor)
    arrival.target.refresh_from_db()  # met by target_meet through its own instance
    if referral.channel == Channel.HUB and referral.status == ReferralStatus.AWAITING_URGENT_ASSESSMENT:
        if outcome == HubOutcome.SECONDARY_CARE:
            _to_cap_triage(actor, arrival, completed_at)
        else:
            referral_status_set(referral=referral, to=ReferralStatus.ASSESSED, actor=actor,
                                reason=f"Urgent Care Hub assessment: {HubOutcome(outcome).label}")
    return arrival


def _to_cap_triage(actor: User, arrival: HubArrival, completed_at: datetime) -> None:
    """Referred on into secondary care through the CAP: the hub's referral waits for CAP
    triage to stream it, on the triage review clock from the assessment, with what the hub
    found as the information gathered before triage."""
    referral = arrival.referral
    stamp = timezone.localtime(completed_at).strftime("%d %b %Y %H:%M")
    found = f"{stamp}, Urgent Care Hub assessment: {arrival.outcome_notes or 'referred on through the CAP'}"
    referral.additional_information = "\n".join(filter(None, [referral.additional_information, found]))[:8000]
    referral_status_set(referral=referral, to=ReferralStatus.AWAITING_TRIAGE, actor=actor)
    triage_services.target_start(referral=referral, code="triage_review", start=completed_at, again=True)
