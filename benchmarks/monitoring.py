"""Wait monitoring benchmark: one breach scan with 1,000,000 running targets of which 10,000
come due, and the managers' performance page for 12 months over 3,000,000 referrals
received across five years.

    make bench-monitoring
    bash bin/bench benchmarks/monitoring.py --quick   # 60,000 referrals, to check the script
    bash bin/bench benchmarks/monitoring.py --referrals 10000000   # how cost grows

With --referrals N the newest 1,000,000 are open as at 3,000,000 and the rest closed
history, in a database of its own (`cap_bench_monitoring_N`), figures to
.local/bench/monitoring-N.json; `bin/bench --compare .local/bench/monitoring.json
.local/bench/monitoring-10000000.json` prints the two side by side.

Runs against its own database, `cap_bench_monitoring`, on the server DATABASE_URL names
(created and migrated if missing). Referrals are loaded with set-based SQL in chunks of
50,000, each chunk in one transaction, so an interrupted load resumes and a re-run with the
data present measures at once. The newest third are open, each with a running triage review
target whose alerts are days away; the older two thirds are closed: triaged (a decision
with a stream and outcome: 55% assessment, 30% signposted, 10% existing team, 5% emergency
services) and their review target met after 0 to 36 hours (so some late), and the ones
streamed for assessment a 28-day routine assessment target met after 5 to 45 days. The
daily summaries are then built with `performance_refresh(rebuild=True)`.

Alerts of earlier years: a breach, acknowledged, for every closed target met late (written
once, not timed), so the scan inserts into indexes of a realistic size.

Scan: before each sample (not timed) the previous sample's alerts and notifications are
deleted and vacuumed, 10,000 running targets (every 100th) are made due a minute ago, and a
checkpoint writes the set-up out. Two cases, N=11 each, the time being one call of
`triage.alerts.scan_breaches`: the steady state, where each target's at-risk alert was told
by an earlier scan and it now breaches (10,000 alerts); and after an outage, where both
instants passed unseen (20,000 alerts, the breaches told). Each sample's floor is timed on
the same state set up again after the scan (`_scan_floor`: one statement, committed).

Performance page: `GET /dashboard/performance/` for the last 12 months, by week, as a
manager (django.test.Client, production settings, no network), N=50 after 5 warm-ups,
each with a different filter in turn (none, a stream, a channel); its floor is the page's
two summary statements with the same filters (`performance_page_floor`).
"""

import argparse
import time
from datetime import date, timedelta
from functools import cache

from benchdb import Figures, column_defaults, setup_django, signed_in_client, uniform

FIGURES = Figures("monitoring")  # what main prints, written as JSON too

BENCH_DB = "cap_bench_monitoring"
FULL, QUICK = 3_000_000, 60_000
CHUNK = 50_000
YEARS_DAYS = 5 * 365
DUE, SCAN_SAMPLES, PAGE_SAMPLES, WARM_UP = 10_000, 11, 50, 5
MANAGER = "bench.manager"




def _chunk_sql(chunk: int, total: int, user_id: int, definitions: dict) -> str:
    from cap.models import Referral, ServiceUser
    from triage.models import TriageDecision

    first = chunk * CHUNK + 1
    open_from = total - open_count(total) + 1  # the newest are open
    person_columns, person_values = column_defaults(ServiceUser, {
        "given_name": "'Sam'", "family_name": "'Benchmark'",
        "date_of_birth": f"date '1950-01-01' + floor({uniform('g.i', 2)} * 20000)::int",
        "postcode": "'LE2 7LX'", "created_at": "now()"})
    # Received evenly over five years, oldest first: the open ones are the last months'.
    received = f"now() - interval '1 day' * {YEARS_DAYS} * (1 - (g.i - 1)::float / {total})"
    referral_columns, referral_values = column_defaults(Referral, {
        "reference": "'MON-' || lpad(g.i::text, 8, '0')", "service_user_id": "people.id",
        "channel": (f"CASE WHEN {uniform('g.i', 13)} < 0.6 THEN 'written' "
                    f"WHEN {uniform('g.i', 13)} < 0.9 THEN 'phone' ELSE 'online' END"),
        "received_at": "g.received_at", "first_contact_at": "g.received_at",
        "status": f"CASE WHEN g.i >= {open_from} THEN 'awaiting_triage' ELSE 'closed' END",
        "reason": "'Benchmark referral'", "match_result": "'matched_nhs_number'",
        "logged_by_id": str(user_id), "created_at": "g.received_at"})
    decision_columns, decision_values = column_defaults(TriageDecision, {
        "referral_id": "id", "urgency": "'routine'", "outcome": "outcome",
        "stream": ("CASE WHEN outcome = 'assessment' THEN (ARRAY['AMH','MHSOP','LD','CAMHS','SPECIALIST'])"
                   f"[1 + floor({uniform('id', 21)} * 5)::int] ELSE '' END"),
        "rationale": "'Benchmark'", "decided_by_id": str(user_id),
        "decided_at": "received_at + interval '1 hour' * (1 + 35 * " + uniform("id", 22) + ")"})
    review, routine = definitions["triage_review"], definitions["routine_assessment"]
    return f"""
        WITH g AS (
            SELECT g.i, {received} AS received_at FROM generate_series({first}, {first + CHUNK - 1}) AS g(i)
        ), people AS (
            INSERT INTO cap_serviceuser ({", ".join(person_columns)})
            SELECT {", ".join(person_values)} FROM g RETURNING id
        ), numbered AS (
            SELECT id, row_number() OVER (ORDER BY id) AS n FROM people
        ), referrals AS (
            INSERT INTO cap_referral ({", ".join(referral_columns)})
            SELECT {", ".join(referral_values)}
              FROM g JOIN numbered AS people ON people.n = g.i - {first} + 1
            RETURNING id, status, received_at
        ), decided AS (
            SELECT id, received_at,
                   CASE WHEN {uniform('id', 20)} < 0.55 THEN 'assessment'
                        WHEN {uniform('id', 20)} < 0.85 THEN 'route_external'
                        WHEN {uniform('id', 20)} < 0.95 THEN 'route_existing_team'
                        ELSE 'emergency_services' END AS outcome
              FROM referrals WHERE status = 'closed'
        ), decisions AS (
            INSERT INTO triage_triagedecision ({", ".join(decision_columns)})
            SELECT {", ".join(decision_values)} FROM decided
        ), reviews AS (
            INSERT INTO triage_waittarget (referral_id, definition_id, started_at, due_at, met_at,
                                           at_risk_at)
            SELECT id, {review}, received_at, received_at + interval '1 day',
                   CASE WHEN status = 'closed'
                        THEN received_at + interval '1 hour' * 36 * {uniform('id', 23)} END,
                   CASE WHEN status <> 'closed' THEN now() + interval '2 days' END
              FROM referrals
            RETURNING id, met_at
        ), scheduled AS (
            INSERT INTO triage_alertschedule (target_id, next_alert_at)
            SELECT id, now() + interval '2 days' FROM reviews WHERE met_at IS NULL
        )
        INSERT INTO triage_waittarget (referral_id, definition_id, started_at, due_at, met_at)
        SELECT id, {routine}, received_at, received_at + interval '28 days',
               received_at + interval '1 day' * (5 + 40 * {uniform('id', 24)})
          FROM decided WHERE outcome = 'assessment'
    """  # noqa: S608 (every value is made here)


def open_count(total: int) -> int:
    """How many of `total` referrals are open: the newest third, and no more than a third
    of FULL, so a larger table holds more closed history, not more open referrals (what
    comes due is the same)."""
    return min(total // 3, FULL // 3)


def _manager():
    from django.contrib.auth.models import Group, User

    user, _ = User.objects.get_or_create(username=MANAGER, defaults={"first_name": "Bench",
                                                                    "last_name": "Manager"})
    user.groups.set(Group.objects.filter(name="Manager"))
    return user


def load(total: int) -> bool:
    from django.db import connection, transaction

    from triage.models import TargetDefinition

    user = _manager()
    definitions = dict(TargetDefinition.objects.values_list("code", "id"))
    started, loaded = time.perf_counter(), 0
    for chunk in range(total // CHUNK):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM cap_referral WHERE reference = %s",
                           [f"MON-{(chunk + 1) * CHUNK:08d}"])
            if cursor.fetchone():
                continue
            cursor.execute(_chunk_sql(chunk, total, user.pk, definitions))
        loaded += 1
        print(f"  chunk {chunk + 1}/{total // CHUNK} ({time.perf_counter() - started:.0f} s)", flush=True)
    if loaded:
        connection.ensure_connection()
        connection.connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("UPDATE cap_referral r SET next_due_at = t.due_at FROM triage_waittarget t "
                           "WHERE t.referral_id = r.id AND t.met_at IS NULL AND r.status = 'awaiting_triage'")
            cursor.execute("VACUUM ANALYZE")
        connection.connection.autocommit = False
    return bool(loaded)




def load_alert_history() -> int:
    """The alerts of five years: a breach for every closed target met late (not timed)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM triage_breachalert WHERE raised_at < now() - interval '1 day' LIMIT 1")
        if cursor.fetchone() is None:
            cursor.execute("""
                INSERT INTO triage_breachalert (target_id, kind, occurred_at, raised_at, queue,
                                                acknowledged_at)
                SELECT id, 'breached', due_at, due_at + interval '1 minute', 'non_urgent',
                       due_at + interval '1 hour'
                  FROM triage_waittarget WHERE met_at > due_at""")
            cursor.execute("VACUUM ANALYZE triage_breachalert")
        cursor.execute("SELECT count(*) FROM triage_breachalert WHERE raised_at < now() - interval '1 day'")
        return cursor.fetchone()[0]


def _come_due(now, *, after_an_outage: bool) -> int:
    """Not timed: the previous sample's alerts and notifications go, and 10,000 targets come
    due at `now`; returns how many have an alert due."""
    from django.db import connection

    with connection.cursor() as cursor:
        # The previous sample's alerts and notifications go, and their dead rows with them.
        cursor.execute("DELETE FROM triage_notification")
        cursor.execute("DELETE FROM triage_alertrepeat")
        cursor.execute("DELETE FROM triage_breachalert WHERE raised_at > now() - interval '1 day'")
        cursor.execute("VACUUM ANALYZE triage_notification, triage_alertrepeat, triage_breachalert")
        cursor.execute("""
            WITH chosen AS (SELECT id FROM triage_waittarget
                             WHERE met_at IS NULL AND cancelled_at IS NULL AND id %% 100 = 0
                             ORDER BY id LIMIT %(due)s),
            moved AS (UPDATE triage_waittarget t SET due_at = %(now)s - interval '1 minute',
                             at_risk_at = %(now)s - interval '20 minutes'
                        FROM chosen WHERE t.id = chosen.id RETURNING t.id, t.due_at, t.at_risk_at),
            told_at_risk AS (
                INSERT INTO triage_alertschedule (target_id, next_alert_at)
                SELECT id, CASE WHEN %(outage)s THEN at_risk_at ELSE due_at END FROM moved
                    ON CONFLICT (target_id) DO UPDATE SET next_alert_at = EXCLUDED.next_alert_at)
            INSERT INTO triage_breachalert (target_id, kind, occurred_at, raised_at, queue)
            SELECT id, 'at_risk', at_risk_at, at_risk_at, 'non_urgent' FROM moved WHERE NOT %(outage)s""",
                       {"due": DUE, "now": now, "outage": after_an_outage})
        # The set-up's writes reach the disk now, not in the background during the timed
        # statements (which then pay the full-page images of every page they are first to change).
        cursor.execute("CHECKPOINT")
        cursor.execute("SELECT count(*) FROM triage_alertschedule WHERE next_alert_at <= %s", [now])
        return cursor.fetchone()[0]


def measure_scan(*, after_an_outage: bool) -> tuple[list[float], list[float], int, int]:
    """Steady state: each of the 10,000 targets had its at-risk alert told by an earlier scan
    and now breaches. After an outage: both instants passed while no scan ran, so the scan
    raises both alerts of each (and tells only the breach). Each sample sets the targets
    due, times the scan, sets them due again the same way and times the floor
    (`_scan_floor`) on that same state, committed as the scan's batches are."""
    from django.db import connection
    from django.utils import timezone

    from triage.alerts import scan_breaches

    with connection.cursor() as cursor:
        # Every running target is watched, its next alert days away (the loaded targets are
        # long past due: the scan would otherwise raise every one of them).
        cursor.execute("""
            INSERT INTO triage_alertschedule (target_id, next_alert_at)
            SELECT id, now() + interval '2 days' FROM triage_waittarget
             WHERE met_at IS NULL AND cancelled_at IS NULL
                ON CONFLICT (target_id) DO UPDATE SET next_alert_at = EXCLUDED.next_alert_at
                 WHERE triage_alertschedule.next_alert_at < now() + interval '1 day'""")
        cursor.execute("VACUUM ANALYZE triage_alertschedule")  # Django's autocommit: outside a transaction
    samples, floor, raised = [], [], 0
    # The floor's first run (after the first scan) is its warm-up; one more after the last
    # scan makes as many floor samples as scans. The scan's own samples are as before.
    for n in range(SCAN_SAMPLES + 1):
        now = timezone.now()
        due = _come_due(now, after_an_outage=after_an_outage)
        if n < SCAN_SAMPLES:
            start = time.perf_counter()
            raised = scan_breaches(now=now)
            samples.append(time.perf_counter() - start)
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM triage_notification")
                told = cursor.fetchone()[0]
            # The same state again, for the floor: the scan's alerts go, the targets come due.
            assert _come_due(now, after_an_outage=after_an_outage) == due
        seconds, written = _scan_floor(now)
        # The scan's alerts, and every recipient told: the scan tells each recipient once per
        # batch of 1,000, the floor once in all (the fewest rows that tell everyone).
        assert written[0] == raised and 0 < written[1] <= told, (written, raised, told)
        if n > 0:
            floor.append(seconds)
    return samples, floor, due, raised


@cache
def _scan_floor_statement() -> str:
    """The scan's floor as one statement; its only parameter is `now`."""
    from django.contrib.auth.models import Group, User

    from accounts import roles
    from triage import alerts, clock
    from triage.models import DutyShift, ScanHeartbeat

    def quoted(value: str) -> str:
        return "'" + value.replace("'", "''") + "'"

    interval = int(alerts.repeat_interval().total_seconds())
    user, group = User._meta.db_table, Group._meta.db_table
    # Every value is a constant of the code, quoted here.
    return f"""
        WITH managers AS (
            SELECT coalesce(
                (SELECT array_agg(DISTINCT s.manager_id) FROM {DutyShift._meta.db_table} s
                   JOIN {user} u ON u.id = s.manager_id
                  WHERE s.starts_at <= %(now)s AND s.ends_at > %(now)s AND u.is_active),
                (SELECT array_agg(DISTINCT u.id) FROM {user} u
                   JOIN {user}_groups ug ON ug.user_id = u.id JOIN {group} g ON g.id = ug.group_id
                  WHERE u.is_active AND g.name = {quoted(roles.MANAGER)}),
                '{{}}') AS ids
        ), picked AS (
            DELETE FROM triage_alertschedule WHERE next_alert_at <= %(now)s RETURNING target_id
        ), due AS (
            SELECT t.id, t.at_risk_at, t.due_at, d.clock,
                   CASE WHEN d.code = {quoted(alerts.HUB_ASSESSMENT_TARGET)} THEN {quoted(alerts.HUB_QUEUE)}
                        ELSE coalesce(r.triage_queue, {quoted(alerts.BOOKING_QUEUE)}) END AS queue,
                   (t.met_at IS NULL AND t.cancelled_at IS NULL) AS running
              FROM picked
              JOIN triage_waittarget t ON t.id = picked.target_id
              JOIN triage_targetdefinition d ON d.id = t.definition_id
              JOIN cap_referral r ON r.id = t.referral_id
        ), kinds AS (
            SELECT id AS target_id, 'at_risk' AS kind, at_risk_at AS occurred_at, queue,
                   NULL::timestamptz AS next_repeat_at
              FROM due
             WHERE running AND at_risk_at IS NOT NULL AND at_risk_at <= %(now)s AND at_risk_at < due_at
            UNION ALL
            SELECT id, 'breached', due_at, queue,
                   CASE WHEN clock = {quoted(clock.TWENTY_FOUR_SEVEN)}
                        THEN %(now)s + interval '{interval} seconds' END
              FROM due WHERE running AND due_at < %(now)s
        ), raised AS (
            INSERT INTO triage_breachalert (target_id, kind, occurred_at, raised_at, queue, next_repeat_at)
            SELECT target_id, kind, occurred_at, %(now)s, queue, next_repeat_at FROM kinds
                ON CONFLICT (target_id, kind) DO NOTHING
            RETURNING id, target_id, kind, queue
        ), told AS (
            SELECT id, kind, queue FROM raised
             WHERE kind = 'breached'
                OR target_id NOT IN (SELECT target_id FROM kinds WHERE kind = 'breached')
        ), told_queues AS (
            INSERT INTO triage_notification (alert_ids, reminder, queue, created_at)
            SELECT array_agg(id ORDER BY id), false, queue, %(now)s FROM told GROUP BY queue
            RETURNING id
        ), told_managers AS (
            INSERT INTO triage_notification (alert_ids, reminder, queue, user_id, created_at)
            SELECT array_agg(told.id ORDER BY told.id), false, '', manager, %(now)s
              FROM told, managers, unnest(managers.ids) AS manager
             WHERE told.kind = 'breached'
             GROUP BY manager
            RETURNING id
        ), advanced AS (
            INSERT INTO triage_alertschedule (target_id, next_alert_at)
            SELECT id, due_at FROM due WHERE running AND due_at >= %(now)s
        ), heartbeat AS (
            INSERT INTO {ScanHeartbeat._meta.db_table} (finished_at, alerts_raised, repeats_raised)
            SELECT clock_timestamp(), count(*), 0 FROM raised
        )
        SELECT (SELECT count(*) FROM raised),
               (SELECT count(*) FROM told_queues) + (SELECT count(*) FROM told_managers),
               (SELECT count(*) FROM triage_breachalert
                 WHERE next_repeat_at IS NOT NULL AND next_repeat_at <= %(now)s)"""  # noqa: S608


def _scan_floor(now) -> tuple[float, tuple[int, int]]:
    """The floor of a scan: the time of the one statement (`_scan_floor_statement`) that any
    scan of these tables must make for the same result, run in autocommit (its commit, the
    one WAL flush, timed with it, as each of the scan's batches pays one), on the state the
    scan found (set up again the same way after the scan), so it writes the alerts the scan
    wrote (and tells the same recipients, once each where the scan tells them once per batch
    of its burst): it deletes the schedule rows come due, inserts the alerts (ON CONFLICT DO
    NOTHING against the at-risk alerts told earlier), one notification per queue and one
    per duty manager listing the alerts told, moves on the schedule of a target whose breach
    is still to come (none here), and records the scan's heartbeat. Returns the seconds, and
    the alerts and notifications written.

    Why that is the minimum: the schedule's index is how the tables say which targets have
    an alert due (the loaded targets are long past due but their alerts were raised, so
    reading `due_at` alone would find them all); the schedule rows must go or the next scan
    raises them again; the alerts are the result; the notifications are what tells anyone
    (the outbox the email relay sends from); the heartbeat is how the dashboard knows the
    watcher ran. Who is on duty is read in the same statement. A repeat due would be raised
    too; the statement asks with one probe of the repeat index and none is due here (the
    new breaches repeat an interval after now, the earlier years' have no repeat to come).
    Left out, as what the implementation adds: its count of what is due, its batches (each
    a statement and a commit, LIMIT with FOR UPDATE SKIP LOCKED so scanners share the
    work, two connections for a burst), the rota read, the repeat batches and the
    heartbeat as statements of their own."""
    from django.db import connection

    statement = _scan_floor_statement()
    with connection.cursor() as cursor:
        start = time.perf_counter()
        cursor.execute(statement, {"now": now})
        alerts_written, notifications, repeats_due = cursor.fetchone()
        seconds = time.perf_counter() - start
    assert repeats_due == 0, repeats_due
    return seconds, (alerts_written, notifications)


def measure_page() -> tuple[list[float], list[float], int]:
    from django.db import connection
    from django.utils import timezone

    from triage.performance import Filters

    client = signed_in_client(_manager())
    today = timezone.localdate()
    start_day = today - timedelta(days=364)
    base = f"/dashboard/performance/?start={start_day}&end={today}&period=week"
    urls = [base, base + "&stream=AMH", base + "&channel=phone"]
    for url in urls[:1] * WARM_UP:
        assert client.get(url, secure=True).status_code == 200
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *a: queries.append(sql) or execute(sql, *a)):
        client.get(base, secure=True)
    samples = []
    for n in range(PAGE_SAMPLES):
        start = time.perf_counter()
        response = client.get(urls[n % len(urls)], secure=True)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200
    filters = [Filters(start_day, today, "week"), Filters(start_day, today, "week", stream="AMH"),
               Filters(start_day, today, "week", channel="phone")]
    return samples, performance_page_floor(filters), len(queries)


def performance_page_floor(filters: list) -> list[float]:
    """The floor of the performance page: the two statements any implementation must make
    for its figures, with the same filters in turn as the page's samples, WARM_UP runs
    first not counted. The page logs no record access (it shows counts, nobody's record),
    so nothing is written.

    1. Over the target summaries, one statement: each target's sums per period in the
       range (started, stopped, met, met in time, stopped by triage, and the wait histogram
       the median and 90th percentile are read from), with, as rows of their own (UNION
       ALL), each target's waiting list when the range starts (started less stopped of
       every earlier day), and the targets' codes and names joined to both. The figures
       per period and the waiting list before the range are the only reads of the
       summaries the page needs; one statement gives them both and the names.
    2. Over the outcome summaries: the contacts by outcome in the range. A table of its
       own, grouped its own way: a second statement, not a longer first one.

    The session, the user and the permission check are left out, as in the queue pages'
    floor: what every signed-in page reads, not what this one needs."""
    from django.db import connection

    from triage.performance import BUCKETS, Filters

    statements = []
    for given in filters:
        where, params = given.where()
        before, before_params = Filters(date(1900, 1, 1), given.start - timedelta(days=1),
                                        stream=given.stream, team=given.team, channel=given.channel).where()
        sums = ", ".join(f"sum(waits[{i + 1}])" for i in range(BUCKETS))
        nothing = ", ".join(["NULL::numeric"] * (BUCKETS + 4))
        targets = f"""
            SELECT d.code, d.name, f.* FROM (
                SELECT definition_id, date_trunc('{given.period}', day)::date AS period, sum(started),
                       sum(stopped), sum(met), sum(met_in_time), sum(cancelled), {sums}
                  FROM triage_targetday WHERE {where} GROUP BY 1, 2
                UNION ALL
                SELECT definition_id, NULL, sum(started) - sum(stopped), {nothing}
                  FROM triage_targetday WHERE {before} GROUP BY 1
            ) AS f JOIN triage_targetdefinition d ON d.id = f.definition_id"""  # noqa: S608 (constants)
        outcome_where, outcome_params = Filters(given.start, given.end, stream=given.stream,
                                                channel=given.channel).where()
        outcomes = f"SELECT outcome, sum(contacts) FROM triage_outcomeday WHERE {outcome_where} GROUP BY 1"  # noqa: S608
        statements.append(((targets, params + before_params), (outcomes, outcome_params)))
    times = []
    with connection.cursor() as cursor:
        for n in range(WARM_UP + PAGE_SAMPLES):
            start = time.perf_counter()
            for sql, params in statements[n % len(statements)]:
                cursor.execute(sql, params)
                cursor.fetchall()
            if n >= WARM_UP:
                times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="60,000 referrals, to check the script")
    parser.add_argument("--referrals", type=int, default=FULL, metavar="N",
                        help=f"N referrals, a multiple of {CHUNK:,} (default {FULL:,}); the newest "
                             f"{FULL // 3:,} open at most, in a database of their own")
    args = parser.parse_args()
    if args.referrals < FULL or args.referrals % CHUNK:
        parser.error(f"--referrals must be {FULL:,} or more, a multiple of {CHUNK:,}")
    total = QUICK if args.quick else args.referrals
    # The quick data and other sizes are spread differently (five years over more or fewer
    # referrals): each its own database.
    database = BENCH_DB + ("_quick" if args.quick else "" if total == FULL else f"_{total}")
    if total != FULL and not args.quick:
        FIGURES.name = f"monitoring-{total}"
    setup_django(database)
    print(f"Loading up to {total:,} referrals into {database} (skipped if present)...", flush=True)
    fresh = load(total)
    from django.db import connection

    from triage.models import TargetDay
    from triage.performance import performance_refresh

    if fresh or not TargetDay.objects.exists():
        start = time.perf_counter()
        days = performance_refresh(rebuild=True)
        print(f"Daily summaries rebuilt: {days} days in {time.perf_counter() - start:.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cap_referral")
        referrals = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM triage_waittarget WHERE met_at IS NULL AND cancelled_at IS NULL")
        running = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM triage_waittarget")
        targets = cursor.fetchone()[0]
    print(f"Data: {referrals:,} referrals, {targets:,} targets, {running:,} running; "
          f"{TargetDay.objects.count():,} daily summary rows")
    history = load_alert_history()
    print(f"Alerts of earlier years: {history:,}")
    samples, floor, due, raised = measure_scan(after_an_outage=False)
    figures = FIGURES.timed("scan_breaches", samples, data_size=targets, floor=floor, due=due, alerts=raised)
    print(f"Scan with {due:,} targets come due, their at-risk alerts told earlier "
          f"(N={SCAN_SAMPLES}, {raised:,} alerts each): {figures}")
    samples, floor, due, raised = measure_scan(after_an_outage=True)
    figures = FIGURES.timed("scan_breaches after an outage", samples, data_size=targets, floor=floor,
                            due=due, alerts=raised)
    print(f"Scan after an outage: {due:,} targets at risk and breached since the last scan "
          f"(N={SCAN_SAMPLES}, {raised:,} alerts each): {figures}")
    samples, floor, queries = measure_page()
    figures = FIGURES.timed("GET /performance/", samples, data_size=referrals, floor=floor, queries=queries)
    print(f"Performance page, 12 months by week (N={PAGE_SAMPLES}, {queries} queries): {figures}")
    FIGURES.write({"referrals": referrals, "targets": targets, "running": running,
                   "target_days": TargetDay.objects.count(), "alert_history": history})


if __name__ == "__main__":
    main()
