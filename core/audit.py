"""Who looked at a person's record: written once, here, by every read that shows a
person's details (pages, API, letters), and read back for the person who asks.

The NHS Care Record Guarantee promises a person can ask who has accessed their
record; django-simple-history records writes only, so reads are logged here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

if TYPE_CHECKING:  # core imports no app when it loads (ADR 0008); the log is a cap model
    from django.contrib.auth.models import User

    from cap.models import RecordAccess, Referral, ServiceUser


def record_access_log(*, actor: User, service_user: ServiceUser, view: str,
                      referral: Referral | None = None, break_glass_reason: str = "") -> RecordAccess:
    """Log that `actor` was shown `service_user`'s details in `view` (a short description
    of what was shown: "referral page", "triage decision"), for `referral` when the read
    was about one. One INSERT and nothing else: it sits on the triage decision path.

    The referral may be another person's: a possible match is read for the referral
    whose identity is being confirmed. `break_glass_reason` is the reason given by a
    reader with no care relationship to the person (access.break_glass)."""
    from cap.models import RecordAccess

    return RecordAccess.objects.create(user=actor, service_user=service_user, referral=referral,
                                       context=view, break_glass_reason=break_glass_reason)


def record_access_log_many(*, actor: User, view: str,
                           service_users: Iterable[ServiceUser | tuple[ServiceUser, Referral | None]],
                           ) -> list[RecordAccess]:
    """Log that `actor` was shown each of `service_users` at once, in a list or in
    search results (`view` names the list): one row per person shown, written in one
    INSERT so a worklist of 500 people costs one statement, not 500.

    Each item is a person, or a (person, referral) pair when the list shows the person
    for a referral. One row per person and referral: a person shown for two referrals
    gets a row for each, and one shown twice for the same referral (in two sections of
    the dashboard) gets one."""
    from cap.models import RecordAccess

    now = timezone.now()
    rows, seen = [], set()
    for item in service_users:
        person, referral = item if isinstance(item, tuple) else (item, None)
        key = (person.pk, referral.pk if referral else None)
        if key in seen:
            continue
        seen.add(key)
        rows.append(RecordAccess(user=actor, service_user=person, referral=referral,
                                 context=view, accessed_at=now))
    return RecordAccess.objects.bulk_create(rows) if rows else []


def record_accesses_for(service_user: ServiceUser) -> QuerySet[RecordAccess]:
    """Who read this person's record, newest first."""
    from cap.models import RecordAccess

    return (RecordAccess.objects.filter(service_user=service_user)
            .select_related("user", "service_user", "referral").order_by("-accessed_at", "-id"))


def record_accesses_by(user: User) -> QuerySet[RecordAccess]:
    """Whose records this user read, newest first."""
    from cap.models import RecordAccess

    return (RecordAccess.objects.filter(user=user)
            .select_related("user", "service_user", "referral").order_by("-accessed_at", "-id"))
