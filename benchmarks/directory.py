"""Directory benchmark: staff search by need, place and words against 100,000 entries.

    make bench-directory
    # or, with the servers of .local/run started and their environment loaded:
    .venv/bin/python benchmarks/directory.py            # 100,000 entries
    .venv/bin/python benchmarks/directory.py --quick    # 20,000, to check the script works

Runs against its own database, `cap_bench_directory`, on the server DATABASE_URL names
(created and migrated if missing), never against the database itself. Entries are
loaded with set-based SQL (INSERT ... SELECT generate_series) in chunks of 20,000, each
chunk in one transaction, so an interrupted load resumes and a re-run with the data
present starts measuring at once.

Every entry is one of the demo directory's 28 kinds of service (directory/demo.py) in
one of its 19 towns, with one of 8 place prefixes, so names and descriptions repeat as
they would in a real directory of this size; each meets its kind's needs, 9 in 10 have
a venue near their district's centre (within about 2 km), and each has two regular
openings. The words of the directory are learnt once after the load, as the officer's
actions learn them entry by entry.

Times are server time in-process, measured with time.perf_counter: the search selector
(directory.selectors.services_search, with its spelling query, the search and the
prefetches of locations and openings, 50 results), and the staff search page through
Django's test client (no network). Queries rotate over 8 needs, places and words.

Not a test: pytest collects only tests/.
"""

import argparse
import itertools
import time

from benchdb import Figures, column_defaults, setup_django, signed_in_client, statement_times, uniform

BENCH_DB = "cap_bench_directory"
FULL, QUICK = 100_000, 20_000
CHUNK = 20_000
SAMPLES, WARM_UP = 200, 20
PREFIXES = ["North", "South", "East", "West", "Central", "Riverside", "Park", "Old Town"]
SEARCHES = [  # need, postcode, words, and the same words misspelt
    ("emotional_support", "LE11 3TU", "counselling", "councelling"),
    ("crisis", "LE1 6TP", "crisis cafe", "crisis caffe"),
    ("benefits", "LE10 1DS", "debt advice", "dept advice"),
    ("housing", "LE13 0AB", "tenancy support", "tenancy suport"),
    ("peer_support", "LE2 7LX", "hearing voices", "hearing voises"),
    ("addiction", "LE67 3AJ", "alcohol recovery", "alcohol recovary"),
    ("loneliness", "LE15 6AB", "friendship cafe", "frendship cafe"),
    ("food", "LE4 5PW", "food bank", "food bnak"),
]
STAFF = "bench.directory"




def _pick(values: list[str], expr: str, seed: int) -> str:
    array = "ARRAY[" + ", ".join(_literal(v) for v in values) + "]"
    return f"({array})[1 + floor({uniform(expr, seed)} * {len(values)})::int]"


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _chunk_sql(chunk: int) -> str:
    from directory.demo import KINDS, TOWNS
    from directory.models import CommunityService, Location
    from directory.postcodes import districts

    first, i = chunk * CHUNK + 1, "g.i"
    centres = districts()
    kinds = [
        (name, organisation, description, need, "{" + ",".join([need, *others]) + "}", access, cost)
        for need, others, name, organisation, description, access, cost, _, _ in KINDS]
    kind = f"(1 + floor({uniform(i, 1)} * {len(kinds)})::int)"
    town = f"(1 + floor({uniform(i, 2)} * {len(TOWNS)})::int)"

    def by_kind(n):
        return "(ARRAY[" + ", ".join(_literal(str(k[n])) for k in kinds) + f"])[{kind}]"

    def by_town(values):
        return "(ARRAY[" + ", ".join(_literal(str(v)) for v in values) + f"])[{town}]"

    town_name = by_town([t[1] for t in TOWNS])
    service_columns, service_values = column_defaults(CommunityService, {
        "identifier": f"'bench-' || {i}",
        "name": f"{_pick(PREFIXES, i, 3)} || ' ' || replace({by_kind(0)}, '{{town}}', g.town)",
        "organisation": f"replace(replace({by_kind(1)}, '{{town}}', g.town), '{{area}}', g.area)",
        "description": f"{by_kind(2)} || ' For people in and around ' || g.town || '.'",
        "category": by_kind(3), "needs": f"({by_kind(4)})::varchar[]",
        "area": "g.town || ' and nearby (' || g.area || ')'",
        "postcode_districts": "ARRAY[g.district]::varchar[]",
        "phone": f"'0116 496 0' || lpad(({i} % 900 + 100)::text, 3, '0')",
        "access": by_kind(5), "cost": by_kind(6), "free": f"{by_kind(6)} = 'Free'",
        "last_checked_at": f"now() - {uniform(i, 4)} * interval '300 days'",
    })
    location_columns, location_values = column_defaults(Location, {
        "service_id": "s.id", "identifier": "s.identifier || ':location:1'",
        "town": "s.town", "postcode": "s.district || ' 1AA'",
        "latitude": f"s.latitude + ({uniform('s.id', 5)} - 0.5) * 0.04",
        "longitude": f"s.longitude + ({uniform('s.id', 6)} - 0.5) * 0.06",
    })
    return f"""
        WITH g AS (
            SELECT g.i, {town_name} AS town, {by_town([t[2] for t in TOWNS])} AS area,
                   {by_town([t[0] for t in TOWNS])} AS district,
                   ({by_town([centres[t[0]].latitude for t in TOWNS])})::float AS latitude,
                   ({by_town([centres[t[0]].longitude for t in TOWNS])})::float AS longitude
            FROM generate_series({first}, {first + CHUNK - 1}) AS g(i)
        ), services AS (
            INSERT INTO directory_communityservice ({", ".join(service_columns)})
            SELECT {", ".join(service_values)} FROM g
            RETURNING id, identifier
        ), s AS (
            SELECT services.id, services.identifier, g.town, g.district, g.latitude, g.longitude
            FROM services JOIN g ON services.identifier = 'bench-' || g.i
        ), locations AS (
            INSERT INTO directory_location ({", ".join(location_columns)})
            SELECT {", ".join(location_values)} FROM s WHERE {uniform('s.id', 7)} < 0.9
        )
        INSERT INTO directory_schedule (service_id, weekday, opens_at, closes_at)
        SELECT s.id, d.weekday, time '09:00' + (floor({uniform('s.id', 8)} * 4) * interval '1 hour'),
               time '13:00' + (floor({uniform('s.id', 9)} * 6) * interval '1 hour')
        FROM s CROSS JOIN LATERAL (VALUES (floor({uniform('s.id', 10)} * 7)::int),
                                          (floor({uniform('s.id', 11)} * 7)::int)) AS d(weekday)
    """  # noqa: S608 (every value is made here)


def load(total: int) -> None:
    from django.db import connection, transaction

    from directory.services import words_learn

    started = time.perf_counter()
    loaded = 0
    for chunk in range(total // CHUNK):
        last = f"bench-{(chunk + 1) * CHUNK}"
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM directory_communityservice WHERE identifier = %s", [last])
            if cursor.fetchone():
                continue
            cursor.execute(_chunk_sql(chunk))
        loaded += 1
        print(f"  chunk {chunk + 1}/{total // CHUNK} loaded ({time.perf_counter() - started:.0f} s)",
              flush=True)
    if loaded:
        words_learn()
        connection.ensure_connection()
        connection.connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")




def _time(run) -> tuple[list[float], int]:
    cases = itertools.cycle(SEARCHES)
    for _ in range(WARM_UP):
        run(next(cases))
    samples, found = [], 0
    for _ in range(SAMPLES):
        case = next(cases)
        start = time.perf_counter()
        found += run(case)
        samples.append(time.perf_counter() - start)
    return samples, found // SAMPLES


# The searches measured: which of a case's values (need, postcode, words, typo) each gives.
KINDS_OF_SEARCH = [
    ("need + place + words", {"need": "need", "postcode": "postcode", "words": "words"}),
    ("need + place + misspelt words", {"need": "need", "postcode": "postcode", "words": "typo"}),
    ("need + place", {"need": "need", "postcode": "postcode"}),
    ("words only", {"words": "words"}),
    ("place only", {"postcode": "postcode"}),
]


def _search(case, fields: dict):
    from directory.selectors import Search

    need, postcode, words, typo = case
    values = {"need": need, "postcode": postcode, "words": words, "typo": typo}
    return Search(**{k: values[v] for k, v in fields.items()})


def measure() -> list[tuple[str, list[float], int, list[float]]]:
    from directory.selectors import services_search

    def selector(fields):
        def run(case):
            return len(services_search(_search(case, fields)).services)
        return run

    return [(label, *_time(selector(fields)), search_floor(fields)) for label, fields in KINDS_OF_SEARCH]


# --- Floors: the minimal SQL that gives a search's result ----------------------------------

KNN_VENUES = 3  # venues walked per entry wanted: an entry may have several


def search_floor_statement(search) -> tuple[str, dict]:
    """The search as one hand-written statement, what any implementation must ask of the
    database for it: the first 51 entries in the selector's order (nearest first, the
    need's own category, then the words' rank, name and id), each with its locations and
    openings as JSON, so nothing is fetched a second time. No count: the page says "50+"
    from the 51st entry, as the selector does.

    - Words: each typed word is kept when the directory has it, else replaced by its
      nearest word by trigram distance (digits are kept), in the statement itself; stop
      words are left out, and the rest make a full-text query needing every word, matched
      through the full-text index and ranked with ts_rank, as SearchRank does. When no
      entry has every word (a misspelling the directory has no near word for), the same
      statement falls back to entries with any of them, as the selector does; that branch
      runs only then (a one-time filter on the first's result).
    - A place with words: the few entries the words leave are measured from the venue
      positions on their own row, those with no venue last.
    - A place without words: the nearest venues, walking the GiST index on position
      (K-nearest-neighbour) past the entries wanted (KNN_VENUES venues an entry, as an
      entry may have several), nearest entry first. Exact when the venues walked belong
      to 51 entries or more, as every place searched here has: the benchmark checks the
      floor returns the selector's entries, in its order.

    The search sorts only ids and sort keys; the entries' columns (all but the search
    document, which the selector defers too) and the JSON of their locations and
    openings are read for the 51 rows only (an outer query), as the selector's two
    prefetches read only theirs."""
    from directory import postcodes
    from directory.models import CommunityService
    from directory.selectors import RESULTS, query_words

    wanted = RESULTS + 1
    columns = ", ".join(f's."{f.column}"' for f in CommunityService._meta.concrete_fields
                        if f.name != "search_document")
    params: dict = {"need": search.need, "words": query_words(search.words), "wanted": wanted}
    where = ["s.retired_at IS NULL"]
    order = []
    if search.need:
        where.append("s.needs @> ARRAY[%(need)s]::varchar[]")
    origin = postcodes.locate(search.postcode) if search.postcode else None
    if origin is not None:
        params["x"], params["y"] = postcodes.map_position(origin.latitude, origin.longitude)
        order.append("km NULLS LAST")
    main_need = ", CASE WHEN s.category = %(need)s THEN 0 ELSE 1 END AS main_need" if search.need else ""
    order += ["main_need"] if search.need else []
    if params["words"]:
        order.append("rank DESC")
    order += ["name", "id"]
    if params["words"]:
        km = (", (SELECT min(p <-> point(%(x)s, %(y)s)) FROM unnest(s.venue_positions) AS p) AS km"
              if origin is not None else "")

        def matching(query: str) -> str:
            return f"""
                SELECT s.id, s.name{km}{main_need}, ts_rank(s.search_document, text.{query}) AS rank
                  FROM directory_communityservice AS s, text
                 WHERE {" AND ".join([*where, f"s.search_document @@ text.{query}"])}
                 ORDER BY {", ".join(order)} LIMIT %(wanted)s"""  # noqa: S608

        inner = f"""
            WITH spelt AS (
                SELECT q.n, CASE WHEN q.w ~ '^[0-9]+$'
                                   OR EXISTS (SELECT 1 FROM directory_searchword AS d WHERE d.word = q.w)
                                 THEN q.w
                                 ELSE coalesce((SELECT d.word FROM directory_searchword AS d
                                                 WHERE d.word %% q.w ORDER BY d.word <-> q.w LIMIT 1), q.w)
                            END AS w
                  FROM unnest(%(words)s::text[]) WITH ORDINALITY AS q(w, n)
            ), meaningful AS (
                SELECT n, '(' || plainto_tsquery('english', w)::text || ')' AS term FROM spelt
                 WHERE numnode(plainto_tsquery('english', w)) > 0
            ), text AS (
                SELECT string_agg(term, ' & ' ORDER BY n)::tsquery AS every,
                       string_agg(term, ' | ' ORDER BY n)::tsquery AS some, count(*) AS terms
                  FROM meaningful
            ), every_word AS ({matching("every")})
            SELECT * FROM every_word
            UNION ALL
            SELECT * FROM ({matching("some")}) AS some_word
             WHERE NOT EXISTS (SELECT 1 FROM every_word) AND (SELECT terms > 1 FROM text)"""  # noqa: S608
    elif origin is not None:
        params["venues"] = wanted * KNN_VENUES
        inner = f"""
            WITH near AS (
                SELECT l.service_id, l.position <-> point(%(x)s, %(y)s) AS km
                  FROM directory_location AS l JOIN directory_communityservice AS s ON s.id = l.service_id
                 WHERE l.latitude IS NOT NULL AND l.longitude IS NOT NULL AND {" AND ".join(where)}
                 ORDER BY l.position <-> point(%(x)s, %(y)s) LIMIT %(venues)s
            )
            SELECT s.id, s.name, n.km{main_need}
              FROM (SELECT service_id, min(km) AS km FROM near GROUP BY service_id) AS n
              JOIN directory_communityservice AS s ON s.id = n.service_id
             ORDER BY {", ".join(order)} LIMIT %(wanted)s"""  # noqa: S608
    else:
        inner = f"""
            SELECT s.id, s.name{main_need} FROM directory_communityservice AS s
             WHERE {" AND ".join(where)} ORDER BY {", ".join(order)} LIMIT %(wanted)s"""  # noqa: S608
    statement = f"""
        SELECT {columns}, t.*,
               (SELECT json_agg(l ORDER BY l.name, l.id) FROM directory_location AS l
                 WHERE l.service_id = t.id) AS locations,
               (SELECT json_agg(o ORDER BY o.weekday, o.opens_at) FROM directory_schedule AS o
                 WHERE o.service_id = t.id) AS openings
          FROM ({inner}) AS t JOIN directory_communityservice AS s ON s.id = t.id
         ORDER BY {", ".join(f"t.{o}" for o in order)}"""  # noqa: S608
    return statement, params


def search_floor(fields: dict) -> list[float]:
    """The floor of one kind of search (search_floor_statement), rotating over the same
    cases as the selector's timings, the same warm-up not counted; each case is checked
    first to give the selector's entries in its order."""
    from django.db import connection

    from directory.selectors import services_search

    statements = {}
    for case in SEARCHES:
        search = _search(case, fields)
        statements[case] = search_floor_statement(search)
        with connection.cursor() as cursor:
            cursor.execute(*statements[case])
            ids = [row[0] for row in cursor.fetchall()]
        found = services_search(search)
        assert ids[:len(found.services)] == [s.pk for s in found.services], (case, fields)
        assert len(ids) == len(found.services) + found.more, (case, fields)
    cases = itertools.cycle(SEARCHES)
    return statement_times((statements[next(cases)] for _ in range(WARM_UP + SAMPLES)), warm_up=WARM_UP)


def measure_page() -> tuple[list[float], int]:
    from django.contrib.auth.models import Group, User

    staff, _ = User.objects.get_or_create(username=STAFF)
    staff.groups.set(Group.objects.filter(name="Triage clinician"))
    client = signed_in_client(staff)

    def run(case):
        need, postcode, words, _ = case
        response = client.get("/directory/", {"need": need, "postcode": postcode, "q": words}, secure=True)
        assert response.status_code == 200, response.status_code
        return response.content.count(b'class="nhsuk-card"')

    return _time(run)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="20,000 entries, to check the script")
    args = parser.parse_args()
    setup_django(BENCH_DB)
    total = QUICK if args.quick else FULL
    print(f"Loading up to {total:,} directory entries into {BENCH_DB} (skipped if present)...", flush=True)
    load(total)
    from directory.models import CommunityService, Location, SearchWord

    entries = CommunityService.objects.count()
    print(f"Data: {entries:,} entries, {Location.objects.count():,} locations, "
          f"{SearchWord.objects.count():,} words")
    print(f"Staff search (N={SAMPLES} each, directory.selectors.services_search, 50 results at most):")
    figures = Figures("directory")
    floors = {}
    for label, samples, found, floor in measure():
        floors[label] = floor
        print(f"  {label:32} {figures.timed(label, samples, data_size=entries, floor=floor)}   "
              f"{found} results on average")
    samples, found = measure_page()
    label = "GET /directory/ (need+place+words)"
    # The page's floor is its search's: it shows the results and "50+", no count.
    stats = figures.timed(label, samples, data_size=entries, floor=floors["need + place + words"])
    print(f"  {label:32} {stats}   {found} results on average")
    figures.write({"entries": entries, "locations": Location.objects.count(),
                   "words": SearchWord.objects.count()})


if __name__ == "__main__":
    main()
