"""Triage benchmark: the triage queue pages and recording a triage decision against
1,000,000 referrals of which 100,000 are open (about 20,000 awaiting triage).

    set -a && . .local/run/services.env && set +a
    .venv/bin/python benchmarks/triage.py            # 1,000,000 referrals
    .venv/bin/python benchmarks/triage.py --quick    # 20,000, to check the script works
    bash bin/bench benchmarks/triage.py --referrals 10000000   # how cost grows: 10,000,000

With --referrals N (a multiple of 1,000,000) the first 1,000,000 are loaded as always and
every later one is closed history (ten years' referrals, their targets met), in a database
of its own (`cap_bench_triage_N`), figures to .local/bench/triage-N.json: the same open
referrals under ten times the stored ones. `bin/bench --compare .local/bench/triage.json
.local/bench/triage-10000000.json` prints the two side by side.

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

The managers' wait dashboard (GET /dashboard/) is timed too, as a manager.

Times are server time in-process (Django's test client, no network), measured with
time.perf_counter around each request or service call. Each run records 200
decisions for real (committed), so it triages 200 of the ~20,000 awaiting referrals; the
decisions' floor triages 210 more that it makes for itself (decision_floor).

Not a test: pytest collects only tests/.
"""

import argparse
import re
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
CLINICIAN, COLLEAGUE, MANAGER = "bench.triage", "bench.colleague", "bench.manager"
QUEUE_PAGES = ["/triage/urgent/", "/triage/non-urgent/", "/triage/queues/eating-disorders/",
               "/triage/queues/nursing-home-in-reach/", "/triage/"]
DASHBOARD = "/dashboard/"  # the managers' live wait dashboard


# --- Loading -------------------------------------------------------------------------




def _status(u: str) -> str:
    """2% awaiting triage, 0.1% awaiting urgent assessment, 7.9% awaiting booking or
    booked (10% open), the rest routed, assessed or closed."""
    return (f"CASE WHEN {u} < 0.020 THEN 'awaiting_triage' "
            f"WHEN {u} < 0.021 THEN 'awaiting_urgent_assessment' "
            f"WHEN {u} < 0.060 THEN 'awaiting_booking' WHEN {u} < 0.100 THEN 'booked' "
            f"WHEN {u} < 0.200 THEN 'routed' WHEN {u} < 0.300 THEN 'assessed' ELSE 'closed' END")


def _reference(i: str) -> str:
    """The SQL of referral number `i`'s reference: BTR- and seven digits at least (eight
    at 10,000,000), as `f"BTR-{n:07d}"` spells it."""
    return f"'BTR-' || lpad({i}::text, greatest(7, length({i}::text)), '0')"


def _history_chunk(chunk: int) -> bool:
    """Past the first FULL referrals every chunk is closed history: a larger table holds
    more of the past, and the same open referrals (what is due and shown)."""
    return chunk >= FULL // CHUNK


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
        "reference": _reference(i),
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
            SELECT i, {"'closed'" if _history_chunk(chunk) else _status(uniform('i', 11))} AS status,
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


def _manager():
    from django.contrib.auth.models import Group, User

    manager, _ = User.objects.get_or_create(username=MANAGER, defaults={
        "first_name": "Bench", "last_name": "Manager"})
    manager.groups.set(Group.objects.filter(name="Manager"))
    return manager


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
            if not _history_chunk(chunk):  # closed history has nothing due
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



def measure_pages(clinician, manager) -> list[tuple[str, str, int, int]]:
    """The queue pages and the worklist as the clinician, then the wait dashboard as a
    manager, each beside its floor."""
    from django.db import connection

    clients = {clinician: signed_in_client(clinician), manager: signed_in_client(manager)}
    results = []
    for url, user in [*((url, clinician) for url in QUEUE_PAGES), (DASHBOARD, manager)]:
        client = clients[user]
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
        if url == DASHBOARD:
            floor = dashboard_floor(client)
        elif url == "/triage/":
            floor = worklist_floor(clinician)
        else:
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
    None for a page that is not one queue's (the worklist's is worklist_floor)."""

    from triage import selectors, worklists
    from triage.views.queues import QUEUE_LIMIT, QUEUES

    queue = next((q for q in QUEUES.values() if q.slug == slug), None)
    if queue is None:
        return None
    page = (selectors.triage_queues([queue.code]).order_by(*worklists.ORDERINGS["due"])[:QUEUE_LIMIT])
    count = (f"SELECT count(*) FROM {page.model._meta.db_table} WHERE triage_queue = %s",  # noqa: S608
             [queue.code])
    shown = [(r.service_user_id, r.pk) for r in page]
    return _page_floor_times([count, page.query.sql_with_params()], shown=shown, user=clinician,
                             view=queue.title)


def _page_floor_times(statements: list, *, shown: list[tuple[int, int]], user, view: str) -> list[float]:
    """A page's floor: its statements, each (sql, params) with its rows fetched, then the
    record-access rows of the people `shown` ((person, referral) pairs) in one INSERT,
    timed together once a sample, PAGE_SAMPLES after WARM_UP not counted."""
    from django.db import connection

    access = _access_insert()
    logged = {"user": user.pk, "view": view, "people": [p for p, _ in shown],
              "referrals": [r for _, r in shown]}
    times = []
    for n in range(WARM_UP + PAGE_SAMPLES):
        start = time.perf_counter()
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()
            cursor.execute(access, logged)
        if n >= WARM_UP:
            times.append(time.perf_counter() - start)
    return times


def _access_insert() -> str:
    """The record-access rows of the people a page shows, one per (person, referral) pair,
    in one INSERT (what core.audit.record_access_log_many writes). Parameters: user, view,
    people and referrals (arrays of the same length)."""
    from cap.models import RecordAccess

    columns, values = column_defaults(RecordAccess, {
        "user_id": "%(user)s", "service_user_id": "t.person", "referral_id": "t.referral",
        "accessed_at": "now()", "context": "%(view)s"})
    return (f"INSERT INTO {RecordAccess._meta.db_table} ({', '.join(columns)}) "  # noqa: S608
            f"SELECT {', '.join(values)} "
            "FROM unnest(%(people)s::bigint[], %(referrals)s::bigint[]) AS t(person, referral)")


# Statements every staff page makes, not counted in any page's floor: signing in (the
# session, the user, their permissions and groups, the second step) and the header's
# count of unread notifications. Found by the table each reads or writes first.
EVERY_PAGES_TABLES = ("django_session", "auth_user", "auth_permission", "auth_group", "otp_", "axes_",
                      "triage_notification")
FIRST_TABLE = re.compile(r'^\s*(?:SELECT\b.*?\bFROM|UPDATE|INSERT INTO|DELETE FROM)\s+"?(\w+)', re.S | re.I)


def _every_pages(sql: str) -> bool:
    found = FIRST_TABLE.match(sql)
    return bool(found) and found.group(1).startswith(EVERY_PAGES_TABLES)


def dashboard_floor(client) -> list[float]:
    """The floor of the wait dashboard: its own statements, taken from one request and
    replayed, each with its rows fetched (benchdb.statement_times), less every page's
    (EVERY_PAGES_TABLES) and the savepoints. The dashboard reads a dozen figures (counts
    by queue and time left, the urgent waits, the never-lost list, the slot issues, the
    breaches today, the hub's and the heartbeat), each an aggregate or a short list of
    its own over different rows, so its statements are close to what any implementation
    must ask; but they are the page's, not written apart, so this floor is what the page
    costs beyond its SQL (the ORM, the template), not proof that the SQL is minimal."""
    from benchdb import statement_times
    from django.db import connection

    captured: list[tuple[str, object]] = []

    def capture(execute, sql, params, many, context):
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        assert client.get(DASHBOARD, secure=True).status_code == 200
    statements = [(sql, params) for sql, params in captured
                  if not sql.lstrip().upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
                  and not _every_pages(sql)]
    return [sum(statement_times(statements, warm_up=0)) for _ in range(WARM_UP + PAGE_SAMPLES)][WARM_UP:]


def worklist_floor(clinician) -> list[float]:
    """The floor of the worklist (GET /triage/, first page, default sort): what any
    implementation of the page must ask of the database, in five statements, each of which
    reads or writes something the page shows or must record, and none of which can be
    answered by another:

    1. how many wait on the queues the clinician works (the page says so, and pages by
       it): one count over cap_referral by triage_queue, which the queue index answers;
    2. the page of rows (WORKLIST_PAGE) in due order across those queues, with the person,
       the claim and its clinician, the due target and the flags: the ORM's own statement
       for the rows, compiled once (it is already one statement);
    3. the names of the teams, the choices of the page's team filter;
    4. the clinical reviews of missed appointments waiting for a clinician (the clinician
       may record them, so the page lists them), with their referral and person: the
       ORM's own statement, compiled once (one statement);
    5. the record-access rows of the people shown, in rows and reviews, in one INSERT.

    Signing in (the session and the user) is not counted, as the queue pages' floor does
    not count it: it is every page's, not this one's."""

    from scheduling import selectors as scheduling_selectors
    from scheduling.models import Team
    from triage import selectors, worklists
    from triage.views.decisions import WORKLIST_LIMIT, WORKLIST_PAGE
    from triage.views.queues import visible_queues

    codes = [q.code for q in visible_queues(clinician)]
    page = selectors.triage_queues(codes).order_by(*worklists.ORDERINGS["due"])[:WORKLIST_PAGE]
    reviews = scheduling_selectors.clinical_reviews_needed()[:WORKLIST_LIMIT]
    statements = [(f"SELECT count(*) FROM {page.model._meta.db_table} "  # noqa: S608
                   "WHERE triage_queue = ANY(%s)", [codes]),
                  page.query.sql_with_params(),
                  Team.objects.values_list("pk", "name").query.sql_with_params(),
                  reviews.query.sql_with_params()]
    shown = list(dict.fromkeys([(r.service_user_id, r.pk) for r in page]
                               + [(c.referral.service_user_id, c.referral_id) for c in reviews]))
    return _page_floor_times(statements, shown=shown, user=clinician, view="triage worklist")


def measure_decisions(clinician) -> str:
    from cap.models import Referral, ReferralStatus
    from triage import services

    referrals = list(Referral.objects.filter(status=ReferralStatus.AWAITING_TRIAGE,
                                             claim__isnull=True)
                     .order_by("?")[:DECISION_SAMPLES])
    if len(referrals) < DECISION_SAMPLES // 2:
        # Each run decides its samples for real: --quick's few hundred last two runs.
        raise SystemExit(f"Only {len(referrals)} referrals are left awaiting triage, unclaimed: drop the "
                         f"database {BENCH_DB} (or its --referrals one) to load afresh.")
    samples = []
    for referral in referrals:
        start = time.perf_counter()
        services.triage_decision_record(actor=clinician, referral=referral, urgency="routine",
                                        outcome="assessment", stream="AMH",
                                        rationale="Benchmark: routine adult assessment.")
        samples.append(time.perf_counter() - start)
    return FIGURES.timed("triage_decision_record", samples, floor=decision_floor(clinician))


FLOOR_REFERRER = "Benchmark floor"  # marks the referrals made for the decision floor


def _history_of(model, alias: str, user_id: int, **given: str) -> tuple[list[str], list[str]]:
    """Columns and values of the history row of a change to the row `alias` returned."""
    columns = {f.column: f"{alias}.{f.column}" for f in model._meta.concrete_fields if not f.generated}
    columns |= {"history_date": "now()", "history_type": "'~'", "history_user_id": str(user_id), **given}
    return column_defaults(model.history.model, columns)


def _floor_referrals(user_id: int, count: int) -> list:
    """`count` new routine referrals awaiting triage, their triage review running and
    watched, written as intake writes them (benchdb.referral_floor_statement) and
    committed before any timing: the decision floor triages these, so the referrals the
    run measures, and those a later run measures, are left as they were. Each run leaves
    them behind, awaiting booking; one left awaiting triage by a run cut short is used by
    the next."""
    import json
    import uuid

    from benchdb import iso, referral_floor_statement
    from django.db import connection

    from cap.models import Referral, ReferralStatus
    from triage.models import TargetDefinition

    review = TargetDefinition.objects.get(code="triage_review").pk
    mine = Referral.objects.filter(referrer_name=FLOOR_REFERRER, status=ReferralStatus.AWAITING_TRIAGE)
    with connection.cursor() as cursor:
        for _ in range(max(0, count - mine.count())):
            now = time.time()
            targets = [{"definition": review, "started": iso(now), "due": iso(now + 86400),
                        "at_risk": iso(now + 64800), "provisional": False}]
            cursor.execute(referral_floor_statement(user_id, channel="written", urgency="routine"), {
                "given": "Alex", "family": f"Floor{uuid.uuid4().hex[:12]}", "born": "1990-01-01",
                "postcode": "LE1 6TP", "authored": iso(now), "referrer": FLOOR_REFERRER,
                "reason": "Low mood for months; not sleeping; finding work hard.",
                "targets": json.dumps(targets)})
    return list(mine.order_by("pk")[:count])


def decision_floor(clinician) -> list[float]:
    """The floor of triage_decision_record for the decision measure_decisions records (a
    routine assessment in the adult stream): one statement, its own transaction (commit
    included, so the write is as durable as the service's), of these parts, each writing
    a row the decision leaves behind, so none can be left out:

    - the UPDATE of the referral to awaiting booking (booked when it has a booking kept),
      with its next due instant, the earliest of its running targets once the triage
      review is met and the two new ones run. It is the check too: only while the referral
      awaits triage and no other clinician's claim is live, and the row lock it takes is
      the service's lock_referral; every other part writes only through what it returns;
    - the referral's history row, with the transition's reason;
    - the INSERT of the decision and its history row;
    - the triage review target met (and the urgent response and sender's call-back
      targets, were they running), with their history rows, and the watcher's rows of
      the met targets deleted;
    - the INSERT of the booking and routine assessment targets, their history rows and
      the watcher's first alerts;
    - the DELETE of the referral's claim.

    As benchdb.referral_floor_statement does, it is given the new targets' due and
    at-risk instants (worked out from the definitions and the closure days before the
    timing): a computation, not a read the decision needs. It writes real rows, committed,
    to referrals made for it (_floor_referrals) after the service's samples, so it changes
    nothing measure_decisions or a later run measures. The provisional targets the service
    stops do not exist on these referrals, as on those measured, so it writes none."""
    import json

    from benchdb import floor_times

    from cap.models import Referral
    from cap.models import ReferralStatus as S
    from cap.referral_status import TRANSITIONS
    from scheduling.models import Booking, BookingStatus
    from triage import clock, services
    from triage.models import AlertSchedule, TargetDefinition, TriageClaim, TriageDecision, WaitTarget

    referrals = _floor_referrals(clinician.pk, WARM_UP + DECISION_SAMPLES)
    definitions = {d.code: d for d in TargetDefinition.objects.all()}
    calendar = services.business_calendar()

    def targets(referral) -> str:
        starts = [(definitions[code], getattr(referral, field))
                  for code, field in services.ASSESSMENT_TARGETS["routine"]]
        runs = []
        for definition, start in starts:
            due = clock.due_at(start, definition.clock, definition.amount, calendar)
            at_risk = definition.at_risk_at(start, due)
            runs.append({"definition": definition.pk, "started": start.isoformat(), "due": due.isoformat(),
                         "at_risk": at_risk.isoformat() if at_risk else None, "provisional": False})
        return json.dumps(runs)

    user = clinician.pk
    tables = {"referrals": Referral._meta.db_table, "targets": WaitTarget._meta.db_table,
              "bookings": Booking._meta.db_table, "claims": TriageClaim._meta.db_table,
              "schedule": AlertSchedule._meta.db_table, "decisions": TriageDecision._meta.db_table}

    def insert(model, given: dict) -> tuple[str, str]:
        columns, values = column_defaults(model, given)
        return ", ".join(columns), ", ".join(values)

    def history(model, alias: str, **given: str) -> str:
        columns, values = _history_of(model, alias, user, **given)
        return (f"INSERT INTO {model.history.model._meta.db_table} ({', '.join(columns)}) "  # noqa: S608
                f"SELECT {', '.join(values)} FROM {alias}")

    reasons = {to: TRANSITIONS[(S.AWAITING_TRIAGE, to)] for to in (S.AWAITING_BOOKING, S.BOOKED)}
    decision = insert(TriageDecision, {
        "referral_id": "referral.id", "urgency": "'routine'",
        "suggested_urgency": "referral.suggested_urgency",
        "urgency_overridden": "referral.suggested_urgency NOT IN ('', 'routine')",
        "outcome": "'assessment'", "stream": "'AMH'", "rationale": "%(rationale)s",
        "target_timescale": f"'{services.DEFAULT_TIMESCALES['routine']}'", "decided_by_id": str(user),
        "decided_at": "now()"})
    target = insert(WaitTarget, {"referral_id": "referral.id", "definition_id": "d.definition",
                                 "started_at": "d.started", "due_at": "d.due", "at_risk_at": "d.at_risk",
                                 "provisional": "d.provisional"})
    # Every name here is a model's table or column; the values are parameters.
    statement = f"""
        WITH referral AS (
            UPDATE {tables["referrals"]} AS r
               SET status = CASE WHEN kept.booked THEN 'booked' ELSE 'awaiting_booking' END,
                   next_due_at = (SELECT min(due) FROM (
                       SELECT t.due_at FROM {tables["targets"]} t
                        WHERE t.referral_id = r.id AND t.met_at IS NULL AND t.cancelled_at IS NULL
                          AND t.definition_id <> ALL(%(met)s)
                       UNION ALL
                       SELECT (d->>'due')::timestamptz FROM jsonb_array_elements(%(targets)s::jsonb) d
                   ) AS running(due))
              FROM (SELECT EXISTS (SELECT 1 FROM {tables["bookings"]} WHERE referral_id = %(referral)s
                                      AND status = %(booked)s) AS booked) AS kept
             WHERE r.id = %(referral)s AND r.status = 'awaiting_triage'
               AND NOT EXISTS (SELECT 1 FROM {tables["claims"]} c WHERE c.referral_id = r.id
                                  AND c.clinician_id <> {user} AND c.expires_at > now())
            RETURNING r.*, kept.booked
        ), referral_history AS ({history(Referral, "referral", history_change_reason=(
            "CASE WHEN referral.booked THEN %(to_booked)s ELSE %(to_booking)s END"))}
        ), decision AS (
            INSERT INTO {tables["decisions"]} ({decision[0]}) SELECT {decision[1]} FROM referral RETURNING *
        ), decision_history AS ({history(TriageDecision, "decision", history_type="'+'")}
        ), met AS (
            UPDATE {tables["targets"]} AS t SET met_at = now() FROM referral
             WHERE t.referral_id = referral.id AND t.definition_id = ANY(%(met)s)
               AND t.met_at IS NULL AND t.cancelled_at IS NULL
            RETURNING t.*
        ), met_history AS ({history(WaitTarget, "met")}
        ), unwatched AS (
            DELETE FROM {tables["schedule"]} s USING met WHERE s.target_id = met.id
        ), started AS (
            INSERT INTO {tables["targets"]} ({target[0]}) SELECT {target[1]}
              FROM referral, jsonb_to_recordset(%(targets)s::jsonb)
                AS d(definition bigint, started timestamptz, due timestamptz, at_risk timestamptz,
                     provisional boolean)
            RETURNING *
        ), started_history AS ({history(WaitTarget, "started", history_type="'+'")}
        ), watched AS (
            INSERT INTO {tables["schedule"]} (target_id, next_alert_at)
            SELECT id, coalesce(at_risk_at, due_at) FROM started
        )
        DELETE FROM {tables["claims"]} c USING referral WHERE c.referral_id = referral.id
    """  # noqa: S608
    met = [definitions[code].pk for code in ("triage_review", services.URGENT_RESPONSE,
                                              services.REFERRER_CALLBACK) if code in definitions]
    params = [{"referral": r.pk, "met": met, "targets": targets(r), "booked": BookingStatus.BOOKED,
               "rationale": "Benchmark: routine adult assessment.",
               "to_booking": reasons[S.AWAITING_BOOKING], "to_booked": reasons[S.BOOKED]}
              for r in referrals]
    times = floor_times(statement, params, warm_up=WARM_UP)
    decided = TriageDecision.objects.filter(referral__in=referrals, decided_by=clinician).count()
    assert decided == len(referrals), (decided, len(referrals))  # every statement wrote its rows
    return times


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
    parser.add_argument("--referrals", type=int, default=FULL, metavar="N",
                        help=f"N referrals, a multiple of {FULL:,} (default {FULL:,}): past the first "
                             f"{FULL:,} all closed, in a database of their own")
    args = parser.parse_args()
    if args.referrals < FULL or args.referrals % FULL:
        parser.error(f"--referrals must be a multiple of {FULL:,}")
    total = QUICK if args.quick else args.referrals
    database = BENCH_DB if total <= FULL else f"{BENCH_DB}_{total}"
    if total > FULL:
        FIGURES.name = f"triage-{total}"
    setup_django(database)
    print(f"Loading up to {total:,} referrals into {database} (skipped if present)...", flush=True)
    load(total)
    clinician, _ = _users()
    manager = _manager()
    size = sizes()
    print(f"Data: {size['referrals']:,} referrals, {size['open']:,} open, "
          f"{size['awaiting_triage']:,} awaiting triage, "
          f"{size['awaiting_urgent_assessment']:,} awaiting urgent assessment")
    print(f"Queue pages (N={PAGE_SAMPLES} each, server time via django.test.Client):")
    for url, stats, queries, rows in measure_pages(clinician, manager):
        print(f"  {url:40} {stats}   {queries} queries, {rows} rows")
    print(f"Record a triage decision (N={DECISION_SAMPLES} referrals, "
          f"triage.services.triage_decision_record):")
    print(f"  {'routine, stream for assessment':40} {measure_decisions(clinician)}")
    FIGURES.write(size)


if __name__ == "__main__":
    main()
