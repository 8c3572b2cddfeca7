"""Finding options for a structured assessment: times when every role of the template
has a free practitioner of the right discipline in the right team (the same person
across a role's steps), inside their working hours, clear of leave and other
commitments, with a free clinic room for the steps with the person (clinic), and
outside the times the person said they cannot do.

One plan (`AssessmentPlan`) says what is needed; `Availability` holds every diary in
the search window, loaded in a fixed number of queries; the search walks a 15-minute
grid in Python. An option is identified by a signed id that carries everything needed
to book it, so booking needs no server-side state and cannot be forged."""

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core import signing
from django.db.models import Q
from django.utils import timezone

from cap.errors import Invalid
from cap.models import Referral
from triage.models import AssessmentSetting, DecisionOutcome, TriageDecision, WaitTarget

from .models import (
    AssessmentTemplate,
    Booking,
    BookingStatus,
    ClinicRoom,
    DiaryEntry,
    DiaryException,
    PersonUnavailability,
    Practitioner,
    Team,
    TemplateRole,
    WorkingPattern,
)

LONDON = ZoneInfo("Europe/London")
GRID = timedelta(minutes=15)
MIN_NOTICE = timedelta(hours=2)  # time to tell the person and the team
OPTIONS_PER_DAY = 3  # so that ten options span several days to agree with the person
OPTION_SPACING = timedelta(hours=1)
SEARCH_BEYOND_TARGET = timedelta(days=42)
ASSESSMENT_TARGETS = ["assessment_4h", "assessment_24h", "routine_assessment"]
_SALT = "scheduling.option"


# --- What is needed -------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    name: str
    offset: timedelta
    duration: timedelta
    role_ids: tuple[int, ...]
    with_person: bool


@dataclass
class Role:
    id: int
    name: str
    discipline_ids: frozenset[int]
    by_phone: bool
    pinned: int | None = None  # a practitioner triage named
    steps: list[Step] = field(default_factory=list)


@dataclass
class AssessmentPlan:
    referral: Referral
    template: AssessmentTemplate
    team: Team
    setting: str
    roles: list[Role]
    steps: list[Step]
    deadline: datetime | None

    @property
    def person_span(self) -> tuple[timedelta, timedelta] | None:
        """The part of the assessment the person is there for (the room is needed)."""
        present = [s for s in self.steps if s.with_person]
        if not present:
            return None
        return min(s.offset for s in present), max(s.offset + s.duration for s in present)

    @property
    def span(self) -> tuple[timedelta, timedelta]:
        return (min(s.offset for s in self.steps), max(s.offset + s.duration for s in self.steps))


def latest_assessment_decision(referral: Referral) -> TriageDecision:
    decision = (TriageDecision.objects.filter(referral=referral).order_by("-decided_at", "-pk")
                .prefetch_related("disciplines", "named_practitioners").first())
    if decision is None or decision.outcome != DecisionOutcome.ASSESSMENT:
        raise Invalid(f"{referral.reference} has not been triaged for an assessment.")
    return decision


def template_for(stream: str, setting: str) -> AssessmentTemplate:
    templates = {t.stream: t for t in AssessmentTemplate.objects.filter(
        Q(stream=stream) | Q(stream=""), setting=setting)}
    template = templates.get(stream) or templates.get("")
    if template is None:
        raise Invalid(f"There is no assessment template for {setting} assessments.")
    return template


def assessment_deadline(referral: Referral) -> datetime | None:
    """The due instant of the referral's running assessment target."""
    return (WaitTarget.objects.running().filter(referral=referral, definition__code__in=ASSESSMENT_TARGETS)
            .order_by("due_at").values_list("due_at", flat=True).first())


def plan_for(referral: Referral, *, team: Team | None = None, setting: str = "") -> AssessmentPlan:
    """What the referral's assessment needs: the triage decision's stream, setting,
    disciplines and named individuals, on the template for that stream and setting."""
    from .selectors import teams_for

    decision = latest_assessment_decision(referral)
    setting = setting or decision.setting or AssessmentSetting.CLINIC
    template = template_for(decision.stream, setting)
    if team is None:
        teams = teams_for(referral, decision.stream)
        if not teams:
            raise Invalid(f"No team provides the {decision.get_stream_display()} stream.")
        team = teams[0]
    roles = {r.id: Role(r.id, r.name, frozenset(d.id for d in r.disciplines.all()), r.by_phone)
             for r in TemplateRole.objects.filter(template=template).prefetch_related("disciplines")}
    optional = set(TemplateRole.objects.filter(template=template, optional=True).values_list("id", flat=True))
    wanted = {d.id for d in decision.disciplines.all()}
    for practitioner in decision.named_practitioners.all():
        role = next((r for r in roles.values()
                     if practitioner.discipline_id in r.discipline_ids and r.pinned is None), None)
        if role is None:
            raise Invalid(f"The {template.name} template has no role for {practitioner}, whom triage "
                          "named: change the template or the decision.")
        role.pinned = practitioner.id
    uncovered = wanted - set().union(*(r.discipline_ids for r in roles.values()))
    if uncovered:
        names = ", ".join(sorted(str(d) for d in decision.disciplines.all() if d.id in uncovered))
        raise Invalid(f"The {template.name} template has no role for {names}, which triage asked for.")
    included = {i: r for i, r in roles.items()
                if i not in optional or r.pinned or r.discipline_ids & wanted}
    steps = []
    for step in template.steps.prefetch_related("roles").order_by("order"):
        role_ids = tuple(r.id for r in step.roles.all() if r.id in included)
        if not role_ids:
            continue
        s = Step(step.name, timedelta(minutes=step.offset_minutes), timedelta(minutes=step.duration_minutes),
                 role_ids, step.with_person)
        steps.append(s)
        for role_id in role_ids:
            included[role_id].steps.append(s)
    return AssessmentPlan(referral, template, team, setting,
                          [r for r in included.values() if r.steps], steps, assessment_deadline(referral))


# --- Who is free when -----------------------------------------------------------------

class Intervals:
    """Sorted, merged busy intervals with an overlap test in O(log n)."""

    def __init__(self, intervals):
        merged: list[list[datetime]] = []
        for start, end in sorted(intervals):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [m[0] for m in merged]
        self.ends = [m[1] for m in merged]

    def overlaps(self, start: datetime, end: datetime) -> bool:
        # The first interval ending after start (one ending at start only touches it).
        i = bisect.bisect_right(self.ends, start)
        return i < len(self.starts) and self.starts[i] < end


def _local(day: date, wall) -> datetime:
    return datetime.combine(day, wall, tzinfo=LONDON).astimezone(UTC)


@dataclass
class Availability:
    """Every diary the search needs, between `start` and `end`."""

    start: datetime
    end: datetime
    practitioners: dict[int, Practitioner]
    sessions: dict[int, dict[int, list]]  # practitioner -> weekday -> [(starts, ends)]
    busy: dict[int, Intervals]  # practitioner -> entries and exceptions
    rooms: dict[int, ClinicRoom]
    room_busy: dict[int, Intervals]

    @classmethod
    def load(cls, practitioner_ids, room_ids, start: datetime, end: datetime, now: datetime,
             ignore_booking: int | None = None) -> "Availability":
        practitioners = Practitioner.objects.in_bulk(practitioner_ids)
        sessions: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
        patterns = WorkingPattern.objects.filter(practitioner_id__in=practitioner_ids)
        for p_id, weekday, starts, ends in patterns.values_list("practitioner_id", "weekday", "starts",
                                                                "ends"):
            sessions[p_id][weekday].append((starts, ends))
        busy = defaultdict(list)
        room_busy = defaultdict(list)
        entries = (DiaryEntry.objects.filter(live=True, starts_at__lt=end, ends_at__gt=start)
                   .filter(Q(practitioner_id__in=practitioner_ids) | Q(room_id__in=room_ids))
                   # A hold that has run out no longer keeps the time.
                   .exclude(booking__status=BookingStatus.HELD, booking__held_until__lte=now))
        if ignore_booking:
            entries = entries.exclude(booking_id=ignore_booking)
        for p_id, room_id, starts, ends in entries.values_list("practitioner_id", "room_id", "starts_at",
                                                              "ends_at"):
            (busy[p_id] if p_id else room_busy[room_id]).append((starts, ends))
        for p_id, starts, ends in DiaryException.objects.filter(
                practitioner_id__in=practitioner_ids, starts_at__lt=end, ends_at__gt=start).values_list(
                "practitioner_id", "starts_at", "ends_at"):
            busy[p_id].append((starts, ends))
        return cls(start, end, practitioners, sessions,
                   {p: Intervals(busy[p]) for p in practitioner_ids},
                   ClinicRoom.objects.in_bulk(room_ids), {r: Intervals(room_busy[r]) for r in room_ids})

    def anyone_working(self, start: datetime, end: datetime) -> bool:
        """Whether any practitioner's session that weekday could hold start to end: a
        cheap test that skips nights and weekends."""
        local = start.astimezone(LONDON)
        window = self._windows.get(local.weekday())
        return window is not None and _local(local.date(), window[0]) <= start and \
            end <= _local(local.date(), window[1])

    @property
    def _windows(self) -> dict[int, tuple]:
        if not hasattr(self, "_window_cache"):
            windows: dict[int, tuple] = {}
            for by_day in self.sessions.values():
                for weekday, sessions in by_day.items():
                    first = min(s for s, _ in sessions)
                    last = max(e for _, e in sessions)
                    if weekday in windows:
                        first, last = min(first, windows[weekday][0]), max(last, windows[weekday][1])
                    windows[weekday] = (first, last)
            self._window_cache = windows
        return self._window_cache

    def working(self, practitioner_id: int, start: datetime, end: datetime) -> bool:
        """Inside one of the practitioner's working sessions that day (local wall time)."""
        local_start = start.astimezone(LONDON)
        day = local_start.date()
        for starts, ends in self.sessions[practitioner_id].get(day.weekday(), ()):
            if _local(day, starts) <= start and end <= _local(day, ends):
                return True
        return False

    def free(self, practitioner_id: int, intervals) -> bool:
        return all(self.working(practitioner_id, s, e) and not self.busy[practitioner_id].overlaps(s, e)
                   for s, e in intervals)

    def room_free(self, room_id: int, start: datetime, end: datetime) -> bool:
        return not self.room_busy[room_id].overlaps(start, end)


# --- Options ----------------------------------------------------------------------------

@dataclass(frozen=True)
class PlannedEntry:
    step: str
    role: str
    practitioner: Practitioner | None
    room: ClinicRoom | None
    starts_at: datetime
    ends_at: datetime
    by_phone: bool = False


@dataclass(frozen=True)
class Option:
    referral_id: int
    template_id: int
    team_id: int
    setting: str
    starts_at: datetime
    assignments: tuple[tuple[int, int], ...]  # (role id, practitioner id)
    room_id: int | None
    within_target: bool = True

    @property
    def id(self) -> str:
        return signing.dumps({"r": self.referral_id, "t": self.template_id, "m": self.team_id,
                              "s": self.setting, "a": [list(a) for a in self.assignments],
                              "o": self.room_id, "at": int(self.starts_at.timestamp())},
                             salt=_SALT, compress=True)

    @classmethod
    def from_id(cls, option_id: str, referral: Referral) -> "Option":
        try:
            data = signing.loads(option_id, salt=_SALT, max_age=timedelta(days=2))
        except (signing.BadSignature, TypeError, ValueError):
            raise Invalid("That option is not valid any more: choose from the options shown now.",
                          field="option") from None
        if data["r"] != referral.pk:
            raise Invalid("That option is for another referral.", field="option")
        return cls(referral.pk, data["t"], data["m"], data["s"],
                   datetime.fromtimestamp(data["at"], tz=UTC),
                   tuple(tuple(a) for a in data["a"]), data["o"])


def planned_entries(plan: AssessmentPlan, option: Option, practitioners: dict,
                    rooms: dict) -> list[PlannedEntry]:
    """Every diary entry the option writes: one per practitioner per step, and the room
    for the time the person is there."""
    by_role = dict(option.assignments)
    roles = {r.id: r for r in plan.roles}
    entries = []
    for step in plan.steps:
        for role_id in step.role_ids:
            role = roles[role_id]
            entries.append(PlannedEntry(step.name, role.name, practitioners[by_role[role_id]],
                                        None, option.starts_at + step.offset,
                                        option.starts_at + step.offset + step.duration, role.by_phone))
    if option.room_id:
        first, last = plan.person_span
        entries.append(PlannedEntry("Clinic room", "", None, rooms[option.room_id],
                                    option.starts_at + first, option.starts_at + last))
    return sorted(entries, key=lambda e: (e.starts_at, e.step))


def _role_intervals(role: Role, start: datetime):
    return [(start + s.offset, start + s.offset + s.duration) for s in role.steps]


def _unavailable(unavailable, start: datetime, end: datetime) -> bool:
    local_start, local_end = start.astimezone(LONDON), end.astimezone(LONDON)
    for weekday, starts, ends in unavailable:
        if weekday is not None and weekday != local_start.weekday():
            continue
        if local_start.time() < ends and starts < local_end.time():
            return True
    return False


def _candidates(plan: AssessmentPlan) -> dict[int, list[int]]:
    members = list(Practitioner.objects.filter(teams=plan.team).order_by("name", "pk")
                   .values_list("pk", "discipline_id"))
    return {role.id: ([role.pinned] if role.pinned else
                      [p for p, d in members if d in role.discipline_ids]) for role in plan.roles}


def _assign(plan, candidates, availability, start) -> tuple[tuple[int, int], ...] | None:
    """The first practitioner free for every step of each role, no one in two roles
    (roles with a named individual first, then the fewest candidates)."""
    order = sorted(plan.roles, key=lambda r: (r.pinned is None, len(candidates[r.id])))
    chosen: list[tuple[int, int]] = []

    def fill(i: int) -> bool:
        if i == len(order):
            return True
        role = order[i]
        taken = {p for _, p in chosen}
        for p in candidates[role.id]:
            if p not in taken and availability.free(p, _role_intervals(role, start)):
                chosen.append((role.id, p))
                if fill(i + 1):
                    return True
                chosen.pop()
        return False

    return tuple(sorted(chosen)) if fill(0) else None


def _room_for(plan, room_ids, availability, start) -> int | None | bool:
    """A free room for the person's time (clinic), None when no room is needed (home),
    False when every room is taken."""
    if plan.setting != AssessmentSetting.CLINIC or plan.person_span is None:
        return None
    first, last = plan.person_span
    return next((r for r in room_ids if availability.room_free(r, start + first, start + last)), False)


@dataclass
class OptionSearch:
    plan: AssessmentPlan
    options: list[Option]
    availability: Availability

    @property
    def none_within_target(self) -> bool:
        return not any(o.within_target for o in self.options)

    def entries(self, option: Option) -> list[PlannedEntry]:
        return planned_entries(self.plan, option, self.availability.practitioners, self.availability.rooms)


def _room_ids(plan: AssessmentPlan) -> list[int]:
    if plan.setting != AssessmentSetting.CLINIC:
        return []
    rooms = ClinicRoom.objects.filter(teams=plan.team).order_by("name", "pk")
    return list(rooms.values_list("pk", flat=True))


def options_find(plan: AssessmentPlan, *, limit: int = 10, now: datetime | None = None,
                 ignore_booking: int | None = None) -> OptionSearch:
    """The earliest options, up to `limit`, at most OPTIONS_PER_DAY a day an hour apart.
    The search runs to the target and, when nothing fits before it, on to the first
    option after it (up to SEARCH_BEYOND_TARGET)."""
    now = now or timezone.now()
    earliest = _grid_ceiling(now + MIN_NOTICE - plan.span[0])
    deadline = plan.deadline
    horizon = max(deadline or now, now) + SEARCH_BEYOND_TARGET
    candidates = _candidates(plan)
    room_ids = _room_ids(plan)
    availability = Availability.load({p for ps in candidates.values() for p in ps}, room_ids,
                                     earliest + plan.span[0], horizon + plan.span[1], now, ignore_booking)
    unavailable = list(PersonUnavailability.objects.filter(referral=plan.referral)
                       .values_list("weekday", "starts", "ends"))
    person = plan.person_span or plan.span
    options: list[Option] = []
    per_day: dict[date, list[datetime]] = defaultdict(list)
    start = earliest
    while start <= horizon and len(options) < limit:
        if deadline and start + plan.span[1] > deadline and any(o.within_target for o in options):
            break  # options inside the target are what is offered
        day = start.astimezone(LONDON).date()
        taken = per_day[day]
        if (len(taken) < OPTIONS_PER_DAY and all(abs(start - t) >= OPTION_SPACING for t in taken)
                and availability.anyone_working(start + plan.span[0], start + plan.span[1])
                and not _unavailable(unavailable, start + person[0], start + person[1])):
            option = _option_at(plan, candidates, room_ids, availability, start, deadline)
            if option:
                options.append(option)
                taken.append(start)
                if not option.within_target:
                    break  # the first option after the target is enough to show
        start += GRID
    return OptionSearch(plan, options, availability)


def _option_at(plan, candidates, room_ids, availability, start, deadline) -> Option | None:
    assignments = _assign(plan, candidates, availability, start)
    if assignments is None:
        return None
    room = _room_for(plan, room_ids, availability, start)
    if room is False:
        return None
    within = deadline is None or start + plan.span[1] <= deadline
    return Option(plan.referral.pk, plan.template.pk, plan.team.pk, plan.setting, start, assignments,
                  room, within)


def option_problem(plan: AssessmentPlan, option: Option, now: datetime,
                   ignore_booking: int | None = None) -> str | None:
    """Why the option cannot be booked now, or None. Double booking is also refused by
    the database; this catches what it cannot see (working hours, leave, the person's
    unavailable times, a practitioner who left the team)."""
    if option.template_id != plan.template.pk or option.team_id != plan.team.pk:
        return "The assessment plan has changed since these options were found."
    if option.starts_at + plan.span[0] < now:
        return "That time has passed."
    candidates = _candidates(plan)
    by_role = dict(option.assignments)
    if set(by_role) != {r.id for r in plan.roles}:
        return "The assessment plan has changed since these options were found."
    span = plan.span
    availability = Availability.load(set(by_role.values()), [option.room_id] if option.room_id else [],
                                     option.starts_at + span[0], option.starts_at + span[1], now,
                                     ignore_booking)
    for role in plan.roles:
        p = by_role[role.id]
        if p not in candidates[role.id]:
            return f"{availability.practitioners[p].name} can no longer take the {role.name} role."
        if not availability.free(p, _role_intervals(role, option.starts_at)):
            return f"{availability.practitioners[p].name} is no longer free at that time."
    if option.room_id is not None:
        first, last = plan.person_span
        if option.room_id not in _room_ids(plan) or not availability.room_free(
                option.room_id, option.starts_at + first, option.starts_at + last):
            return "The clinic room is no longer free at that time."
    elif plan.setting == AssessmentSetting.CLINIC:
        return "A clinic assessment needs a room."
    unavailable = PersonUnavailability.objects.filter(referral=plan.referral).values_list(
        "weekday", "starts", "ends")
    person = plan.person_span or span
    if _unavailable(list(unavailable), option.starts_at + person[0], option.starts_at + person[1]):
        return "The person said they cannot do that time."
    return None


def _grid_ceiling(instant: datetime) -> datetime:
    """The first quarter hour at or after instant."""
    instant = instant.astimezone(UTC).replace(second=0, microsecond=0)
    return instant + timedelta(minutes=(-instant.minute) % 15)


def live_booking(referral: Referral, now: datetime) -> Booking | None:
    return Booking.objects.live(now).filter(referral=referral).first()
