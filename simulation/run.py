"""The simulated month, hour by hour: arrivals, the staff on their rotas, what was
scheduled for later, the breach watcher, and the safety counts at every hour."""

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from . import behaviour
from .behaviour import Run, Volumes
from .checks import SafetyCounts, safety_counts
from .world import world_build

# Who works when (London wall time), and how often each of them takes their next task.
ROUTINE_TRIAGE_HOURS = range(9, 17)
ROUTINE_TRIAGE_ON = 10  # of the 14 routine triage clinicians, on any working day
URGENT_DESK_ON = {"day": 4, "night": 2}  # 08:00-20:00, and through the night
ADMIN_HOURS = range(8, 18)
ADMIN_ON = 6
TASK_MINUTES = {"triage": 15, "urgent": 12, "admin": 10}


@dataclass
class Result:
    counts: Counter
    hours: int
    worst: SafetyCounts
    totals: SafetyCounts
    first_failure: tuple[datetime, SafetyCounts] | None = None
    hourly_failures: list[tuple[datetime, SafetyCounts]] = field(default_factory=list)


def staff_events(run: Run, hour: datetime) -> list[tuple[datetime, Callable[[], None]]]:
    """Each member of staff on shift this hour takes a task every few minutes."""
    local = timezone.localtime(hour)
    working_day = local.weekday() < 5
    events = []

    def every(prefix: str, on: int, task: Callable[..., bool]) -> None:
        minutes = TASK_MINUTES[prefix]
        for n, user in enumerate(run.world.staff[prefix][:on]):
            for m in range((n * 3) % minutes, 60, minutes):
                events.append((hour + timedelta(minutes=m), lambda u=user: task(run, u) and None))

    if working_day and local.hour in ROUTINE_TRIAGE_HOURS:
        every("triage", ROUTINE_TRIAGE_ON, behaviour.triage_next)
    every("urgent", URGENT_DESK_ON["day" if 8 <= local.hour < 20 else "night"], behaviour.urgent_desk_next)
    if working_day and local.hour in ADMIN_HOURS:
        every("admin", ADMIN_ON, behaviour.admin_next)
    if local.hour == 7:
        events.append((hour + timedelta(minutes=30), lambda: behaviour.absence_recorded(run)))
    if local.hour == 10:
        events.append((hour + timedelta(minutes=15), lambda: behaviour.coordinators_named(run)))
    return events


def simulate(*, start: datetime, days: int, seed: int, volumes: Volumes, traveller,
             progress: Callable[[str], None] = lambda line: None) -> Result:
    """Run `days` from `start`, the clock moved by `traveller` (a time_machine traveller)."""
    rng = random.Random(seed)  # noqa: S311 (a reproducible simulation, not a secret)
    world = world_build(rng=rng, start=start, days=days)
    run = Run(world=world, rng=rng, volumes=volumes)
    zero = SafetyCounts(0, 0, 0)
    result = Result(run.counts, 0, zero, zero)
    for h in range(days * 24):
        hour = start + timedelta(hours=h)
        _run_hour(run, hour, traveller)
        end = hour + timedelta(hours=1)
        traveller.move_to(end)
        run.counts["alerts raised"] += behaviour.watcher_tick(end)
        counts = safety_counts(end)
        result.hours += 1
        result.totals += counts
        result.worst = result.worst.most(counts)
        if not counts.all_zero:
            result.hourly_failures.append((end, counts))
        if h % 24 == 23:
            referrals = sum(v for k, v in run.counts.items() if k.startswith("referrals"))
            progress(f"day {h // 24 + 1}: {referrals} referrals so far, safety counts "
                     f"{counts.not_accounted_for}/{counts.alerts_missed_or_twice}/{counts.double_bookings}")
    return result


def _run_hour(run: Run, hour: datetime, traveller) -> None:
    end = hour + timedelta(hours=1)
    events = behaviour.arrivals_in_hour(run, hour) + staff_events(run, hour) + run.due_by(end)
    events.sort(key=lambda event: event[0])
    for at, action in events:
        traveller.move_to(max(at, hour).replace(second=0, microsecond=0))
        run.counts["alerts raised"] += behaviour.watcher_tick(timezone.now())
        action()
