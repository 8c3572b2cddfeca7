"""Accounted for: the seeds' promise that people "are not lost within the system"
(002_11e725c8902a7534.txt), defined once and watched.

An open referral (one the CAP still holds) is accounted for when it has all three of:

* an **owner**: a queue, a team or a named person (`OWNER_BY_STATUS` says whose, for every
  status a referral can be in);
* a **running target with a due instant**: a running wait target, reflected in
  `Referral.next_due_at`, which every queue orders by, so the watcher and the queue see
  the same clock;
* a **next step its owner can see**: a row on a queue page its owner's role opens, a live
  booking in a practitioner's diary, a team that can book it or its row on the slot issues
  list.

`not_accounted_for(now)` is the one definition: the dashboard's figure, its drill-down,
the watch (`accounted_watch`, every 5 minutes) and `manage.py check_accounted` all read it,
so a count and its list cannot disagree (hazard H27).
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Case, CharField, Exists, OuterRef, Q, QuerySet, Subquery, Value, When

from cap.models import Referral, ReferralStatus
from scheduling.models import Booking, SlotIssue, Team

from .alerts import duty_managers
from .models import DecisionOutcome, TriageDecision, UnaccountedAlert, WaitTarget

log = logging.getLogger(__name__)

S = ReferralStatus

# What an open referral may lack besides a running target, each checked for the statuses
# that name it in OWNER_BY_STATUS.
ON_A_QUEUE = "on_a_queue"
A_STREAM_TO_BOOK = "a_stream_to_book"
A_TEAM_TO_BOOK_WITH = "a_team_to_book_with"
A_LIVE_BOOKING = "a_live_booking"


@dataclass(frozen=True)
class Ownership:
    open: bool  # the CAP still holds the person: they must be accounted for
    owner: str  # who owns the next step, as a manager says it
    next_step: str  # where the owner sees it ("" when not open)
    needs: tuple[str, ...] = ()  # what it must have besides a running target


# Every status, whether the CAP still holds the person in it and who owns their next step.
# A status added to ReferralStatus without a row here fails a test
# (tests/triage/test_accounted.py), so no state can be forgotten.
OWNER_BY_STATUS: dict[str, Ownership] = {
    S.AWAITING_TRIAGE: Ownership(
        True, "Its triage queue: triage clinicians, or the queue's specific triage group",
        "A row on its triage queue's page, in due order", (ON_A_QUEUE,)),
    S.AWAITING_URGENT_ASSESSMENT: Ownership(
        True, "The 24/7 urgent queue (the Urgent Care Hub for a person at the hub)",
        "A row on the urgent queue; its crisis assessment in a practitioner's diary once booked",
        (ON_A_QUEUE,)),
    S.AWAITING_BOOKING: Ownership(
        True, "The admin team's booking queue",
        "A row on the booking queue with a team of its stream to book with, or its row on the "
        "slot issues list (the managers')", (A_STREAM_TO_BOOK, A_TEAM_TO_BOOK_WITH)),
    S.BOOKED: Ownership(
        True, "The team its assessment is booked with",
        "A live booking in the team's practitioners' diaries", (A_LIVE_BOOKING,)),
    S.REDIRECTED_CHILDREN_HUB: Ownership(
        True, "The children's hub handoff queue (triage clinicians and managers), until the hub answers",
        "A row on the handoff queue, on its handoff clock", (ON_A_QUEUE,)),
    S.ROUTED: Ownership(False, "The service it was routed to", ""),
    S.ACCEPTED_CHILDREN_HUB: Ownership(False, "The children's hub", ""),
    S.ASSESSED: Ownership(False, "The team that assessed the person", ""),
    S.CLOSED: Ownership(False, "Nobody: the referral is closed", ""),
}

ACCOUNTED_STATUSES = [status for status, ownership in OWNER_BY_STATUS.items() if ownership.open]

# Why a referral is not accounted for, in the words a manager reads on the dashboard.
NO_RUNNING_TARGET = "No running target"
NO_DUE_INSTANT = "A target runs but its queue has no due instant for it"
WHY = {
    ON_A_QUEUE: "On no queue its owner can open",
    A_STREAM_TO_BOOK: "Awaiting booking with no stream to book it in",
    A_TEAM_TO_BOOK_WITH: "Awaiting booking with no team for its stream, and not on the slot issues list",
    A_LIVE_BOOKING: "Booked with no live booking in a diary",
}


def _lacks(now: datetime) -> dict[str, Q]:
    """For each need, the condition under which a referral lacks it."""
    team_of_stream = Team.objects.filter(specialty=OuterRef("booking_stream"))
    open_slot_issue = SlotIssue.objects.filter(referral=OuterRef("pk"), resolved_at__isnull=True)
    live_booking = Booking.objects.live(now).filter(referral=OuterRef("pk"))
    return {
        ON_A_QUEUE: Q(triage_queue__isnull=True),
        A_STREAM_TO_BOOK: Q(booking_stream__isnull=True) | Q(booking_stream=""),
        A_TEAM_TO_BOOK_WITH: ~Exists(team_of_stream) & ~Exists(open_slot_issue),
        A_LIVE_BOOKING: ~Exists(live_booking),
    }


def _why(now: datetime) -> Case:
    """The first thing the referral lacks, or "" when it lacks nothing."""
    lacks = _lacks(now)
    running = WaitTarget.objects.running().filter(referral=OuterRef("pk"))
    whens = [When(~Exists(running), then=Value(NO_RUNNING_TARGET)),
             When(next_due_at__isnull=True, then=Value(NO_DUE_INSTANT))]
    for status, ownership in OWNER_BY_STATUS.items():
        whens += [When(Q(status=status) & lacks[need], then=Value(WHY[need])) for need in ownership.needs]
    return Case(*whens, default=Value(""), output_field=CharField())


def not_accounted_for(now: datetime) -> QuerySet[Referral]:
    """Every open referral that lacks an owner, a running target with a due instant or a
    next step its owner can see, each with `why` (the first it lacks). One query: the open
    statuses' index, then a few indexed lookups a referral."""
    booking_stream = (TriageDecision.objects
                      .filter(referral=OuterRef("pk"), outcome=DecisionOutcome.ASSESSMENT)
                      .order_by("-decided_at", "-pk").values("stream")[:1])
    return (Referral.objects.filter(status__in=ACCOUNTED_STATUSES)
            .alias(booking_stream=Subquery(booking_stream))
            .annotate(why=_why(now)).exclude(why=""))


def not_accounted_for_count(now: datetime) -> int:
    return not_accounted_for(now).count()


def with_unaccounted_since(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """Each referral with `unaccounted_since`: when the watch found it not accounted for
    (None when no watch has found it yet)."""
    open_alert = UnaccountedAlert.objects.filter(referral=OuterRef("pk"), accounted_for_at__isnull=True)
    return referrals.annotate(unaccounted_since=Subquery(open_alert.values("raised_at")[:1]))


# --- The watch --------------------------------------------------------------------------

# One statement, so one snapshot decides both what falls out and what is accounted for
# again. An episode's alert is inserted ON CONFLICT DO NOTHING against the partial unique
# (referral) of the open alerts: a second watch at once (two beat schedulers, a redelivered
# task) waits on the first's row and inserts nothing, and only the rows this insert
# returned are told, so the duty manager is told once (docs/adr/0011).
WATCH_SQL = """
WITH found AS ({found}),
closed AS (
    UPDATE triage_unaccountedalert a SET accounted_for_at = %s
     WHERE a.accounted_for_at IS NULL AND a.referral_id NOT IN (SELECT id FROM found)
    RETURNING a.id
), raised AS (
    INSERT INTO triage_unaccountedalert (referral_id, why, raised_at)
    SELECT id, why, %s FROM found
        ON CONFLICT (referral_id) WHERE accounted_for_at IS NULL DO NOTHING
    RETURNING id
), told AS (
    INSERT INTO triage_notification (alert_ids, unaccounted_ids, reminder, queue, user_id, created_at)
    SELECT '{{}}'::bigint[], array_agg(raised.id ORDER BY raised.id), false, '', manager, %s
      FROM raised CROSS JOIN unnest(%s::int[]) AS manager
     GROUP BY manager
    RETURNING id
)
SELECT (SELECT count(*) FROM found), (SELECT count(*) FROM raised), (SELECT count(*) FROM closed),
       (SELECT count(*) FROM told)
"""


@dataclass(frozen=True)
class Watched:
    not_accounted_for: int  # found now
    raised: int  # newly fallen out: told to the duty manager
    accounted_again: int  # alerts closed: accounted for again


def accounted_watch(*, now: datetime) -> Watched:
    """Raise an alert, told to the duty manager (the rota, or every manager when nobody is
    on it), for each referral newly not accounted for; close the alert of each one
    accounted for again. Idempotent, and safe from any number of processes at once."""
    found_sql, found_params = not_accounted_for(now).values("id", "why").query.sql_with_params()
    managers = duty_managers(now)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(WATCH_SQL.format(found=found_sql), [*found_params, now, now, now, managers])
        found, raised, closed, _told = cursor.fetchone()
    if raised or closed:
        log.info("Accounted-for watch: %s not accounted for, %s newly, %s accounted for again",
                 found, raised, closed)
    return Watched(found, raised, closed)
