"""Named reads of break-glass grants."""

from datetime import datetime, timedelta

from .models import BreakGlassGrant

# The managers' dashboard counts the grants of the last week: enough to see a rise at once,
# the report has every one.
RECENT_DAYS = 7


def break_glass_recent_count(now: datetime, days: int = RECENT_DAYS) -> int:
    return BreakGlassGrant.objects.filter(granted_at__gt=now - timedelta(days=days)).count()
