"""Times and durations as clinicians read them, shared by the queues, the dashboard and
the alerts."""

from dataclasses import dataclass
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


@dataclass(frozen=True)
class DueState:
    """How a worklist shows a referral's next due instant at one instant."""

    time_left: str  # "3 h 20 min", "Overdue by 25 min", or "" with no target running
    overdue: bool  # breached: past its due instant
    at_risk: bool  # past its target's at-risk instant, not yet due


def due_state(due: datetime | None, at_risk_at: datetime | None, now: datetime) -> DueState:
    if due is None:
        return DueState("", False, False)
    seconds = (due - now).total_seconds()
    # A target due at 12:00 is met at 12:00: overdue only after it.
    if seconds < 0:
        return DueState(f"Overdue by {duration_text(int(-seconds // 60))}", True, False)
    return DueState(duration_text(int(seconds // 60)), False, at_risk_at is not None and at_risk_at <= now)


def row_flags(referral) -> tuple[tuple[str, str], ...]:
    """What a clinician must see on a worklist before opening the referral, most pressing
    first, as (label, NHS.UK tag colour): the crisis, the state it waits in, an identity
    not confirmed, the reasonable adjustments a triage decision recorded, and a person
    flagged vulnerable (triage.selectors.with_due_target_and_flags annotates them)."""
    person = referral.service_user
    flags = []
    # A crisis at intake stays a flag until triage has decided how urgent it is, and
    # while the urgent assessment it led to waits; after that the decision says it.
    if getattr(referral, "crisis", False) and referral.status in ("awaiting_triage",
                                                                  "awaiting_urgent_assessment"):
        flags.append(("Crisis", "red"))
    if referral.status == "awaiting_urgent_assessment":
        flags.append(("Awaiting urgent assessment", "orange"))
    elif referral.urgent_triage_requested_at and referral.status == "awaiting_triage":
        flags.append(("Urgent triage requested", "red"))
    if not person.identity_confirmed:
        flags.append(("Identity not confirmed", "yellow"))
    if getattr(referral, "adjustments", False):
        flags.append(("Reasonable adjustments", "blue"))
    if person.vulnerable:
        flags.append(("Vulnerable", "purple"))
    return tuple(flags)


# A target definition's time, in the unit of its clock (clock.TWENTY_FOUR_SEVEN, BUSINESS,
# CALENDAR_DAYS).
TARGET_UNITS = {"24_7": ("hour", "hours"), "business": ("working day", "working days"),
                "calendar_days": ("day", "days")}
SETTING_LABELS = {"amount": "time", "at_risk_share": "at risk at share elapsed",
                  "at_risk_minutes_left": "at risk with minutes left", "name": "name"}


def target_time_text(clock_kind: str, amount: int | None) -> str:
    one, many = TARGET_UNITS[clock_kind]
    return f"{amount} {one if amount == 1 else many}"


def _setting_text(clock_kind: str, field: str, value) -> str:
    if value is None:
        return "none"
    if field == "amount":
        return target_time_text(clock_kind, value)
    return {"at_risk_share": f"{value}%", "at_risk_minutes_left": f"{value} min"}.get(field, str(value))


SETTINGS = ("amount", "at_risk_share", "at_risk_minutes_left")


def target_definition_changes(definition) -> list[dict]:
    """The definition's history, newest first, each row saying who changed what from what."""
    def text(field, value):
        return _setting_text(definition.clock, field, value)

    def label(field):
        return SETTING_LABELS.get(field, field.replace("_", " "))

    # Paired in order here, not by prev_record, which misses a row saved the same instant
    # (the baseline the first change keeps) and asks the database once per row.
    records = list(definition.history.select_related("history_user").order_by("history_date", "history_id"))
    rows = []
    for previous, record in zip([None, *records], records, strict=False):
        if previous is None:
            what = "As set up: " + ", ".join(f"{label(f)} {text(f, getattr(record, f))}" for f in SETTINGS)
        else:
            what = "; ".join(f"{label(c.field)} {text(c.field, c.old)} to {text(c.field, c.new)}"
                             for c in record.diff_against(previous).changes) or "Saved, nothing different"
        rows.append({"when": record.history_date, "who": record.history_user, "what": what})
    return rows[::-1]
