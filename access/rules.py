"""Who may read a person's record: decided here, once, for every page and endpoint that
shows one person (access.views.person_read_or_break_glass applies it).

A read is allowed for one of three reasons, in this order:

1. **Role-wide work.** Some roles work everyone's records of a kind, because their work
   comes to them before anyone is in the person's care:
   * referrals (the referral page, its letter, the referral API): triage clinicians and
     their specific queue groups (they triage anyone), the admin team (it logs written
     referrals, confirms identities and books from them), Urgent Care Hub staff (the
     person is in front of them) and managers (they manage the waits): the holders of
     `cap.view_referral`;
   * bookings and their letters: the admin team (`scheduling.book_assessment`) and
     everyone who reads referrals role-wide;
   * care plans: nobody. A care plan is read by the people in the person's care.
   Call handlers read what their call work shows (the person chosen for a call, the
   calls page), which these rules do not gate; they hold none of the pages below.
2. **A care relationship** (`care_relationship`), the NHS's legitimate relationship: the
   reader is a practitioner in a team with the person's open episode, their care
   coordinator (of an episode or the plan), in the team around the person, a practitioner
   of a live booking of theirs, in a team a live booking is with, stepping up their
   support, or the expert of an open expertise request about them.
3. **Break-glass** (`BreakGlassGrant`): anyone else who reaches the page states why they
   need the record and may read it for `ACCESS_BREAK_GLASS_MINUTES`; each read is logged
   with the reason, and the grants are reported to the managers and the Caldicott guardian.

Otherwise the read is refused. Each check is one query of EXISTS subqueries on indexed
foreign keys, whatever the person's history.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, OuterRef, Q

from cap.models import ServiceUser
from careplans.models import (
    CarePlan,
    Episode,
    ExpertiseRequest,
    RequestStatus,
    StepUpEpisode,
    TeamAroundMember,
)
from scheduling.models import Booking, DiaryEntry, Practitioner

from .models import BreakGlassGrant


class Record(StrEnum):
    """The kinds of a person's record a page shows, each with its role-wide readers."""

    REFERRAL = "referral"
    BOOKING = "booking"
    CARE_PLAN = "care plan"


# The permissions whose holders read every record of the kind (the module docstring says why).
ROLE_WIDE: dict[Record, tuple[str, ...]] = {
    Record.REFERRAL: ("cap.view_referral",),
    Record.BOOKING: ("scheduling.book_assessment", "cap.view_referral"),
    Record.CARE_PLAN: (),
}

# What each care relationship is called, as the access log and the pages name it.
RELATIONSHIPS = {
    "team_episode": "their team's open episode",
    "care_coordinator": "care coordinator",
    "plan_coordinator": "care coordinator",
    "team_around": "in the team around the person",
    "own_booking": "a booking of theirs",
    "team_booking": "a referral booked with their team",
    "step_up": "stepping up their support",
    "expertise_request": "an expertise request to them",
}


def _relationships(practitioner: Practitioner, now: datetime) -> dict[str, Exists]:
    """Each care relationship as an EXISTS on the person (OuterRef("pk") is a ServiceUser)."""
    person = OuterRef("pk")
    open_episodes = Episode.objects.open().filter(service_user=person)
    live_bookings = Booking.objects.live(now).filter(referral__service_user=person)
    return {
        "team_episode": Exists(open_episodes.filter(team__practitioners=practitioner)),
        "care_coordinator": Exists(open_episodes.filter(care_coordinator=practitioner)),
        "plan_coordinator": Exists(CarePlan.objects.filter(service_user=person,
                                                           care_coordinator=practitioner)),
        "team_around": Exists(TeamAroundMember.objects.filter(
            care_plan__service_user=person, practitioner=practitioner, ended_at__isnull=True)),
        "own_booking": Exists(DiaryEntry.objects.filter(booking__referral__service_user=person,
                                                        practitioner=practitioner, live=True)),
        "team_booking": Exists(live_bookings.filter(team__practitioners=practitioner)),
        "step_up": Exists(StepUpEpisode.objects.running().filter(service_user=person,
                                                                 practitioners=practitioner)),
        "expertise_request": Exists(
            ExpertiseRequest.objects.filter(service_user=person, expert=practitioner)
            .exclude(status__in=[RequestStatus.COMPLETED, RequestStatus.DECLINED])),
    }


def in_care_of(practitioner: Practitioner, *, now: datetime) -> Q:
    """A filter of ServiceUser: the people this practitioner has a care relationship with."""
    q = Q()
    for exists in _relationships(practitioner, now).values():
        q |= Q(exists)
    return q


def _practitioner_of(user: User | AnonymousUser) -> Practitioner | None:
    if not user.is_authenticated:
        return None
    return Practitioner.objects.filter(user=user).first()


def care_relationship(user: User | AnonymousUser, person: ServiceUser, *, now: datetime) -> str | None:
    """The name of the user's care relationship with the person (the first that holds), or
    None. One query for the practitioner, one for every relationship at once."""
    practitioner = _practitioner_of(user)
    if practitioner is None:
        return None
    found = (ServiceUser.objects.filter(pk=person.pk)
             .annotate(**_relationships(practitioner, now)).values(*RELATIONSHIPS).first())
    if not found:
        return None
    return next((RELATIONSHIPS[name] for name, held in found.items() if held), None)


def active_grant(user: User | AnonymousUser, person: ServiceUser, *, now: datetime) -> BreakGlassGrant | None:
    if not user.is_authenticated:
        return None
    return (BreakGlassGrant.objects.active(now).filter(user=user, service_user=person)
            .order_by("-expires_at").first())


ROLE = "role"
BREAK_GLASS = "break glass"


@dataclass(frozen=True)
class ReadAccess:
    allowed: bool
    because: str  # ROLE, a care relationship's name, BREAK_GLASS, or "" when refused
    grant: BreakGlassGrant | None = None

    @property
    def in_care(self) -> bool:
        """Allowed by a care relationship (which also lets a practitioner change the plan)."""
        return self.allowed and self.because not in (ROLE, BREAK_GLASS)

    @property
    def break_glass_reason(self) -> str:
        """What the access log records with each read (empty unless the glass was broken)."""
        return self.grant.reason if self.grant else ""


def role_wide(user: User | AnonymousUser, record: Record) -> bool:
    return user.is_authenticated and any(user.has_perm(p) for p in ROLE_WIDE[record])


def read_access(user: User | AnonymousUser, person: ServiceUser, *, now: datetime,
                record: Record = Record.CARE_PLAN) -> ReadAccess:
    """May `user` read `person`'s `record` at `now`, and why (the module docstring)."""
    if role_wide(user, record):
        return ReadAccess(True, ROLE)
    if relationship := care_relationship(user, person, now=now):
        return ReadAccess(True, relationship)
    if grant := active_grant(user, person, now=now):
        return ReadAccess(True, BREAK_GLASS, grant)
    return ReadAccess(False, "")
