"""Named reads for care plans: who is involved in a person's care, and the lists practitioners see."""

import difflib
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils import timezone

from access import rules
from cap.models import ServiceUser
from core.audit import record_access_log
from scheduling.models import Practitioner, Team
from triage.models import WaitTarget
from triage.presenters import duration_text

from .models import (
    SECTIONS,
    CarePlan,
    CarePlanVersion,
    Episode,
    StepUpEpisode,
    Transition,
    TransitionStatus,
)

# The wait target of naming a care coordinator after a handover (triage migration 0026).
CARE_COORDINATOR_TARGET = "care_coordinator_named"


def practitioner_of(user: User | AnonymousUser) -> Practitioner | None:
    if not user.is_authenticated:
        return None
    return Practitioner.objects.filter(user=user).first()


def is_involved(user: User | AnonymousUser, service_user: ServiceUser) -> bool:
    """In the person's care: a care relationship, as access.rules defines it."""
    return rules.care_relationship(user, service_user, now=timezone.now()) is not None


def people_in_care_of(user: User | AnonymousUser) -> QuerySet[ServiceUser]:
    practitioner = practitioner_of(user)
    if practitioner is None:
        return ServiceUser.objects.none()
    return (ServiceUser.objects.filter(rules.in_care_of(practitioner, now=timezone.now()))
            .select_related("care_plan").order_by("family_name", "given_name", "pk"))


def plan_detail(service_user: ServiceUser) -> CarePlan | None:
    return (CarePlan.objects.select_related("service_user__gp_practice", "care_coordinator")
            .prefetch_related("other_needs__services", "team_around__practitioner",
                              "shares__shared_by", "shares__version")
            .filter(service_user=service_user).first())


def contributions(care_plan: CarePlan) -> QuerySet[CarePlanVersion]:
    return (CarePlanVersion.objects.filter(care_plan=care_plan)
            .select_related("author", "team").order_by("-number"))


def current_version(care_plan: CarePlan) -> CarePlanVersion | None:
    return CarePlanVersion.objects.filter(care_plan=care_plan, number=care_plan.version).first()


def plan_viewed(user: User, service_user: ServiceUser, context: str = "care plan", *,
                break_glass_reason: str = "") -> None:
    """Every view of a plan is logged: a person can ask who has read their record."""
    record_access_log(actor=user, service_user=service_user, view=context,
                      break_glass_reason=break_glass_reason)


def running_step_ups() -> QuerySet[StepUpEpisode]:
    return (StepUpEpisode.objects.running().select_related("service_user")
            .prefetch_related("practitioners").order_by("limit_at"))


@dataclass(frozen=True)
class SectionChange:
    heading: str
    lines: list[tuple[str, str]]  # ("added" | "removed" | "same", text)


def version_changes(older: CarePlanVersion, newer: CarePlanVersion) -> list[SectionChange]:
    """What changed between two versions, section by section (sections left alone are omitted)."""
    headings = [*SECTIONS, ("other_needs", "Other needs")]
    changes = []
    for name, heading in headings:
        before, after = _lines(older.sections.get(name)), _lines(newer.sections.get(name))
        if before == after:
            continue
        lines = []
        for line in difflib.ndiff(before, after):
            tag, text = line[:2], line[2:]
            if tag == "? ":
                continue
            lines.append(({"+ ": "added", "- ": "removed"}.get(tag, "same"), text))
        changes.append(SectionChange(heading, lines))
    return changes


def _lines(value: str | list[object] | None) -> list[str]:
    if isinstance(value, list):
        return [str(item) for item in value]
    return (value or "").splitlines()


# Caseloads: the people a team has taken on (its open episodes)

def caseload_for(user: User | AnonymousUser) -> QuerySet[Episode]:
    """The open episodes of the user's teams (every team's, for a manager who is in none),
    each with `coordinator_due_at`, the due instant of its running care coordinator
    target. Most at risk first: a coordinator still to be named, earliest due, then the
    rest by the day they opened."""
    practitioner = practitioner_of(user)
    episodes = Episode.objects.open()
    if practitioner is not None:
        episodes = episodes.filter(team__in=practitioner.teams.all())
    elif not user.has_perm("careplans.view_episode"):
        return Episode.objects.none()
    due = (WaitTarget.objects.running().filter(referral=OuterRef("referral"),
                                               definition__code=CARE_COORDINATOR_TARGET)
           .order_by("due_at").values("due_at")[:1])
    return (episodes.annotate(coordinator_due_at=Subquery(due))
            .select_related("service_user", "team", "care_coordinator__discipline", "referral")
            .order_by(F("coordinator_due_at").asc(nulls_last=True), "opened_on", "pk"))


CASELOAD_ORDERINGS = {
    "due": (F("coordinator_due_at").asc(nulls_last=True), "opened_on", "pk"),
    "opened": ("opened_on", "pk"),
    "name": ("service_user__family_name", "service_user__given_name", "pk"),
}


def caseload_teams(user: User | AnonymousUser) -> list[tuple[int, str]]:
    """The teams whose caseload the user holds (pk, name): their own, or every team for a
    manager who is in none."""
    practitioner = practitioner_of(user)
    teams = practitioner.teams.all() if practitioner is not None else Team.objects.all()
    return list(teams.order_by("name").values_list("pk", "name"))


def caseload_filtered(user: User | AnonymousUser, chosen: dict[str, str]) -> QuerySet[Episode]:
    """The user's caseload (caseload_for) in one team, by whether a care coordinator is
    named (or is the user), in the chosen order: the caseload page's filters."""
    episodes = caseload_for(user)
    if team := chosen.get("team"):
        episodes = episodes.filter(team_id=int(team))
    coordinator = chosen.get("coordinator")
    if coordinator == "not_named":
        episodes = episodes.filter(care_coordinator__isnull=True)
    elif coordinator == "named":
        episodes = episodes.filter(care_coordinator__isnull=False)
    elif coordinator == "mine":
        episodes = episodes.filter(care_coordinator=practitioner_of(user))
    return episodes.order_by(*CASELOAD_ORDERINGS[chosen.get("sort", "due")])


def time_left_text(due_at: datetime | None, now: datetime) -> str:
    if due_at is None:
        return ""
    seconds = (due_at - now).total_seconds()
    # A target due at 12:00 is met at 12:00: overdue only after it.
    if seconds < 0:
        return f"Overdue by {duration_text(int(-seconds // 60))}"
    return duration_text(int(seconds // 60))


def coordinator_target(episode: Episode) -> WaitTarget | None:
    """The episode's care coordinator target: the latest run on its referral."""
    if episode.referral_id is None:
        return None
    return (WaitTarget.objects.select_related("definition")
            .filter(referral_id=episode.referral_id, definition__code=CARE_COORDINATOR_TARGET)
            .order_by("-started_at", "-pk").first())


def transitions_to_agree(user: User | AnonymousUser) -> QuerySet[Transition]:
    """Planned transitions awaiting the user's team's agreement (every team's, for a manager
    in none), the soonest planned first."""
    practitioner = practitioner_of(user)
    planned = Transition.objects.filter(status=TransitionStatus.PLANNED)
    if practitioner is not None:
        planned = planned.filter(to_team__in=practitioner.teams.all())
    elif not user.has_perm("careplans.change_transition"):
        return Transition.objects.none()
    return planned.select_related("service_user", "from_team", "to_team").order_by("planned_for", "pk")
