"""The simulation's own database, so a run never touches the data of the database the
settings name. A migrated, empty template (`<name>_simulation_template`) is built once and
kept while the migrations are unchanged; each run copies it (CREATE DATABASE ... TEMPLATE,
seconds where migrating takes a minute or more) to `<name>_simulation`, runs there, and
drops it unless kept."""

from contextlib import contextmanager

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def _use(name: str) -> None:
    connection.close()
    connection.settings_dict["NAME"] = name
    settings.DATABASES[connection.alias]["NAME"] = name


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def _exists(name: str) -> bool:
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def _drop(name: str) -> None:
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)")


def _create(name: str, template: str | None = None) -> None:
    with connection._nodb_cursor() as cursor:
        copy = f" TEMPLATE {_quoted(template)}" if template else ""
        cursor.execute(f"CREATE DATABASE {_quoted(name)}{copy}")


def _up_to_date() -> bool:
    executor = MigrationExecutor(connection)
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


def _template_ready(template: str, main: str) -> None:
    """A template migrated to the current migrations: rebuilt from nothing when any is
    missing, since a migration renumbered on a merge cannot be applied on top."""
    if _exists(template):
        _use(template)
        fresh = _up_to_date()
        _use(main)
        if fresh:
            return
        _drop(template)
    _create(template)
    _use(template)
    try:
        # The roles (post_migrate) and the reference data come with the migrations.
        call_command("migrate", verbosity=0, interactive=False)
    except BaseException:
        _use(main)
        _drop(template)
        raise
    _use(main)


@contextmanager
def simulation_database(*, keep: bool = False):
    """Switch the default connection to a fresh copy of the migrated template for the
    duration; yields its name."""
    main = connection.settings_dict["NAME"]
    name, template = f"{main}_simulation", f"{main}_simulation_template"
    _template_ready(template, main)
    _drop(name)
    _create(name, template)
    with connection._nodb_cursor() as cursor:
        # A throwaway database: a commit need not wait for the disk (a crash loses the
        # last moments of a run that is then rerun, never the data of the settings' one).
        cursor.execute(f"ALTER DATABASE {_quoted(name)} SET synchronous_commit = off")
    _use(name)
    try:
        yield name
    finally:
        _use(main)
        if not keep:
            _drop(name)
