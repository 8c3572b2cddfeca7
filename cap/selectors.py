"""Named reads for intake: the call handler's person search and the review lists."""

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet, Value
from django.db.models.functions import Concat, Replace, Upper
from django.utils import timezone

from .models import Enquiry, MatchResult, Referral, ServiceUser, Task
from .validators import normalise_nhs_number

if TYPE_CHECKING:
    from .find import FindKey

SEARCH_LIMIT = 20


def people_search(*, nhs_number: str = "", family_name: str = "", date_of_birth: date | None = None,
                  given_name: str = "") -> QuerySet[ServiceUser]:
    """Find people by NHS number, or by family name with date of birth (given name
    narrows it). Each comes with their open episodes and open referrals, so a call
    handler sees at once whether the caller is known to services."""
    people = ServiceUser.objects.filter(superseded_by__isnull=True)
    if nhs_number:
        people = people.filter(nhs_number=normalise_nhs_number(nhs_number))
    elif family_name and date_of_birth:
        people = people.annotate(family=Upper("family_name")).filter(
            family=family_name.strip().upper(), date_of_birth=date_of_birth)
        if given_name:
            people = people.filter(given_name__istartswith=given_name.strip())
    else:
        return ServiceUser.objects.none()
    return with_open_care(people).order_by("family_name", "given_name", "id")[:SEARCH_LIMIT]


def with_open_care(people: QuerySet[ServiceUser]) -> QuerySet[ServiceUser]:
    """Each person with `open_episodes` (team, care coordinator) and `open_referrals`."""
    from careplans.models import Episode

    return people.select_related("gp_practice").prefetch_related(
        Prefetch("episodes", to_attr="open_episodes",
                 queryset=Episode.objects.open().select_related("team", "care_coordinator")),
        Prefetch("referrals", to_attr="open_referrals", queryset=Referral.objects.open()),
    )


def possible_matches_to_review() -> QuerySet[Referral]:
    return (Referral.objects.filter(match_result=MatchResult.POSSIBLE_MATCH,
                                    match_reviewed_at__isnull=True)
            .select_related("service_user").order_by("received_at"))


def open_tasks_for_admin_team() -> QuerySet[Task]:
    return Task.objects.open().filter(team__isnull=True).select_related("service_user", "enquiry")


def calls_search(*, q: str = "", day: date | None = None) -> QuerySet[Enquiry]:
    """Logged phone calls, newest first: by reference (the call's or its referral's),
    the caller's or the person's name, the callback number (spaces ignored), or the
    day the call started (Europe/London)."""
    calls = Enquiry.objects.filter(channel="phone").select_related(
        "service_user", "referral", "logged_by")
    q = " ".join(q.split())
    if q:
        digits = q.replace(" ", "")
        calls = calls.annotate(
            person_name=Concat("service_user__given_name", Value(" "), "service_user__family_name"),
            number=Replace("callback_number", Value(" "), Value("")),
        ).filter(Q(reference__iexact=q) | Q(referral__reference__iexact=q)
                 | Q(caller_name__icontains=q) | Q(person_name__icontains=q)
                 | Q(service_user__family_name__iexact=q)
                 | (Q(number__contains=digits) if digits.lstrip("+").isdigit() else Q(pk__in=[])))
    if day:
        start = timezone.make_aware(datetime.combine(day, time.min))
        calls = calls.filter(received_at__gte=start, received_at__lt=start + timedelta(days=1))
    return calls.order_by("-received_at", "-id")


def calls_about(referral: Referral) -> QuerySet[Enquiry]:
    """The calls that created or joined a referral, newest first."""
    return referral.calls.select_related("logged_by").order_by("-received_at", "-id")


def find_people_and_referrals(key: "FindKey") -> list[ServiceUser]:
    """The header search (cap.find): the people found by the person search, or the
    person of the referral with that reference, each with `found_referrals`, every one of
    their referrals newest first, so the page links to each."""
    from django.db.models import prefetch_related_objects

    if key.reference:
        people = list(with_open_care(ServiceUser.objects.filter(referrals__reference=key.reference)))
    else:
        people = list(people_search(**key.person_search))
    prefetch_related_objects(people, Prefetch(
        "referrals", to_attr="found_referrals", queryset=Referral.objects.order_by("-received_at", "-pk")))
    return people
