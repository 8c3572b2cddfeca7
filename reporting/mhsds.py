"""The CAP's month in the shape of the Mental Health Services Data Set (MHSDS): its
tables' names and its data items' names (the Technical Output Specification's "IDB
element names"), and the CAP's values mapped to MHSDS national codes.

Pure functions: from records already read (reporting.selectors) to rows. No query runs
here (the models are imported for their choices only), so the mapping is tested
without a database and an export costs the same few queries whatever its size.

The tables:

* MHS001MPI (Master Patient Index): one row per person in the month's other tables.
* MHS101ServiceOrTeamReferral: one row per referral received in the month. The CAP is
  a Single Point of Access service; once triage streams a referral for assessment, the
  service or team type is the stream's team.
* MHS201CareContact: one row per assessment (structured or crisis) booked to start in
  the month.
* MHS104RTT: the CAP's wait targets. MHSDS has no table of a service's own response
  targets; its nearest construct is the Referral To Treatment period (MHS104RTT: a
  waiting period's start and end for a service request). Each run of a CAP wait target
  (triage within a working day, a very urgent assessment within 4 hours...) is one
  period: ReferToTreatPeriodStartDate/Time is when its clock started and
  ReferToTreatPeriodEndDate/Time when it was met. The target itself, its due instant
  and its outcome have no MHSDS item: those columns are named Cap... so no one takes
  them for national items.

Dates and times are Europe/London (MHSDS dates and times are local), from instants
stored in UTC."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from cap.models import CallerType, Channel
from hub.models import ArrivalRoute
from scheduling.models import BookingStatus, CancelledBy
from triage.models import DecisionOutcome, Stream, Urgency

if TYPE_CHECKING:
    from cap.models import Referral, ServiceUser
    from scheduling.models import Booking
    from triage.models import TriageDecision, WaitTarget

LONDON = ZoneInfo("Europe/London")

# --- The month ----------------------------------------------------------------------------

MONTH_FORMAT = re.compile(r"([0-9]{4})-([0-9]{2})")


class InvalidMonth(ValueError):
    """A month not written YYYY-MM, or not a calendar month."""


def month_parse(text: str) -> date:
    """The first day of the month written YYYY-MM ("2026-11")."""
    found = MONTH_FORMAT.fullmatch(text.strip())
    if not found or not 1 <= int(found[2]) <= 12 or not 1 <= int(found[1]) < 9999:
        raise InvalidMonth(f"{text!r} is not a month: write it as YYYY-MM, for example 2026-11.")
    return date(int(found[1]), int(found[2]), 1)


@dataclass(frozen=True)
class Month:
    """A calendar month as Europe/London counts it, as UTC instants: from `starts_at`
    (midnight on the 1st, London time) up to but not including `ends_at`."""

    first_day: date
    starts_at: datetime
    ends_at: datetime

    @property
    def label(self) -> str:
        return f"{self.first_day:%Y-%m}"


def month_of(first_day: date) -> Month:
    following = (first_day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return Month(first_day, _london_midnight(first_day), _london_midnight(following))


def _london_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=LONDON).astimezone(UTC)


def local_date(instant: datetime | None) -> str:
    return instant.astimezone(LONDON).date().isoformat() if instant else ""


def local_time(instant: datetime | None) -> str:
    return instant.astimezone(LONDON).strftime("%H:%M:%S") if instant else ""


# --- National codes -----------------------------------------------------------------------

# CLINICAL RESPONSE PRIORITY TYPE (NHS Data Dictionary): 1 Emergency, 2 Urgent/serious,
# 3 Routine, 4 Very Urgent (added in MHSDS v5.0). The CAP's urgencies are these values.
CLINICAL_RESPONSE_PRIORITY: dict[str, str] = {
    Urgency.EMERGENCY: "1", Urgency.URGENT: "2", Urgency.ROUTINE: "3", Urgency.VERY_URGENT: "4"}

# SOURCE OF REFERRAL FOR MENTAL HEALTH.
GP = "A1"  # Primary Health Care: General Medical Practitioner
SELF = "B1"  # Self: Self Referral
CARER = "B2"  # Self: Carer
POLICE = "E1"  # Justice System: Police
OTHER_SOURCE = "M6"  # Other: Other SERVICE or agency

CALLER_SOURCE: dict[str, str] = {CallerType.SERVICE_USER: SELF, CallerType.CARER: CARER}
# An Urgent Care Hub arrival's referrer role is its arrival route's label.
HUB_ROUTE_SOURCE: dict[str, str] = {ArrivalRoute.POLICE.label: POLICE, ArrivalRoute.WALK_IN.label: SELF}

# SERVICE OR TEAM TYPE REFERRED TO (MENTAL HEALTH).
SINGLE_POINT_OF_ACCESS = "A18"
STREAM_TEAM_TYPE: dict[str, str] = {
    Stream.AMH: "A06",  # Community Mental Health Team - Functional
    Stream.CAMHS: "A06",  # the team's intended age group, not its type, says children
    Stream.MHSOP: "A06",
    Stream.MIXED: "A06",
    Stream.MHSOP_MEMORY: "A17",  # Memory Services/Clinic/Drop in service
    Stream.LD: "E01",  # Community Team for Learning Disabilities
    Stream.SPECIALIST: "Z01",  # Other Mental Health Service - in scope of National Tariff Payment System
}

# ATTENDED OR DID NOT ATTEND. A person who was not brought is recorded as not attending
# with no advance warning; the CAP's safeguarding review of it is its own.
ATTENDED = "5"  # Attended on time or, if late, before the professional was ready
CANCELLED_BY_PATIENT = "2"
DID_NOT_ATTEND = "3"  # Did not attend - no advance warning given
CANCELLED_BY_PROVIDER = "4"
BOOKING_ATTENDANCE: dict[str, str] = {
    BookingStatus.ATTENDED: ATTENDED, BookingStatus.DID_NOT_ATTEND: DID_NOT_ATTEND,
    BookingStatus.WAS_NOT_BROUGHT: DID_NOT_ATTEND}

FACE_TO_FACE = "01"  # CONSULTATION MECHANISM (MENTAL HEALTH): every CAP assessment is in person


def clinical_response_priority(urgency: str) -> str:
    return CLINICAL_RESPONSE_PRIORITY.get(urgency, "")


def referral_source(referral: Referral, caller_type: str = "") -> str:
    """SourceOfReferralMH from how the referral reached the CAP and who made it.
    `caller_type` is the type of the caller whose call became the referral (phone)."""
    role = referral.referrer_role.lower()
    if referral.channel == Channel.WRITTEN:
        is_gp = referral.referrer_ods_code or re.search(r"\bgp\b|general practi", role)
        return GP if is_gp else OTHER_SOURCE
    if referral.channel == Channel.PHONE:
        return CALLER_SOURCE.get(caller_type, OTHER_SOURCE)
    if referral.channel == Channel.HUB:
        return HUB_ROUTE_SOURCE.get(referral.referrer_role, OTHER_SOURCE)
    if role == "self-referral":
        return SELF
    return CARER if role.endswith("(carer)") else OTHER_SOURCE


def team_type_referred_to(decision: TriageDecision | None) -> str:
    """ServTeamTypeRefToMH: the stream's team once triage streams the referral for an
    assessment; until then, and when triage routes it elsewhere, the CAP itself."""
    if decision is not None and decision.outcome == DecisionOutcome.ASSESSMENT and decision.stream:
        return STREAM_TEAM_TYPE.get(decision.stream, SINGLE_POINT_OF_ACCESS)
    return SINGLE_POINT_OF_ACCESS


def attendance(booking: Booking) -> str:
    """AttendOrDNACode; empty for an appointment whose outcome is not yet recorded."""
    if booking.status == BookingStatus.CANCELLED:
        by_person = booking.cancelled_by == CancelledBy.PERSON
        return CANCELLED_BY_PATIENT if by_person else CANCELLED_BY_PROVIDER
    return BOOKING_ATTENDANCE.get(booking.status, "")


def wait_outcome(target: WaitTarget, at: datetime) -> str:
    """What had become of a wait target by `at`: met, breached (past due unmet, or met
    late), cancelled, or running."""
    if target.cancelled_at and target.cancelled_at < at:
        return "cancelled"
    met_at = target.met_at if target.met_at and target.met_at < at else None
    if (met_at or at) > target.due_at:
        return "breached"
    return "met" if met_at else "running"


# --- The tables ---------------------------------------------------------------------------

PATIENTS = "MHS001MPI"
REFERRALS = "MHS101ServiceOrTeamReferral"
CARE_CONTACTS = "MHS201CareContact"
WAIT_PERIODS = "MHS104RTT"

HEADERS: dict[str, list[str]] = {
    PATIENTS: ["LocalPatientId", "NHSNumber", "PersonBirthDate", "Postcode"],
    REFERRALS: ["ServiceRequestId", "LocalPatientId", "ReferralRequestReceivedDate",
                "ReferralRequestReceivedTime", "SourceOfReferralMH", "ServTeamTypeRefToMH",
                "ClinRespPriorityType", "ReferRejectionDate", "ReferRejectionTime", "ServDischDate"],
    CARE_CONTACTS: ["CareContactId", "ServiceRequestId", "LocalPatientId", "CareProfTeamLocalId",
                    "CareContDate", "CareContTime", "ClinContDurOfCareCont", "ConsMechanismMH",
                    "AttendOrDNACode", "CareContCancelDate"],
    WAIT_PERIODS: ["ServiceRequestId", "LocalPatientId", "ReferToTreatPeriodStartDate",
                   "ReferToTreatPeriodStartTime", "ReferToTreatPeriodEndDate", "ReferToTreatPeriodEndTime",
                   "CapWaitTargetCode", "CapWaitTargetDueDate", "CapWaitTargetDueTime",
                   "CapWaitTargetOutcome"],
}

Row = list[str]


def local_patient_id(service_user_id: int) -> str:
    """The person's record number in the CAP: unique within the provider, as
    LOCAL PATIENT IDENTIFIER (EXTENDED) asks."""
    return str(service_user_id)


def patient_row(person: ServiceUser) -> Row:
    return [local_patient_id(person.pk), person.nhs_number or "",
            person.date_of_birth.isoformat() if person.date_of_birth else "", person.postcode]


def referral_row(referral: Referral, *, decision: TriageDecision | None, intake_urgency: str,
                 caller_type: str, closed_at: datetime | None) -> Row:
    """One MHS101 row. ClinRespPriorityType is the latest triage decision's urgency, or
    before a decision the urgency the CAP's clocks run on from intake (empty if none)."""
    urgency = decision.urgency if decision is not None else intake_urgency
    return [referral.reference, local_patient_id(referral.service_user_id),
            local_date(referral.received_at), local_time(referral.received_at),
            referral_source(referral, caller_type), team_type_referred_to(decision),
            clinical_response_priority(urgency),
            local_date(referral.redirected_at), local_time(referral.redirected_at), local_date(closed_at)]


def care_contact_row(booking: Booking) -> Row:
    minutes = int((booking.ends_at - booking.starts_at) / timedelta(minutes=1))
    cancelled = booking.cancelled_at if booking.status == BookingStatus.CANCELLED else None
    return [str(booking.pk), booking.referral.reference, local_patient_id(booking.referral.service_user_id),
            str(booking.team_id), local_date(booking.starts_at), local_time(booking.starts_at),
            str(minutes), FACE_TO_FACE, attendance(booking), local_date(cancelled)]


def wait_period_row(target: WaitTarget, *, at: datetime) -> Row:
    """One MHS104RTT row: the target's state as it was at `at` (the month's end, or
    now if sooner), so an export of a past month does not change as later work is done."""
    met_at = target.met_at if target.met_at and target.met_at < at else None
    return [target.referral.reference, local_patient_id(target.referral.service_user_id),
            local_date(target.started_at), local_time(target.started_at), local_date(met_at),
            local_time(met_at), target.definition.code, local_date(target.due_at), local_time(target.due_at),
            wait_outcome(target, at)]


@dataclass(frozen=True)
class MonthRecords:
    """What reporting.selectors read for a month: the records, and the facts about them
    each row needs (keyed by referral id)."""

    month: Month
    referrals: list[Referral]
    decisions: Mapping[int, TriageDecision]
    intake_urgencies: Mapping[int, str]
    caller_types: Mapping[int, str]
    closed_at: Mapping[int, datetime]
    bookings: list[Booking]
    targets: list[WaitTarget]
    people: list[ServiceUser]


def tables(records: MonthRecords, *, now: datetime) -> dict[str, list[Row]]:
    """Every table's rows (headers not included), in a stable order."""
    at = min(now, records.month.ends_at)
    return {
        PATIENTS: [patient_row(p) for p in sorted(records.people, key=lambda p: p.pk)],
        REFERRALS: [referral_row(r, decision=records.decisions.get(r.pk),
                                 intake_urgency=records.intake_urgencies.get(r.pk, ""),
                                 caller_type=records.caller_types.get(r.pk, ""),
                                 closed_at=records.closed_at.get(r.pk)) for r in records.referrals],
        CARE_CONTACTS: [care_contact_row(b) for b in records.bookings],
        WAIT_PERIODS: [wait_period_row(t, at=at) for t in records.targets],
    }


def people_of(referrals: Iterable[Referral], bookings: Iterable[Booking],
              targets: Iterable[WaitTarget]) -> list[ServiceUser]:
    """Each person the month's rows are about, once."""
    found: dict[int, ServiceUser] = {}
    for referral in [*referrals, *(b.referral for b in bookings), *(t.referral for t in targets)]:
        found.setdefault(referral.service_user_id, referral.service_user)
    return list(found.values())
