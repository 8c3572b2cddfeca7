"""Open Referral UK JSON, so the directory can be exchanged with the local authorities'
and social prescribing directories.

A service is written as Open Referral UK's full service record: the service with its
organization, contacts (with phones), eligibilitys, cost_options, regular_schedules,
service_areas, service_at_locations (location with physical_addresses) and
service_taxonomys. The categories of need are the taxonomy terms of the vocabulary
"cap-need". A district served is a service area named by the district ("LE11"); a
Primary Care Network served is a service area whose uri is "ods:" and its code.

Export writes JSON Lines: one service record per line, so an import can name the line
of each bad record and load every good one. Import also reads a JSON array of service
records, or an Open Referral UK page ({"content": [...]}), naming bad records by their
position and id.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.utils import timezone

from core.errors import DomainError

from . import postcodes
from .links import is_allowed_link
from .models import Access, CommunityService, Need
from .services import LocationDetails, Opening, ServiceDetails, service_import

VOCABULARY = "cap-need"
PCN_URI = "ods:"
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
BYDAY = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
LONDON = ZoneInfo("Europe/London")


# --- Export --------------------------------------------------------------------------

def service_record(service: CommunityService) -> dict:
    """One service as an Open Referral UK record. Nested ids derive from the service's
    id, so exporting the same entry twice writes the same record."""
    sid = service.identifier
    organisation = service.provider
    return {
        "id": sid,
        "name": service.name,
        "description": service.description,
        "url": service.url,
        "email": service.email,
        "status": "inactive" if service.retired_at else "active",
        "fees": service.cost,
        "attending_access": service.access,
        "application_process": service.how_to_access,
        "assured_date": timezone.localtime(service.last_checked_at, LONDON).date().isoformat(),
        "organization": {
            "id": organisation.identifier if organisation else f"{sid}:organization",
            "name": service.organisation,
            "description": organisation.description if organisation else "",
            "url": organisation.url if organisation else "",
        },
        "contacts": [{
            "id": f"{sid}:contact",
            "name": service.contact_name,
            "phones": [{"id": f"{sid}:phone", "number": service.phone}] if service.phone else [],
        }] if service.contact_name or service.phone else [],
        "eligibilitys": [{
            "id": f"{sid}:eligibility", "eligibility": service.eligibility,
            "minimum_age": service.minimum_age, "maximum_age": service.maximum_age,
        }] if service.eligibility or service.minimum_age is not None or service.maximum_age is not None
        else [],
        "cost_options": [{"id": f"{sid}:cost", "option": "Free", "amount": 0}] if service.free else [],
        "regular_schedules": [{
            "id": f"{sid}:schedule:{n}", "weekday": DAYS[s.weekday], "byday": BYDAY[s.weekday],
            "opens_at": s.opens_at.strftime("%H:%M"), "closes_at": s.closes_at.strftime("%H:%M"),
        } for n, s in enumerate(service.schedules.all(), start=1)],
        "service_areas": (
            [{"id": f"{sid}:area:general", "service_area": service.area, "uri": ""}] if service.area else [])
        + [{"id": f"{sid}:area:{d}", "service_area": d, "uri": ""} for d in service.postcode_districts]
        + [{"id": f"{sid}:area:{p.code}", "service_area": p.name, "uri": f"{PCN_URI}{p.code}"}
           for p in service.pcns.all()],
        "service_at_locations": [{
            "id": f"{sid}:at:{location.identifier}",
            "location": {
                "id": location.identifier, "name": location.name,
                "latitude": location.latitude, "longitude": location.longitude,
                "physical_addresses": [{
                    "id": f"{location.identifier}:address", "address_1": location.address,
                    "city": location.town, "postal_code": location.postcode, "country": "GB",
                }],
            },
        } for location in service.locations.all()],
        "service_taxonomys": [{
            "id": f"{sid}:taxonomy:{need}",
            "taxonomy": {"id": f"{VOCABULARY}:{need}", "name": Need(need).label, "vocabulary": VOCABULARY},
        } for need in service.needs],
    }


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
    if stripped.startswith("{") and "\n" in stripped:
        try:
            whole = json.loads(stripped)
        except json.JSONDecodeError:
            whole = None  # JSON Lines, read below
        if isinstance(whole, dict) and isinstance(whole.get("content"), list):
            yield from _numbered(whole["content"])
            return
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield f"line {number}", json.loads(line)
        except json.JSONDecodeError as e:
            yield f"line {number}", BadRecord(f"not valid JSON ({e.msg} at column {e.colno})")


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
    """Load every good record, each in its own transaction, and report every bad one
    with its line (or position) and id. A record whose id appeared earlier in the same
    file is refused: which of the two is right cannot be known."""
    report = ImportReport()
    seen: dict[str, str] = {}
    for where, record in records(text):
        record_id = str(record.get("id") or "") if isinstance(record, dict) else ""
        if isinstance(record, dict):
            record, dropped = _without_unsafe_links(record)
            report.links_dropped += [Problem(where, record_id, message) for message in dropped]
        try:
            if isinstance(record, BadRecord):
                raise record
            details = details_from_record(record)
            if details.identifier in seen:
                raise BadRecord(f"the id {details.identifier} is also at {seen[details.identifier]}")
            seen[details.identifier] = where
            outcome = service_import(actor=actor, details=details)
        except (BadRecord, DomainError) as e:
            report.problems.append(Problem(where, record_id, getattr(e, "message", None) or str(e)))
            continue
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def _without_unsafe_links(record: dict) -> tuple[dict, list[str]]:
    """The record with each link of another scheme (javascript:, data:, file:, none) left
    out, and a line for the report about each: the entry is still loaded without it."""
    dropped = []
    record = dict(record)
    organisation = record.get("organization")
    for owner, key, label in ((record, "url", "url"),
                              (organisation if isinstance(organisation, dict) else {}, "url",
                               "organization url")):
        value = owner.get(key)
        if isinstance(value, str) and not is_allowed_link(value.strip()):
            if owner is not record:
                owner = record["organization"] = dict(owner)
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
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 130:
        raise BadRecord(f"{key} should be an age in years")
    return value


def _needs(record) -> tuple[str, ...]:
    labels = {label.lower(): value for value, label in Need.choices}
    needs = []
    for item in _list(record, "service_taxonomys"):
        term = item.get("taxonomy") if isinstance(item.get("taxonomy"), dict) else item
        term_id, name = str(term.get("id") or ""), str(term.get("name") or "")
        code = term_id.removeprefix(f"{VOCABULARY}:")
        ours = term_id.startswith(f"{VOCABULARY}:") or term.get("vocabulary") == VOCABULARY
        if code in Need.values and ours:
            needs.append(code)
        elif name.lower() in labels:
            needs.append(labels[name.lower()])
        else:
            raise BadRecord(f"unknown taxonomy term {term_id or name!r}")
    if not needs:
        raise BadRecord("no category of need: give a service_taxonomys term of the cap-need vocabulary")
    return tuple(dict.fromkeys(needs))


def _areas(record) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    words, districts, pcns = "", [], []
    for area in _list(record, "service_areas"):
        name, uri = str(area.get("service_area") or "").strip(), str(area.get("uri") or "")
        if uri.startswith(PCN_URI):
            pcns.append(uri.removeprefix(PCN_URI))
        elif postcodes.district_code(name) == name.upper().replace(" ", "") and name:
            districts.append(name.upper())
        elif name and not words:
            words = name
        elif name:
            raise BadRecord(f"unknown service area {name!r}: give a postcode district or a PCN")
    return words, tuple(districts), tuple(pcns)


def _time(value, key) -> time:
    try:
        return time.fromisoformat(str(value))
    except ValueError as e:
        raise BadRecord(f"{key} should be a time like 09:00, not {value!r}") from e


def _schedules(record) -> tuple[Opening, ...]:
    openings = []
    for item in _list(record, "regular_schedules"):
        day = str(item.get("weekday") or item.get("byday") or "").strip()
        names = [d.lower() for d in DAYS]
        if day.lower() in names:
            weekday = names.index(day.lower())
        elif day.upper() in BYDAY:
            weekday = BYDAY.index(day.upper())
        else:
            raise BadRecord(f"unknown weekday {day!r} in regular_schedules")
        openings.append(Opening(weekday, _time(item.get("opens_at"), "opens_at"),
                                _time(item.get("closes_at"), "closes_at")))
    return tuple(openings)


def _locations(record) -> tuple[LocationDetails, ...]:
    found = []
    for item in _list(record, "service_at_locations"):
        location = item.get("location") if isinstance(item.get("location"), dict) else item
        addresses = location.get("physical_addresses") or [{}]
        address = addresses[0] if isinstance(addresses, list) and isinstance(addresses[0], dict) else {}
        postcode = str(address.get("postal_code") or "").strip()
        if not postcode:
            raise BadRecord(f"location {location.get('id') or ''} has no postcode".replace("  ", " "))
        found.append(LocationDetails(postcode=postcode, name=str(location.get("name") or ""),
                                     address=str(address.get("address_1") or ""),
                                     town=str(address.get("city") or ""),
                                     identifier=str(location.get("id") or "")))
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


def details_from_record(record) -> ServiceDetails:
    """The entry an Open Referral UK service record describes, or BadRecord."""
    if not isinstance(record, dict):
        raise BadRecord("a service record should be a JSON object")
    identifier = _text(record, "id", required=True, limit=100)
    name = _text(record, "name", required=True, limit=160)
    description = _text(record, "description", required=True, limit=4000)
    organisation = record.get("organization") or {}
    if not isinstance(organisation, dict):
        raise BadRecord("organization should be an object")
    contacts = _list(record, "contacts")
    phones = (contacts[0].get("phones") or []) if contacts else []
    eligibility = (_list(record, "eligibilitys") or [{}])[0]
    needs = _needs(record)
    area, districts, pcns = _areas(record)
    access = _text(record, "attending_access") or Access.SELF_REFERRAL
    if access not in Access.values:
        raise BadRecord(f"unknown attending_access {access!r}")
    status = _text(record, "status") or "active"
    if status not in ("active", "inactive", "defunct", "temporarily closed"):
        raise BadRecord(f"unknown status {status!r}")
    return ServiceDetails(
        identifier=identifier,
        name=name, description=description,
        url=_text(record, "url", limit=200), email=_text(record, "email", limit=254),
        organisation=_text(organisation, "name", required=True, limit=160),
        organisation_identifier=_text(organisation, "id", limit=100) or f"{identifier}:organization",
        organisation_url=_text(organisation, "url", limit=200),
        organisation_description=_text(organisation, "description", limit=4000),
        contact_name=_text(contacts[0], "name", limit=120) if contacts else "",
        phone=_text(phones[0], "number", limit=40) if phones and isinstance(phones[0], dict) else "",
        eligibility=_text(eligibility, "eligibility", limit=2000),
        minimum_age=_age(eligibility.get("minimum_age"), "minimum_age"),
        maximum_age=_age(eligibility.get("maximum_age"), "maximum_age"),
        cost=_text(record, "fees", limit=200),
        free=any(_is_free(o) for o in _list(record, "cost_options")) or
        _text(record, "fees").lower().startswith("free"),
        access=access, how_to_access=_text(record, "application_process", limit=2000),
        category=needs[0], needs=needs, area=area, postcode_districts=districts, pcn_codes=pcns,
        schedules=_schedules(record), locations=_locations(record),
        last_checked_at=_checked(record), retired=status != "active",
    )


def _is_free(option: dict) -> bool:
    return option.get("amount") in (0, "0", 0.0) or str(option.get("option") or "").lower() == "free"

