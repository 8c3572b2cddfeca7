"""Triage benchmark: the triage queue pages and recording a triage decision against
1,000,000 referrals of which 100,000 are open (about 20,000 awaiting triage).

    set -a && . .local/run/services.env && set +a
    .venv/bin/python benchmarks/triage.py            # 1,000,000 referrals
    .venv/bin/python benchmarks/triage.py --quick    # 20,000, to check the script works

Runs against its own database, `cap_bench_triage`, on the server DATABASE_URL names
(created and migrated if missing), never against the database itself. Referrals are
loaded with set-based SQL (INSERT ... SELECT generate_series) in chunks of 20,000,
each chunk in one transaction, so an interrupted load resumes and a re-run with the
data present starts measuring at once. --quick loads the first chunk only, so a full
run afterwards carries on from it.

The awaiting-triage referrals' triage review targets fall due over the week before the
load and the day after it, so a queue mixes overdue and running rows; 1 in 10 is
flagged urgent, 1 in 20 is for the eating disorders queue and 1 in 33 for the nursing
home in-reach queue, and 1 in 20 is claimed. 1,000 are decided urgent and wait for
their 24-hour assessment. The other open referrals are awaiting booking or booked,
and the closed ones have met their targets.

Times are server time in-process (Django's test client, no network), measured with
time.perf_counter around each request or service call. Each run records 200
decisions for real (committed), so it triages 200 of the ~20,000 awaiting referrals.

Not a test: pytest collects only tests/.
"""

import argparse
import time
from pathlib import Path

from benchdb import Figures, column_defaults, setup_django, signed_in_client, uniform

FIGURES = Figures("triage")  # what main prints, written as JSON too

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "cap_bench_triage"
FULL, QUICK = 1_000_000, 20_000
CHUNK = 20_000  # referrals per transaction
PEOPLE_PER_CHUNK = 14_000  # about 1.4 referrals per person
PAGE_SAMPLES, DECISION_SAMPLES, WARM_UP = 100, 200, 10
CLINICIAN, COLLEAGUE = "bench.triage", "bench.colleague"


# --- Loading -------------------------------------------------------------------------




def _status(u: str) -> str:
    """2% awaiting triage, 0.1% awaiting urgent assessment, 7.9% awaiting booking or
    booked (10% open), the rest routed, assessed or closed."""
    return (f"CASE WHEN {u} < 0.020 THEN 'awaiting_triage' "
            f"WHEN {u} < 0.021 THEN 'awaiting_urgent_assessment' "
            f"WHEN {u} < 0.060 THEN 'awaiting_booking' WHEN {u} < 0.100 THEN 'booked' "
            f"WHEN {u} < 0.200 THEN 'routed' WHEN {u} < 0.300 THEN 'assessed' ELSE 'closed' END")


def _chunk_sql(chunk: int, system_user_id: int, definitions: dict) -> str:
    from cap.models import Referral, ServiceUser

    first_person, first = chunk * PEOPLE_PER_CHUNK + 1, chunk * CHUNK + 1
    p, i = "g.p", "r.i"
    person_columns, person_values = column_defaults(ServiceUser, {
        "given_name": f"(ARRAY['Amelia','Oliver','Aisha','Arjun','Grace','Leo'])"
                      f"[1 + floor({uniform(p, 2)} * 6)::int]",
        "family_name": f"(ARRAY['Smith','Patel','Jones','Khan','Brown','Okafor'])"
                       f"[1 + floor({uniform(p, 3)} * 6)::int]",
        "date_of_birth": f"current_date - (6570 + floor({uniform(p, 4)} * 25000)::int)",
        "postcode": "'LE2 7LX'", "created_at": "now()",
    })
    # Awaiting triage: review due from a week ago to a day ahead, received a day before.
    # Open ones otherwise: the last 90 days; closed ones over ten years.
    received = (f"CASE WHEN g.status = 'awaiting_triage' THEN g.triage_due - interval '1 day' "
                f"WHEN g.status IN ('awaiting_urgent_assessment','awaiting_booking','booked') "
                f"THEN now() - {uniform('g.i', 12)} * interval '90 days' "
                f"ELSE now() - interval '90 days' - {uniform('g.i', 12)} * interval '3560 days' END")
    waiting = "r.status = 'awaiting_triage'"
    referral_columns, referral_values = column_defaults(Referral, {
        "reference": f"'BTR-' || lpad({i}::text, 7, '0')",
        "service_user_id": "people.id",
        "channel": (f"CASE WHEN {uniform(i, 13)} < 0.7 THEN 'written' "
                    f"WHEN {uniform(i, 13)} < 0.9 THEN 'phone' ELSE 'online' END"),
        "received_at": "r.received_at", "first_contact_at": "r.received_at", "status": "r.status",
        "referrer_name": "'Dr Benchmark'",
        "reason": "'Low mood and anxiety for several months; struggling at work.'",
        "suggested_urgency": (f"CASE WHEN {waiting} AND {uniform(i, 14)} < 0.05 THEN 'urgent' "
                              "ELSE 'routine' END"),
        "urgent_triage_requested_at": (f"CASE WHEN {waiting} AND {uniform(i, 14)} >= 0.05 "
                                       f"AND {uniform(i, 14)} < 0.10 THEN r.received_at END"),
        "specific_queue": (f"CASE WHEN {uniform(i, 15)} < 0.05 THEN 'eating_disorders' "
                           f"WHEN {uniform(i, 15)} < 0.08 THEN 'nursing_home_in_reach' ELSE '' END"),
        "match_result": "'matched_nhs_number'", "logged_by_id": str(system_user_id),
        "created_at": "r.received_at",
    })
    review, assessment = definitions["triage_review"], definitions["assessment_24h"]
    # Every value here is made by this script, none comes from outside.
    return f"""
        WITH people AS (
            INSERT INTO cap_serviceuser ({", ".join(person_columns)})
            SELECT {", ".join(person_values)}
            FROM generate_series({first_person}, {first_person + PEOPLE_PER_CHUNK - 1}) AS g(p)
            RETURNING id
        ), numbered AS (
            SELECT id, row_number() OVER (ORDER BY id) AS n FROM people
        ), g AS (
            SELECT i, {_status(uniform('i', 11))} AS status,
                   now() - interval '7 days' + {uniform('i', 16)} * interval '8 days' AS triage_due
            FROM generate_series({first}, {first + CHUNK - 1}) AS i
        ), r AS (
            SELECT g.i, g.status, g.triage_due, ({received}) AS received_at FROM g
        ), referrals AS (
            INSERT INTO cap_referral ({", ".join(referral_columns)})
            SELECT {", ".join(referral_values)}
            FROM r
            JOIN numbered AS people ON people.n = 1 + (r.i - {first}) % {PEOPLE_PER_CHUNK}
            RETURNING id, status, received_at
        ), reviews AS (
            INSERT INTO triage_waittarget (referral_id, definition_id, started_at, due_at, met_at)
            SELECT id, {review}, received_at, received_at + interval '1 day',
                   CASE WHEN status = 'awaiting_triage' THEN NULL
                        ELSE received_at + interval '5 hours' END
            FROM referrals
        ), claims AS (
            INSERT INTO triage_triageclaim (referral_id, clinician_id, claimed_at, expires_at)
            SELECT id, {system_user_id}, now(), now() + interval '30 minutes'
            FROM referrals WHERE status = 'awaiting_triage' AND {uniform('id', 17)} < 0.05
        )
        INSERT INTO triage_waittarget (referral_id, definition_id, started_at, due_at)
        SELECT id, {assessment}, received_at,
               now() - interval '6 hours' + {uniform('id', 18)} * interval '24 hours'
        FROM referrals WHERE status = 'awaiting_urgent_assessment'
    """  # noqa: S608


def _users():
    from django.contrib.auth.models import Group, User

    clinician, _ = User.objects.get_or_create(username=CLINICIAN, defaults={
        "first_name": "Bench", "last_name": "Clinician"})
    clinician.groups.set(Group.objects.filter(name__in=[
        "Triage clinician", "Eating disorders triage", "Nursing home in-reach triage"]))
    colleague, _ = User.objects.get_or_create(username=COLLEAGUE, defaults={
        "first_name": "Bench", "last_name": "Colleague"})
    return clinician, colleague


def load(total: int) -> None:
    from django.db import connection, transaction

    from triage.models import TargetDefinition

    _, colleague = _users()
    definitions = dict(TargetDefinition.objects.values_list("code", "id"))
    started = time.perf_counter()
    loaded = 0
    for chunk in range(total // CHUNK):
        last = f"BTR-{(chunk + 1) * CHUNK:07d}"
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM cap_referral WHERE reference = %s", [last])
            if cursor.fetchone():
                continue
            cursor.execute(_chunk_sql(chunk, colleague.pk, definitions))
            # What triage.services.next_due_refresh keeps, set-based for the chunk.
            cursor.execute("""
                UPDATE cap_referral AS r SET next_due_at = t.due
                FROM (SELECT w.referral_id, min(w.due_at) AS due FROM triage_waittarget AS w
                      JOIN cap_referral AS c ON c.id = w.referral_id
                      WHERE w.met_at IS NULL AND w.cancelled_at IS NULL
                        AND c.reference BETWEEN %s AND %s GROUP BY w.referral_id) AS t
                WHERE r.id = t.referral_id""", [f"BTR-{chunk * CHUNK + 1:07d}", last])
        loaded += 1
        print(f"  chunk {chunk + 1}/{total // CHUNK} loaded "
              f"({time.perf_counter() - started:.0f} s)", flush=True)
    if loaded:
        # VACUUM sets the visibility map, so the queue indexes answer without the heap,
        # as autovacuum leaves a live database.
        connection.ensure_connection()
        connection.connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


# --- Measuring -----------------------------------------------------------------------



def measure_pages(clinician) -> list[tuple[str, str, int, int]]:
    from django.db import connection

    client = signed_in_client(clinician)
    results = []
    for url in ["/triage/urgent/", "/triage/non-urgent/", "/triage/queues/eating-disorders/",
                "/triage/queues/nursing-home-in-reach/", "/triage/"]:
        for _ in range(WARM_UP):
            client.get(url, secure=True)
        queries = []

        def count(execute, sql, *args, queries=queries):
            queries.append(sql)
            return execute(sql, *args)

        with connection.execute_wrapper(count):
            rows = client.get(url, secure=True).content.decode().count('<tr class="nhsuk-table__row"')
        samples = []
        for _ in range(PAGE_SAMPLES):
            start = time.perf_counter()
            response = client.get(url, secure=True)
            samples.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
        floor = queue_page_floor(clinician, url.rstrip("/").rsplit("/", 1)[-1])
        stats = FIGURES.timed(f"GET {url}", samples, queries=len(queries), rows=rows, floor=floor)
        results.append((url, stats, len(queries), rows))
    return results


def queue_page_floor(clinician, slug: str) -> list[float] | None:
    """The floor of a queue page: what any implementation of the page must ask of the
    database, in three statements: how many wait on the queue (the page says so, and pages
    by it), the first page of rows in due order with the person, the claim and its
    clinician, the due target and the flags (the ORM's own statement for the rows, compiled
    once: it is already one statement), and the record-access rows of the people shown.
    None for a page that is not one queue's (the worklist's floor is not written yet)."""
    from django.db import connection

    from cap.models import RecordAccess
    from triage import selectors, worklists
    from triage.views.queues import QUEUE_LIMIT, QUEUES

    queue = next((q for q in QUEUES.values() if q.slug == slug), None)
    if queue is None:
        return None
    page = (selectors.triage_queues([queue.code]).order_by(*worklists.ORDERINGS["due"])[:QUEUE_LIMIT])
    rows_sql, rows_params = page.query.sql_with_params()
    shown = [(r.service_user_id, r.pk) for r in page]
    columns, values = column_defaults(RecordAccess, {
        "user_id": "%(user)s", "service_user_id": "t.person", "referral_id": "t.referral",
        "accessed_at": "now()", "context": "%(view)s"})
    access = (f"INSERT INTO {RecordAccess._meta.db_table} ({', '.join(columns)}) "  # noqa: S608
              f"SELECT {', '.join(values)} "
              "FROM unnest(%(people)s::bigint[], %(referrals)s::bigint[]) AS t(person, referral)")
    logged = {"user": clinician.pk, "view": queue.title, "people": [p for p, _ in shown],
              "referrals": [r for _, r in shown]}
    times = []
    for n in range(WARM_UP + PAGE_SAMPLES):
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {page.model._meta.db_table} WHERE triage_queue = %s",  # noqa: S608
                           [queue.code])
            cursor.fetchone()
            cursor.execute(rows_sql, rows_params)
            cursor.fetchall()
            cursor.execute(access, logged)
        if n >= WARM_UP:
            times.append(time.perf_counter() - start)
    return times


def measure_decisions(clinician) -> str:
    from cap.models import Referral, ReferralStatus
    from triage import services

    referrals = list(Referral.objects.filter(status=ReferralStatus.AWAITING_TRIAGE,
                                             claim__isnull=True)
                     .order_by("?")[:DECISION_SAMPLES])
    samples = []
    for referral in referrals:
        start = time.perf_counter()
        services.triage_decision_record(actor=clinician, referral=referral, urgency="routine",
                                        outcome="assessment", stream="AMH",
                                        rationale="Benchmark: routine adult assessment.")
        samples.append(time.perf_counter() - start)
    return FIGURES.timed("triage_decision_record", samples)


def sizes() -> dict:
    from django.db.models import Count

    from cap.models import OPEN_STATUSES, Referral

    counts = dict(Referral.objects.values_list("status").annotate(n=Count("id")))
    return {"referrals": sum(counts.values()),
            "open": sum(counts.get(s, 0) for s in OPEN_STATUSES),
            "awaiting_triage": counts.get("awaiting_triage", 0),
            "awaiting_urgent_assessment": counts.get("awaiting_urgent_assessment", 0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="20,000 referrals, to check the script")
    args = parser.parse_args()
    setup_django(BENCH_DB)
    total = QUICK if args.quick else FULL
    print(f"Loading up to {total:,} referrals into {BENCH_DB} (skipped if present)...", flush=True)
    load(total)
    clinician, _ = _users()
    size = sizes()
    print(f"Data: {size['referrals']:,} referrals, {size['open']:,} open, "
          f"{size['awaiting_triage']:,} awaiting triage, "
          f"{size['awaiting_urgent_assessment']:,} awaiting urgent assessment")
    print(f"Queue pages (N={PAGE_SAMPLES} each, server time via django.test.Client):")
    for url, stats, queries, rows in measure_pages(clinician):
        print(f"  {url:40} {stats}   {queries} queries, {rows} rows")
    print(f"Record a triage decision (N={DECISION_SAMPLES} referrals, "
          f"triage.services.triage_decision_record):")
    print(f"  {'routine, stream for assessment':40} {measure_decisions(clinician)}")
    FIGURES.write(size)


if __name__ == "__main__":
    main()
