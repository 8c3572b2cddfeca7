"""Times and durations as clinicians read them, shared by the queues, the dashboard and
the alerts."""

from datetime import datetime

from django.utils import timezone


def local_time(instant: datetime) -> str:
    """Tue 24 Nov 12:00, in Europe/London."""
    local = timezone.localtime(instant)
    return f"{local:%a} {local.day} {local:%b %H:%M}"


def duration_text(minutes: int) -> str:
    """3 h 20 min; 2 days 1 h; 25 min."""
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} day{'s' if days != 1 else ''}" + (f" {hours} h" if hours else "")
    if hours:
        return f"{hours} h" + (f" {mins} min" if mins else "")
    return f"{mins} min"
