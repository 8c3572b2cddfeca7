"""Reads for the MHSDS-shaped export (reporting.mhsds): a month's referrals, care
contacts and wait targets, and the facts their rows need, in a fixed number of queries
whatever the month's size."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from cap.models import Enquiry, Referral, ReferralStatus
from scheduling.models import Booking, BookingStatus
from triage.models import TriageDecision, WaitTarget
from triage.services import intake_urgency

from .mhsds import Month, MonthRecords, people_of

# A held time that expired was never an appointment; every other booking was offered.
APPOINTMENT_STATUSES = [BookingStatus.BOOKED, BookingStatus.ATTENDED, BookingStatus.DID_NOT_ATTEND,
                        BookingStatus.WAS_NOT_BROUGHT, BookingStatus.CANCELLED]
ENDED_STATUSES = [ReferralStatus.ROUTED, ReferralStatus.CLOSED]


def referrals_received_in(month: Month) -> list[Referral]:
    return list(Referral.objects.filter(received_at__gte=month.starts_at, received_at__lt=month.ends_at)
                .select_related("service_user").order_by("received_at", "pk"))


def latest_decisions(referral_ids: list[int]) -> dict[int, TriageDecision]:
    """Each referral's latest triage decision (one query)."""
    decisions = (TriageDecision.objects.filter(referral_id__in=referral_ids)
                 .order_by("referral_id", "-decided_at", "-pk").distinct("referral_id"))
    return {d.referral_id: d for d in decisions}


def caller_types(referral_ids: list[int]) -> dict[int, str]:
    """The type of caller whose call became each phone referral."""
    calls = (Enquiry.objects.filter(referral_id__in=referral_ids, joined_referral=False)
             .order_by("referral_id", "received_at").distinct("referral_id")
             .values_list("referral_id", "caller_type"))
    return {referral_id: caller_type for referral_id, caller_type in calls if referral_id is not None}


def ended_at(referral_ids: list[int]) -> dict[int, datetime]:
    """When each referral was first routed elsewhere or closed, from its history."""
    ended = (Referral.history.filter(id__in=referral_ids, status__in=ENDED_STATUSES)
             .order_by("id", "history_date").distinct("id").values_list("id", "history_date"))
    return dict(ended)


def care_contacts_in(month: Month) -> list[Booking]:
    return list(Booking.objects.filter(starts_at__gte=month.starts_at, starts_at__lt=month.ends_at,
                                       status__in=APPOINTMENT_STATUSES)
                .select_related("referral__service_user").order_by("starts_at", "pk"))


def wait_targets_in(month: Month) -> list[WaitTarget]:
    """The targets with an event in the month: started, met, cancelled, or falling due
    (the instant a target unmet by then is breached)."""
    def within(field: str) -> Q:
        return Q(**{f"{field}__gte": month.starts_at, f"{field}__lt": month.ends_at})

    events = within("started_at") | within("met_at") | within("cancelled_at") | within("due_at")
    return list(WaitTarget.objects.filter(events).select_related("definition", "referral__service_user")
                .order_by("started_at", "pk"))


def month_records(month: Month) -> MonthRecords:
    referrals = referrals_received_in(month)
    ids = [r.pk for r in referrals]
    bookings, targets = care_contacts_in(month), wait_targets_in(month)
    return MonthRecords(
        month=month, referrals=referrals, decisions=latest_decisions(ids),
        intake_urgencies={r.pk: intake_urgency(r) for r in referrals}, caller_types=caller_types(ids),
        closed_at=ended_at(ids), bookings=bookings, targets=targets,
        people=people_of(referrals, bookings, targets))
