"""The database a benchmark runs against: its own, beside the one DATABASE_URL names,
created and migrated when missing, with production settings and a throwaway key."""

import os
import secrets
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def ensure_database(url: str, name: str) -> None:
    import psycopg2

    # The maintenance database: the one DATABASE_URL names need not exist yet.
    connection = psycopg2.connect(_with_database(url, "postgres"))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def setup_django(name: str) -> None:
    url = os.environ.get("DATABASE_URL")
    if not url:
        sys.exit("Set DATABASE_URL (make bench-intake and make bench-triage do).")
    if urlsplit(url).path.strip("/") == name:
        sys.exit("DATABASE_URL already names the benchmark database; give the main one.")
    ensure_database(url, name)
    os.environ["DATABASE_URL"] = _with_database(url, name)
    # Production settings (no DEBUG query log), with a throwaway key.
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def column_defaults(model, given: dict) -> tuple[list[str], list[str]]:
    """Columns and SQL expressions for every column a set-based INSERT must name: the
    given ones, NULL or '' or the field's default for the rest (so a new blank column
    needs no change in a benchmark). Generated columns are the database's to fill."""
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.generated:
            continue
        if field.column in given:
            expr = given[field.column]
        elif field.null:
            expr = "NULL"
        elif field.has_default() and isinstance(field.get_default(), bool):
            expr = "TRUE" if field.get_default() else "FALSE"
        elif field.get_internal_type() == "ArrayField":
            expr = "'{}'"
        elif field.get_internal_type() == "JSONField" and field.has_default():
            import json

            expr = "'" + json.dumps(field.get_default()).replace("'", "''") + "'::jsonb"
        elif field.get_internal_type() in {"CharField", "TextField", "FileField", "EmailField"}:
            expr = "''"
        else:
            raise RuntimeError(f"No benchmark value for {model.__name__}.{field.name}")
        columns.append(f'"{field.column}"')
        values.append(expr)
    return columns, values


def uniform(expr: str, seed: int) -> str:
    """SQL for a uniform number in [0, 1) from a hash of expr: repeatable, unlike random()."""
    return f"((hashint4extended(({expr})::int, {seed}) & 2147483647) / 2147483648.0)"


def percentiles(seconds: list[float]) -> str:
    """p50, p95 and the slowest of timings taken in seconds, in milliseconds."""
    import statistics

    ms = sorted(s * 1000 for s in seconds)
    p95 = _quantile(ms, 0.95)
    return f"p50 {statistics.median(ms):6.1f} ms   p95 {p95:6.1f} ms   max {ms[-1]:6.1f} ms"


def throttle_history_clear(user) -> None:
    """Forget the API throttles' record of `user`'s requests (DRF keeps each client's
    request times of the last period in the cache, and reads and writes them whole on
    every request): each run starts as a sender quiet for an hour would, neither refused
    nor slowed by what earlier runs sent."""
    from django.core.cache import cache

    from core.throttles import ClientThrottle, ReferralSendingThrottle

    cache.delete_many([throttle.cache_format % {"scope": throttle.scope, "ident": user.pk}
                       for throttle in (ClientThrottle, ReferralSendingThrottle)])


def signed_in_client(user):
    """A test client signed in as `user` with both steps, as staff sign in: the password
    step (force_login) and the second, with the user's authenticator app (given one if they
    have none). Staff pages send a session without the second step to set it up."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts import two_factor

    device = two_factor.authenticator_of(user) or TOTPDevice.objects.create(
        user=user, name=two_factor.AUTHENTICATOR, confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


# --- Floors: the minimal SQL that gives an operation's result ------------------------------

def _history(model, alias: str, user_id: int) -> tuple[list[str], list[str]]:
    """Columns and values of the history row of the row `alias` returned."""
    given = {f.column: f"{alias}.{f.column}" for f in model._meta.concrete_fields if not f.generated}
    given |= {"history_date": "now()", "history_type": "'+'", "history_user_id": str(user_id)}
    return column_defaults(model.history.model, given)


def referral_floor_statement(user_id: int, *, channel: str, urgency: str, message: bool = False) -> str:
    """What any front door must write for a referral about a new person, in one statement
    (its commit the only other round trip): the person's record and the referral, each with
    its history row, the targets with their history and the watcher's first alert, and with
    `message` the BaRS message as received. No reads: the due instants, the reference and the
    rest are worked out in the statement or given to it. Parameters: given, family, born,
    postcode, authored, referrer, reason, targets (JSON: definition, started, due, at_risk,
    provisional), and with `message`: message_id, service_request, endpoint, request,
    correlation, bundle."""
    from bars.models import ReceivedMessage
    from cap.models import Referral, ServiceUser
    from triage.models import WaitTarget

    def insert(model, given: dict) -> tuple[str, str]:
        columns, values = column_defaults(model, given)
        return ", ".join(columns), ", ".join(values)

    person = insert(ServiceUser, {"given_name": "%(given)s", "family_name": "%(family)s",
                                  "date_of_birth": "%(born)s::date", "postcode": "%(postcode)s",
                                  "created_at": "now()"})
    referral = insert(Referral, {
        "reference": "'REF-' || nextval('cap_contact_reference_seq')", "service_user_id": "person.id",
        "channel": f"'{channel}'", "received_at": "now()", "first_contact_at": "%(authored)s::timestamptz",
        "status": "'awaiting_triage'", "referrer_name": "%(referrer)s", "reason": "%(reason)s",
        "referrer_urgency": f"'{urgency}'", "suggested_urgency": f"'{urgency}'",
        "match_result": "'new_person'", "logged_by_id": str(user_id), "created_at": "now()",
        "next_due_at": "(SELECT min((d->>'due')::timestamptz) "
                       "FROM jsonb_array_elements(%(targets)s::jsonb) d)"})
    target = insert(WaitTarget, {"referral_id": "referral.id", "definition_id": "d.definition",
                                 "started_at": "d.started", "due_at": "d.due", "at_risk_at": "d.at_risk",
                                 "provisional": "d.provisional"})
    histories = {name: _history(model, alias, user_id)
                 for name, model, alias in (("cap_historicalserviceuser", ServiceUser, "person"),
                                            ("cap_historicalreferral", Referral, "referral"),
                                            ("triage_historicalwaittarget", WaitTarget, "targets"))}

    def history(table: str, source: str) -> str:
        columns, values = histories[table]
        return f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {source}"  # noqa: S608

    alerts = ("INSERT INTO triage_alertschedule (target_id, next_alert_at) "
              "SELECT id, coalesce(at_risk_at, due_at) FROM targets")
    last = alerts
    if message:
        received = insert(ReceivedMessage, {
            "message_id": "%(message_id)s", "kind": "'new'", "event": "'servicerequest-request'",
            "service_request_id": "%(service_request)s", "service_request_status": "'active'",
            "sender_endpoint": "%(endpoint)s", "referral_id": "referral.id", "request_id": "%(request)s",
            "correlation_id": "%(correlation)s", "flags": "'[]'::jsonb", "bundle": "%(bundle)s::jsonb",
            "received_by_id": str(user_id), "received_at": "now()"})
        last = f"INSERT INTO bars_receivedmessage ({received[0]}) SELECT {received[1]} FROM referral"  # noqa: S608
    return f"""
        WITH person AS (
            INSERT INTO cap_serviceuser ({person[0]}) VALUES ({person[1]}) RETURNING *
        ), person_history AS ({history("cap_historicalserviceuser", "person")}
        ), referral AS (
            INSERT INTO cap_referral ({referral[0]}) SELECT {referral[1]} FROM person RETURNING *
        ), referral_history AS ({history("cap_historicalreferral", "referral")}
        ), targets AS (
            INSERT INTO triage_waittarget ({target[0]}) SELECT {target[1]}
              FROM referral, jsonb_to_recordset(%(targets)s::jsonb)
                AS d(definition bigint, started timestamptz, due timestamptz, at_risk timestamptz,
                     provisional boolean)
            RETURNING *
        ), target_history AS ({history("triage_historicalwaittarget", "targets")}
        ){f", alerts AS ({alerts})" if message else ""}
        {last}"""  # noqa: S608


def floor_times(statement: str, params: Iterable[dict], *, warm_up: int) -> list[float]:
    """The time of `statement` run once for each set of `params` (statement_times)."""
    return statement_times(((statement, values) for values in params), warm_up=warm_up)


def statement_times(statements: Iterable[tuple[str, Any]], *, warm_up: int) -> list[float]:
    """The time of each (statement, params) in turn, its rows fetched when it returns any
    (as the code it stands for reads them), each in autocommit (the statement its own
    transaction, its commit included), the first `warm_up` not counted."""
    import time

    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for n, (statement, values) in enumerate(statements):
            started = time.perf_counter()
            cursor.execute(statement, values)
            if cursor.description is not None:
                cursor.fetchall()
            if n >= warm_up:
                times.append(time.perf_counter() - started)
    return times


def iso(epoch: float) -> str:
    """An instant given as seconds since the epoch, as PostgreSQL reads a timestamptz."""
    from datetime import UTC, datetime

    return datetime.fromtimestamp(epoch, UTC).isoformat()


# --- Figures, as JSON too -----------------------------------------------------------------
# Every benchmark writes what it prints to .local/bench/<name>.json, so that one run can be
# compared with another: `bin/bench --compare OLD.json` (benchmarks/compare.py).

RESULTS_DIR = ROOT / ".local" / "bench"


def _quantile(ms: list[float], share: float) -> float:
    """The nearest-rank quantile of sorted timings (what `percentiles` prints)."""
    return ms[max(0, round(share * len(ms)) - 1)]


class Figures:
    """One benchmark's timed operations, each with its floor when measured: the time of the
    minimal SQL that gives the same result, and the figure's ratio to it (p50 to p50)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.operations: list[dict] = []

    def timed(self, operation: str, seconds: list[float], *, data_size: int | None = None,
              floor: list[float] | None = None, **about: object) -> str:
        """Record one operation's timings (in seconds); returns them as `percentiles` does,
        with the floor and the ratio when a floor was timed."""
        import statistics

        ms = sorted(s * 1000 for s in seconds)
        row: dict = {"operation": operation, "n": len(ms), "p50": round(statistics.median(ms), 2),
                     "p90": round(_quantile(ms, 0.90), 2), "p95": round(_quantile(ms, 0.95), 2),
                     "p99": round(_quantile(ms, 0.99), 2), "max": round(ms[-1], 2),
                     "floor": None, "ratio": None, "data_size": data_size,
                     "load_average": round(os.getloadavg()[0], 2), **about}
        text = percentiles(seconds)
        if floor:
            row["floor"] = round(statistics.median(s * 1000 for s in floor), 3)
            row["ratio"] = round(row["p50"] / row["floor"], 1) if row["floor"] else None
            text += f"   floor {row['floor']:6.2f} ms   ratio {row['ratio']:5.1f}"
        self.operations.append(row)
        return text

    def write(self, data: dict) -> Path:
        """Write the figures with the data they ran on and the machine; returns the path."""
        import json
        import platform
        from datetime import UTC, datetime

        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        path = RESULTS_DIR / f"{self.name}.json"
        path.write_text(json.dumps({
            "benchmark": self.name, "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"cores": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()],
                        "python": platform.python_version(), "platform": platform.platform()},
            "data": data, "operations": self.operations}, indent=2) + "\n")
        print(f"Figures written to {path}")
        return path
