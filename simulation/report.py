"""What the simulated month printed: arrivals, assessments, the share of each target met
within it, breaches, alerts and slot issues, read from the simulation's database."""

from collections import Counter
from datetime import datetime

from django.db.models import Count, F, Q

from cap.models import Channel, Enquiry, Referral
from scheduling.models import SlotIssue
from triage.models import BreachAlert, TargetDefinition, WaitTarget


def target_shares(now: datetime) -> list[tuple[str, int, int, int, int]]:
    """Per target: (name, stopped, met within it, still running past due, running in time).
    A target stopped late, or still running past its due instant, is a breach."""
    rows = []
    for definition in TargetDefinition.objects.order_by("code"):
        targets = WaitTarget.objects.filter(definition=definition, cancelled_at__isnull=True)
        figures = targets.aggregate(
            stopped=Count("id", filter=Q(met_at__isnull=False)),
            within=Count("id", filter=Q(met_at__lte=F("due_at"))),
            overdue=Count("id", filter=Q(met_at__isnull=True, due_at__lt=now)),
            running=Count("id", filter=Q(met_at__isnull=True, due_at__gte=now)))
        rows.append((definition.name, figures["stopped"], figures["within"], figures["overdue"],
                     figures["running"]))
    return rows


def lines(counts: Counter, now: datetime) -> list[str]:
    out = ["Arrivals:"]
    by_channel = Referral.objects.values_list("channel").annotate(n=Count("id")).order_by("channel")
    out += [f"  referrals, {Channel(channel).label.lower()}: {n}" for channel, n in by_channel]
    out.append(f"  calls logged: {Enquiry.objects.count()}")
    out.append("What the simulated people did:")
    out += [f"  {key}: {value}" for key, value in sorted(counts.items())]
    out.append("Targets (stopped: met within / all stopped; still running: past due, in time):")
    for name, stopped, within, overdue, running in target_shares(now):
        share = f"{100 * within / stopped:.1f}%" if stopped else "-"
        out.append(f"  {name}: {within}/{stopped} within ({share}); running {overdue} past due, "
                   f"{running} in time")
    breached = WaitTarget.objects.filter(Q(met_at__gt=F("due_at")) | Q(met_at__isnull=True, due_at__lt=now),
                                         cancelled_at__isnull=True).count()
    out.append(f"Breaches: {breached}")
    alerts = BreachAlert.objects.values_list("kind").annotate(n=Count("id")).order_by("kind")
    out.append("Alerts: " + ", ".join(f"{kind} {n}" for kind, n in alerts))
    out.append(f"Slot issues: {SlotIssue.objects.count()} raised, "
               f"{SlotIssue.objects.filter(resolved_at__isnull=True).count()} open")
    return out
