"""Breaking the glass: the one way a reader without a care relationship is let read a record."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from cap.models import ServiceUser
from core.errors import Invalid
from core.history import save_as

from .models import BreakGlassGrant

# Long enough to say why in words a Caldicott guardian can judge ("checking" is not).
REASON_MIN_LENGTH = 10
REASON_MAX_LENGTH = 2000


def break_glass_grant(*, actor: User, service_user: ServiceUser, reason: str,
                      now: datetime | None = None) -> BreakGlassGrant:
    """Let `actor` read `service_user`'s record for ACCESS_BREAK_GLASS_MINUTES, for `reason`.
    Reads under the grant are logged with the reason (core.audit.record_access_log)."""
    reason = " ".join(reason.split())
    if len(reason) < REASON_MIN_LENGTH:
        raise Invalid(f"Say why you need to see this record, in at least {REASON_MIN_LENGTH} characters",
                      field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise Invalid(f"The reason must be {REASON_MAX_LENGTH} characters or fewer", field="reason")
    now = now or timezone.now()
    grant = BreakGlassGrant(user=actor, service_user=service_user, reason=reason, granted_at=now,
                            expires_at=now + timedelta(minutes=settings.ACCESS_BREAK_GLASS_MINUTES))
    with transaction.atomic():
        save_as(grant, actor)
    return grant
