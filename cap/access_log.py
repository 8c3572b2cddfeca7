"""Who has looked at a record, as managers read it: a person's log (their subject access
request), a user's log (a Caldicott investigation), filtered by date, on a page, as CSV
and through the API. The rows are written by core.audit alone.

The role shown is the reader's role now, from their groups: a row does not store it,
as storing it would cost every read (the triage decision's among them) a query of the
reader's groups, and roles change far less often than people read records."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.utils import timezone

from accounts.roles import QUEUE_GROUPS, ROLES

from .models import RecordAccess

if TYPE_CHECKING:
    from django.contrib.auth.models import User

ROLE_NAMES = [entry.group for entry in (*ROLES, *QUEUE_GROUPS)]
CSV_HEADER = ["when", "who", "username", "roles", "person", "nhs_number", "what", "referral",
              "break_glass_reason"]


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def within(accesses: QuerySet[RecordAccess], start: date | None, end: date | None) -> QuerySet[RecordAccess]:
    """The reads on or after `start` and on or before `end`, as days in Europe/London."""
    if start:
        accesses = accesses.filter(accessed_at__gte=_start_of(start))
    if end:
        accesses = accesses.filter(accessed_at__lt=_start_of(end + timedelta(days=1)))
    return accesses


def roles_of_readers(user_ids: Iterable[int]) -> dict[int, list[str]]:
    """Each reader's roles (and specific queue groups), in the order accounts.roles lists
    them: one query for a page or an export."""
    found: dict[int, set[str]] = {}
    memberships = (Group.user_set.through.objects  # type: ignore[attr-defined]
                   .filter(user_id__in=set(user_ids), group__name__in=ROLE_NAMES)
                   .values_list("user_id", "group__name"))
    for user_id, name in memberships:
        found.setdefault(user_id, set()).add(name)
    return {user_id: [n for n in ROLE_NAMES if n in names] for user_id, names in found.items()}


@dataclass(frozen=True)
class AccessRow:
    """One read as the log shows it."""

    access: RecordAccess
    reader: str
    username: str
    roles: list[str]


def reader_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def rows_of(accesses: Iterable[RecordAccess]) -> list[AccessRow]:
    accesses = list(accesses)
    roles = roles_of_readers(a.user_id for a in accesses)
    return [AccessRow(a, reader_name(a.user), a.user.get_username(), roles.get(a.user_id, []))
            for a in accesses]


def csv_rows(accesses: QuerySet[RecordAccess], chunk: int = 500) -> Iterator[list[object]]:
    """Every read of `accesses` as CSV cells, a chunk at a time (one roles query a chunk)."""
    batch: list[RecordAccess] = []
    for access in accesses.iterator(chunk_size=chunk):
        batch.append(access)
        if len(batch) == chunk:
            yield from _cells(batch)
            batch = []
    yield from _cells(batch)


def _cells(batch: list[RecordAccess]) -> Iterator[list[object]]:
    for row in rows_of(batch):
        a = row.access
        yield [timezone.localtime(a.accessed_at).isoformat(), row.reader, row.username, "; ".join(row.roles),
               str(a.service_user), a.service_user.nhs_number or "", a.context,
               a.referral.reference if a.referral else "", a.break_glass_reason]
