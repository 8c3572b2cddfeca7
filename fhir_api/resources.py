"""The CAP's records as FHIR R4 resources in UK Core's shapes: pure functions from a record
(its related rows already loaded, fhir_api.selectors) to the resource as a dict, so a
record reads the same in every answer that carries it.

Only what the CAP knows is said: an element it has no value for is left out, never sent
empty (FHIR forbids empty strings and arrays)."""

from datetime import date, datetime
from typing import Any

from cap.models import Referral, ReferralStatus, ServiceUser
from careplans.models import SECTIONS, CarePlan, OtherNeedLevel
from core.fhir import FHIR_JSON, NHS_NUMBER_SYSTEM, ODS_CODE_SYSTEM
from scheduling.models import Booking, BookingStatus, Practitioner
from triage.models import Urgency

Resource = dict[str, Any]

UK_CORE = "https://fhir.hl7.org.uk/StructureDefinition/"
NHS_NUMBER_VERIFICATION = UK_CORE + "Extension-UKCore-NHSNumberVerificationStatus"
NHS_NUMBER_VERIFICATION_CODES = "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland"
PROCESS_MESSAGE = "http://hl7.org/fhir/OperationDefinition/MessageHeader-process-message"
# The path under the site's address that names the CAP's own identifiers (a referral's reference).
REFERRAL_REFERENCE_PATH = "/fhir/Id/referral-reference"
# When this capability statement last changed (CapabilityStatement.date).
CAPABILITY_DATE = "2026-12-03"

# What each resource type can be searched by: the capability statement lists these, and a
# search by anything else is refused (fhir_api.views).
SEARCH_PARAMS: dict[str, dict[str, tuple[str, str]]] = {
    "Patient": {"identifier": ("token", f"The NHS number: {NHS_NUMBER_SYSTEM}|<10 digits>.")},
    "ServiceRequest": {"patient": ("reference", "The person's Patient id: the CAP's referrals of them.")},
    "Appointment": {"patient": ("reference", "The person's Patient id: their structured assessments.")},
    "CarePlan": {"patient": ("reference", "The person's Patient id: their care plan.")},
}
# Which can be read by id as well.
READABLE = {"Patient", "ServiceRequest"}

# A referral's status as FHIR's request status: still the CAP's to act on (active), done
# with (assessed, or passed to the service that acts on it: completed), or ended without
# the assessment asked for (closed after missed appointments: revoked).
SERVICE_REQUEST_STATUS: dict[str, str] = {
    ReferralStatus.AWAITING_TRIAGE: "active",
    ReferralStatus.AWAITING_BOOKING: "active",
    ReferralStatus.BOOKED: "active",
    ReferralStatus.AWAITING_URGENT_ASSESSMENT: "active",
    ReferralStatus.REDIRECTED_CHILDREN_HUB: "active",
    ReferralStatus.ASSESSED: "completed",
    ReferralStatus.ROUTED: "completed",
    ReferralStatus.ACCEPTED_CHILDREN_HUB: "completed",
    ReferralStatus.CLOSED: "revoked",
}

# The Clinical Response Priority as FHIR's request priority.
PRIORITY: dict[str, str] = {Urgency.ROUTINE: "routine", Urgency.URGENT: "urgent", Urgency.VERY_URGENT: "asap",
            Urgency.EMERGENCY: "stat"}

APPOINTMENT_STATUS: dict[str, str] = {
    BookingStatus.HELD: "pending",
    BookingStatus.BOOKED: "booked",
    BookingStatus.ATTENDED: "fulfilled",
    BookingStatus.DID_NOT_ATTEND: "noshow",
    BookingStatus.WAS_NOT_BROUGHT: "noshow",
    BookingStatus.CANCELLED: "cancelled",
    BookingStatus.EXPIRED: "cancelled",
}


def _profile(name: str) -> dict[str, list[str]]:
    return {"profile": [UK_CORE + name]}


def _instant(value: datetime) -> str:
    return value.isoformat()


def patient_reference(person: ServiceUser) -> Resource:
    return {"reference": f"Patient/{person.pk}", "display": str(person)}


def _nhs_number(person: ServiceUser) -> Resource:
    identifier: Resource = {"system": NHS_NUMBER_SYSTEM, "value": person.nhs_number}
    if person.identity_confirmed:
        verified = {"system": NHS_NUMBER_VERIFICATION_CODES, "code": "01",
                    "display": "Number present and verified"}
        identifier["extension"] = [{"url": NHS_NUMBER_VERIFICATION,
                                    "valueCodeableConcept": {"coding": [verified]}}]
    return identifier


def _address(person: ServiceUser) -> Resource | None:
    address: Resource = {"use": "home"}
    if lines := [line for line in (person.address_line_1, person.address_line_2) if line]:
        address["line"] = lines
    if person.town:
        address["city"] = person.town
    if person.postcode:
        address["postalCode"] = person.postcode
    return address if len(address) > 1 else None


def patient(person: ServiceUser) -> Resource:
    """UK Core Patient: the NHS number (verified once the identity is confirmed), name, date
    of birth, address and GP practice; a record found to be someone already known is
    inactive and points to that person's."""
    resource: Resource = {"resourceType": "Patient", "id": str(person.pk), "meta": _profile("UKCore-Patient")}
    if person.nhs_number:
        resource["identifier"] = [_nhs_number(person)]
    resource["active"] = person.superseded_by_id is None
    resource["name"] = [{"use": "official", "text": str(person), "family": person.family_name,
                         "given": [person.given_name]}]
    if person.date_of_birth:
        resource["birthDate"] = person.date_of_birth.isoformat()
    if address := _address(person):
        resource["address"] = [address]
    if practice := person.gp_practice:
        resource["generalPractitioner"] = [{
            "type": "Organization", "identifier": {"system": ODS_CODE_SYSTEM, "value": practice.ods_code},
            "display": practice.name}]
    if person.superseded_by_id:
        resource["link"] = [{"other": {"reference": f"Patient/{person.superseded_by_id}"},
                             "type": "replaced-by"}]
    return resource


def _requester(referral: Referral) -> Resource | None:
    who = ", ".join(part for part in (referral.referrer_name, referral.referrer_role,
                                      referral.referrer_organisation) if part)
    return {"display": who} if who else None


def _urgency(referral: Referral) -> str:
    """The latest triage decision's urgency (decisions prefetched newest first), or what
    the urgency rules suggested before triage; blank when neither."""
    decisions = list(referral.decisions.all())
    return decisions[0].urgency if decisions else referral.suggested_urgency


def referral_reference_system(site_url: str) -> str:
    return site_url + REFERRAL_REFERENCE_PATH


def service_request(referral: Referral, *, site_url: str) -> Resource:
    """UK Core ServiceRequest: a referral to the CAP, with its reference as identifier."""
    resource: Resource = {
        "resourceType": "ServiceRequest", "id": str(referral.pk), "meta": _profile("UKCore-ServiceRequest"),
        "identifier": [{"system": referral_reference_system(site_url), "value": referral.reference}],
        "status": SERVICE_REQUEST_STATUS[referral.status], "intent": "order",
    }
    if priority := PRIORITY.get(_urgency(referral)):
        resource["priority"] = priority
    resource["subject"] = patient_reference(referral.service_user)
    resource["authoredOn"] = _instant(referral.received_at)
    if requester := _requester(referral):
        resource["requester"] = requester
    resource["reasonCode"] = [{"text": referral.reason}]
    if referral.referrer_risk:
        resource["note"] = [{"text": f"Current risk as the referrer describes it: {referral.referrer_risk}"}]
    return resource


def _practitioners(booking: Booking) -> list[Practitioner]:
    """Each practitioner of the booking's diary entries (prefetched), in the order they join."""
    return list(dict.fromkeys(e.practitioner for e in booking.entries.all() if e.practitioner))


def appointment(booking: Booking) -> Resource:
    """UK Core Appointment: a structured assessment booking, the person and each practitioner."""
    person = booking.referral.service_user
    resource: Resource = {
        "resourceType": "Appointment", "id": str(booking.pk), "meta": _profile("UKCore-Appointment"),
        "status": APPOINTMENT_STATUS[booking.status],
    }
    if booking.status == BookingStatus.CANCELLED and booking.cancel_reason:
        resource["cancelationReason"] = {"text": booking.cancel_reason}
    if booking.template is not None:
        resource["description"] = booking.template.name
    resource |= {
        "start": _instant(booking.starts_at), "end": _instant(booking.ends_at),
        "created": _instant(booking.booked_at or booking.created_at),
        "basedOn": [{"reference": f"ServiceRequest/{booking.referral_id}"}],
        "participant": [{"actor": patient_reference(person), "status": "accepted"},
                        *({"actor": {"display": p.name}, "status": "accepted"}
                          for p in _practitioners(booking))],
    }
    return resource


def _period(plan: CarePlan, ended_on: date | None) -> Resource:
    period: Resource = {"start": _instant(plan.created_at)}
    if ended_on:
        period["end"] = ended_on.isoformat()
    return period


def care_plan(plan: CarePlan, *, ended_on: date | None) -> Resource:
    """UK Core CarePlan: the person's care plan, active while they are in a team's care
    (`ended_on`: the day their last episode closed, when none is open). Its sections are
    notes under their headings; each other need is an activity."""
    resource: Resource = {
        "resourceType": "CarePlan", "id": str(plan.pk),
        "meta": {**_profile("UKCore-CarePlan"), "versionId": str(plan.version),
                 "lastUpdated": _instant(plan.updated_at)},
        "status": "completed" if ended_on else "active", "intent": "plan", "title": "Care plan",
    }
    if plan.plan:
        resource["description"] = plan.plan
    resource |= {"subject": patient_reference(plan.service_user), "period": _period(plan, ended_on),
                 "created": _instant(plan.created_at)}
    if plan.care_coordinator is not None:
        resource["author"] = {"display": plan.care_coordinator.name}
    levels = dict(OtherNeedLevel.choices)
    if activities := [{"detail": {"status": "in-progress", "description": f"{n.need} ({levels[n.level]})"}}
                      for n in plan.other_needs.all()]:
        resource["activity"] = activities
    if notes := [{"text": f"{heading}: {getattr(plan, name)}"} for name, heading in SECTIONS
                 if name != "plan" and getattr(plan, name)]:
        resource["note"] = notes
    return resource


def capability_statement(*, base_url: str) -> Resource:
    """What this server does: the reads and searches above, and BaRS's $process-message."""
    resources = [{
        "type": name, "profile": UK_CORE + f"UKCore-{name}",
        "interaction": [*([{"code": "read"}] if name in READABLE else []), {"code": "search-type"}],
        "searchParam": [{"name": param, "type": kind, "documentation": doc}
                        for param, (kind, doc) in params.items()],
    } for name, params in SEARCH_PARAMS.items()]
    return {
        "resourceType": "CapabilityStatement", "status": "active", "date": CAPABILITY_DATE,
        "publisher": "Central Access Point", "kind": "instance",
        "implementation": {"description": "Central Access Point FHIR API", "url": base_url},
        "fhirVersion": "4.0.1", "format": [FHIR_JSON, "json"],
        "rest": [{
            "mode": "server",
            "security": {"description": "Send the API token as `Authorization: Token <key>`."},
            "resource": resources,
            "operation": [{"name": "process-message", "definition": PROCESS_MESSAGE}],
        }],
    }
