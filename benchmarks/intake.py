"""Intake benchmark: POST /api/v1/referrals/ and the call handler's person search
against ten years of one trust's intake (1,000,000 referrals).

    set -a && . .local/run/services.env && set +a
    .venv/bin/python benchmarks/intake.py            # 1,000,000 referrals
    .venv/bin/python benchmarks/intake.py --quick    # 10,000, to check the script works

Runs against its own database, `cap_bench`, on the server DATABASE_URL names
(created and migrated if missing), never against the database itself. Referrals
are loaded with set-based SQL in chunks of 10,000, each chunk in one transaction,
so an interrupted load resumes and a re-run with the data present starts measuring
at once. Times are server time in-process (Django's test client, no network),
measured with time.perf_counter around each request or search.

Not a test: pytest collects only tests/.
"""

import argparse
import json
import os
import secrets
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from benchdb import (
    Figures,
    column_defaults,
    floor_times,
    iso,
    referral_floor_statement,
    setup_django,
    throttle_history_clear,
    uniform,
)

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "cap_bench"
FULL, QUICK = 1_000_000, 10_000
CHUNK = 10_000  # referrals per transaction; QUICK is one chunk, so --quick then a full run resume
PEOPLE_PER_CHUNK = 7_000  # about 1.4 referrals per person: many people are referred again
SAMPLES = 300
WARM_UP = 20



def _words(text: str) -> list[str]:
    return text.split()


# About 1% of people each, like the commonest UK surnames (Smith is 1.3%), so a
# family name + date of birth search finds ~0.25 people on average: the hard case.
FAMILY_NAMES = _words("""Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Robinson Wright
Thompson Evans Walker White Roberts Green Hall Thomas Clarke Jackson Wood Harris Edwards Turner
Martin Cooper Hill Ward Hughes Moore Clark King Harrison Lewis Baker Lee Allen Morris Khan Scott
Watson Davis Parker James Bennett Young Phillips Richardson Mitchell Bailey Carter Cook Singh Shaw
Bell Collins Morgan Kelly Begum Miller Cox Hussain Marshall Simpson Price Anderson Adams Wilkinson
Ali Ahmed Foster Ellis Murphy Chapman Mason Gray Richards Webb Griffiths Hunt Palmer Campbell Holmes
Mills Rogers Barnes Knight Matthews Barker Powell Stevens Kaur Fisher Butler Dixon Russell Harvey
Pearson Graham""")
GIVEN_NAMES = _words("""Oliver Amelia George Olivia Harry Isla Jack Ava Jacob Emily Noah Sophia Charlie
Grace Muhammad Mia Thomas Poppy Oscar Ella William Lily James Jessica Leo Isabella Joshua Freya
Alfie Evie Henry Aisha Arjun Priya Mohammed Fatima Daniel Sarah David Helen Michael Susan Paul
Karen Mark Joanne""")
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


# --- Loading -------------------------------------------------------------------------



def _pick(values: list[str], expr: str, seed: int) -> str:
    array = "ARRAY[" + ",".join(f"'{v}'" for v in values) + "]"
    return f"({array})[1 + floor({uniform(expr, seed)} * {len(values)})::int]"


def _nhs_number(p: str) -> str:
    """A valid NHS number from the reserved 999 range for person p (NULL for ~3 in 10,
    and where the modulus 11 check digit would be 10)."""
    stem = f"(999000000 + {p})::bigint"
    total = " + ".join(f"({stem} / {10 ** (8 - k)} % 10) * {10 - k}" for k in range(9))
    check = f"(11 - ({total}) % 11)"
    return (f"CASE WHEN {uniform(p, 1)} < 0.3 OR {check} = 10 THEN NULL "
            f"WHEN {check} = 11 THEN {stem}::text || '0' ELSE {stem}::text || {check}::text END")


def _postcode(p: str) -> str:
    return (f"'LE' || (1 + floor({uniform(p, 5)} * 18)::int) || ' ' || floor({uniform(p, 6)} * 10)::int"
            f" || {_pick(list(POSTCODE_LETTERS), p, 7)} || {_pick(list(POSTCODE_LETTERS), p, 8)}")



def _chunk_sql(chunk: int, system_user_id: int, practice_ids: list[int]) -> str:
    from cap.models import Referral, ServiceUser

    first_person = chunk * PEOPLE_PER_CHUNK + 1
    first_referral = chunk * CHUNK + 1
    practices = "(ARRAY[" + ",".join(map(str, practice_ids)) + "]::bigint[])"
    p = "g.p"
    person_columns, person_values = column_defaults(ServiceUser, {
        "nhs_number": _nhs_number(p),
        "given_name": _pick(GIVEN_NAMES, p, 2),
        "family_name": _pick(FAMILY_NAMES, p, 3),
        "date_of_birth": f"current_date - (5840 + floor({uniform(p, 4)} * 27000)::int)",
        "postcode": _postcode(p),
        "gp_practice_id": f"{practices}[1 + floor({uniform(p, 9)} * {len(practice_ids)})::int]",
        "created_at": "now()",
    })
    i = "g.i"
    status = (f"CASE WHEN {uniform(i, 11)} < 0.005 THEN 'awaiting_triage' "
              f"WHEN {uniform(i, 11)} < 0.035 THEN 'awaiting_booking' "
              f"WHEN {uniform(i, 11)} < 0.10 THEN 'booked' "
              f"WHEN {uniform(i, 11)} < 0.15 THEN 'routed' ELSE 'closed' END")
    # Open referrals are recent (the last 90 days); the rest spread over ten years.
    received = (f"now() - CASE WHEN {uniform(i, 11)} < 0.10 THEN {uniform(i, 12)} * interval '90 days' "
                f"ELSE interval '90 days' + {uniform(i, 12)} * interval '3560 days' END")
    referral_columns, referral_values = column_defaults(Referral, {
        "reference": f"'BEN-' || lpad({i}::text, 7, '0')",
        "service_user_id": "people.id",
        "channel": (f"CASE WHEN {uniform(i, 13)} < 0.7 THEN 'written' "
                    f"WHEN {uniform(i, 13)} < 0.9 THEN 'phone' ELSE 'online' END"),
        "received_at": "r.received_at",
        "first_contact_at": "r.received_at",
        "status": "r.status",
        "referrer_name": "'Dr Benchmark'",
        "reason": "'Low mood and anxiety for several months; struggling at work.'",
        "match_result": "CASE WHEN people.nhs_number IS NULL THEN 'new_person' ELSE 'matched_nhs_number' END",
        "logged_by_id": str(system_user_id),
        "created_at": "r.received_at",
    })
    # Every value here is made by this script, none comes from outside.
    return f"""
        WITH people AS (
            INSERT INTO cap_serviceuser ({", ".join(person_columns)})
            SELECT {", ".join(person_values)}
            FROM generate_series({first_person}, {first_person + PEOPLE_PER_CHUNK - 1}) AS g(p)
            RETURNING id, nhs_number
        ), numbered AS (
            SELECT id, nhs_number, row_number() OVER (ORDER BY id) AS n FROM people
        )
        INSERT INTO cap_referral ({", ".join(referral_columns)})
        SELECT {", ".join(referral_values)}
        FROM generate_series({first_referral}, {first_referral + CHUNK - 1}) AS g(i)
        CROSS JOIN LATERAL (SELECT {status} AS status, {received} AS received_at) AS r
        JOIN numbered AS people ON people.n = ((g.i - {first_referral}) % {PEOPLE_PER_CHUNK}) + 1
    """  # noqa: S608


def _practices() -> list[int]:
    from cap.models import GPPractice, PrimaryCareNetwork

    pcn, _ = PrimaryCareNetwork.objects.get_or_create(code="BENPCN", defaults={"name": "Bench PCN"})
    for n in range(1, 101):
        GPPractice.objects.get_or_create(ods_code=f"B{n:05d}",
                                         defaults={"name": f"Bench Surgery {n}", "pcn": pcn})
    return list(GPPractice.objects.filter(ods_code__startswith="B").values_list("id", flat=True))


def load(target: int, system_user) -> None:
    from django.db import connection, transaction

    from cap.models import Referral

    present = Referral.objects.filter(reference__startswith="BEN-").count()
    if present >= target:
        print(f"Data present: {present:,} benchmark referrals.")
        return
    practice_ids = _practices()
    started = time.perf_counter()
    for chunk in range(target // CHUNK):
        last = f"BEN-{(chunk + 1) * CHUNK:07d}"
        if Referral.objects.filter(reference=last).exists():
            continue
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_chunk_sql(chunk, system_user.id, practice_ids))
        done = (chunk + 1) * CHUNK
        if done % 100_000 == 0 or done == target:
            print(f"  loaded {done:,} referrals ({time.perf_counter() - started:.0f} s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cap_serviceuser")
        cursor.execute("ANALYZE cap_referral")
    print(f"Loaded in {time.perf_counter() - started:.0f} s.")


# --- Measuring -----------------------------------------------------------------------

def _user(username: str, role: str):
    from django.contrib.auth.models import Group, User
    from knox.models import AuthToken

    user, _ = User.objects.get_or_create(username=username)
    user.groups.add(Group.objects.get(name=role))
    AuthToken.objects.filter(user=user).delete()  # each run's own token, not every earlier run's
    throttle_history_clear(user)
    return user, AuthToken.objects.create(user=user)[1]


def _unused_nhs_numbers(count: int) -> list[str]:
    """Valid NHS numbers from the 998 range that nobody in the database has yet."""
    from cap.models import ServiceUser
    from cap.validators import nhs_number_is_valid

    numbers = []
    while len(numbers) < count:
        stem = f"998{secrets.randbelow(10**6):06d}"
        candidates = [stem + c for c in "0123456789" if nhs_number_is_valid(stem + c)]
        if candidates and candidates[0] not in numbers:
            numbers.append(candidates[0])
    taken = set(ServiceUser.objects.filter(nhs_number__in=numbers).values_list("nhs_number", flat=True))
    return [n for n in numbers if n not in taken]


def _referral_bodies(count: int) -> list[dict]:
    from django.utils import timezone

    nhs_numbers = iter(_unused_nhs_numbers(count))
    bodies = []
    for n in range(count):
        dob = date.today() - timedelta(days=5840 + secrets.randbelow(27000))
        bodies.append({
            "service_user": {
                # Half with an NHS number (not yet known), half without: both new people.
                "nhs_number": next(nhs_numbers, "") if n % 2 else "",
                "given_name": secrets.choice(GIVEN_NAMES),
                "family_name": f"Bench{uuid.uuid4().hex[:12]}",
                "date_of_birth": dob.isoformat(), "postcode": "LE1 6TP",
                "gp_practice_code": f"b{1 + n % 100:05d}",
            },
            "referrer": {"name": "Dr Helen Shaw", "role": "GP", "organisation": "Bench Surgery",
                         "ods_code": "B00001"},
            "reason": "Low mood for months; not sleeping; finding work hard.",
            "channel": "written", "referrer_risk": "No thoughts of self-harm reported.",
            "referrer_urgency": "routine",
            "received_at": (timezone.now() - timedelta(minutes=30)).isoformat(),
        })
    return bodies




def measure_posts(token: str) -> list[float]:
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    times = []
    for n, body in enumerate(_referral_bodies(SAMPLES + WARM_UP)):
        payload = json.dumps(body)
        started = time.perf_counter()
        response = client.post("/api/v1/referrals/", payload, content_type="application/json",
                               headers={"Idempotency-Key": str(uuid.uuid4())}, secure=True)
        elapsed = time.perf_counter() - started
        if response.status_code != 201:
            sys.exit(f"POST answered {response.status_code}: {response.content[:500]!r}")
        if n >= WARM_UP:
            times.append(elapsed)
    return times


def measure_post_floor(user_id: int) -> list[float]:
    """The floor of a POST: what intake must write for a written referral about a new
    person (benchdb.referral_floor_statement), with its one target, the triage review."""
    from triage.models import TargetDefinition

    review = TargetDefinition.objects.get(code="triage_review").pk

    def params(n: int) -> dict:
        now = time.time()
        targets = [{"definition": review, "started": iso(now - 1800), "due": iso(now + 86400),
                    "at_risk": iso(now + 64800), "provisional": False}]
        return {"given": "Alex", "family": f"Floor{uuid.uuid4().hex[:12]}", "born": "1990-01-01",
                "postcode": "LE1 6TP", "authored": iso(now - 1800), "referrer": "Dr Helen Shaw",
                "reason": "Low mood for months; not sleeping; finding work hard.",
                "targets": json.dumps(targets)}

    statement = referral_floor_statement(user_id, channel="written", urgency="routine")
    return floor_times(statement, (params(n) for n in range(SAMPLES + WARM_UP)), warm_up=WARM_UP)


def _search_samples() -> list[dict]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT nhs_number FROM cap_serviceuser WHERE nhs_number IS NOT NULL "
                       "ORDER BY random() LIMIT %s", [SAMPLES // 2])
        by_number = [{"nhs_number": n} for (n,) in cursor.fetchall()]
        cursor.execute("SELECT family_name, date_of_birth FROM cap_serviceuser "
                       "ORDER BY random() LIMIT %s", [SAMPLES // 2])
        by_name = [{"family_name": f.lower(), "date_of_birth": d} for f, d in cursor.fetchall()]
    # Alternate the two kinds of search, as a call handler's day would.
    samples = [s for pair in zip(by_number, by_name, strict=False) for s in pair]
    return samples[:WARM_UP] + samples  # the first few again, as a warm-up


def measure_searches() -> list[float]:
    from cap.selectors import people_search

    times = []
    for n, criteria in enumerate(_search_samples()):
        started = time.perf_counter()
        found = list(people_search(**criteria))
        elapsed = time.perf_counter() - started
        if not found:
            sys.exit(f"The search found nobody for {criteria}.")
        if n >= WARM_UP:
            times.append(elapsed)
    return times


def measure_search_floor() -> list[float]:
    """The floor of people_search: one statement for each search, giving the same people
    in the same order, each with its practice, open episodes (team, care coordinator) and
    open referrals, as people_search and its prefetches do in four."""
    from django.db import connection

    from cap.models import OPEN_STATUSES, GPPractice, Referral, ServiceUser
    from cap.selectors import SEARCH_LIMIT
    from cap.validators import normalise_nhs_number
    from careplans.models import Episode
    from scheduling.models import Practitioner, Team

    tables = {"people": ServiceUser._meta.db_table, "practices": GPPractice._meta.db_table,
              "episodes": Episode._meta.db_table, "teams": Team._meta.db_table,
              "practitioners": Practitioner._meta.db_table, "referrals": Referral._meta.db_table}
    # Every name here is a model's table; the searched values are parameters.
    select = """
        SELECT p.*, g.*,
               (SELECT json_agg(json_build_object('team', t.name, 'coordinator', c.id) ORDER BY e.id)
                  FROM {episodes} e JOIN {teams} t ON t.id = e.team_id
                  LEFT JOIN {practitioners} c ON c.id = e.care_coordinator_id
                 WHERE e.service_user_id = p.id AND e.closed_on IS NULL) AS open_episodes,
               (SELECT json_agg(r.reference ORDER BY r.id) FROM {referrals} r
                 WHERE r.service_user_id = p.id AND r.status = ANY(%(open)s)) AS open_referrals
          FROM {people} p LEFT JOIN {practices} g ON g.id = p.gp_practice_id
         WHERE p.superseded_by_id IS NULL AND {where}
         ORDER BY p.family_name, p.given_name, p.id LIMIT {limit}"""
    by_number = select.format(**tables, where="p.nhs_number = %(nhs_number)s", limit=SEARCH_LIMIT)
    by_name = select.format(**tables, limit=SEARCH_LIMIT,
                            where="upper(p.family_name) = %(family)s AND p.date_of_birth = %(born)s")
    open_statuses = [str(status) for status in OPEN_STATUSES]
    times = []
    with connection.cursor() as cursor:
        for n, criteria in enumerate(_search_samples()):
            if criteria.get("nhs_number"):
                statement = by_number
                values = {"nhs_number": normalise_nhs_number(criteria["nhs_number"]), "open": open_statuses}
            else:
                statement = by_name
                values = {"family": criteria["family_name"].upper(), "born": criteria["date_of_birth"],
                          "open": open_statuses}
            started = time.perf_counter()
            cursor.execute(statement, values)
            found = cursor.fetchall()
            elapsed = time.perf_counter() - started
            if not found:
                sys.exit(f"The floor's search found nobody for {criteria}.")
            if n >= WARM_UP:
                times.append(elapsed)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK:,} referrals, to check the script")
    args = parser.parse_args()
    # One client posts every referral here, run after run: the per-client limit would
    # measure the limit.
    os.environ.setdefault("API_THROTTLE_REFERRALS_RATE", "1000000/h")
    setup_django(BENCH_DB)
    from cap.models import Referral, ServiceUser

    system, token = _user("bench.system", "Admin team")
    load(QUICK if args.quick else FULL, system)
    posts = measure_posts(token)
    post_floor = measure_post_floor(system.pk)
    searches = measure_searches()
    search_floor = measure_search_floor()
    referrals, people = Referral.objects.count(), ServiceUser.objects.count()
    print(f"Data: {referrals:,} referrals, {people:,} service users "
          f"(database {BENCH_DB}); {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} "
          "(other work on the machine slows every figure).")
    figures = Figures("intake")
    print(f"POST /api/v1/referrals/  n={len(posts)}  "
          f"{figures.timed('POST /api/v1/referrals/', posts, data_size=referrals, floor=post_floor)}")
    print(f"people_search           n={len(searches)}  "
          f"{figures.timed('people_search', searches, data_size=people, floor=search_floor)}")
    figures.write({"referrals": referrals, "service_users": people})


if __name__ == "__main__":
    main()
