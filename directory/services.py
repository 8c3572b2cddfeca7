"""Writes to the directory: entries kept by the Community Knowledge Officer (add, edit,
retire, verify, import), the staff helpline and unmet needs, and the directory of
expertise. Each function owns its transaction and saves through django-simple-history
with the acting user, so every change is in an entry's history."""

import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass, fields
from datetime import datetime, time
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from cap.models import PrimaryCareNetwork
from cap.validators import normalise_postcode, validate_postcode
from core.errors import Conflict, Invalid
from core.history import history_user_set, save_as
from scheduling.models import Practitioner

from . import postcodes
from .links import is_allowed_link
from .models import (
    Access,
    CommunityService,
    Expertise,
    HelplineQuery,
    Location,
    Need,
    Organisation,
    Schedule,
    Specialty,
    TermMapping,
    UnmetNeed,
)


@dataclass(frozen=True)
class LocationDetails:
    postcode: str
    name: str = ""
    address: str = ""
    town: str = ""
    identifier: str = ""


@dataclass(frozen=True)
class Opening:
    weekday: int  # 0 is Monday
    opens_at: time
    closes_at: time


@dataclass(frozen=True)
class ServiceDetails:
    """An entry as the officer's form or an Open Referral UK record gives it."""

    name: str
    organisation: str
    description: str
    category: str
    needs: tuple[str, ...] = ()
    area: str = ""
    postcode_districts: tuple[str, ...] = ()
    pcn_codes: tuple[str, ...] = ()
    contact_name: str = ""
    phone: str = ""
    email: str = ""
    url: str = ""
    access: str = Access.SELF_REFERRAL
    how_to_access: str = ""
    eligibility: str = ""
    minimum_age: int | None = None
    maximum_age: int | None = None
    cost: str = ""
    free: bool = True
    locations: tuple[LocationDetails, ...] = ()
    schedules: tuple[Opening, ...] = ()
    identifier: str = ""
    organisation_identifier: str = ""
    organisation_url: str = ""
    organisation_description: str = ""
    last_checked_at: datetime | None = None
    retired: bool = False
    # An import's taxonomy terms no category of need is known for ({vocabulary, id, name});
    # with no category, the entry waits on the officer's list to categorise.
    terms_to_categorise: tuple[dict[str, str], ...] = ()


# Fields copied as they are from the details to the entry.
_PLAIN = ("name", "description", "category", "area", "contact_name", "phone", "email", "url", "access",
          "how_to_access", "eligibility", "minimum_age", "maximum_age", "cost", "free")


def _validated(details: ServiceDetails, *, imported: bool = False) -> ServiceDetails:
    """The details checked, or Invalid. Only an import may leave the category of need
    empty: its entry goes on the officer's list to categorise."""
    if not details.name.strip():
        raise Invalid("Enter the service's name.", field="name")
    if not details.organisation.strip():
        raise Invalid("Enter the organisation that runs it.", field="organisation")
    if details.category not in Need.values and not (imported and not details.category):
        raise Invalid(f"Unknown category of need: {details.category!r}.", field="category")
    unknown = [n for n in details.needs if n not in Need.values]
    if unknown:
        raise Invalid(f"Unknown category of need: {', '.join(unknown)}.", field="needs")
    for field, link in (("url", details.url), ("organisation_url", details.organisation_url)):
        if not is_allowed_link(link):
            raise Invalid("A website must start https:// or http:// (or be a tel: or mailto: link).",
                          field=field)
    if details.access not in Access.values:
        raise Invalid(f"Unknown way to get to the service: {details.access!r}.", field="access")
    if (details.minimum_age is not None and details.maximum_age is not None
            and details.minimum_age > details.maximum_age):
        raise Invalid("The minimum age is above the maximum age.", field="maximum_age")
    bad_districts = [d for d in details.postcode_districts if not postcodes.district_code(d)]
    if bad_districts:
        raise Invalid(f"Not a postcode district: {', '.join(bad_districts)}.", field="postcode_districts")
    for location in details.locations:
        try:
            validate_postcode(location.postcode)
        except ValidationError as e:
            raise Invalid(f"{location.postcode!r}: {e.messages[0]}", field="postcode") from e
    for opening in details.schedules:
        if opening.weekday not in range(7):
            raise Invalid(f"Unknown weekday {opening.weekday!r}.", field="schedules")
    needs = tuple(dict.fromkeys(n for n in (details.category, *details.needs) if n))
    districts = tuple(dict.fromkeys(postcodes.district_code(d) for d in details.postcode_districts))
    return _replace(details, needs=needs, postcode_districts=districts)


def _replace(details: ServiceDetails, **changes: Any) -> ServiceDetails:
    return ServiceDetails(**{**{f.name: getattr(details, f.name) for f in fields(details)}, **changes})


def _organisation(details: ServiceDetails, actor: User | None) -> Organisation:
    if details.organisation_identifier:
        organisation = Organisation.objects.filter(identifier=details.organisation_identifier).first()
    else:
        organisation = Organisation.objects.filter(name__iexact=details.organisation.strip()).first()
    if organisation is None:
        organisation = Organisation(identifier=details.organisation_identifier or str(uuid.uuid4()))
    wanted = {"name": details.organisation.strip()}
    if details.organisation_identifier:  # an import says everything about it
        wanted |= {"url": details.organisation_url, "description": details.organisation_description}
    if organisation.pk is None or any(getattr(organisation, k) != v for k, v in wanted.items()):
        for key, value in wanted.items():
            setattr(organisation, key, value)
        save_as(organisation, actor)
    return organisation


def _pcns(codes: Collection[str]) -> list[PrimaryCareNetwork]:
    found = list(PrimaryCareNetwork.objects.filter(code__in=codes))
    missing = set(codes) - {p.code for p in found}
    if missing:
        raise Invalid(f"Unknown Primary Care Network: {', '.join(sorted(missing))}.", field="pcns")
    return found


def _apply(service: CommunityService, details: ServiceDetails, *, actor: User | None,
           now: datetime) -> bool:
    """Make the entry match the details; True when anything changed."""
    organisation = _organisation(details, actor)
    wanted = {key: getattr(details, key) for key in _PLAIN}
    wanted |= {"organisation": organisation.name, "provider_id": organisation.pk,
               "needs": list(details.needs), "postcode_districts": list(details.postcode_districts),
               "terms_to_categorise": [] if details.category else list(details.terms_to_categorise)}
    if details.last_checked_at is not None:
        wanted["last_checked_at"] = details.last_checked_at
    if details.retired != (service.retired_at is not None):
        wanted["retired_at"] = now if details.retired else None
    pcns = _pcns(details.pcn_codes)
    changed = service.pk is None or any(getattr(service, k) != v for k, v in wanted.items())
    if changed:
        for key, value in wanted.items():
            setattr(service, key, value)
        save_as(service, actor)
    if {p.pk for p in pcns} != set(service.pcns.values_list("pk", flat=True)):
        history_user_set(service, actor)
        service.pcns.set(pcns)
        changed = True
    changed |= _apply_locations(service, details.locations, actor)
    changed |= _apply_schedules(service, details.schedules, actor)
    if changed:
        words_learn([service.pk])
    return changed


def _apply_locations(service: CommunityService, wanted: tuple[LocationDetails, ...],
                     actor: User | None) -> bool:
    def key(identifier: str, name: str, address: str, town: str, postcode: str) -> tuple[str, ...]:
        return identifier, name, address, town, normalise_postcode(postcode)

    current = list(service.locations.order_by("id"))
    given = [_replace_location(loc, service, n) for n, loc in enumerate(wanted, start=1)]
    if [key(c.identifier, c.name, c.address, c.town, c.postcode) for c in current] == \
            [key(g.identifier, g.name, g.address, g.town, g.postcode) for g in given]:
        return False
    for location in current:
        history_user_set(location, actor)
        location.delete()
    for location in given:
        place = postcodes.locate(location.postcode)
        location.postcode = normalise_postcode(location.postcode)
        location.latitude, location.longitude = (place.latitude, place.longitude) if place else (None, None)
        save_as(location, actor)
    return True


def _replace_location(details: LocationDetails, service: CommunityService, n: int) -> Location:
    return Location(service=service, identifier=details.identifier or f"{service.identifier}:location:{n}",
                    name=details.name, address=details.address, town=details.town,
                    postcode=details.postcode)


def _apply_schedules(service: CommunityService, wanted: tuple[Opening, ...], actor: User | None) -> bool:
    current = list(service.schedules.order_by("weekday", "opens_at", "id"))
    ordered = sorted(set(wanted), key=lambda o: (o.weekday, o.opens_at, o.closes_at))
    if [(s.weekday, s.opens_at, s.closes_at) for s in current] == \
            [(o.weekday, o.opens_at, o.closes_at) for o in ordered]:
        return False
    for schedule in current:
        history_user_set(schedule, actor)
        schedule.delete()
    for opening in ordered:
        save_as(Schedule(service=service, weekday=opening.weekday, opens_at=opening.opens_at,
                         closes_at=opening.closes_at), actor)
    return True


def words_learn(service_ids: Iterable[int] | None = None) -> None:
    """Add the words of these entries (all, when None) to the words search corrects
    misspellings to. Words are never taken out: a word no entry has any more only
    means a correction that finds nothing."""
    where = "WHERE s.id = ANY(%s)" if service_ids is not None else ""
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO directory_searchword (word)
            SELECT DISTINCT left(u.lexeme, 100)
            FROM directory_communityservice AS s,
                 unnest(to_tsvector('simple', s.name || ' ' || s.organisation || ' ' || s.description
                                              || ' ' || s.area)) AS u
            {where}
            ON CONFLICT (word) DO NOTHING""",  # noqa: S608 (no value is interpolated)
                       [list(service_ids)] if service_ids is not None else [])


# --- The officer's actions ----------------------------------------------------------

@transaction.atomic
def service_create(*, actor: User, details: ServiceDetails) -> CommunityService:
    details = _validated(details)
    now = timezone.now()
    service = CommunityService(identifier=details.identifier or str(uuid.uuid4()),
                               last_checked_at=now, last_checked_by=actor)
    if details.identifier and CommunityService.objects.filter(identifier=details.identifier).exists():
        raise Conflict(f"An entry with the id {details.identifier} is already in the directory.",
                       field="identifier")
    _apply(service, details, actor=actor, now=now)
    return service


@transaction.atomic
def service_update(*, actor: User, service: CommunityService, details: ServiceDetails) -> CommunityService:
    """Edit an entry. Editing is not checking it: the officer verifies separately."""
    service = CommunityService.objects.select_for_update().get(pk=service.pk)
    details = _replace(_validated(details), retired=service.retired_at is not None)
    _apply(service, details, actor=actor, now=timezone.now())
    return service


@transaction.atomic
def service_retire(*, actor: User, service: CommunityService) -> CommunityService:
    """Take an entry out of search. It stays for the triage decisions that point to it."""
    service = CommunityService.objects.select_for_update().get(pk=service.pk)
    if service.retired_at is not None:
        raise Conflict("This entry is already retired.")
    service.retired_at = timezone.now()
    return save_as(service, actor)


@transaction.atomic
def service_reinstate(*, actor: User, service: CommunityService) -> CommunityService:
    service = CommunityService.objects.select_for_update().get(pk=service.pk)
    if service.retired_at is None:
        raise Conflict("This entry is not retired.")
    service.retired_at = None
    return save_as(service, actor)


@transaction.atomic
def service_verify(*, actor: User, service: CommunityService) -> CommunityService:
    """Record that the officer has checked the entry is still right today."""
    service = CommunityService.objects.select_for_update().get(pk=service.pk)
    if service.retired_at is not None:
        raise Conflict("A retired entry cannot be checked; reinstate it first.")
    service.last_checked_at, service.last_checked_by = timezone.now(), actor
    return save_as(service, actor)


@transaction.atomic
def service_import(*, actor: User | None, details: ServiceDetails) -> str:
    """Add or update one entry from another directory, found by its Open Referral UK id.
    Answers "created", "updated" or "unchanged"."""
    details = _validated(details, imported=True)
    now = timezone.now()
    service = CommunityService.objects.select_for_update().filter(identifier=details.identifier).first()
    if service is not None and not details.category and service.category:
        # Its terms still mean nothing here, but the officer has categorised it: keep that.
        details = _replace(details, category=service.category, needs=tuple(service.needs))
    if service is None:
        service = CommunityService(identifier=details.identifier or str(uuid.uuid4()))
        if details.last_checked_at is None:
            details = _replace(details, last_checked_at=now)
        _apply(service, details, actor=actor, now=now)
        return "created"
    if details.last_checked_at and _same_day(details.last_checked_at, service.last_checked_at):
        # Open Referral UK gives the day of the last check, not its time.
        details = _replace(details, last_checked_at=service.last_checked_at)
    return "updated" if _apply(service, details, actor=actor, now=now) else "unchanged"


def _same_day(a: datetime, b: datetime) -> bool:
    return timezone.localdate(a) == timezone.localdate(b)


@transaction.atomic
def service_categorise(*, actor: User, service: CommunityService, category: str, needs: Iterable[str] = (),
                       remember: Iterable[dict[str, str]] = ()) -> list[CommunityService]:
    """Give an imported entry its categories of need, off the list to categorise. Each
    remembered term (one of the entry's terms) now means the main category: every other
    entry waiting with that term is categorised with it too, and so is every later import.
    Answers the entries categorised, this one first."""
    if category not in Need.values:
        raise Invalid("Choose the main category of need.", field="category")
    needs = tuple(dict.fromkeys((category, *needs)))
    if any(n not in Need.values for n in needs):
        raise Invalid("Unknown category of need.", field="needs")
    remember = list(remember)
    service = CommunityService.objects.select_for_update().get(pk=service.pk)
    terms = [t for t in service.terms_to_categorise if t in remember]
    if len(terms) != len(remember):
        raise Invalid("Only this entry's own terms can be remembered.", field="remember")
    done = [_categorised(service, category, needs, actor)]
    for term in terms:
        TermMapping.objects.update_or_create(
            vocabulary__iexact=term.get("vocabulary", ""), term__iexact=_term_key(term),
            defaults={"need": category, "created_by": actor},
            create_defaults={"vocabulary": term.get("vocabulary", ""), "term": _term_key(term),
                             "need": category, "created_by": actor})
        waiting = (CommunityService.objects.select_for_update().filter(category="")
                   .filter(terms_to_categorise__contains=[term]).order_by("pk"))
        done += [_categorised(other, category, (category,), actor) for other in waiting]
    return done


def _term_key(term: dict[str, str]) -> str:
    """A term is remembered by its name, which a person can read; by its id without one."""
    return (term.get("name") or term.get("id") or "").strip()[:200]


def _categorised(service: CommunityService, category: str, needs: tuple[str, ...],
                 actor: User) -> CommunityService:
    service.category, service.needs, service.terms_to_categorise = category, list(needs), []
    return save_as(service, actor)


# --- The staff helpline --------------------------------------------------------------

@dataclass(frozen=True)
class HelplineDetails:
    asked_by: str
    need: str
    area: str  # a postcode or a district
    question: str
    asked_by_team: str = ""
    answer: str = ""
    suggested: tuple[CommunityService, ...] = ()
    asked_at: datetime | None = None
    unmet: bool = False  # nothing suitable exists: log an unmet need too
    unmet_description: str = ""


def _district(area: str) -> str:
    district = postcodes.district_code(area)
    if not district:
        raise Invalid("Enter a postcode or a postcode district, like LE11 or LE11 3TU.", field="area")
    return district


@transaction.atomic
def helpline_query_log(*, actor: User, details: HelplineDetails) -> HelplineQuery:
    if details.need not in Need.values:
        raise Invalid("Choose the category of need.", field="need")
    if details.unmet and details.suggested:
        raise Invalid("An unmet need has no suitable entries: take the suggestions off, or untick it.",
                      field="unmet")
    query = save_as(HelplineQuery(
        asked_at=details.asked_at or timezone.now(), asked_by=details.asked_by.strip(),
        asked_by_team=details.asked_by_team.strip(), need=details.need,
        postcode_district=_district(details.area), question=details.question, answer=details.answer,
        logged_by=actor), actor)
    if details.suggested:
        history_user_set(query, actor)
        query.suggested.set(details.suggested)
    if details.unmet:
        unmet_need_log(actor=actor, need=details.need, area=query.postcode_district,
                       description=details.unmet_description or details.question, query=query,
                       logged_at=query.asked_at)
    return query


@transaction.atomic
def unmet_need_log(*, actor: User, need: str, area: str, description: str, query: HelplineQuery | None = None,
                   logged_at: datetime | None = None) -> UnmetNeed:
    if need not in Need.values:
        raise Invalid("Choose the category of need.", field="need")
    if not description.strip():
        raise Invalid("Describe what was needed.", field="description")
    if query is not None and UnmetNeed.objects.filter(query=query).exists():
        raise Conflict("This query already has an unmet need.")
    return save_as(UnmetNeed(query=query, need=need, postcode_district=_district(area),
                             description=description.strip(), logged_at=logged_at or timezone.now(),
                             logged_by=actor), actor)


# --- The directory of expertise -------------------------------------------------------

@dataclass(frozen=True)
class ExpertiseDetails:
    specialty: str
    skills: str
    phone_advice: bool = True
    supervision: bool = False
    joint_contact: bool = False
    notes: str = ""


@transaction.atomic
def expertise_save(*, actor: User | None, practitioner: Practitioner, details: ExpertiseDetails,
                   expertise: Expertise | None = None) -> Expertise:
    if details.specialty not in Specialty.values:
        raise Invalid("Choose a specialty.", field="specialty")
    if not (details.phone_advice or details.supervision or details.joint_contact):
        raise Invalid("Say what the practitioner offers: phone advice, supervision or joint contacts.",
                      field="phone_advice")
    clash = Expertise.objects.filter(practitioner=practitioner, specialty=details.specialty)
    if expertise is not None:
        clash = clash.exclude(pk=expertise.pk)
    if clash.exists():
        raise Conflict("This practitioner's expertise in that specialty is already listed.",
                       field="specialty")
    expertise = expertise or Expertise(practitioner=practitioner)
    for f in fields(details):
        setattr(expertise, f.name, getattr(details, f.name))
    expertise.updated_at = timezone.now()
    return save_as(expertise, actor)


@transaction.atomic
def expertise_remove(*, actor: User, expertise: Expertise) -> None:
    history_user_set(expertise, actor)
    expertise.delete()

