from django.db.models import OuterRef, Subquery

from cap.models import Referral, ReferralStatus
from triage.models import TriageDecision
from triage.selectors import with_next_due

from .models import Team


def booking_queue():
    """Triaged referrals waiting for their first assessment, most at risk first."""
    latest = TriageDecision.objects.filter(referral=OuterRef("pk")).order_by("-decided_at")
    return with_next_due(
        Referral.objects.filter(status=ReferralStatus.AWAITING_BOOKING)
        .select_related("service_user", "service_user__gp_practice")
        .annotate(stream=Subquery(latest.values("stream")[:1]),
                  urgency=Subquery(latest.values("urgency")[:1]))
    )


def teams_for(referral, stream):
    """Teams of the stream, the one aligned to the person's GP practice's PCN first."""
    teams = list(Team.objects.filter(specialty=stream).prefetch_related("pcns"))
    practice = referral.service_user.gp_practice
    pcn_id = practice.pcn_id if practice else None
    return sorted(teams, key=lambda t: (pcn_id not in {p.id for p in t.pcns.all()}, t.name))
