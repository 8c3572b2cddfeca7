"""Open Referral UK JSON, so the directory can be exchanged with the local authorities'
and social prescribing directories.

A service is written as Open Referral UK's full service record in the shape of the UK
profile of HSDS 3.0 (schedules, addresses, attributes with taxonomy terms, every id a
UUID), and keeps the fields of the first Open Referral UK version that readers of
earlier exports use (regular_schedules, physical_addresses, eligibilitys,
service_taxonomys). The categories of need are the taxonomy terms of the vocabulary
"cap-need". A district served is a service area named by the district ("LE11"); a
Primary Care Network served is a service area whose uri is "ods:" and its code.

Import reads either shape. Another directory's own taxonomy terms are mapped to the
categories of need through the officer's term mappings (directory.models.TermMapping);
an entry none of whose terms is known still loads, and waits on the officer's list to
categorise. A venue without a UK postcode, a schedule without times and the like are
left out of the entry with a note in the report, not a reason to refuse it.

Export writes JSON Lines: one service record per line, so an import can name the line
of each bad record and load every good one. Import also reads a JSON array of service
records, or an Open Referral UK page ({"content": [...]} or {"contents": [...]}),
naming bad records by their position and id; directory/feeds.py reads an Open Referral
UK API.
"""

import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone

from cap.validators import validate_postcode
from core.errors import DomainError

from . import postcodes
from .links import is_allowed_link
from .models import Access, CommunityService, Location, Need, Organisation, TermMapping
from .services import LocationDetails, Opening, ServiceDetails, service_import

VOCABULARY = "cap-need"
PCN_URI = "ods:"
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
BYDAY = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
LONDON = ZoneInfo("Europe/London")
# The namespace of the UUIDs derived from ids that are not UUIDs (an entry made before
# ids were UUIDs, or loaded from a directory whose ids are not): the same id always
# gives the same UUID, so an export read back finds its entries again.
NAMESPACE = uuid.UUID("6f1d3f2e-8a47-5c1b-9d0e-3c2b7a51e0c4")
AREA_WORDS = 400


def oruk_id(identifier: str) -> str:
    """The identifier as the UK profile's UUID: itself when it is one."""
    try:
        return str(uuid.UUID(identifier))
    except ValueError:
        return str(uuid.uuid5(NAMESPACE, identifier))


def _is_uuid(identifier: str) -> bool:
    try:
        uuid.UUID(identifier)
    except ValueError:
        return False
    return True


# --- Export --------------------------------------------------------------------------

def _present(record: dict) -> dict:
    """The record without empty optional values, which the UK profile's formats (email,
    uri, number) would refuse."""
    return {k: v for k, v in record.items() if v not in ("", None)}


def _need_term(need: str) -> dict:
    return {"id": oruk_id(f"{VOCABULARY}:{need}"), "name": Need(need).label, "description": Need(need).label,
            "taxonomy": VOCABULARY, "term": need}


def service_record(service: CommunityService) -> dict:
    """One service as an Open Referral UK record. Nested ids derive from the service's
    id, so exporting the same entry twice writes the same record."""
    sid = service.identifier
    organisation = service.provider
    schedules = list(service.schedules.all())
    locations = list(service.locations.all())
    areas = (
        ([("general", service.area, "")] if service.area else [])
        + [(d, d, "") for d in service.postcode_districts]
        + [(p.code, p.name, f"{PCN_URI}{p.code}") for p in service.pcns.all()])
    phone = [{"id": oruk_id(f"{sid}:phone"), "number": service.phone}] if service.phone else []
    return _present({
        "id": oruk_id(sid),
        "name": service.name,
        "description": service.description,
        "url": service.url,
        "email": service.email,
        "status": "inactive" if service.retired_at else "active",
        "fees": service.cost,
        "minimum_age": service.minimum_age,
        "maximum_age": service.maximum_age,
        "attending_access": service.access,
        "application_process": service.how_to_access,
        "assured_date": timezone.localtime(service.last_checked_at, LONDON).date().isoformat(),
        "organization": _present({
            "id": oruk_id(organisation.identifier if organisation else f"{sid}:organization"),
            "name": service.organisation,
            "description": organisation.description if organisation else "",
            "website": organisation.url if organisation else "",
            "url": organisation.url if organisation else "",
        }) | {"description": organisation.description if organisation else ""},
        "contacts": [{
            "id": oruk_id(f"{sid}:contact"), "name": service.contact_name, "phones": phone,
        }] if service.contact_name or service.phone else [],
        "phones": phone,
        "eligibilitys": [_present({
            "id": oruk_id(f"{sid}:eligibility"), "eligibility": service.eligibility,
            "minimum_age": service.minimum_age, "maximum_age": service.maximum_age,
        })] if service.eligibility or service.minimum_age is not None or service.maximum_age is not None
        else [],
        "cost_options": ([{"id": oruk_id(f"{sid}:cost"), "option": "Free", "amount": 0}]
                         if service.free else []),
        "schedules": [{
            "id": oruk_id(f"{sid}:schedule:{n}"), "freq": "WEEKLY", "byday": BYDAY[s.weekday],
            "opens_at": s.opens_at.strftime("%H:%M"), "closes_at": s.closes_at.strftime("%H:%M"),
            "description": str(s),
        } for n, s in enumerate(schedules, start=1)],
        "regular_schedules": [{
            "id": oruk_id(f"{sid}:schedule:{n}"), "weekday": DAYS[s.weekday], "byday": BYDAY[s.weekday],
            "opens_at": s.opens_at.strftime("%H:%M"), "closes_at": s.closes_at.strftime("%H:%M"),
        } for n, s in enumerate(schedules, start=1)],
        "service_areas": [{"id": oruk_id(f"{sid}:area:{key}"), "name": name, "service_area": name, "uri": uri}
                          for key, name, uri in areas],
        "service_at_locations": [{
            "id": oruk_id(f"{sid}:at:{oruk_id(location.identifier)}"),
            "location": _present({
                "id": oruk_id(location.identifier), "location_type": "physical", "name": location.name,
                "latitude": location.latitude, "longitude": location.longitude,
            }) | {"addresses": [address := {
                "id": oruk_id(f"{oruk_id(location.identifier)}:address"), "address_1": location.address,
                "city": location.town, "state_province": "", "postal_code": location.postcode,
                "country": "GB", "address_type": "physical",
            }], "physical_addresses": [address]},
        } for location in locations],
        "attributes": [{
            "id": oruk_id(f"{sid}:attribute:{need}"), "link_type": "service",
            "taxonomy_term": _need_term(need),
        } for need in service.needs],
        "service_taxonomys": [{
            "id": f"{sid}:taxonomy:{need}",
            "taxonomy": {"id": f"{VOCABULARY}:{need}", "name": Need(need).label, "vocabulary": VOCABULARY},
        } for need in service.needs],
    })


def export_services(services=None) -> Iterator[str]:
    """JSON Lines, one entry per line, by name."""
    services = (services if services is not None else CommunityService.objects.all())
    services = (services.select_related("provider").defer("search_document")
                .prefetch_related("schedules", "locations", "pcns").order_by("name", "identifier"))
    for service in services.iterator(chunk_size=500):
        yield json.dumps(service_record(service), ensure_ascii=False, sort_keys=True) + "\n"


# --- Import --------------------------------------------------------------------------

class BadRecord(Exception):
    pass


@dataclass(frozen=True)
class Problem:
    where: str  # "line 4" or "record 4"
    record_id: str
    message: str

    def __str__(self):
        named = f" (id {self.record_id})" if self.record_id else ""
        return f"{self.where}{named}: {self.message}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    # Links left out of records that were loaded (directory.links: only http(s), tel, mailto).
    links_dropped: list[Problem] = field(default_factory=list)
    # What else was left out of records that were loaded: a venue without a UK postcode,
    # a schedule without times, an area served described at length.
    notes: list[Problem] = field(default_factory=list)
    # Entries loaded that wait on the officer's list to categorise.
    to_categorise: int = 0

    @property
    def loaded(self) -> int:
        return self.created + self.updated + self.unchanged


def records(text: str) -> Iterator[tuple[str, object]]:
    """(where, parsed record or the BadRecord it could not be parsed into) for each
    record in a JSON document or in JSON Lines."""
    stripped = text.lstrip("\ufeff").strip()
    if stripped.startswith("["):
        yield from _document(stripped)
        return
    if stripped.startswith("{"):
        try:
            whole = json.loads(stripped)
        except json.JSONDecodeError:
            whole = None  # JSON Lines, read below
        page = page_contents(whole)
        if page is not None:
            yield from _numbered(page)
            return
        if isinstance(whole, dict) and "\n" in stripped:  # one record, set out on many lines
            yield "record 1", whole
            return
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield f"line {number}", json.loads(line)
        except json.JSONDecodeError as e:
            yield f"line {number}", BadRecord(f"not valid JSON ({e.msg} at column {e.colno})")


def page_contents(whole: object) -> list | None:
    """The records of an Open Referral UK page: "contents" in the UK profile's API,
    "content" in the first version's."""
    if isinstance(whole, dict):
        for key in ("contents", "content"):
            if isinstance(whole.get(key), list):
                return whole[key]
    return None


def _document(text: str):
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as e:
        yield f"line {e.lineno}", BadRecord(f"not valid JSON ({e.msg} at column {e.colno}); nothing loaded")
        return
    yield from _numbered(parsed)


def _numbered(items):
    for number, item in enumerate(items, start=1):
        yield f"record {number}", item


def import_services(*, actor, text: str) -> ImportReport:
    return import_records(actor=actor, records=records(text))


def import_records(*, actor, records: Iterable[tuple[str, object]]) -> ImportReport:
    """Load every good record, each in its own transaction, and report every bad one
    with its line (or position) and id. A record whose id appeared earlier in the same
    file is refused: which of the two is right cannot be known."""
    report = ImportReport()
    seen: dict[str, str] = {}
    reader = _Reader()
    for where, record in records:
        record_id = str(record.get("id") or "") if isinstance(record, dict) else ""
        if isinstance(record, dict):
            record, dropped = _without_unsafe_links(record)
            report.links_dropped += [Problem(where, record_id, message) for message in dropped]
        try:
            if isinstance(record, BadRecord):
                raise record
            details, notes = reader.details(record)
            if details.identifier in seen:
                raise BadRecord(f"the id {details.identifier} is also at {seen[details.identifier]}")
            seen[details.identifier] = where
            outcome = service_import(actor=actor, details=details)
        except (BadRecord, DomainError) as e:
            report.problems.append(Problem(where, record_id, getattr(e, "message", None) or str(e)))
            continue
        report.notes += [Problem(where, record_id, note) for note in notes]
        report.to_categorise += not details.category and not CommunityService.objects.filter(
            identifier=details.identifier).exclude(category="").exists()
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def _without_unsafe_links(record: dict) -> tuple[dict, list[str]]:
    """The record with each link of another scheme (javascript:, data:, file:, none) left
    out, and a line for the report about each: the entry is still loaded without it."""
    dropped = []
    record = dict(record)
    organisation = record.get("organization")
    if isinstance(organisation, dict):
        organisation = record["organization"] = dict(organisation)
    else:
        organisation = {}
    for owner, key, label in ((record, "url", "url"), (organisation, "url", "organization url"),
                              (organisation, "website", "organization website")):
        value = owner.get(key)
        if isinstance(value, str) and not is_allowed_link(value.strip()):
            owner[key] = ""
            dropped.append(f"{label} {value[:80]!r} left out: only http(s), tel and mailto links are kept")
    return record, dropped


def _text(record: dict, key: str, *, required=False, limit=None) -> str:
    value = record.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str | int | float):
        raise BadRecord(f"{key} should be text")
    value = str(value).strip()
    if required and not value:
        raise BadRecord(f"{key} is missing")
    if limit and len(value) > limit:
        raise BadRecord(f"{key} is longer than {limit} characters")
    return value


def _list(record: dict, key: str) -> list[dict]:
    value = record.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise BadRecord(f"{key} should be a list of objects")
    return value


def _age(value, key):
    if value in (None, ""):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 130:
        raise BadRecord(f"{key} should be an age in years")
    return value


def _terms(record) -> list[dict[str, str]]:
    """The record's taxonomy terms as {vocabulary, id, name}: the UK profile's
    attributes[].taxonomy_term and the first version's service_taxonomys."""
    found = []
    for item in _list(record, "attributes"):
        term = item.get("taxonomy_term")
        if not isinstance(term, dict):
            continue  # a link to a term by taxonomy_term_id alone says nothing readable
        detail = term.get("taxonomy_detail") if isinstance(term.get("taxonomy_detail"), dict) else {}
        vocabulary = term.get("taxonomy") or detail.get("name") or ""
        found.append({"vocabulary": str(vocabulary), "id": str(term.get("term") or term.get("id") or ""),
                      "name": str(term.get("name") or "")})
    for item in _list(record, "service_taxonomys"):
        term = item.get("taxonomy") if isinstance(item.get("taxonomy"), dict) else item
        found.append({"vocabulary": str(term.get("vocabulary") or ""), "id": str(term.get("id") or ""),
                      "name": str(term.get("name") or "")})
    return [{k: v.strip()[:200] for k, v in t.items()} for t in found if t["id"] or t["name"]]


class _Reader:
    """What one import run knows besides the records: the term mappings, and the ids
    exported as UUIDs of entries whose own ids are not UUIDs (read once a run)."""

    def __init__(self):
        self.mappings: dict[tuple[str, str], str] = {
            (m.vocabulary.lower(), m.term.lower()): m.need for m in TermMapping.objects.all()}
        self.aliases = {oruk_id(i): i for i in CommunityService.objects.values_list("identifier", flat=True)
                        if not _is_uuid(i)}
        self.organisations = {oruk_id(i): i for i in Organisation.objects.values_list("identifier", flat=True)
                              if not _is_uuid(i)}

    def need_of(self, term: dict[str, str]) -> str | None:
        vocabulary, code, name = term["vocabulary"], term["id"], term["name"]
        if vocabulary == VOCABULARY or code.startswith(f"{VOCABULARY}:"):
            code = code.removeprefix(f"{VOCABULARY}:")
            if code in Need.values:
                return code
        labels = {label.lower(): value for value, label in Need.choices}
        vocabulary = vocabulary.lower()
        for key in ((vocabulary, code.lower()), (vocabulary, name.lower()), ("", name.lower())):
            if key[1] and key in self.mappings:
                return self.mappings[key]
        return labels.get(name.lower())

    def needs(self, record) -> tuple[tuple[str, ...], tuple[dict[str, str], ...]]:
        needs, unknown = [], []
        for term in _terms(record):
            need = self.need_of(term)
            if need:
                needs.append(need)
            elif term not in unknown:
                unknown.append(term)
        return tuple(dict.fromkeys(needs)), tuple(unknown) if not needs else ()

    def details(self, record) -> tuple[ServiceDetails, list[str]]:
        details, notes = details_from_record(record, self)
        details = replace(details, organisation_identifier=self.organisations.get(
            details.organisation_identifier, details.organisation_identifier))
        return _with_own_ids(details, self.aliases.get(details.identifier, details.identifier)), notes


def _with_own_ids(details: ServiceDetails, identifier: str) -> ServiceDetails:
    """An entry read back from this directory's own export, which writes every id as a
    UUID: the entry's own id, and its venues'."""
    venues = {oruk_id(i): i for i in Location.objects.filter(service__identifier=identifier)
              .values_list("identifier", flat=True) if not _is_uuid(i)}
    locations = tuple(replace(loc, identifier=venues.get(loc.identifier, loc.identifier))
                      for loc in details.locations)
    return replace(details, identifier=identifier, locations=locations)


def _areas(record, notes: list[str]) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    words, districts, pcns = [], [], []
    for area in _list(record, "service_areas"):
        name = str(area.get("service_area") or area.get("name") or "").strip()
        uri = str(area.get("uri") or "")
        if uri.startswith(PCN_URI):
            pcns.append(uri.removeprefix(PCN_URI))
        elif name and postcodes.district_code(name) == name.upper().replace(" ", ""):
            districts.append(name.upper())
        elif name and name not in words:
            words.append(name)
    area = "; ".join(words)
    if len(area) > AREA_WORDS:
        notes.append(f"the area served is described in more than {AREA_WORDS} characters: the rest is "
                     f"left out")
        area = area[:AREA_WORDS - 1].rsplit(" ", 1)[0] + "…"
    return area, tuple(districts), tuple(pcns)


def _time(value, key) -> time:
    try:
        return time.fromisoformat(str(value))
    except ValueError as e:
        raise BadRecord(f"{key} should be a time like 09:00, not {value!r}") from e


def _weekdays(item: dict) -> list[int]:
    names = [d.lower() for d in DAYS]
    day = str(item.get("weekday") or "").strip()
    if day:
        if day.lower() in names:
            return [names.index(day.lower())]
        if day.upper() in BYDAY:
            return [BYDAY.index(day.upper())]
        raise BadRecord(f"unknown weekday {day!r} in the schedules")
    days = []
    for part in str(item.get("byday") or "").split(","):
        code = part.strip().upper()[-2:]  # "1MO", the first Monday, is still a Monday
        if not code:
            continue
        if code not in BYDAY:
            raise BadRecord(f"unknown day {part.strip()!r} in a schedule's byday")
        days.append(BYDAY.index(code))
    return days


def _schedules(record, notes: list[str]) -> tuple[Opening, ...]:
    """Weekly openings. A schedule this directory cannot show as weekly opening times (a
    monthly one, or one described only in words) is left out, with a note."""
    openings = []
    for item in _list(record, "regular_schedules") or _list(record, "schedules"):
        freq = str(item.get("freq") or "WEEKLY").upper()
        days = _weekdays(item)
        if freq != "WEEKLY" or not days or not item.get("opens_at") or not item.get("closes_at"):
            notes.append(f"a schedule left out: only weekly opening times are kept "
                         f"({str(item.get('description') or item.get('id') or '')[:80]})".replace(" ()", ""))
            continue
        opens, closes = _time(item.get("opens_at"), "opens_at"), _time(item.get("closes_at"), "closes_at")
        openings += [Opening(day, opens, closes) for day in days]
    return tuple(openings)


def _locations(record, notes: list[str]) -> tuple[LocationDetails, ...]:
    """The venues with a UK postcode; a venue without one (a virtual location, one
    abroad, a mistyped postcode) is left out with a note."""
    found = []
    for item in _list(record, "service_at_locations"):
        location = item.get("location") if isinstance(item.get("location"), dict) else item
        addresses = location.get("addresses") or location.get("physical_addresses") or []
        if not isinstance(addresses, list):
            raise BadRecord("a location's addresses should be a list of objects")
        addresses = [a for a in addresses if isinstance(a, dict)]
        physical = [a for a in addresses if a.get("address_type") in (None, "", "physical")] or addresses
        address = physical[0] if physical else {}
        postcode = str(address.get("postal_code") or "").strip()
        named = str(location.get("name") or location.get("id") or "").strip()[:80]
        if location.get("location_type") == "virtual" and not postcode:
            continue
        try:
            validate_postcode(postcode)
        except ValidationError:
            notes.append(f"the venue {named} left out: {postcode!r} is not a UK postcode"
                         if postcode else f"the venue {named} left out: it has no postcode")
            continue
        found.append(LocationDetails(postcode=postcode, name=str(location.get("name") or "")[:160],
                                     address=str(address.get("address_1") or "")[:200],
                                     town=str(address.get("city") or "")[:80],
                                     identifier=str(location.get("id") or "")[:100]))
    return tuple(found)


def _checked(record):
    value = record.get("assured_date")
    if not value:
        return None
    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError as e:
        raise BadRecord(f"assured_date should be a date like 2026-05-01, not {value!r}") from e
    return datetime.combine(day, time(12), tzinfo=LONDON)


def _phone(record: dict, contacts: list[dict]) -> str:
    for owner in (*contacts[:1], record):
        phones = owner.get("phones") or []
        if isinstance(phones, list) and phones and isinstance(phones[0], dict):
            return _text(phones[0], "number", limit=40)
    return ""


def details_from_record(record, reader: "_Reader | None" = None) -> tuple[ServiceDetails, list[str]]:
    """The entry an Open Referral UK service record describes and notes on what was
    left out of it, or BadRecord."""
    if not isinstance(record, dict):
        raise BadRecord("a service record should be a JSON object")
    reader = reader or _Reader()
    notes: list[str] = []
    identifier = _text(record, "id", required=True, limit=100)
    name = _text(record, "name", required=True, limit=160)
    description = _text(record, "description", limit=4000) or name
    organisation = record.get("organization") or {}
    if not isinstance(organisation, dict):
        raise BadRecord("organization should be an object")
    contacts = _list(record, "contacts")
    eligibility = (_list(record, "eligibilitys") or [{}])[0]
    needs, unknown = reader.needs(record)
    area, districts, pcns = _areas(record, notes)
    access = _text(record, "attending_access") or Access.SELF_REFERRAL
    if access not in Access.values:
        raise BadRecord(f"unknown attending_access {access!r}")
    status = _text(record, "status") or "active"
    if status not in ("active", "inactive", "defunct", "temporarily closed"):
        raise BadRecord(f"unknown status {status!r}")
    minimum = record.get("minimum_age", eligibility.get("minimum_age"))
    maximum = record.get("maximum_age", eligibility.get("maximum_age"))
    return ServiceDetails(
        identifier=identifier,
        name=name, description=description,
        url=_text(record, "url", limit=200), email=_text(record, "email", limit=254),
        organisation=_text(organisation, "name", required=True, limit=160),
        organisation_identifier=_text(organisation, "id", limit=100) or f"{identifier}:organization",
        organisation_url=_text(organisation, "website", limit=200) or _text(organisation, "url", limit=200),
        organisation_description=_text(organisation, "description", limit=4000),
        contact_name=_text(contacts[0], "name", limit=120) if contacts else "",
        phone=_phone(record, contacts),
        eligibility=_text(eligibility, "eligibility", limit=2000),
        minimum_age=_age(minimum, "minimum_age"), maximum_age=_age(maximum, "maximum_age"),
        cost=_text(record, "fees", limit=200),
        free=any(_is_free(o) for o in _list(record, "cost_options")) or
        _text(record, "fees").lower().startswith("free"),
        access=access, how_to_access=_text(record, "application_process", limit=2000),
        category=needs[0] if needs else "", needs=needs, area=area, postcode_districts=districts,
        pcn_codes=pcns, schedules=_schedules(record, notes), locations=_locations(record, notes),
        last_checked_at=_checked(record), retired=status != "active", terms_to_categorise=unknown,
    ), notes


def _is_free(option: dict) -> bool:
    return option.get("amount") in (0, "0", 0.0) or str(option.get("option") or "").lower() == "free"
