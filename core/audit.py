"""Who looked at a person's record: written once, here, by every read that shows a
person's details (pages, API, letters), and read back for the person who asks.

The NHS Care Record Guarantee promises a person can ask who has accessed their
record; django-simple-history records writes only, so reads are logged here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

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


def record_accesses_for(service_user: ServiceUser) -> QuerySet[RecordAccess]:
    """Who read this person's record, newest first."""
    from cap.models import RecordAccess

    return (RecordAccess.objects.filter(service_user=service_user)
            .select_related("user", "referral").order_by("-accessed_at", "-id"))
