"""The simulated trust: Leicester, Leicestershire and Rutland's Primary Care Networks and
practices (the demo data's), a team for every stream, practitioners with working patterns
and leave, clinic rooms, and the staff who work the CAP's rotas, with the real roles
(accounts/roles.py). Built on the simulation's own database before the clock moves."""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import Group, User
from django.utils import timezone

from accounts import roles
from cap.models import GPPractice, PrimaryCareNetwork
from scheduling.models import ClinicRoom, Discipline, Practitioner, Team, WorkingPattern
from triage.models import Stream

# Per team, how many of each discipline (a structured clinic assessment needs a nurse
# for 2h15, a support worker and a healthcare or peer support worker for 15 minutes each).
TEAM_MAKE_UP = (("nurse", 5), ("consultant_psychiatrist", 1), ("psychologist", 1),
                ("occupational_therapist", 1), ("social_worker", 1), ("support_worker", 2),
                ("healthcare_support_worker", 1), ("peer_support_worker", 1))
# The stream short of staff: one nurse where its demand needs four or five.
SHORT_STAFFED_STREAM = Stream.MHSOP_MEMORY
SHORT_STAFFED_NURSES = 1

# Streams with one team for all of LLR (the community teams are aligned to PCN groups).
LLR_WIDE_STREAMS = {
    Stream.LD: "LLR Community Learning Disabilities Team",
    Stream.CAMHS: "LLR Community CAMHS Team",
    Stream.MHSOP_MEMORY: "LLR Memory Assessment Service",
    Stream.SPECIALIST: "LLR Specialist Services Team",
    Stream.MIXED: "LLR Mixed Specialty Team",
}
# The 24/7 crisis teams who carry out urgent assessments, one for each stream triage
# streams urgent people to. They cover no PCN, so a structured assessment's search
# offers the person's aligned community team first.
CRISIS_TEAMS = {
    Stream.AMH: ("LLR Crisis Resolution and Home Treatment Team", 28),
    Stream.MHSOP: ("LLR Older People's Crisis Team", 6),
    Stream.CAMHS: ("LLR CAMHS Crisis Team", 6),
}
# Crisis nurses' shifts (London wall time): an assessment takes 90 minutes inside one.
SHIFTS = ((time(7, 0), time(15, 0)), (time(15, 0), time(23, 45)), (time(0, 0), time(7, 0)))

# The CAP's staff (username prefix, role, how many).
STAFF = (("triage", roles.TRIAGE_CLINICIAN, 14), ("urgent", roles.TRIAGE_CLINICIAN, 10),
         ("admin", roles.ADMIN_TEAM, 6), ("calls", roles.CALL_HANDLER, 8),
         ("hub", roles.URGENT_CARE_HUB_STAFF, 6), ("manager", roles.MANAGER, 2))


@dataclass
class CrisisNurse:
    practitioner: Practitioner
    stream: str
    shift: tuple[time, time]
    weekdays: frozenset[int]
    free_from: datetime | None = None  # the end of their last booked crisis assessment


@dataclass
class World:
    staff: dict[str, list[User]]
    practices: list[GPPractice]
    practitioners: list[Practitioner]
    crisis_nurses: list[CrisisNurse]
    nhs_numbers: "NhsNumbers"
    known: list = field(default_factory=list)  # people already referred, for repeat contacts


class NhsNumbers:
    """Valid NHS numbers (modulus 11) from the 999 range no real person has, in order."""

    def __init__(self, start: int = 999_000_000):
        self.next_base = start

    def __next__(self) -> str:
        while True:
            base, self.next_base = str(self.next_base), self.next_base + 1
            check = 11 - sum(int(d) * w for d, w in zip(base, range(10, 1, -1), strict=True)) % 11
            if check == 11:
                check = 0
            if check != 10:
                return base + str(check)


def world_build(*, rng: random.Random, start: datetime, days: int) -> World:
    """Everything the month needs before it starts. Idempotent names, fresh database."""
    from accounts.management.commands import load_demo_data as demo

    demo.load_primary_care_networks()
    teams = _teams(demo)
    practitioners = _practitioners(teams, rng)
    _rooms(teams)
    crisis_nurses = _crisis_nurses(rng)
    staff = _staff()
    _planned_leave(practitioners, rng, start, days, staff["manager"][0])
    return World(staff=staff, practices=list(GPPractice.objects.select_related("pcn")),
                 practitioners=practitioners, crisis_nurses=crisis_nurses, nhs_numbers=NhsNumbers())


def _teams(demo) -> list[Team]:
    for name, stream, pcn_names in demo.demo_teams():
        if stream in LLR_WIDE_STREAMS:
            continue
        team, _ = Team.objects.get_or_create(name=name, defaults={"specialty": stream})
        team.pcns.add(*PrimaryCareNetwork.objects.filter(name__in=pcn_names or ()))
    for stream, name in LLR_WIDE_STREAMS.items():
        team, _ = Team.objects.get_or_create(name=name, defaults={"specialty": stream})
        team.pcns.add(*PrimaryCareNetwork.objects.all())
    return list(Team.objects.all())


_names = iter(range(10_000))


def _name() -> str:
    from accounts.management.commands.load_demo_data import demo_practitioner_name

    return demo_practitioner_name(next(_names))


def _practitioners(teams: list[Team], rng: random.Random) -> list[Practitioner]:
    disciplines = {d.code: d for d in Discipline.objects.all()}
    made = []
    for team in teams:
        for code, count in TEAM_MAKE_UP:
            if code == "nurse" and team.specialty == SHORT_STAFFED_STREAM:
                count = SHORT_STAFFED_NURSES
            for n in range(count):
                p = Practitioner.objects.create(name=f"{_name()} ({team.name[:24]} {code} {n + 1})",
                                                discipline=disciplines[code])
                p.teams.add(team)
                # One in seven works Monday to Wednesday only, as in the demo data.
                weekdays = (0, 1, 2) if rng.random() < 1 / 7 else (0, 1, 2, 3, 4)
                WorkingPattern.objects.bulk_create([WorkingPattern(practitioner=p, weekday=d, starts=time(9),
                                                                   ends=time(17)) for d in weekdays])
                made.append(p)
    return made


def _rooms(teams: list[Team]) -> None:
    for team in teams:
        for number in (1, 2, 3):
            room = ClinicRoom.objects.create(name=f"{team.name} clinic room {number}",
                                             site=f"{team.name} base, Leicester")
            room.teams.add(team)


def _crisis_nurses(rng: random.Random) -> list[CrisisNurse]:
    """Crisis nurses on a rota of early, late and night shifts, five days in seven, spread
    so that every shift of every day has someone."""
    nurse = Discipline.objects.get(code="nurse")
    nurses = []
    for stream, (name, count) in CRISIS_TEAMS.items():
        team = Team.objects.create(name=name, specialty=stream)  # no PCN: see CRISIS_TEAMS
        for n in range(count):
            p = Practitioner.objects.create(name=f"{_name()} (crisis {stream} {n + 1})", discipline=nurse)
            p.teams.add(team)
            shift = SHIFTS[n % len(SHIFTS)]
            first = (n // len(SHIFTS)) % 7
            weekdays = frozenset((first + d) % 7 for d in range(5))
            WorkingPattern.objects.bulk_create(
                [WorkingPattern(practitioner=p, weekday=d, starts=shift[0], ends=shift[1]) for d in weekdays])
            nurses.append(CrisisNurse(p, stream, shift, weekdays))
    rng.shuffle(nurses)
    return nurses


def _staff() -> dict[str, list[User]]:
    staff: dict[str, list[User]] = {}
    for prefix, role, count in STAFF:
        group = Group.objects.get(name=role)
        for n in range(1, count + 1):
            user = User.objects.create_user(username=f"{prefix}.{n}", first_name=prefix.title(),
                                            last_name=str(n))
            user.groups.add(group)
            staff.setdefault(prefix, []).append(user)
    return staff


def _planned_leave(practitioners: list[Practitioner], rng: random.Random, start: datetime, days: int,
                   manager: User) -> None:
    """A week's annual leave for about one practitioner in six, booked before the month:
    the option search works around it. (Leave and sickness recorded later, over booked
    assessments, force rebooking: behaviour.absence_recorded.)"""
    from .behaviour import leave_record

    for practitioner in practitioners:
        if rng.random() < 1 / 6:
            first = timezone.localtime(start).date() + timedelta(days=rng.randrange(max(days, 1)))
            leave_record(actor=manager, practitioner=practitioner, kind="leave", first_day=first, days=5,
                         note="Annual leave")


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(0)))
