"""Named reads for care plans: who is involved in a person's care, and the lists practitioners see."""

import difflib
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, OuterRef, Q, QuerySet

from cap.models import ServiceUser
from core.audit import record_access_log
from scheduling.models import DiaryEntry, Practitioner

from .models import SECTIONS, CarePlan, CarePlanVersion, Episode, StepUpEpisode, TeamAroundMember


def practitioner_of(user: User | AnonymousUser) -> Practitioner | None:
    if not user.is_authenticated:
        return None
    return Practitioner.objects.filter(user=user).first()


def _involvement(practitioner: Practitioner) -> Q:
    """People whose care this practitioner is involved in: a member of the team of an open
    episode, its care coordinator, the plan's coordinator, in the team around the person,
    in a booking of theirs (an assessment they carry out), or stepping up their support."""
    return (
        Q(Exists(Episode.objects.open().filter(service_user=OuterRef("pk"))
                 .filter(Q(care_coordinator=practitioner) | Q(team__practitioners=practitioner))))
        | Q(care_plan__care_coordinator=practitioner)
        | Q(Exists(TeamAroundMember.objects.filter(care_plan__service_user=OuterRef("pk"),
                                                   practitioner=practitioner, ended_at__isnull=True)))
        | Q(Exists(DiaryEntry.objects.filter(booking__referral__service_user=OuterRef("pk"),
                                             practitioner=practitioner, live=True)))
        | Q(Exists(StepUpEpisode.objects.running().filter(service_user=OuterRef("pk"),
                                                          practitioners=practitioner)))
    )


def is_involved(user: User | AnonymousUser, service_user: ServiceUser) -> bool:
    practitioner = practitioner_of(user)
    if practitioner is None:
        return False
    return ServiceUser.objects.filter(pk=service_user.pk).filter(_involvement(practitioner)).exists()


def people_in_care_of(user: User | AnonymousUser) -> QuerySet[ServiceUser]:
    practitioner = practitioner_of(user)
    if practitioner is None:
        return ServiceUser.objects.none()
    return (ServiceUser.objects.filter(_involvement(practitioner))
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


def plan_viewed(user: User, service_user: ServiceUser, context: str = "care plan") -> None:
    """Every view of a plan is logged: a person can ask who has read their record."""
    record_access_log(actor=user, service_user=service_user, view=context)


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
