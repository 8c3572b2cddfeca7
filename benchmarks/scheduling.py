"""Scheduling benchmark: finding options for the default structured assessment and
booking one, in a team of 40 practitioners whose diaries are 70% full over six weeks;
then 200 concurrent booking attempts on 20 contested options, counting double bookings.

    make bench-scheduling
    bash bin/bench benchmarks/scheduling.py --quick   # fewer samples, to check the script

Runs against its own database, `cap_bench_scheduling`, on the server DATABASE_URL
names (created and migrated if missing). The team, its diaries (filled at random with
a fixed seed, 30 to 90 minute entries, 70% of working time, in the six weeks from this
week's Monday) and four clinic rooms (70% full) are made once; every run triages new
referrals and frees what the previous run booked, so runs measure the same diaries.

Times are in-process (the services the API and pages call), time.perf_counter around
each call. The race runs 200 attempts from 20 threads, each with its own database
connection. Double bookings are counted afterwards in SQL: pairs of live diary entries
of one practitioner or one room whose times overlap.

Not a test: pytest collects only tests/.
"""

import argparse
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from benchdb import Figures, _history, column_defaults, setup_django, statement_times

FIGURES = Figures("scheduling")  # what main prints, written as JSON too

BENCH_DB = "cap_bench_scheduling"
LONDON = ZoneInfo("Europe/London")
TEAM = "Benchmark CTR Team"
# 40 practitioners: the structured assessment's disciplines and others.
MAKE_UP = [("nurse", 14), ("support_worker", 6), ("consultant_psychiatrist", 6),
           ("healthcare_support_worker", 5), ("peer_support_worker", 3), ("psychologist", 3),
           ("occupational_therapist", 2), ("social_worker", 1)]
ROOMS = 4
FULL_SHARE = 0.70
WEEKS = 6
SEED = 20261123
WARM_UP = 5  # floor runs not counted




def this_monday() -> date:
    today = datetime.now(LONDON).date()
    return today - timedelta(days=today.weekday())


# --- The team and its diaries ----------------------------------------------------------

def load_team():
    """The team, its PCN and practice, practitioners, rooms and 70%-full diaries; made once."""
    from django.contrib.auth.models import Group, User
    from django.db import transaction

    from cap.models import GPPractice, PrimaryCareNetwork
    from scheduling.models import ClinicRoom, Discipline, Practitioner, Team, WorkingPattern

    if Team.objects.filter(name=TEAM).exists():
        return Team.objects.get(name=TEAM)
    with transaction.atomic():
        pcn = PrimaryCareNetwork.objects.create(code="UBENCH", name="Benchmark PCN")
        GPPractice.objects.create(ods_code="B99001", name="Benchmark Surgery", pcn=pcn, postcode="LE5 4QG")
        team = Team.objects.create(name=TEAM, specialty="AMH")
        team.pcns.add(pcn)
        n = 0
        for code, count in MAKE_UP:
            discipline = Discipline.objects.get(code=code)
            for _ in range(count):
                n += 1
                p = Practitioner.objects.create(name=f"Practitioner {n:02d}", discipline=discipline)
                p.teams.add(team)
                WorkingPattern.objects.bulk_create([WorkingPattern(
                    practitioner=p, weekday=d, starts="09:00", ends="17:00") for d in range(5)])
        for r in range(1, ROOMS + 1):
            ClinicRoom.objects.create(name=f"Benchmark room {r}", site="Benchmark Centre").teams.add(team)
        admin, _ = User.objects.get_or_create(username="bench.admin")
        admin.groups.add(Group.objects.get(name="Admin team"))
        User.objects.get_or_create(username="bench.clinician")[0].groups.add(
            Group.objects.get(name="Triage clinician"))
        fill_diaries(team, admin)
    return team


def fill_diaries(team, admin) -> None:
    """Entries of 30-90 minutes on a 15-minute grid until 70% of each working day is
    taken, for every practitioner and room, over six weeks from this week's Monday. They
    belong to past-style 'attended' filler bookings so that no referral is live."""
    from cap.models import Channel, Referral, ServiceUser
    from scheduling.models import AssessmentTemplate, Booking, DiaryEntry

    rng = random.Random(SEED)  # noqa: S311 - a repeatable fill, not a secret
    person = ServiceUser.objects.create(given_name="Diary", family_name="Filler",
                                        date_of_birth=date(1980, 1, 1), postcode="LE5 4QG")
    now = datetime.now(LONDON)
    filler = Referral.objects.create(reference="BENCH-FILLER", service_user=person, channel=Channel.WRITTEN,
                                     received_at=now, first_contact_at=now, status="assessed",
                                     reason="Diary filler for the scheduling benchmark", logged_by=admin)
    template = AssessmentTemplate.objects.get(stream="", setting="clinic")
    monday = this_monday()
    days = [day for day in (monday + timedelta(days=d) for d in range(WEEKS * 7)) if day.weekday() < 5]
    entries = []
    owners = [("practitioner", p) for p in team.practitioners.all()] + [("room", r) for r in team.rooms.all()]
    for day in days:
        start_of_day = datetime(day.year, day.month, day.day, 9, tzinfo=LONDON)
        booking = Booking.objects.create(
            referral=filler, template=template, team=team, setting="clinic", starts_at=start_of_day,
            first_entry_at=start_of_day, ends_at=start_of_day + timedelta(hours=8), status="attended",
            booked_by=admin)
        for kind, owner in owners:
            slots = [False] * 32  # quarter hours from 09:00 to 17:00
            while sum(slots) < FULL_SHARE * 32:
                length = rng.choice([2, 3, 4, 6])
                first = rng.randrange(0, 32 - length + 1)
                if any(slots[first:first + length]):
                    continue
                slots[first:first + length] = [True] * length
                entries.append(DiaryEntry(
                    booking=booking, step="Other clinical work",
                    practitioner=owner if kind == "practitioner" else None,
                    room=owner if kind == "room" else None,
                    starts_at=start_of_day + timedelta(minutes=15 * first),
                    ends_at=start_of_day + timedelta(minutes=15 * (first + length))))
    DiaryEntry.objects.bulk_create(entries, batch_size=5000)


def free_previous_run() -> None:
    """Free what earlier runs booked, so every run sees the same 70%-full diaries."""
    from django.db import transaction

    from messaging.models import AppointmentQuestions, Message, Reply
    from scheduling.models import Booking, DiaryEntry

    with transaction.atomic():
        runs = Booking.objects.exclude(referral__reference="BENCH-FILLER")
        # What a booking queued (its confirmation and reminders) protects it from deletion.
        for model in (Message, Reply, AppointmentQuestions):
            model.objects.filter(booking__in=runs).delete()
        DiaryEntry.objects.filter(booking__in=runs).delete()
        runs.update(rebooked_from=None)
        runs.delete()


def triaged_referrals(count: int) -> list:
    from django.contrib.auth.models import User

    from cap.models import GPPractice
    from cap.services import PersonDetails, Referrer, referral_log_written
    from triage.services import triage_decision_record

    admin, clinician = User.objects.get(username="bench.admin"), User.objects.get(username="bench.clinician")
    practice = GPPractice.objects.get(ods_code="B99001")
    referrer = Referrer(name="Dr Bench", role="GP", organisation="Benchmark Surgery", ods_code="B99001")
    referrals = []
    for _ in range(count):
        referral = referral_log_written(
            actor=admin, referrer=referrer, reason="Low mood for several months",
            person=PersonDetails(nhs_number=None, given_name="Bench", family_name="Person",
                                 date_of_birth=date(1985, 6, 1), postcode="LE5 4QG", gp_practice=practice))
        triage_decision_record(actor=clinician, referral=referral, urgency="routine", outcome="assessment",
                               stream="AMH", rationale="Routine assessment.")
        referrals.append(referral)
    return referrals


# --- Measuring --------------------------------------------------------------------------

def measure_first_ten(referrals) -> tuple[str, int]:
    """The first 10 options whatever the target (the search runs on until it has 10)."""
    from scheduling import options as finder

    samples, found, searches = [], 0, []
    for referral in referrals:
        start = time.perf_counter()
        search = finder.options_find(finder.plan_for(referral), limit=10, past_target=True)
        samples.append(time.perf_counter() - start)
        found += len(search.options)
        searches.append(search)
    floor = options_floor(searches)
    return FIGURES.timed("first 10 options", samples, floor=floor), found // len(referrals)


def measure_options_page(referrals) -> tuple[str, int]:
    """What the booking page and GET .../options/ run: options within the target, or the
    first one after it (and the referral onto the slot issues list)."""
    from scheduling import services

    samples, found, searches = [], 0, []
    for referral in referrals:
        start = time.perf_counter()
        search = services.options_for(referral=referral)
        samples.append(time.perf_counter() - start)
        found += len(search.options)
        searches.append(search)
    floor = options_floor(searches)
    return FIGURES.timed("services.options_for", samples, floor=floor), found // len(referrals)


def measure_bookings(referrals) -> list[float]:
    from django.contrib.auth.models import User

    from scheduling import services

    admin = User.objects.get(username="bench.admin")
    samples = []
    for referral in referrals:
        option = services.options_for(referral=referral).options[0]
        start = time.perf_counter()
        services.booking_create(actor=admin, referral=referral, option_id=option.id)
        samples.append(time.perf_counter() - start)
    return samples


# --- Floors: the minimal SQL that gives an operation's result ------------------------------

# Everything an option finder must read for a team's diaries in a window, in one statement:
# the working patterns of the team's practitioners who can take a role; their live diary
# entries and the team's rooms' (not those of a hold that ran out), their leave and other
# commitments, all in the window; and the person's unavailable times.
OPTIONS_READ = """
    WITH members AS (
        SELECT m.practitioner_id AS id FROM scheduling_practitioner_teams AS m
          JOIN scheduling_practitioner AS p ON p.id = m.practitioner_id
         WHERE m.team_id = %(team)s AND p.discipline_id = ANY(%(disciplines)s)
    ), rooms AS (
        SELECT clinicroom_id AS id FROM scheduling_clinicroom_teams WHERE team_id = %(team)s
    )
    SELECT w.practitioner_id, NULL::bigint, w.weekday, w.starts, w.ends, NULL::timestamptz, NULL::timestamptz
      FROM scheduling_workingpattern AS w WHERE w.practitioner_id IN (SELECT id FROM members)
    UNION ALL
    SELECT e.practitioner_id, e.room_id, NULL, NULL, NULL, e.starts_at, e.ends_at
      FROM scheduling_diaryentry AS e JOIN scheduling_booking AS b ON b.id = e.booking_id
     WHERE e.live AND e.starts_at < %(end)s AND e.ends_at > %(start)s
       AND (e.practitioner_id IN (SELECT id FROM members) OR e.room_id IN (SELECT id FROM rooms))
       AND NOT (b.status = 'held' AND b.held_until <= now())
    UNION ALL
    SELECT x.practitioner_id, NULL, NULL, NULL, NULL, x.starts_at, x.ends_at
      FROM scheduling_diaryexception AS x
     WHERE x.starts_at < %(end)s AND x.ends_at > %(start)s AND x.practitioner_id IN (SELECT id FROM members)
    UNION ALL
    SELECT NULL, NULL, u.weekday, u.starts, u.ends, NULL, NULL
      FROM scheduling_personunavailability AS u WHERE u.referral_id = %(referral)s
"""


def options_floor(searches) -> list[float]:
    """The floor of an option search: the reads any option finder must make, and no more,
    as one statement (OPTIONS_READ) for each search timed, over the window that search
    needed: from the earliest time it may offer (MIN_NOTICE from now) to the end of the
    day of its last option (nothing earlier may be left unread, and nothing later is
    needed), or, when it found none, the days it read. Only the reads: finding the gaps
    in the diaries is computation, so the ratio includes the search itself, and the plan
    (the triage decision and the template's roles and steps, a few small rows) is left
    out as well. The first WARM_UP statements are not counted."""
    from django.utils import timezone

    from scheduling import options as finder

    params = []
    for search in searches:
        plan = search.plan
        start = timezone.now() + finder.MIN_NOTICE
        if search.options:
            last = search.options[-1].starts_at.astimezone(finder.LONDON).date() + timedelta(days=1)
            end = finder._instant(last, 0)
        else:
            end = finder._instant(search.availability.loaded[1], 0)
        params.append({"team": plan.team.pk, "referral": plan.referral.pk, "start": start, "end": end,
                       "disciplines": sorted({d for r in plan.roles for d in r.discipline_ids})})
    return statement_times([(OPTIONS_READ, p) for p in params[:WARM_UP] + params], warm_up=WARM_UP)


def booking_floor_statement(user_id: int) -> str:
    """The writes a booking cannot do without, in one statement (so one transaction, in
    autocommit; its commit is the only other round trip): lock the referral (FOR UPDATE)
    and check it still waits for a booking; check none of the practitioners has leave or
    another commitment over the assessment; INSERT the booking and its history row; INSERT
    its diary entries, every practitioner's for each step and the room's, whose exclusion
    constraints check the time is still free in every diary (as they do for the service);
    UPDATE the referral's status to booked, with its history row. Parameters: referral,
    template, team, room, setting, starts, first, ends, interpreter, practitioners (ids),
    entries (JSON: practitioner, room, step, role, by_phone, starts, ends). What the
    service does beside these (the wait targets met, the slot issue resolved, the
    confirmation and reminders queued, re-reading the plan and the option's day) is in
    the ratio."""
    from cap.models import Referral
    from scheduling.models import Booking, DiaryEntry

    def insert(model, given: dict) -> tuple[str, str]:
        columns, values = column_defaults(model, given)
        return ", ".join(columns), ", ".join(values)

    booking = insert(Booking, {
        "referral_id": "referral.id", "kind": "'structured'", "template_id": "%(template)s",
        "team_id": "%(team)s", "room_id": "%(room)s", "setting": "%(setting)s",
        "starts_at": "%(starts)s", "first_entry_at": "%(first)s", "ends_at": "%(ends)s",
        "status": "'booked'", "booked_by_id": str(user_id), "created_at": "now()", "booked_at": "now()",
        "interpreter_needed": "%(interpreter)s"})
    entry = insert(DiaryEntry, {
        "booking_id": "booking.id", "practitioner_id": "e.practitioner", "room_id": "e.room",
        "step": "e.step", "role": "e.role", "by_phone": "e.by_phone", "starts_at": "e.starts",
        "ends_at": "e.ends", "live": "TRUE"})
    booking_history = _history(Booking, "booking", user_id)
    referral_history = _history(Referral, "changed", user_id)
    referral_history[1][referral_history[0].index('"history_change_reason"')] = "'Assessment booked'"
    return f"""
        WITH referral AS (
            SELECT id FROM cap_referral WHERE id = %(referral)s AND status = 'awaiting_booking' FOR UPDATE
        ), booking AS (
            INSERT INTO scheduling_booking ({booking[0]}) SELECT {booking[1]} FROM referral
             WHERE NOT EXISTS (SELECT 1 FROM scheduling_diaryexception AS x
                                WHERE x.practitioner_id = ANY(%(practitioners)s)
                                  AND x.starts_at < %(ends)s AND x.ends_at > %(first)s)
            RETURNING *
        ), booking_history AS (
            INSERT INTO scheduling_historicalbooking ({", ".join(booking_history[0])})
            SELECT {", ".join(booking_history[1])} FROM booking
        ), entries AS (
            INSERT INTO scheduling_diaryentry ({entry[0]}) SELECT {entry[1]}
              FROM booking, jsonb_to_recordset(%(entries)s::jsonb)
                AS e(practitioner bigint, room bigint, step text, role text, by_phone boolean,
                     starts timestamptz, ends timestamptz)
        ), changed AS (
            UPDATE cap_referral AS r SET status = 'booked' FROM booking WHERE r.id = booking.referral_id
            RETURNING r.*
        )
        INSERT INTO cap_historicalreferral ({", ".join(referral_history[0])})
        SELECT {", ".join(referral_history[1])} FROM changed"""  # noqa: S608


def booking_floor(referrals) -> list[float]:
    """The floor of booking the first option (booking_floor_statement), on real rows of the
    same shape: referrals of their own, triaged as the measured ones were and not otherwise
    used, each booked into the first option found for it after the one before was booked
    (as the measured bookings are; the search not timed), each statement in autocommit,
    the rows committed and freed with the rest by the next run. Run after the race, so the
    race finds the diaries as it did before floors were measured. The first WARM_UP are
    not counted; each statement is checked to have booked its referral."""
    import json

    from django.contrib.auth.models import User
    from django.db import connection

    from adjustments import selectors as adjustment_selectors
    from cap.models import Referral
    from scheduling import services

    admin = User.objects.get(username="bench.admin")
    statement = booking_floor_statement(admin.pk)
    times = []
    with connection.cursor() as cursor:
        for n, referral in enumerate(referrals):
            search = services.options_for(referral=referral)  # after the last one booked, as measured
            option = search.options[0]
            entries = search.entries(option)
            params = {
                "referral": referral.pk, "template": option.template_id, "team": option.team_id,
                "room": option.room_id, "setting": option.setting, "starts": option.starts_at,
                "first": min(e.starts_at for e in entries), "ends": max(e.ends_at for e in entries),
                "interpreter": adjustment_selectors.interpreter_needed(referral.service_user),
                "practitioners": sorted({e.practitioner.pk for e in entries if e.practitioner}),
                "entries": json.dumps([{
                    "practitioner": e.practitioner.pk if e.practitioner else None,
                    "room": e.room.pk if e.room else None, "step": e.step, "role": e.role,
                    "by_phone": e.by_phone, "starts": e.starts_at.isoformat(), "ends": e.ends_at.isoformat()}
                    for e in entries])}
            start = time.perf_counter()
            cursor.execute(statement, params)
            if n >= WARM_UP:
                times.append(time.perf_counter() - start)
    booked = Referral.objects.filter(pk__in=[r.pk for r in referrals], status="booked").count()
    assert booked == len(referrals), (booked, len(referrals))
    return times


def race(referrals, contested: int = 20, attempts_each: int = 10) -> dict:
    """attempts_each referrals try to book each of `contested` options at once."""
    from dataclasses import replace

    from django.contrib.auth.models import User
    from django.db import connection

    from core.errors import DomainError
    from scheduling import services

    admin = User.objects.get(username="bench.admin")
    from scheduling import options as finder

    plan = finder.plan_for(referrals[0])
    options = finder.options_find(plan, limit=contested, past_target=True).options
    attempts = []
    for i, option in enumerate(options):
        for referral in referrals[i * attempts_each:(i + 1) * attempts_each]:
            attempts.append((referral, replace(option, referral_id=referral.pk).id))
    outcomes = {"booked": 0, "refused": 0, "errors": 0}
    lock = threading.Lock()
    start_line = threading.Barrier(20)

    def attempt(pair):
        referral, option_id = pair
        try:
            services.booking_create(actor=admin, referral=referral, option_id=option_id)
            outcome = "booked"
        except DomainError:
            outcome = "refused"
        except Exception:  # noqa: BLE001 - any other failure is counted and shown
            outcome = "errors"
        with lock:
            outcomes[outcome] += 1

    def worker(chunk):
        try:
            start_line.wait()
            for pair in chunk:
                attempt(pair)
        finally:
            connection.close()

    chunks = [attempts[i::20] for i in range(20)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(worker, chunks))
    outcomes.update(attempts=len(attempts), options=len(options), double_bookings=double_bookings())
    return outcomes


def double_bookings() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT count(*) FROM scheduling_diaryentry AS a JOIN scheduling_diaryentry AS b
              ON a.id < b.id AND a.live AND b.live
             AND (a.practitioner_id = b.practitioner_id OR a.room_id = b.room_id)
             AND tstzrange(a.starts_at, a.ends_at) && tstzrange(b.starts_at, b.ends_at)""")
        return cursor.fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer samples, to check the script")
    args = parser.parse_args()
    setup_django(BENCH_DB)
    from django.db.models import Count

    from scheduling.models import DiaryEntry

    print("Making the team and its diaries (skipped if present)...", flush=True)
    team = load_team()
    free_previous_run()
    samples = 20 if args.quick else 100
    taken = DiaryEntry.objects.filter(live=True, practitioner__teams=team).aggregate(n=Count("id"))["n"]
    print(f"Team: {team.practitioners.count()} practitioners, {team.rooms.count()} clinic rooms, "
          f"{taken:,} diary entries (70% of working time over {WEEKS} weeks)")
    referrals = triaged_referrals(samples + 50 + 200 + WARM_UP + 50)
    stats, found = measure_first_ten(referrals[:samples])
    print(f"First 10 options, default clinic template (N={samples}):     {stats}   ({found} options each)")
    stats, found = measure_options_page(referrals[:samples])
    print(f"services.options_for, as the page and API (N={samples}):     {stats}   ({found} options each)")
    bookings = measure_bookings(referrals[samples:samples + 50])
    result = race(referrals[samples + 50:samples + 250])
    floor = booking_floor(referrals[samples + 250:])
    print(f"Book the first option (N=50):                            "
          f"{FIGURES.timed('book the first option', bookings, floor=floor)}")
    print(f"Race: {result['attempts']} concurrent attempts on {result['options']} contested options "
          f"from 20 threads: {result['booked']} booked, {result['refused']} refused, "
          f"{result['errors']} errors; double bookings: {result['double_bookings']}")
    FIGURES.write({"practitioners": team.practitioners.count(), "diary_entries": taken, "weeks": WEEKS,
                   "race": result})


if __name__ == "__main__":
    main()
