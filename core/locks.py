"""The one order in which services lock rows: a referral, then its booking, then diary
entries (practitioners'), then rooms (the room's entries).

Two transactions that take the same locks in different orders can each hold what the
other waits for; PostgreSQL then kills one of them (a deadlock: a server error for one
user, and a misleading message for the other). Rebooking used to lock the referral and
then the booking while cancelling locked the booking and then the referral, so a rebook
and a cancel of the same booking at the same moment deadlocked. So every service takes
its locks through this module, and in this order:

1. The referral (`lock_referral`, `lock_referrals`). Everything that changes a referral
   or what hangs off it (its status, triage decision, claim, targets, bookings) starts
   here, so two people acting on one referral queue up on one row. Rows that belong to
   the referral (its wait targets and their watcher rows) are written after it.
2. The booking (`lock_booking`, which locks the booking's referral first).
3. Diary entries, never locked by a read: a booking's entries are freed
   (`UPDATE ... live = false`) only by a transaction that holds the booking, and new
   entries are written in `diary_write_order`, practitioners' by practitioner, so two
   bookings that wait on each other's entries in the exclusion constraints (a
   practitioner's or a room's time) queue up instead of deadlocking.
4. Rooms: a room's entries come last in that order.

The one exception is the scan that frees holds that ran out (`lock_bookings_expiring`):
it locks bookings without their referrals, out of order, but with SKIP LOCKED, so it
never waits for a lock and so cannot be part of a deadlock.

Each function expects to run inside the caller's transaction (`transaction.atomic`):
a lock lasts until that transaction ends."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, TypeVar

from django.db.models import QuerySet

if TYPE_CHECKING:  # core imports no app when it loads (ADR 0008): models are read on use
    from cap.models import Referral
    from scheduling.models import Booking


def lock_referral(pk: int, *, select_related: tuple[str, ...] = ()) -> Referral:
    """The referral, locked (FOR UPDATE) and read fresh. With select_related, the related
    rows are locked too (PostgreSQL locks every row of the join): the referral's own
    person, changed only under the referral's lock."""
    from cap.models import Referral

    return Referral.objects.select_related(*select_related).select_for_update().get(pk=pk)


def lock_referrals(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """The referrals of a query, locked as they are read: for a service that finds the
    referral it changes by what it is (a person's referral awaiting triage), not by id."""
    return referrals.select_for_update()


def lock_booking(pk: int) -> Booking:
    """The booking, locked after its referral (both read fresh); `booking.referral` is
    the locked referral."""
    from scheduling.models import Booking

    # A booking never moves to another referral, so its referral can be read unlocked.
    referral_id = Booking.objects.values_list("referral_id", flat=True).get(pk=pk)
    referral = lock_referral(referral_id)
    booking = Booking.objects.select_for_update().get(pk=pk)
    booking.referral = referral
    return booking


def lock_bookings_expiring(now: datetime) -> list[Booking]:
    """The holds that ran out by `now`, locked, skipping any another transaction holds
    (it is confirming, releasing or freeing that hold itself)."""
    from scheduling.models import Booking, BookingStatus

    return list(Booking.objects.select_for_update(skip_locked=True)
                .filter(status=BookingStatus.HELD, held_until__lte=now))


class _PlannedEntry(Protocol):
    @property
    def room(self) -> object | None: ...
    @property
    def diary_pk(self) -> int: ...
    @property
    def starts_at(self) -> datetime: ...


Entry = TypeVar("Entry", bound=_PlannedEntry)


def diary_write_order(entries: Iterable[Entry]) -> list[Entry]:
    """New diary entries in the order they are written: practitioners' entries by
    practitioner, then the room's."""
    return sorted(entries, key=lambda e: (e.room is not None, e.diary_pk, e.starts_at))


def lock_message(key: str) -> None:
    """A received message's id, held for the transaction (a PostgreSQL advisory lock): two
    sends of one message at once queue up here, and the second finds the first's row and
    is answered as a duplicate. Taken before any referral lock (it guards no row, so it
    precedes rule 1 of the order)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])
