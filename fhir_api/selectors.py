"""The reads behind the FHIR API: each resource's records with what its resource shows
loaded in a fixed number of queries (fhir_api.resources builds the resources)."""

from datetime import date, datetime

from django.db.models import Exists, Max, OuterRef, Prefetch, Q, QuerySet

from cap.models import Referral, ServiceUser
from careplans.models import CarePlan, Episode
from scheduling.models import Booking, BookingKind, BookingStatus, DiaryEntry
from triage.models import TriageDecision


def patients() -> QuerySet[ServiceUser]:
    return ServiceUser.objects.select_related("gp_practice")


def patient_with_nhs_number(nhs_number: str) -> ServiceUser | None:
    return patients().filter(nhs_number=nhs_number).first()


def service_requests() -> QuerySet[Referral]:
    return Referral.objects.select_related("service_user").prefetch_related(
        Prefetch("decisions", queryset=TriageDecision.objects.order_by("-decided_at", "-pk")))


def service_requests_for(person: ServiceUser) -> list[Referral]:
    """The person's referrals to the CAP, the most recently received first."""
    return list(service_requests().filter(service_user=person).order_by("-received_at", "-pk"))


def appointments_for(person: ServiceUser, *, now: datetime) -> list[Booking]:
    """The person's structured assessments, the earliest first: booked, held (a hold not
    yet lapsed), attended, missed and cancelled; never a hold that lapsed, which was no
    appointment."""
    lapsed = Q(status=BookingStatus.EXPIRED) | Q(status=BookingStatus.HELD, held_until__lte=now)
    entries = (DiaryEntry.objects.filter(practitioner__isnull=False).select_related("practitioner")
               .order_by("starts_at", "pk"))
    return list(Booking.objects.filter(referral__service_user=person, kind=BookingKind.STRUCTURED)
                .exclude(lapsed).select_related("referral__service_user", "template")
                .prefetch_related(Prefetch("entries", queryset=entries)).order_by("starts_at", "pk"))


def care_plans_for(person: ServiceUser) -> list[tuple[CarePlan, date | None]]:
    """The person's care plan (one at most), with the day it ended: when their last episode
    of care closed, if they have episodes and none is open; None while it is in use."""
    episodes = Episode.objects.filter(service_user=OuterRef("service_user"))
    plans = (CarePlan.objects.filter(service_user=person)
             .select_related("service_user", "care_coordinator").prefetch_related("other_needs")
             .annotate(open_episode=Exists(episodes.filter(closed_on__isnull=True)),
                       last_closed=Max("service_user__episodes__closed_on")))
    return [(plan, None if plan.open_episode else plan.last_closed) for plan in plans]
