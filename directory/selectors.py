"""Reads of the directory: the search staff and the public share, the entries due a
check, the unmet needs report and the directory of expertise."""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncMonth
from django.utils import timezone

from . import postcodes
from .models import CommunityService, Expertise, Location, Need, Schedule, UnmetNeed

MAX_WORDS = 8
MAX_WORD_LENGTH = 40
# Letters and digits of any script, joined by an apostrophe or a hyphen; everything
# else a person types (punctuation, operators, markup) only separates words.
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
RESULTS = 50
CHECK_EVERY = timedelta(days=183)  # six months


@dataclass(frozen=True)
class Search:
    words: str = ""
    need: str = ""
    postcode: str = ""  # a full postcode or a district
    open_now: bool = False
    free_only: bool = False


@dataclass
class SearchResults:
    services: list[CommunityService]
    origin: postcodes.District | None = None
    corrections: dict[str, str] = field(default_factory=dict)  # typed word -> word searched
    matched_any_word: bool = False  # no entry had every word, so these have some
    more: bool = False  # there are more than the ones shown

    @property
    def unknown_place(self) -> bool:
        return self.origin is None


def query_words(text: str) -> list[str]:
    words = [w.lower()[:MAX_WORD_LENGTH] for w in _WORD.findall(text or "")]
    return list(dict.fromkeys(words))[:MAX_WORDS]


def _spellings(words: list[str]) -> list[tuple[str, str]]:
    """For each word, the word to search for (itself when the directory has it, else the
    nearest word it has by trigram distance, else itself) and whether it means anything
    to full-text search (a stop word like "the" does not). One query for them all."""
    if not words:
        return []
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT q.w,
                   EXISTS (SELECT 1 FROM directory_searchword AS s WHERE s.word = q.w),
                   (SELECT s.word FROM directory_searchword AS s
                     WHERE s.word %% q.w ORDER BY s.word <-> q.w LIMIT 1)
            FROM unnest(%s::text[]) WITH ORDINALITY AS q(w, n) ORDER BY q.n""", [words])
        rows = cursor.fetchall()
    return [(word, word if known or not nearest or word.isdigit() else nearest)
            for word, known, nearest in rows]


def _text_query(spellings: list[tuple[str, str]], *, any_word: bool) -> SearchQuery | None:
    query = None
    for _, searched in spellings:
        term = SearchQuery(searched, config="english", search_type="plain")
        query = term if query is None else (query | term if any_word else query & term)
    return query


def _meaningful(spellings: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Leave out stop words, which full-text search ignores (and which would otherwise
    make a query of only stop words match nothing)."""
    if not spellings:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT numnode(plainto_tsquery('english', w)) > 0 FROM unnest(%s::text[]) AS w",
                       [[searched for _, searched in spellings]])
        keep = [row[0] for row in cursor.fetchall()]
    return [pair for pair, kept in zip(spellings, keep, strict=True) if kept]


def open_at(instant: datetime, *, outer: str = "pk") -> Q:
    """Services with a regular opening covering this instant (in UK time): today's
    opening hours, an all-day opening, or last night's opening that runs past midnight."""
    local = timezone.localtime(instant)
    today, yesterday, now = local.weekday(), (local.weekday() - 1) % 7, local.time()
    overnight = Q(closes_at__lt=F("opens_at"))
    openings = Schedule.objects.filter(service=OuterRef(outer)).filter(
        Q(weekday=today, opens_at=F("closes_at"))
        | Q(weekday=today, opens_at__lte=now, closes_at__gt=now)
        | Q(overnight, weekday=today, opens_at__lte=now)
        | Q(overnight, weekday=yesterday, closes_at__gt=now))
    return Q(Exists(openings))


def _filters(search: Search, now: datetime, *, text: SearchQuery | None = None, via: str = "") -> Q:
    """The search's conditions on an entry; via "service__" they apply to a location's entry."""
    q = Q(**{f"{via}retired_at__isnull": True})
    if search.need:
        q &= Q(**{f"{via}needs__contains": [search.need]})
    if search.free_only:
        q &= Q(**{f"{via}free": True})
    if search.open_now:
        q &= open_at(now, outer="service_id" if via else "pk")
    if text is not None:
        q &= Q(**{f"{via}search_document": text})
    return q


def _map_distance(origin: postcodes.District) -> RawSQL:
    """Kilometres on the area's flat map from the origin to a location (migration 0007)."""
    x, y = postcodes.map_position(origin.latitude, origin.longitude)
    return RawSQL("position <-> point(%s, %s)", [x, y], output_field=FloatField())


NEAR_KM = (5, 20)  # the squares about the place searched first, before every matching entry


def _nearest_with_words(entries: QuerySet[CommunityService], origin: postcodes.District,
                        wanted: int) -> list[int] | None:
    """As _nearest_candidates, from the matching entries whose box of venues overlaps a
    square about the place (a GiST index, combined with the full-text and needs indexes),
    widening the square until `wanted` of them are within its half-side; None if they
    never are. Exact: every entry as near as the `wanted`-th has a venue in the square."""
    x, y = postcodes.map_position(origin.latitude, origin.longitude)
    for km in NEAR_KM:
        square = RawSQL('"directory_communityservice"."venue_box" && box(point(%s, %s), point(%s, %s))',
                        [x - km, y - km, x + km, y + km], output_field=BooleanField())
        found = list(entries.filter(square).annotate(km=_entry_distance(origin))
                     .filter(km__lte=km).values_list("pk", "km"))
        if len(found) >= wanted:
            furthest = sorted(d for _, d in found)[wanted - 1]
            return [pk for pk, d in found if d <= furthest]
    return None


def _entry_distance(origin: postcodes.District) -> RawSQL:
    """Kilometres on the map from the origin to an entry's nearest venue, from the venue
    positions kept on the entry's own row (migration 0008); NULL with no venue on the map."""
    x, y = postcodes.map_position(origin.latitude, origin.longitude)
    return RawSQL('(SELECT min(p <-> point(%s, %s))'
                  ' FROM unnest("directory_communityservice"."venue_positions") AS p)',
                  [x, y], output_field=FloatField())


def _venues() -> QuerySet[Location]:
    """Locations with a position on the map."""
    return Location.objects.filter(latitude__isnull=False, longitude__isnull=False)


def _nearest_candidates(search: Search, now: datetime, text: SearchQuery | None, origin: postcodes.District,
                        wanted: int) -> list[int] | None:
    """The ids of every matching entry with a venue at most as far as the `wanted`-th
    nearest such entry (ties included), or None when fewer than `wanted` have a venue.

    Without words, the nearest venues come from walking the GiST index on position
    (K-nearest-neighbour), so a search by place or need does not sort every entry by
    distance. With words, full-text search leaves few entries, and measuring each of
    them from the venue positions on its own row is quicker than walking the map.
    Venues share their district's centre, so many tie: every entry tied with the
    `wanted`-th is kept, so ties are then broken by the search's own order."""
    nearest_first: QuerySet[Location] | QuerySet[CommunityService]  # venues, or entries with words
    if text is None:
        located = _venues().filter(_filters(search, now, via="service__"))
        nearest_first = located.annotate(km=_map_distance(origin)).order_by("km")
    else:
        entries = CommunityService.objects.filter(_filters(search, now, text=text))
        near = _nearest_with_words(entries, origin, wanted)
        if near is not None:
            return near
        # Ordered with the entries without a venue last, rather than filtered, so the
        # distance subquery runs once an entry.
        nearest_first = entries.annotate(km=_entry_distance(origin)).order_by(F("km").asc(nulls_last=True))
    field = "service_id" if text is None else "pk"
    rows = wanted * 3  # read past the wanted-th entry: an entry may have several venues
    while True:
        read = list(nearest_first.values_list(field, "km")[:rows])
        nearest = [(service, km) for service, km in read if km is not None]
        seen: dict[int, float] = {}
        for service, km in nearest:
            seen.setdefault(service, km)
        if len(seen) >= wanted or len(read) < rows or len(nearest) < len(read):
            break
        rows *= 4
    if len(seen) < wanted:
        return None
    furthest = sorted(seen.values())[wanted - 1]
    if nearest[-1][1] > furthest:
        return [service for service, km in seen.items() if km <= furthest]
    if text is not None:
        return list(nearest_first.filter(km__lte=furthest).values_list("pk", flat=True))
    x, y = postcodes.map_position(origin.latitude, origin.longitude)
    within = RawSQL("position <@ circle(point(%s, %s), %s)", [x, y, furthest + 1e-9],
                    output_field=BooleanField())
    return list(set(located.filter(within).values_list("service_id", flat=True)))


def services_search(search: Search, *, now: datetime | None = None, limit: int = RESULTS) -> SearchResults:
    """Active entries for a need, a place, words and opening, best first.

    Order: nearest first when a place is given (services with no venue, such as phone
    lines, after those with one); then entries whose main category is the need asked
    for; then how well the words match (name, then provider, then description); then
    by name. Words are matched with full-text search; a word the directory does not
    have is replaced by the nearest one it has, so "councelling" finds counselling.
    Distances are from the centre of the place's postcode district.
    """
    now = now or timezone.now()
    origin = postcodes.locate(search.postcode) if search.postcode else None
    spellings = _meaningful(_spellings(query_words(search.words)))
    results = SearchResults(services=[], origin=origin,
                            corrections={w: s for w, s in spellings if w != s})
    matched = _matching(search, spellings, origin, now, any_word=False, limit=limit)
    if not matched and len(spellings) > 1:
        matched = _matching(search, spellings, origin, now, any_word=True, limit=limit)
        results.matched_any_word = bool(matched)
    results.services, results.more = matched[:limit], len(matched) > limit
    return results


def _matching(search: Search, spellings: list[tuple[str, str]], origin: postcodes.District | None,
              now: datetime, *, any_word: bool, limit: int) -> list[CommunityService]:
    text = _text_query(spellings, any_word=any_word) if spellings else None
    services, ordering = _ranked(CommunityService.objects.filter(_filters(search, now, text=text)),
                                 search, text)
    if origin is None:
        return list(_with_details(services.order_by(*ordering))[:limit + 1])
    candidates = _nearest_candidates(search, now, text, origin, limit + 1)
    located = services
    if candidates is not None:
        # The candidates met the search's conditions when they were chosen: looking
        # them up by id alone spares a second pass over the full-text and needs indexes.
        located, _ = _ranked(CommunityService.objects.filter(pk__in=candidates), search, text)
    located = located.annotate(distance_km=_entry_distance(origin))
    found = list(_with_details(located.filter(distance_km__isnull=False)
                               .order_by("distance_km", *ordering))[:limit + 1])
    if len(found) <= limit:  # then the phone and online services
        without_venue = services.exclude(Exists(_venues().filter(service=OuterRef("pk"))))
        found += list(_with_details(without_venue.annotate(distance_km=Value(None, FloatField()))
                                    .order_by(*ordering))[:limit + 1 - len(found)])
    return found


def _ranked(services: QuerySet[CommunityService], search: Search,
            text: SearchQuery | None) -> tuple[QuerySet[CommunityService], list[str]]:
    """The entries annotated for the search's order after distance, and that order."""
    ordering = []
    if search.need:
        services = services.annotate(main_need=Case(When(category=search.need, then=Value(0)),
                                                    default=Value(1), output_field=IntegerField()))
        ordering.append("main_need")
    if text is not None:
        services = services.annotate(rank=SearchRank(F("search_document"), text))
        ordering.append("-rank")
    return services, [*ordering, "name", "id"]


def _with_details(services: QuerySet[CommunityService]) -> QuerySet[CommunityService]:
    return services.defer("search_document").prefetch_related(
        Prefetch("locations", queryset=Location.objects.order_by("name", "id")),
        Prefetch("schedules", queryset=Schedule.objects.order_by("weekday", "opens_at")))


# --- The Community Knowledge Officer's lists ------------------------------------------

def services_to_check(*, now: datetime | None = None) -> QuerySet[CommunityService]:
    """Active entries not checked for six months, the longest unchecked first."""
    since = (now or timezone.now()) - CHECK_EVERY
    return CommunityService.objects.not_checked_since(since).order_by("last_checked_at", "name", "id")


def services_to_categorise() -> QuerySet[CommunityService]:
    """Active entries imported with no known category of need, the longest waiting first."""
    return (CommunityService.objects.active().filter(category="").defer("search_document")
            .order_by("id"))


def service_history(service: CommunityService) -> QuerySet[Any]:
    # The historical model is made at run time by django-simple-history, which has no types.
    return service.history.select_related("history_user").order_by("-history_date", "-history_id")


# --- The unmet needs report ------------------------------------------------------------

@dataclass(frozen=True)
class UnmetNeedRow:
    month: datetime
    need: str
    postcode_district: str
    count: int

    @property
    def need_label(self) -> str:
        return Need(self.need).label if self.need in Need.values else self.need

    @property
    def place(self) -> str:
        district = postcodes.districts().get(self.postcode_district)
        return district.place if district else ""


def unmet_needs_report(*, start: datetime | None = None, end: datetime | None = None) -> list[UnmetNeedRow]:
    """Unmet needs counted by month (UK time), category of need and postcode district:
    the latest month first, then the most needs, then by category and area."""
    rows = UnmetNeed.objects.all()
    if start:
        rows = rows.filter(logged_at__gte=start)
    if end:
        rows = rows.filter(logged_at__lt=end)
    counted = (rows.annotate(month=TruncMonth("logged_at", tzinfo=timezone.get_current_timezone()))
               .values("month", "need", "postcode_district").annotate(count=Count("id"))
               .order_by("-month", "-count", "need", "postcode_district"))
    return [UnmetNeedRow(**row) for row in counted]


# --- The directory of expertise ---------------------------------------------------------

def expertise_search(*, specialty: str = "", skill: str = "") -> QuerySet[Expertise]:
    """Practitioners with expertise in a specialty or a skill (typos forgiven by trigram
    word similarity), the closest skill match first."""
    found = Expertise.objects.select_related("practitioner", "practitioner__discipline")
    if specialty:
        found = found.filter(specialty=specialty)
    words = " ".join(query_words(skill))
    if words:
        from django.contrib.postgres.search import TrigramWordSimilarity

        found = (found.annotate(similarity=TrigramWordSimilarity(words, "skills"))
                 .filter(Q(skills__icontains=words) | Q(skills__trigram_word_similar=words))
                 .order_by("-similarity", "practitioner__name", "id"))
    else:
        found = found.order_by("specialty", "practitioner__name", "id")
    return found.prefetch_related("practitioner__teams")
