"""The database a benchmark runs against: its own, beside the one DATABASE_URL names,
created and migrated when missing, with production settings and a throwaway key."""

import os
import secrets
import sys
from pathlib import Path
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
    p95 = ms[max(0, round(0.95 * len(ms)) - 1)]
    return f"p50 {statistics.median(ms):6.1f} ms   p95 {p95:6.1f} ms   max {ms[-1]:6.1f} ms"
