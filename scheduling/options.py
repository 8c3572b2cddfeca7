"""Finding options for a structured assessment: times when every role of the template
has a free practitioner of the right discipline in the right team (the same person
across a role's steps), inside their working hours, clear of leave and other
commitments, with a free clinic room for the steps with the person (clinic), and
outside the times the person said they cannot do, and as their Reasonable Adjustment
flag asks (AdjustmentsApplied).

One plan (`AssessmentPlan`) says what is needed; `Availability` holds every diary in
the search window, loaded in a fixed number of queries, as bitmasks of quarter hours per
day, so a whole day's feasible start times come from a few integer operations per
practitioner. An option is identified by a signed id that carries everything needed
to book it, so booking needs no server-side state and cannot be forged."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core import signing
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from adjustments import selectors as adjustment_selectors
from adjustments.models import Adjustment
from cap.models import Referral
from core.errors import Conflict, Invalid
from triage.models import AssessmentSetting, DecisionOutcome, TriageDecision, WaitTarget

from .models import (
    AssessmentTemplate,
    Booking,
    BookingStatus,
    ClinicRoom,
    Discipline,
    PersonUnavailability,
    Practitioner,
    SlotIssueReason,
    Team,
    TemplateRole,
    WorkingPattern,
)

LONDON = ZoneInfo("Europe/London")
MIN_NOTICE = timedelta(hours=2)  # time to tell the person and the team
OPTIONS_PER_DAY = 3  # so that ten options span several days to agree with the person
OPTION_SPACING = timedelta(hours=1)
SEARCH_BEYOND_TARGET = timedelta(days=42)
ASSESSMENT_TARGETS = ["assessment_4h", "assessment_24h", "routine_assessment"]
_SALT = "scheduling.option"


# --- What is needed -------------------------------------------------------------------

class CannotSearch(Invalid):
    """The referral's options cannot be searched at all: what triage decided has no team,
    template or practitioner to meet it. `reason` is the slot issue's (SlotIssueReason),
    so the person is listed as stuck with why, not left waiting in the booking queue."""

    def __init__(self, message: str, *, reason: str):
        super().__init__(message)
        self.reason = reason


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


@dataclass(frozen=True)
class AdjustmentsApplied:
    """What the person's Reasonable Adjustment flag changes in the search for them.

    - first_of_day: only options that are the first of the day for everyone in them.
      Everyone booked has nothing in their diary (no appointment, leave or other
      commitment) earlier that day than their own part; whoever begins the assessment (in
      its first quarter hour) begins it when their working day begins; in a clinic, the
      room has nothing booked earlier that day.
    - last_of_day: the mirror image: nothing in anyone's diary later that day than their
      part, whoever ends the assessment ends it when their working day ends, and nothing
      in the room later that day.
    - step_free, quiet_waiting: only clinic rooms with step-free access, or a quiet place
      to wait, are offered.
    - Home visit, a longer appointment and the same practitioner change the plan itself
      (plan_for); `applied` names every adjustment the search respects and `notes` what it
      could not do (the practitioner from last time who cannot take a role)."""

    applied: tuple[Adjustment, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def first_of_day(self) -> bool:
        return Adjustment.FIRST_APPOINTMENT in self.applied

    @property
    def last_of_day(self) -> bool:
        return Adjustment.LAST_APPOINTMENT in self.applied

    @property
    def step_free(self) -> bool:
        return Adjustment.STEP_FREE in self.applied

    @property
    def quiet_waiting(self) -> bool:
        return Adjustment.QUIET_ROOM in self.applied

    @property
    def summary(self) -> str:
        """One line for the booking page ("" when the flag changed nothing)."""
        if not self.applied:
            return ""
        labels = [Adjustment(a).label for a in self.applied]
        labels = [label[2:] if label.startswith("A ") else label for label in labels]
        return ("Options respect the Reasonable Adjustment flag: "
                + ", ".join(label[0].lower() + label[1:] for label in labels) + ".")


# The order the adjustments are named in, on the booking page.
SEARCH_ADJUSTMENTS = (Adjustment.HOME_VISIT, Adjustment.LONGER_APPOINTMENT, Adjustment.FIRST_APPOINTMENT,
                      Adjustment.LAST_APPOINTMENT, Adjustment.STEP_FREE, Adjustment.QUIET_ROOM,
                      Adjustment.SAME_PRACTITIONER)


@dataclass
class AssessmentPlan:
    referral: Referral
    template: AssessmentTemplate
    team: Team
    setting: str
    roles: list[Role]
    steps: list[Step]
    deadline: datetime | None
    # What the person's Reasonable Adjustment flag asks of the search (AdjustmentsApplied).
    adjustments: AdjustmentsApplied = field(default_factory=AdjustmentsApplied)

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
        raise CannotSearch(f"There is no assessment template for {setting} assessments.",
                           reason=SlotIssueReason.NO_TEMPLATE)
    return template


def assessment_deadline(referral: Referral) -> datetime | None:
    """The due instant of the referral's running assessment target."""
    return (WaitTarget.objects.running().filter(referral=referral, definition__code__in=ASSESSMENT_TARGETS)
            .order_by("due_at").values_list("due_at", flat=True).first())


# Said on the booking page when nobody the person saw last time is free to see them again.
NOT_KEPT = ("Nobody the person saw last time is free in the search window: the options are with "
            "whoever is free.")


def plan_for(referral: Referral, *, team: Team | None = None, setting: str = "",
             now: datetime | None = None, keep_last_seen: bool = True) -> AssessmentPlan:
    """What the referral's assessment needs: the triage decision's stream, setting,
    disciplines and named individuals, on the template for that stream and setting, and
    what the person's Reasonable Adjustment flag asks (AdjustmentsApplied): a home visit
    unless the booker chose a setting, a longer appointment, the practitioners they saw
    last time (at `now`) kept, the first or last appointment of the day, a room's access."""
    from .selectors import teams_for

    decision = latest_assessment_decision(referral)
    flag = adjustment_selectors.flag_of(referral.service_user)
    wanted_adjustments = [a for a in SEARCH_ADJUSTMENTS if adjustment_selectors.wants(flag, a)]
    if not setting and Adjustment.HOME_VISIT in wanted_adjustments:
        setting = AssessmentSetting.HOME  # the flag asks; a setting the booker chose wins
    setting = setting or decision.setting or AssessmentSetting.CLINIC
    template = template_for(decision.stream, setting)
    if team is None:
        teams = teams_for(referral, decision.stream)
        if not teams:
            raise CannotSearch(f"No team provides the {decision.get_stream_display()} stream.",
                               reason=SlotIssueReason.NO_TEAM)
        team = teams[0]
    template_roles = TemplateRole.objects.filter(template=template).prefetch_related("disciplines")
    roles = {r.id: Role(r.id, r.name, frozenset(d.id for d in r.disciplines.all()), r.by_phone)
             for r in template_roles}
    optional = {r.id for r in template_roles if r.optional}
    wanted = {d.id for d in decision.disciplines.all()}
    for practitioner in decision.named_practitioners.all():
        role = next((r for r in roles.values()
                     if practitioner.discipline_id in r.discipline_ids and r.pinned is None), None)
        if role is None:
            raise CannotSearch(f"The {template.name} template has no role for {practitioner}, whom "
                               "triage named: change the template or the decision.",
                               reason=SlotIssueReason.NO_ROLE)
        role.pinned = practitioner.id
    uncovered = wanted - set().union(*(r.discipline_ids for r in roles.values()))
    if uncovered:
        names = ", ".join(sorted(str(d) for d in decision.disciplines.all() if d.id in uncovered))
        raise CannotSearch(f"The {template.name} template has no role for {names}, which triage "
                           "asked for.", reason=SlotIssueReason.NO_ROLE)
    included = {i: r for i, r in roles.items()
                if i not in optional or r.pinned or r.discipline_ids & wanted}
    # Pinned among the roles the assessment has anyway: last time's consultant does not
    # add the optional senior practitioner's role.
    if Adjustment.SAME_PRACTITIONER not in wanted_adjustments:
        kept, notes = False, ()
    elif keep_last_seen:
        kept, notes = _pin_same_practitioner(referral, team, included, now or timezone.now())
    else:  # searched with them and nothing was found (services.options_for)
        kept, notes = False, (NOT_KEPT,)
    steps = []
    for step in template.steps.prefetch_related("roles").order_by("order"):
        role_ids = tuple(r.id for r in step.roles.all() if r.id in included)
        if not role_ids:
            continue
        steps.append(Step(step.name, timedelta(minutes=step.offset_minutes),
                          timedelta(minutes=step.duration_minutes), role_ids, step.with_person))
    if Adjustment.LONGER_APPOINTMENT in wanted_adjustments:
        steps = lengthened(steps)
    for s in steps:
        for role_id in s.role_ids:
            included[role_id].steps.append(s)
    applied = tuple(a for a in wanted_adjustments if _applies(a, setting, kept))
    return AssessmentPlan(referral, template, team, setting,
                          [r for r in included.values() if r.steps], steps, assessment_deadline(referral),
                          AdjustmentsApplied(applied, notes))


def _applies(adjustment: Adjustment, setting: str, kept: bool) -> bool:
    """Whether the search respects the adjustment the flag asks for: a home visit only when
    the setting is one, a room's access only in a clinic, the same practitioner only when
    someone from last time was pinned."""
    if adjustment == Adjustment.HOME_VISIT:
        return setting == AssessmentSetting.HOME
    if adjustment in (Adjustment.STEP_FREE, Adjustment.QUIET_ROOM):
        return setting == AssessmentSetting.CLINIC
    if adjustment == Adjustment.SAME_PRACTITIONER:
        return kept
    return True


# The bookings whose practitioners the person has seen ("the same practitioner as last time").
SEEN = [BookingStatus.BOOKED, BookingStatus.ATTENDED]


def last_seen_by(referral: Referral, now: datetime) -> list[Practitioner]:
    """The practitioners of the person's most recent earlier booking (of any of their
    referrals): the latest one booked or attended that started before now."""
    last = (Booking.objects.filter(referral__service_user_id=referral.service_user_id, status__in=SEEN,
                                   starts_at__lt=now).order_by("-starts_at", "-pk").first())
    if last is None:
        return []
    ids = last.entries.filter(practitioner__isnull=False).values_list("practitioner_id", flat=True)
    return list(Practitioner.objects.filter(pk__in=ids).order_by("name", "pk"))


def _pin_same_practitioner(referral: Referral, team: Team, roles: dict[int, Role],
                           now: datetime) -> tuple[bool, tuple[str, ...]]:
    """Pin the practitioners the person saw last time to the roles their discipline fits
    (after those triage named), as triage's named practitioners are pinned: whether anyone
    was, and a note of each who could not be. Whoever cannot be pinned (no longer in the
    team, or no role of theirs in this assessment) is not: the search goes on with whoever
    is free in that role."""
    seen = last_seen_by(referral, now)
    if not seen:
        return False, ("The person has no earlier appointment, so any practitioner is offered.",)
    members = set(team.practitioners.filter(pk__in=[p.pk for p in seen]).values_list("pk", flat=True))
    pinned, notes = False, []
    for practitioner in seen:
        if any(r.pinned == practitioner.pk for r in roles.values()):  # triage named them too
            pinned = True
            continue
        role = next((r for r in roles.values()
                     if r.pinned is None and practitioner.discipline_id in r.discipline_ids), None)
        if practitioner.pk not in members:
            notes.append(f"{practitioner.name}, whom the person saw last time, is not in {team}, so "
                         "is not kept.")
        elif role is None:
            notes.append(f"{practitioner.name}, whom the person saw last time, has no role in this "
                         "assessment, so is not kept.")
        else:
            role.pinned, pinned = practitioner.pk, True
    return pinned, tuple(notes)


# A longer appointment (the person's Reasonable Adjustment flag asks for one): each part of
# the assessment with the person, from the core assessment on, half as long again, in whole
# quarter hours, and what follows it moved on by as much.
LONGER_BY = 0.5
QUARTER = timedelta(minutes=15)


def lengthened(steps: list[Step]) -> list[Step]:
    """`steps` for a longer appointment. A step before the core assessment (meeting and
    greeting) keeps its time, so the core still starts at the option's start."""
    added = []
    for step in steps:
        if step.with_person and step.offset >= timedelta(0):
            extra = QUARTER * -(-(step.duration * LONGER_BY) // QUARTER)
            added.append((step.offset + step.duration, extra))
    result = []
    for step in steps:
        shift = sum((extra for end, extra in added if end <= step.offset), timedelta(0))
        extra = next((x for end, x in added if end == step.offset + step.duration), timedelta(0)) \
            if step.with_person and step.offset >= timedelta(0) else timedelta(0)
        result.append(Step(step.name, step.offset + shift, step.duration + extra, step.role_ids,
                           step.with_person))
    return result


# --- Who is free when -----------------------------------------------------------------
#
# Diaries are read as bitmasks of quarter hours, one int per practitioner (or room) per
# local day: bit i is free time from 00:00 + 15 i minutes (Europe/London wall time; an
# assessment never spans a night, so the change of the clocks at 01:00-02:00 never
# falls inside one). Working sessions count only whole quarter hours inside them; busy
# time clears every quarter hour it touches. So an option is never offered over
# anything, at worst a few minutes of free time are not offered.

SLOTS_PER_DAY = 96
QUARTER = timedelta(minutes=15)


def _slot(instant: datetime) -> tuple[date, int]:
    local = instant.astimezone(LONDON)
    return local.date(), (local.hour * 60 + local.minute) // 15


def _slot_ceiling(instant: datetime) -> tuple[date, int]:
    local = instant.astimezone(LONDON)
    minutes = local.hour * 60 + local.minute + (1 if local.second or local.microsecond else 0)
    return local.date(), -(-minutes // 15)


def _instant(day: date, slot: int) -> datetime:
    return datetime.combine(day, time(slot // 4, slot % 4 * 15), tzinfo=LONDON).astimezone(UTC)


def _bits(first: int, last: int) -> int:
    """Slots first..last-1 set."""
    first, last = max(first, 0), min(last, SLOTS_PER_DAY)
    return ((1 << (last - first)) - 1) << first if last > first else 0


def _wall_slots(starts, ends, inward: bool) -> tuple[int, int]:
    a, b = starts.hour * 60 + starts.minute, ends.hour * 60 + ends.minute
    if ends == time(0):
        b = 24 * 60
    return (-(-a // 15), b // 15) if inward else (a // 15, -(-b // 15))


# Busy time in the search window, in London wall time: live diary entries (not those of
# a hold that ran out, nor of the booking being moved) and leave, training, sickness and
# other commitments. PostgreSQL turns each into quarter-hour slots and ORs them into one
# mask per practitioner (or room) per day, in two 48-slot halves that fit a bigint.
_BUSY = """
    SELECT e.practitioner_id AS p, e.room_id AS r, e.starts_at AT TIME ZONE 'Europe/London' AS ls,
           e.ends_at AT TIME ZONE 'Europe/London' AS le
      FROM scheduling_diaryentry AS e JOIN scheduling_booking AS b ON b.id = e.booking_id
     WHERE e.live AND e.starts_at < %(end)s AND e.ends_at > %(start)s
       AND (e.practitioner_id = ANY(%(practitioners)s) OR e.room_id = ANY(%(rooms)s))
       AND NOT (b.status = 'held' AND b.held_until <= %(now)s) AND e.booking_id <> %(ignore)s
    UNION ALL
    SELECT x.practitioner_id, NULL, x.starts_at AT TIME ZONE 'Europe/London',
           x.ends_at AT TIME ZONE 'Europe/London'
      FROM scheduling_diaryexception AS x
     WHERE x.starts_at < %(end)s AND x.ends_at > %(start)s AND x.practitioner_id = ANY(%(practitioners)s)
"""
_SLOTS = """
    SELECT p, r, ls::date AS day, le::date AS end_day,
           floor(extract(epoch FROM ls::time) / 900)::int AS first,
           ceil(extract(epoch FROM le::time) / 900)::int AS last,
           (extract(hour FROM ls) * 60 + extract(minute FROM ls))::int AS start_minute,
           (extract(hour FROM le) * 60 + extract(minute FROM le))::int AS end_minute
      FROM (""" + _BUSY + """) AS busy
"""  # noqa: S608 - made of constants; every value is a query parameter
BUSY_BY_DAY = """
    WITH slots AS (""" + _SLOTS + """)
    SELECT p, r, day, bit_or(CASE WHEN least(last, 48) > first
                                  THEN ((1::bigint << (least(last, 48) - first)) - 1) << first ELSE 0 END),
           bit_or(CASE WHEN last > greatest(first, 48)
                       THEN ((1::bigint << (last - greatest(first, 48))) - 1) << (greatest(first, 48) - 48)
                       ELSE 0 END),
           NULL::date, NULL::int, NULL::int
      FROM slots WHERE day = end_day GROUP BY p, r, day
    UNION ALL
    SELECT p, r, day, NULL, NULL, end_day, start_minute, end_minute FROM slots WHERE day <> end_day
"""  # noqa: S608 - made of constants; every value is a query parameter
HALF_DAY = 48


def _busy_days(first_day: date, last_day: date, start_minute: int, end_minute: int):
    """(day, mask) for every local day an interval touches (seconds are dropped: entries
    are whole minutes)."""
    first, last = start_minute // 15, -(-end_minute // 15)
    if first_day == last_day:
        yield first_day, _bits(first, last)
        return
    day = first_day
    while day <= last_day:
        yield day, _bits(first if day == first_day else 0, last if day == last_day else SLOTS_PER_DAY)
        day += timedelta(days=1)


def _fits(mask: int, shifts: tuple[int, ...]) -> int:
    """Starts s (as bits) where every slot s + k, k in shifts, is set in mask."""
    fits = mask
    for k in shifts:
        fits &= mask >> k
        if not fits:
            break
    return fits


class Availability:
    """The diaries the search needs, as day masks, read a week at a time as the search
    reaches it (most options are found in the first week or two)."""

    # The first week is read alone (most options are in it); then the next five at once.
    FIRST_READ, LATER_READ = timedelta(days=7), timedelta(days=35)

    def __init__(self, practitioner_ids, room_ids, now: datetime, ignore_booking: int | None = None):
        self.practitioner_ids, self.room_ids = set(practitioner_ids), set(room_ids)
        self.now, self.ignore_booking = now, ignore_booking
        self.practitioners = Practitioner.objects.in_bulk(self.practitioner_ids)
        self.rooms = ClinicRoom.objects.in_bulk(self.room_ids)
        self.working: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        patterns = WorkingPattern.objects.filter(practitioner_id__in=self.practitioner_ids)
        for p_id, weekday, starts, ends in patterns.values_list("practitioner_id", "weekday", "starts",
                                                                "ends"):
            self.working[p_id][weekday] |= _bits(*_wall_slots(starts, ends, inward=True))
        self.busy: dict[tuple[int, date], int] = defaultdict(int)
        self.room_busy: dict[tuple[int, date], int] = defaultdict(int)
        self.loaded: tuple[date, date] | None = None  # [first, last) local days read

    def read(self, first: date, last: date) -> None:
        """Read the diaries of the local days first..last-1 (only what is not read yet)."""
        if self.loaded and first >= self.loaded[0] and last <= self.loaded[1]:
            return
        if self.loaded and first >= self.loaded[0]:
            first = self.loaded[1]
        params = {"start": _instant(first, 0), "end": _instant(last, 0), "now": self.now,
                  "practitioners": list(self.practitioner_ids), "rooms": list(self.room_ids),
                  "ignore": self.ignore_booking or 0}
        with connection.cursor() as cursor:
            cursor.execute(BUSY_BY_DAY, params)
            rows = cursor.fetchall()
        for p_id, room_id, day, low, high, last_day, start_minute, end_minute in rows:
            if last_day is None:
                self._mark(p_id, room_id, day, low | high << HALF_DAY)
            else:  # over midnight: leave, sickness, a night commitment
                for each_day, mask in _busy_days(day, last_day, start_minute, end_minute):
                    self._mark(p_id, room_id, each_day, mask)
        self.loaded = (min(first, self.loaded[0]) if self.loaded else first,
                       max(last, self.loaded[1]) if self.loaded else last)

    def _mark(self, p_id, room_id, day, mask) -> None:
        if p_id:
            self.busy[(p_id, day)] |= mask
        else:
            self.room_busy[(room_id, day)] |= mask

    def _ensure(self, day: date) -> None:
        if not self.loaded or not self.loaded[0] <= day < self.loaded[1]:
            self.read(day, day + (self.LATER_READ if self.loaded else self.FIRST_READ))

    def free(self, practitioner_id: int, day: date) -> int:
        self._ensure(day)
        return self.working[practitioner_id][day.weekday()] & ~self.busy.get((practitioner_id, day), 0)

    def room_free(self, room_id: int, day: date) -> int:
        self._ensure(day)
        return _bits(0, SLOTS_PER_DAY) & ~self.room_busy.get((room_id, day), 0)


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

    @property
    def diary_pk(self) -> int:
        """The id of the diary the entry is written to: its room's, else its practitioner's."""
        diary = self.room or self.practitioner
        assert diary is not None, "planned_entries gives every entry a room or a practitioner"
        return diary.pk


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


@dataclass(frozen=True)
class Shape:
    """The plan on the quarter-hour grid: slot offsets from the first slot of the
    assessment (meet and greet), per role and for the room."""

    lead: int  # slots from the first slot to the start of the core assessment
    length: int  # slots from the first slot to the end of the last
    roles: dict[int, tuple[int, ...]]
    person: tuple[int, ...]  # the slots the person is there (the room; their unavailable times)

    @classmethod
    def of(cls, plan: AssessmentPlan) -> "Shape":
        base, end = plan.span

        def slots(steps) -> tuple[int, ...]:
            taken = set()
            for step in steps:
                first = (step.offset - base) // QUARTER
                taken.update(range(first, first + -(-step.duration // QUARTER)))
            return tuple(sorted(taken))

        present = [s for s in plan.steps if s.with_person]
        person = tuple(range(slots(present)[0], slots(present)[-1] + 1)) if present else ()
        return cls(-base // QUARTER, -(-(end - base) // QUARTER), {r.id: slots(r.steps) for r in plan.roles},
                   person)


def _candidates(plan: AssessmentPlan) -> dict[int, list[int]]:
    members = list(Practitioner.objects.filter(teams=plan.team).order_by("name", "pk")
                   .values_list("pk", "discipline_id"))
    return {role.id: ([role.pinned] if role.pinned else
                      [p for p, d in members if d in role.discipline_ids]) for role in plan.roles}


def _check_someone_can_fill_each_role(plan: AssessmentPlan, candidates: dict[int, list[int]]) -> None:
    """A role nobody in the team can fill: no time would ever be found, so the search
    says so at once (and why) rather than looking through six weeks for nothing."""
    empty = [role for role in plan.roles if not candidates[role.id]]
    if not empty:
        return
    wanted = sorted({str(d) for d in Discipline.objects.filter(
        pk__in=set().union(*(r.discipline_ids for r in empty)))})
    raise CannotSearch(f"No one in {plan.team} is a {' or '.join(wanted).lower()} for the "
                       f"{', '.join(r.name.lower() for r in empty)} role.",
                       reason=SlotIssueReason.NO_PRACTITIONER)


def _room_ids(plan: AssessmentPlan) -> list[int]:
    """The team's clinic rooms the plan may use: with step-free access, or a quiet place to
    wait, where the person's flag asks for it."""
    if plan.setting != AssessmentSetting.CLINIC:
        return []
    rooms = ClinicRoom.objects.filter(teams=plan.team).order_by("name", "pk")
    if plan.adjustments.step_free:
        rooms = rooms.filter(step_free=True)
    if plan.adjustments.quiet_waiting:
        rooms = rooms.filter(quiet_waiting=True)
    return list(rooms.values_list("pk", flat=True))


def _check_a_room_has_the_access_needed(plan: AssessmentPlan, room_ids: list[int]) -> None:
    if room_ids or plan.setting != AssessmentSetting.CLINIC:
        return
    needs = [n for n, wanted in (("step-free access", plan.adjustments.step_free),
                                 ("a quiet place to wait", plan.adjustments.quiet_waiting)) if wanted]
    if needs:
        raise CannotSearch(f"None of {plan.team}'s clinic rooms has {' and '.join(needs)}, which the "
                           "person's Reasonable Adjustment flag asks for.", reason=SlotIssueReason.NO_ROOM)


def _unavailable_masks(referral: Referral) -> dict[int, int]:
    """Weekday -> the slots the person said they cannot do."""
    masks: dict[int, int] = defaultdict(int)
    for weekday, starts, ends in PersonUnavailability.objects.filter(referral=referral).values_list(
            "weekday", "starts", "ends"):
        bits = _bits(*_wall_slots(starts, ends, inward=False))
        for day in ([weekday] if weekday is not None else range(7)):
            masks[day] |= bits
    return masks


class DaySearch:
    """The feasible first slots of one day, and the practitioners free at each."""

    def __init__(self, plan, shape: Shape, candidates, room_ids, availability, unavailable, day: date):
        self.fits = {role_id: {p: _fits(availability.free(p, day), shape.roles[role_id]) for p in people}
                     for role_id, people in candidates.items()}
        self.room_fits = {r: _fits(availability.room_free(r, day), shape.person) for r in room_ids}
        if plan.adjustments.first_of_day or plan.adjustments.last_of_day:
            for role_id, by_practitioner in self.fits.items():
                for p in by_practitioner:
                    by_practitioner[p] &= _in_order(plan, shape, availability, day, shape.roles[role_id],
                                                    practitioner=p)
            for r in self.room_fits:
                self.room_fits[r] &= _in_order(plan, shape, availability, day, shape.person, room=r)
        feasible = _bits(0, SLOTS_PER_DAY - shape.length + 1)
        for by_practitioner in self.fits.values():
            feasible &= _or(by_practitioner.values())
        if plan.setting == AssessmentSetting.CLINIC:
            feasible &= _or(self.room_fits.values())
        blocked = unavailable.get(day.weekday(), 0)
        if blocked:
            feasible &= ~_or(blocked >> k for k in shape.person)
        self.feasible = feasible
        self.order = sorted(plan.roles, key=lambda r: (r.pinned is None, len(candidates[r.id])))

    def assign(self, slot: int) -> tuple[tuple[int, int], ...] | None:
        """The first practitioner free for every step of each role, no one in two roles
        (roles with a named individual first, then those with the fewest candidates)."""
        chosen: list[tuple[int, int]] = []

        def fill(i: int) -> bool:
            if i == len(self.order):
                return True
            role_id = self.order[i].id
            taken = {p for _, p in chosen}
            for p, fits in self.fits[role_id].items():
                if p not in taken and fits >> slot & 1:
                    chosen.append((role_id, p))
                    if fill(i + 1):
                        return True
                    chosen.pop()
            return False

        return tuple(sorted(chosen)) if fill(0) else None

    def room(self, slot: int) -> int | None:
        return next((r for r, fits in self.room_fits.items() if fits >> slot & 1), None)


def _lowest(mask: int) -> int:
    return (mask & -mask).bit_length() - 1


def _in_order(plan: AssessmentPlan, shape: Shape, availability: "Availability", day: date,
              slots: tuple[int, ...], *, practitioner: int | None = None, room: int | None = None) -> int:
    """The first slots (as bits) at which a practitioner's part of the assessment (or the
    room's, at `slots`) is the first, or the last, of their day, as the person's flag asks
    (AdjustmentsApplied says the rule). Everything is read: no query."""
    allowed = _bits(0, SLOTS_PER_DAY)
    if not slots:
        return allowed
    if practitioner is not None:
        busy = availability.busy.get((practitioner, day), 0)
        working = availability.working[practitioner][day.weekday()]
    else:
        busy, working = availability.room_busy.get((room, day), 0), None
    if plan.adjustments.first_of_day:
        if busy:  # nothing earlier than their part
            allowed &= _bits(0, _lowest(busy) - slots[0] + 1)
        if working is not None and slots[0] == 0:  # they begin the assessment as their day begins
            allowed &= 1 << _lowest(working) if working else 0
    if plan.adjustments.last_of_day:
        if busy:  # nothing later than their part
            allowed &= _bits(busy.bit_length() - 1 - slots[-1], SLOTS_PER_DAY)
        if working is not None and slots[-1] == shape.length - 1:  # they end it as their day ends
            start = working.bit_length() - 1 - slots[-1]
            allowed &= 1 << start if working and start >= 0 else 0
    return allowed


def _or(masks) -> int:
    result = 0
    for mask in masks:
        result |= mask
    return result


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


def options_find(plan: AssessmentPlan, *, limit: int = 10, now: datetime | None = None,
                 ignore_booking: int | None = None, past_target: bool = False) -> OptionSearch:
    """The earliest options, up to `limit`, at most OPTIONS_PER_DAY a day an hour apart.
    The search runs to the target and, when nothing fits before it, on to the first
    option after it (up to SEARCH_BEYOND_TARGET); with past_target, on to `limit`."""
    now = now or timezone.now()
    shape = Shape.of(plan)
    first_day, first_slot = _slot_ceiling(now + MIN_NOTICE)
    deadline = plan.deadline
    horizon = max(deadline or now, now) + SEARCH_BEYOND_TARGET
    candidates = _candidates(plan)
    _check_someone_can_fill_each_role(plan, candidates)
    room_ids = _room_ids(plan)
    _check_a_room_has_the_access_needed(plan, room_ids)
    availability = Availability({p for ps in candidates.values() for p in ps}, room_ids, now, ignore_booking)
    unavailable = _unavailable_masks(plan.referral)
    options: list[Option] = []
    day = first_day
    while day <= horizon.astimezone(LONDON).date() and len(options) < limit:
        search = DaySearch(plan, shape, candidates, room_ids, availability, unavailable, day)
        feasible = search.feasible & ~_bits(0, first_slot if day == first_day else 0)
        taken: list[int] = []
        while feasible and len(taken) < OPTIONS_PER_DAY and len(options) < limit:
            slot = (feasible & -feasible).bit_length() - 1
            feasible &= feasible - 1
            if any(abs(slot - t) < OPTION_SPACING // QUARTER for t in taken):
                continue
            option = _option_at(plan, shape, search, day, slot, deadline)
            if option is None:
                continue
            if not past_target and not option.within_target and any(o.within_target for o in options):
                return OptionSearch(plan, options, availability)  # inside the target is what is offered
            options.append(option)
            taken.append(slot)
            if not past_target and not option.within_target:
                return OptionSearch(plan, options, availability)  # the first after the target is enough
        day += timedelta(days=1)
    return OptionSearch(plan, options, availability)


def _option_at(plan, shape, search: DaySearch, day: date, slot: int, deadline) -> Option | None:
    assignments = search.assign(slot)
    if assignments is None:
        return None
    room = search.room(slot) if plan.setting == AssessmentSetting.CLINIC else None
    if plan.setting == AssessmentSetting.CLINIC and room is None:
        return None
    starts_at = _instant(day, slot + shape.lead)
    within = deadline is None or _instant(day, slot) + shape.length * QUARTER <= deadline
    return Option(plan.referral.pk, plan.template.pk, plan.team.pk, plan.setting, starts_at, assignments,
                  room, within)


def option_check(plan: AssessmentPlan, option: Option, now: datetime,
                 ignore_booking: int | None = None) -> Availability:
    """The diaries of the option's day, read to check it can still be booked; a Conflict
    says why not. Double booking is also refused by the database; this catches what it
    cannot see (working hours, leave, the person's unavailable times, a practitioner who
    left the team)."""
    if option.template_id != plan.template.pk or option.team_id != plan.team.pk:
        raise _problem("The assessment plan has changed since these options were found.")
    shape = Shape.of(plan)
    first = option.starts_at - shape.lead * QUARTER
    if first < now:
        raise _problem("That time has passed.")
    by_role = dict(option.assignments)
    if set(by_role) != {r.id for r in plan.roles}:
        raise _problem("The assessment plan has changed since these options were found.")
    candidates = _candidates(plan)
    room_ids = [option.room_id] if option.room_id else []
    availability = Availability(set(by_role.values()), room_ids, now, ignore_booking)
    day, slot = _slot(first)
    availability.read(day, day + timedelta(days=1))
    for role in plan.roles:
        p = by_role[role.id]
        name = availability.practitioners[p].name
        if p not in candidates[role.id]:
            raise _problem(f"{name} can no longer take the {role.name} role.")
        if not _fits(availability.free(p, day), shape.roles[role.id]) >> slot & 1:
            raise _problem(f"{name} is no longer free at that time.")
        if not _in_order(plan, shape, availability, day, shape.roles[role.id], practitioner=p) >> slot & 1:
            raise _problem(f"That time is no longer the {_day_end(plan)} appointment of the day for {name}.")
    if plan.setting == AssessmentSetting.CLINIC:
        if option.room_id is None or option.room_id not in _room_ids(plan):
            raise _problem("A clinic assessment needs one of the team's clinic rooms.")
        if not _fits(availability.room_free(option.room_id, day), shape.person) >> slot & 1:
            raise _problem("The clinic room is no longer free at that time.")
        if not _in_order(plan, shape, availability, day, shape.person, room=option.room_id) >> slot & 1:
            raise _problem(f"That time is no longer the {_day_end(plan)} appointment of the day in the "
                           "clinic room.")
    blocked = _unavailable_masks(plan.referral).get(day.weekday(), 0)
    if any(blocked >> (slot + k) & 1 for k in shape.person):
        raise _problem("The person said they cannot do that time.")
    return availability


def _day_end(plan: AssessmentPlan) -> str:
    return "first" if plan.adjustments.first_of_day else "last"


def _problem(message: str) -> Conflict:
    return Conflict(message, field="option")


def practitioner_check(practitioner: Practitioner, starts_at: datetime, ends_at: datetime,
                       now: datetime, ignore_booking: int | None = None) -> None:
    """A Conflict unless the practitioner works the whole of starts_at..ends_at and has
    nothing else then (no live diary entry, no leave, training, sickness or other
    commitment): the rules the option search applies, read the same way (Availability),
    for one practitioner and a time a clinician chose. The database's exclusion
    constraint still refuses a double booking made meanwhile."""
    name = practitioner.name
    availability = Availability({practitioner.pk}, [], now, ignore_booking)
    first_day, first_slot = _slot(starts_at)
    last_day, end_slot = _slot_ceiling(ends_at)
    availability.read(first_day, last_day + timedelta(days=1))
    day = first_day
    while day <= last_day:
        wanted = _bits(first_slot if day == first_day else 0, end_slot if day == last_day else SLOTS_PER_DAY)
        working = availability.working[practitioner.pk][day.weekday()]
        if wanted & ~working:
            raise _problem(f"{name} is not working at that time: choose a time in their working "
                           "hours, or another practitioner.")
        if wanted & availability.busy.get((practitioner.pk, day), 0):
            raise _problem(f"{name} is already booked, or away, at that time: choose another time "
                           "or another practitioner.")
        day += timedelta(days=1)


def keeps_the_plans_practitioners(plan: AssessmentPlan, option: Option) -> bool:
    """Whether the option gives each role the practitioner the plan pins to it (triage's
    named individuals, and those the person saw last time)."""
    chosen = dict(option.assignments)
    return all(chosen.get(role.id) == role.pinned for role in plan.roles if role.pinned)
