"""Placeholder for the one definition of "accounted for" (issue 16, deliverable 1), which
is being written alongside: until it lands, an open referral is accounted for when it has
a running wait target. The simulation (simulation/) calls it every simulated hour."""

from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet

from cap.models import Referral

from .models import WaitTarget


def not_accounted_for(now: datetime) -> QuerySet[Referral]:
    """Open referrals with no running wait target at `now`."""
    running = WaitTarget.objects.running().filter(referral=OuterRef("pk"), started_at__lte=now)
    return Referral.objects.open().exclude(Exists(running))
