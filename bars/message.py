"""A BaRS referral message read: the FHIR Bundle validated against FHIR R4 (the
`fhir.resources` models) and the UK Core and BaRS rules the CAP depends on, then turned
into what intake takes (the person, the referrer, the reason, the urgency).

A message the CAP cannot read is `MessageInvalid` (400: it breaks FHIR or BaRS); one it
reads but cannot act on is `MessageRefused` (422)."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.resource import Resource
from pydantic import ValidationError

from cap.models import RiskIndicator
from cap.services import PersonDetails, Referrer
from cap.validators import normalise_nhs_number, normalise_postcode, validate_nhs_number
from core.fhir import NHS_NUMBER_SYSTEM, ODS_CODE_SYSTEM
from triage.models import Urgency

from .codes import EVENT_SYSTEM, REFERRAL_EVENT

# UK Core: whether the NHS number was traced and verified on the Personal Demographics Service.
NHS_NUMBER_VERIFICATION = ("https://fhir.hl7.org.uk/StructureDefinition/"
                           "Extension-UKCore-NHSNumberVerificationStatus")
NHS_NUMBER_VERIFIED = "number-present-and-verified"
CANCELLED_STATUSES = frozenset({"revoked", "entered-in-error"})
ACTIVE_STATUS = "active"

# FHIR's request priority → the national Clinical Response Priority. "stat" and "asap"
# are both the sender's highest: very urgent (the 4-hour clock); triage decides the rest.
PRIORITY_URGENCY = {"routine": Urgency.ROUTINE, "urgent": Urgency.URGENT,
                    "asap": Urgency.VERY_URGENT, "stat": Urgency.VERY_URGENT}

FLAG_SAFEGUARDING = "safeguarding"
FLAG_ADJUSTMENT = "reasonable_adjustment"
FLAG_OTHER = "other"
FLAG_LABELS = {FLAG_SAFEGUARDING: "Safeguarding", FLAG_ADJUSTMENT: "Reasonable adjustment",
               FLAG_OTHER: "Flag"}
REASON_LENGTH = 4000


class MessageInvalid(Exception):
    """The message breaks FHIR R4 or BaRS: 400."""

    def __init__(self, message: str, *, expression: str = ""):
        super().__init__(message)
        self.message, self.expression = message, expression


class MessageRefused(Exception):
    """The message is valid but the CAP cannot act on it: 422."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Flag:
    kind: str
    text: str

    def as_json(self) -> dict[str, str]:
        return {"kind": self.kind, "text": self.text}


@dataclass(frozen=True)
class ReferralMessage:
    message_id: str
    event: str
    sender_endpoint: str
    sender_ods_code: str
    service_request_id: str
    status: str
    person: PersonDetails
    referrer: Referrer
    reason: str
    urgency: str
    callback_by: datetime | None
    authored_at: datetime | None
    flags: list[Flag] = field(default_factory=list)

    @property
    def cancels(self) -> bool:
        return self.status in CANCELLED_STATUSES

    @property
    def risk_indicators(self) -> list[str]:
        if any(flag.kind == FLAG_SAFEGUARDING for flag in self.flags):
            return [RiskIndicator.SAFEGUARDING]
        return []


def referral_message_read(body: Any) -> ReferralMessage:
    """The message in `body` (parsed JSON), or MessageInvalid/MessageRefused saying why."""
    if not isinstance(body, dict) or body.get("resourceType") != "Bundle":
        raise MessageInvalid("The body must be a FHIR Bundle.", expression="Bundle")
    try:
        bundle = Bundle.model_validate(body)
    except ValidationError as error:
        raise MessageInvalid(_first_error(error)) from error
    except (KeyError, TypeError, ValueError) as error:  # fhir.resources: an unknown resourceType
        raise MessageInvalid(f"Not valid FHIR R4: {error!s}"[:500]) from error
    if bundle.type != "message":
        raise MessageInvalid("The Bundle must be of type message.", expression="Bundle.type")
    if not bundle.id:
        raise MessageInvalid("The Bundle needs an id: the message's id.", expression="Bundle.id")
    entries = _entries(bundle)
    header = _first(entries, "MessageHeader")
    if header is None or bundle.entry[0].resource.get_resource_type() != "MessageHeader":
        raise MessageInvalid("A message Bundle starts with its MessageHeader.", expression="Bundle.entry[0]")
    event = header.eventCoding
    if event is None or event.system != EVENT_SYSTEM or not event.code:
        raise MessageInvalid(f"MessageHeader.eventCoding must be a code of {EVENT_SYSTEM}.",
                             expression="MessageHeader.eventCoding")
    if event.code != REFERRAL_EVENT:
        raise MessageRefused(f"The CAP receives referrals ({REFERRAL_EVENT}), not {event.code}.")
    focus = _focus(header, entries)
    service_request = entries.get(focus) if focus else _first(entries, "ServiceRequest")
    if service_request is None or service_request.get_resource_type() != "ServiceRequest":
        raise MessageInvalid("The message's focus must be its ServiceRequest.",
                             expression="MessageHeader.focus")
    patient = _referenced(entries, service_request.subject, "Patient")
    if patient is None:
        raise MessageInvalid("ServiceRequest.subject must refer to the Patient in the message.",
                             expression="ServiceRequest.subject")
    service_request_key = focus or f"ServiceRequest/{service_request.id}"
    return ReferralMessage(
        message_id=bundle.id, event=event.code,
        sender_endpoint=str(header.source.endpoint) if header.source else "",
        sender_ods_code=_ods(header.sender.identifier if header.sender else None),
        service_request_id=service_request_key[:200], status=service_request.status,
        person=_person(patient), referrer=_referrer(entries, service_request),
        reason=_reason(entries, service_request),
        urgency=PRIORITY_URGENCY.get(service_request.priority or "", ""),
        callback_by=service_request.occurrencePeriod.end if service_request.occurrencePeriod else None,
        authored_at=service_request.authoredOn, flags=_flags(entries),
    )


def _first_error(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ()) if not str(part).startswith("function-"))
    return f"Not valid FHIR R4: {where}: {first.get('msg', 'invalid')}"[:500]


def _entries(bundle: Bundle) -> dict[str, Resource]:
    """The Bundle's resources by fullUrl and by Type/id, as references name them."""
    found: dict[str, Resource] = {}
    for entry in bundle.entry or []:
        if entry.resource is None:
            raise MessageInvalid("Every entry of a message carries a resource.", expression="Bundle.entry")
        resource = entry.resource
        if entry.fullUrl:
            found[str(entry.fullUrl)] = resource
        if resource.id:
            found.setdefault(f"{resource.get_resource_type()}/{resource.id}", resource)
    return found


def _first(entries: dict[str, Resource], resource_type: str) -> Any:
    return next((r for r in entries.values() if r.get_resource_type() == resource_type), None)


def _all(entries: dict[str, Resource], resource_type: str) -> list[Any]:
    unique = {id(r): r for r in entries.values() if r.get_resource_type() == resource_type}
    return list(unique.values())


def _focus(header: Any, entries: dict[str, Resource]) -> str:
    for reference in header.focus or []:
        target = entries.get(reference.reference or "")
        if target is not None and target.get_resource_type() == "ServiceRequest":
            return str(reference.reference)
    return ""


def _referenced(entries: dict[str, Resource], reference: Any, resource_type: str) -> Any:
    if reference is None or not reference.reference:
        return None
    target = entries.get(reference.reference)
    return target if target is not None and target.get_resource_type() == resource_type else None


def _ods(identifier: Any) -> str:
    if identifier is not None and identifier.system == ODS_CODE_SYSTEM and identifier.value:
        return str(identifier.value).strip().upper()[:10]
    return ""


def _verified_nhs_number(patient: Any) -> str:
    """The NHS number, when the sender verified it; otherwise none (the CAP's identity check
    follows, as for a phone call). One that is sent but not verified, or fails its check
    digit, is kept in the reason for whoever checks the identity."""
    for identifier in patient.identifier or []:
        if identifier.system != NHS_NUMBER_SYSTEM or not identifier.value:
            continue
        for extension in identifier.extension or []:
            coding = (extension.valueCodeableConcept.coding or []) if extension.valueCodeableConcept else []
            verified = any(c.code == NHS_NUMBER_VERIFIED for c in coding)
            if extension.url == NHS_NUMBER_VERIFICATION and verified:
                return normalise_nhs_number(identifier.value)
    return ""


def _unverified_nhs_number(patient: Any) -> str:
    for identifier in patient.identifier or []:
        if identifier.system == NHS_NUMBER_SYSTEM and identifier.value:
            return str(identifier.value)
    return ""


def _person(patient: Any) -> PersonDetails:
    name = next((n for n in patient.name or [] if n.use in (None, "official", "usual")), None)
    given = " ".join(name.given or []) if name else ""
    family = (name.family or "") if name else ""
    if not given or not family:
        raise MessageRefused("The Patient needs a given and a family name (Patient.name).")
    address = next((a for a in patient.address or [] if a.use in (None, "home")), None)
    postcode = normalise_postcode(address.postalCode) if address and address.postalCode else ""
    lines = list(address.line or []) if address else []
    nhs_number = _verified_nhs_number(patient)
    if nhs_number:
        try:
            validate_nhs_number(nhs_number)
        except DjangoValidationError:
            nhs_number = ""
    birth_date = patient.birthDate if isinstance(patient.birthDate, date) else None
    return PersonDetails(
        given_name=given[:100], family_name=family[:100], date_of_birth=birth_date,
        postcode=postcode[:8], nhs_number=nhs_number,
        identity_confirmed=bool(birth_date and postcode),
        address_line_1=(lines[0] if lines else "")[:100],
        address_line_2=(lines[1] if len(lines) > 1 else "")[:100],
        town=((address.city or "") if address else "")[:60],
    )


def _referrer(entries: dict[str, Resource], service_request: Any) -> Referrer:
    requester = service_request.requester
    role = _referenced(entries, requester, "PractitionerRole")
    practitioner = (_referenced(entries, role.practitioner, "Practitioner") if role else
                    _referenced(entries, requester, "Practitioner"))
    organization = (_referenced(entries, role.organization, "Organization") if role else
                    _referenced(entries, requester, "Organization")) or _first(entries, "Organization")
    name = ""
    if practitioner is not None and practitioner.name:
        n = practitioner.name[0]
        name = n.text or " ".join([*(n.prefix or []), *(n.given or []), n.family or ""]).strip()
    role_text = ""
    if role is not None and role.code:
        code = role.code[0]
        role_text = code.text or next((c.display for c in code.coding or [] if c.display), "") or ""
    telecoms = [*(role.telecom or [] if role else []), *(practitioner.telecom or [] if practitioner else []),
                *(organization.telecom or [] if organization else [])]
    phone = next((t.value for t in telecoms if t.system == "phone" and t.value), "")
    ods = ""
    if organization is not None:
        ods = next((_ods(i) for i in organization.identifier or [] if _ods(i)), "")
    return Referrer(name=name[:201], role=role_text[:120],
                    organisation=((organization.name or "") if organization else "")[:120],
                    ods_code=ods, phone=phone[:30])


def _reason(entries: dict[str, Resource], service_request: Any) -> str:
    """What the sender says: the reason, notes, the patient's own answers, and an NHS
    number sent without verification (for the identity check)."""
    parts: list[str] = []
    for concept in service_request.reasonCode or []:
        parts.append(concept.text or "; ".join(c.display for c in concept.coding or [] if c.display))
    parts.extend(note.text for note in service_request.note or [] if note.text)
    for response in _all(entries, "QuestionnaireResponse"):
        parts.extend(_answers(response.item or []))
    patient = _referenced(entries, service_request.subject, "Patient")
    unverified = _unverified_nhs_number(patient) if patient is not None else ""
    if unverified and not _verified_nhs_number(patient):
        parts.append(f"NHS number sent, not verified: {unverified}")
    text = "\n".join(p for p in parts if p).strip()
    if not text:
        raise MessageRefused("Say why the person is referred (ServiceRequest.reasonCode or note).")
    return text[:REASON_LENGTH]


def _answers(items: list[Any]) -> list[str]:
    lines: list[str] = []
    for item in items:
        values = []
        for answer in item.answer or []:
            for name in ("valueString", "valueBoolean", "valueInteger", "valueDecimal", "valueDate"):
                value = getattr(answer, name, None)
                if value is not None:
                    values.append(str(value))
            if answer.valueCoding is not None:
                values.append(answer.valueCoding.display or answer.valueCoding.code or "")
        if values:
            lines.append(f"{item.text or item.linkId}: {', '.join(values)}")
        lines.extend(_answers(item.item or []))
    return lines


def _flags(entries: dict[str, Resource]) -> list[Flag]:
    """Active flags, each as safeguarding, a reasonable adjustment or another flag, by its
    category or code (BaRS senders use UK Core's flag categories and SNOMED CT)."""
    flags = []
    for flag in _all(entries, "Flag"):
        if flag.status != "active":
            continue
        concepts = [*(flag.category or []), flag.code]
        words = " ".join(" ".join([c.text or "", *[f"{d.code} {d.display or ''}" for d in c.coding or []]])
                         for c in concepts if c is not None).lower()
        kind = (FLAG_SAFEGUARDING if "safeguard" in words else
                FLAG_ADJUSTMENT if "adjustment" in words else FLAG_OTHER)
        code = flag.code
        text = code.text or next((c.display for c in code.coding or [] if c.display), "") or "Flag"
        flags.append(Flag(kind, text[:300]))
    return flags
