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

from benchdb import Figures, column_defaults, setup_django, signed_in_client, uniform

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


def measure() -> list[tuple[str, list[float], int]]:
    from directory.selectors import Search, services_search

    def selector(**fields):
        def run(case):
            need, postcode, words, typo = case
            values = {"need": need, "postcode": postcode, "words": words, "typo": typo}
            search = Search(**{k: values[v] for k, v in fields.items()})
            return len(services_search(search).services)
        return run

    return [
        ("need + place + words", *_time(selector(need="need", postcode="postcode", words="words"))),
        ("need + place + misspelt words", *_time(selector(need="need", postcode="postcode", words="typo"))),
        ("need + place", *_time(selector(need="need", postcode="postcode"))),
        ("words only", *_time(selector(words="words"))),
        ("place only", *_time(selector(postcode="postcode"))),
    ]


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
    for label, samples, found in measure():
        print(f"  {label:32} {figures.timed(label, samples, data_size=entries)}   {found} results on average")
    samples, found = measure_page()
    label = "GET /directory/ (need+place+words)"
    print(f"  {label:32} {figures.timed(label, samples, data_size=entries)}   {found} results on average")
    figures.write({"entries": entries, "locations": Location.objects.count(),
                   "words": SearchWord.objects.count()})


if __name__ == "__main__":
    main()
