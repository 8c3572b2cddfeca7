"""What the simulated people do, each in a small function that calls the real services at
the simulated instant (the clock is moved by the command). Every choice comes from the
run's one random.Random, so a seed reproduces a run.

The proportions (docs/simulation.md says where they come from):
- referrals by channel: letter 35%, API 30%, online 25%, phone 10%; the referrer's
  urgency routine 82%, urgent 13%, very urgent 5%; risk indicators on about one in eight;
- crisis calls: 45% passed to urgent triage (one in five about someone with an open
  referral, one in ten who will not give a date of birth and postcode), 45% advice, 10%
  an appointment change;
- routine triage: assessment 55%, routed outside the trust 35%, information asked 10%;
- urgent assessments: home treatment 30%, further assessment 25%, self-management 25%,
  routed 10%, admission 10%;
- structured assessments: 10% did not attend, 8% cancelled by the person beforehand;
- sickness: 1.5% of practitioners a working day, for 1 to 3 days; leave recorded late,
  over booked assessments: 0.3% a day, a week from 7 to 14 days ahead."""

import heapq
import itertools
import math
import random
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cap import services as cap
from cap.models import CallerType, CallNature, CallOutcome, Channel, Referral, ReferralStatus, ServiceUser
from careplans import services as careplans
from careplans.models import Episode
from core.errors import DomainError, Invalid
from hub import services as hub
from hub.models import ArrivalRoute, HubArrival, HubOutcome
from scheduling import options as finder
from scheduling import selectors as scheduling_selectors
from scheduling import services as scheduling
from scheduling.models import Booking, BookingKind, BookingStatus, DiaryException, Practitioner
from triage import selectors as triage_selectors
from triage import services as triage
from triage.models import (
    AlertSchedule,
    BreachAlert,
    CrisisOutcome,
    DecisionOutcome,
    InformationRequest,
    Stream,
    TriageClaim,
    TriageDecision,
    Urgency,
    UrgentAction,
)
from triage.selectors import with_next_due

from .world import SHORT_STAFFED_STREAM, CrisisNurse, World

Action = Callable[[], None]


@dataclass
class Volumes:
    referrals_per_day: float = 270
    crisis_calls_per_day: float = 130
    hub_arrivals_per_day: float = 12


@dataclass
class Run:
    """The simulation's state between events: the world, the random source, what is
    scheduled for later (an outcome at a booking's end, a cancellation, an answer to an
    information request), and the counts printed at the end."""

    world: World
    rng: random.Random
    volumes: Volumes
    counts: Counter = field(default_factory=Counter)
    _later: list = field(default_factory=list)
    _order: itertools.count = field(default_factory=itertools.count)
    tried_booking: dict[int, datetime] = field(default_factory=dict)
    # Crisis assessments the urgent desk could find no nurse for, and when it tried.
    tried_arranging: dict[int, datetime] = field(default_factory=dict)
    # Bookings to rearrange whose rebooking was refused, and when.
    tried_rebooking: dict[int, datetime] = field(default_factory=dict)

    def later(self, at: datetime, action: Action) -> None:
        heapq.heappush(self._later, (at, next(self._order), action))

    def due_by(self, end: datetime) -> list[tuple[datetime, Action]]:
        due = []
        while self._later and self._later[0][0] < end:
            at, _, action = heapq.heappop(self._later)
            due.append((at, action))
        return due

    def attempt(self, what: str, action: Action) -> bool:
        """Run one person's action; a refusal (a Conflict or an Invalid, what the page
        would show them) is counted, not raised: the person does something else."""
        try:
            action()
        except DomainError:
            self.counts[f"refused: {what}"] += 1
            return False
        except IntegrityError as error:
            # What a page would answer with a server error: counted and named in the
            # report (the constraint), so the run shows it instead of stopping.
            constraint = str(error).split('"')[1] if '"' in str(error) else type(error).__name__
            self.counts[f"server error: {what} ({constraint})"] += 1
            return False
        return True


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: the means here are small (arrivals in one hour)."""
    if mean <= 0:
        return 0
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _staff(run: Run, prefix: str, now: datetime) -> User:
    """Whoever of the team is on at this hour (rotas rotate by the hour)."""
    team = run.world.staff[prefix]
    return team[int(now.timestamp() // 3600) % len(team)]


def _minute(run: Run, hour: datetime) -> datetime:
    return hour + timedelta(minutes=run.rng.randrange(60))


# --- Arrivals ---------------------------------------------------------------------------

# Share of the day's written referrals (letters, API) arriving in each London hour.
OFFICE_HOURS = {h: (1.0 if 9 <= h < 17 else 0.3 if 7 <= h < 19 else 0.02) for h in range(24)}
ALL_DAY = {h: (1.0 if 8 <= h < 22 else 0.35) for h in range(24)}
CHANNELS = (("letter", 0.35, OFFICE_HOURS), ("api", 0.30, OFFICE_HOURS), ("online", 0.25, ALL_DAY),
            ("phone", 0.10, ALL_DAY))
WEEKDAY_FACTOR = (1.2, 1.2, 1.2, 1.2, 1.2, 0.5, 0.5)  # averages 1 over a week


def _hour_share(weights: dict[int, float], local_hour: int) -> float:
    return weights[local_hour] / sum(weights.values())


def arrivals_in_hour(run: Run, hour: datetime) -> list[tuple[datetime, Action]]:
    """The referrals, crisis calls and hub arrivals that reach the service this hour."""
    local = timezone.localtime(hour)
    day_factor = WEEKDAY_FACTOR[local.weekday()]
    events: list[tuple[datetime, Action]] = []
    for channel, share, weights in CHANNELS:
        mean = run.volumes.referrals_per_day * share * day_factor * _hour_share(weights, local.hour)
        for _ in range(poisson(run.rng, mean)):
            events.append((_minute(run, hour), _referral_arrives(run, channel)))
    calls = run.volumes.crisis_calls_per_day * _hour_share(ALL_DAY, local.hour)
    events += [(_minute(run, hour), _crisis_call(run)) for _ in range(poisson(run.rng, calls))]
    arrivals = run.volumes.hub_arrivals_per_day * _hour_share(ALL_DAY, local.hour)
    events += [(_minute(run, hour), _hub_arrival(run)) for _ in range(poisson(run.rng, arrivals))]
    return events


def _person(run: Run, *, identity_confirmed: bool = True) -> cap.PersonDetails:
    rng, now = run.rng, timezone.now()
    age = rng.choices([rng.randint(8, 17), rng.randint(18, 64), rng.randint(65, 95)], [12, 70, 18])[0]
    practice = rng.choice(run.world.practices)
    born = now.date() - timedelta(days=age * 365 + rng.randrange(365))
    return cap.PersonDetails(
        nhs_number=next(run.world.nhs_numbers) if rng.random() < 0.9 else "",
        given_name=rng.choice(GIVEN), family_name=rng.choice(FAMILY),
        date_of_birth=born if identity_confirmed else None,
        postcode=practice.postcode if identity_confirmed else "", gp_practice=practice,
        identity_confirmed=identity_confirmed)


GIVEN = ("Asha", "Gareth", "Lucy", "Marjorie", "Yusuf", "Deborah", "Priya", "Tom", "Carol", "Kieran",
         "Imran", "Sophie", "Harjit", "Grace", "Daniel", "Fatima", "Oliver", "Nadia", "Peter", "Emma")
FAMILY = ("Patel", "Williams", "Baxter", "Holt", "Rahman", "Knight", "Chauhan", "Ellis", "Dunmore",
          "Walsh", "Smith", "Khan", "Begum", "Mistry", "Taylor", "Singh", "Kaur", "Hughes", "Shah", "Ward")
RISK_INDICATORS = (("recent_self_harm", 5), ("psychosis", 3), ("intent_with_plan", 2),
                   ("safeguarding", 2), ("not_eating_or_drinking", 1), ("referrer_flagged_crisis", 1))


def _risk(run: Run, share: float) -> tuple[str, ...]:
    if run.rng.random() >= share:
        return ()
    codes, weights = zip(*RISK_INDICATORS, strict=True)
    return (run.rng.choices(codes, weights)[0],)


def _referrer_urgency(run: Run) -> str:
    return run.rng.choices([Urgency.ROUTINE, Urgency.URGENT, Urgency.VERY_URGENT], [82, 13, 5])[0]


def _referral_arrives(run: Run, channel: str) -> Action:
    def arrive() -> None:
        now = timezone.now()
        person = _person(run)
        referrer = cap.Referrer(name="Dr Helen Shaw", role="GP", organisation=person.gp_practice.name
                                if person.gp_practice else "", ods_code="C82001")
        reason = "Low mood and anxiety for some months; asks for an assessment."
        if channel == "letter":
            referral = cap.referral_log_written(
                actor=_staff(run, "admin", now), person=person, referrer=referrer, reason=reason,
                referrer_urgency=_referrer_urgency(run), received_at=now - timedelta(minutes=5),
                risk_indicators=_risk(run, 0.12))
        elif channel == "api":
            # What the API's view calls (cap.api._receive), in its transaction; the API's
            # own tests cover its HTTP layer.
            with transaction.atomic():
                referral = cap.referral_receive(
                    actor=_staff(run, "admin", now), channel=Channel.WRITTEN, person=person, reason=reason,
                    received_at=now, referrer=referrer, referrer_urgency=_referrer_urgency(run),
                    risk_indicators=_risk(run, 0.12)).referral
        elif channel == "online":
            # What the public form's last step calls (cap.public._send).
            with transaction.atomic():
                referral = cap.referral_receive(
                    actor=None, channel=Channel.ONLINE, person=person, reason=reason,
                    referrer=cap.Referrer(name=f"{person.given_name} {person.family_name}", role="Self"),
                    contact=cap.ContactDetails(preference="phone", phone="0116 496 0999"),
                    submission_token=uuid.UUID(int=run.rng.getrandbits(128)).hex,
                    risk_indicators=_risk(run, 0.10)).referral
        else:  # a professional phones a referral in: the call handler passes it to triage
            referral = _call(run, now, person=person, caller_type=CallerType.PROFESSIONAL,
                             risk=_risk(run, 0.2)).enquiry.referral
        run.counts[f"referrals: {channel}"] += 1
        if referral is not None:
            run.world.known.append(referral.service_user_id)
    return arrive


def _call(run: Run, now: datetime, *, person: cap.PersonDetails | None = None,
          service_user: ServiceUser | None = None, caller_type: str = CallerType.SERVICE_USER,
          risk: tuple[str, ...] = ()) -> cap.CallReceipt:
    started = now - timedelta(minutes=run.rng.randint(4, 25))
    call = cap.Call(started_at=started, ended_at=now, caller_type=caller_type, nature=CallNature.CLINICAL,
                    outcome_kind=CallOutcome.PASSED_TO_TRIAGE, outcome="Passed to urgent clinical triage",
                    details="Distressed; asks to speak to a clinician.",
                    emergency_advised="intent_with_plan" in risk,
                    caller=cap.Caller(name="Caller", relationship="Self", callback_number="0116 496 0999"),
                    risk_indicators=risk)
    return cap.call_log(actor=_staff(run, "calls", now), call=call, person=person, service_user=service_user)


def _crisis_call(run: Run) -> Action:
    def call() -> None:
        now, rng = timezone.now(), run.rng
        kind = rng.choices(["triage", "advice", "appointment"], [45, 45, 10])[0]
        run.counts[f"crisis calls: {kind}"] += 1
        if kind == "triage":
            known = (ServiceUser.objects.filter(pk=rng.choice(run.world.known)).first()
                     if run.world.known and rng.random() < 0.2 else None)
            person = None if known else _person(run, identity_confirmed=rng.random() >= 0.1)
            receipt = _call(run, now, person=person, service_user=known, risk=_risk(run, 0.4))
            run.counts["crisis calls: joined an open referral"] += receipt.enquiry.joined_referral
            if receipt.enquiry.referral_id:
                run.world.known.append(receipt.enquiry.referral.service_user_id)
            return
        nature, outcome = ((CallNature.NAVIGATION_ADVICE, CallOutcome.RESOLVED) if kind == "advice"
                           else (CallNature.APPOINTMENT_CHANGE, CallOutcome.APPOINTMENT_CHANGE))
        cap.call_log(actor=_staff(run, "calls", now), call=cap.Call(
            started_at=now - timedelta(minutes=rng.randint(3, 15)), ended_at=now,
            caller_type=CallerType.SERVICE_USER, nature=nature, outcome_kind=outcome,
            outcome=("Advice and the crisis line's number" if kind == "advice"
                     else "Passed to the admin team")))
    return call


# --- The Urgent Care Hub ----------------------------------------------------------------

def _hub_arrival(run: Run) -> Action:
    def arrive() -> None:
        now, rng = timezone.now(), run.rng
        staff = _staff(run, "hub", now)
        receipt = hub.hub_arrival_record(
            actor=staff, person=_person(run, identity_confirmed=rng.random() >= 0.3),
            arrival=hub.Arrival(arrived_at=now - timedelta(minutes=rng.randint(0, 10)),
                                route=rng.choice(ArrivalRoute.values), presenting_concern="In crisis."))
        run.counts["hub arrivals"] += 1
        waits = timedelta(minutes=rng.choice([15, 30, 45, 60, 75]) + (60 if rng.random() < 0.06 else 0))
        run.later(now + waits, _hub_assessment(run, receipt.arrival.pk))
    return arrive


HUB_OUTCOMES = ((HubOutcome.ADMITTED, 10), (HubOutcome.HOME_TREATMENT, 20), (HubOutcome.SECONDARY_CARE, 20),
                (HubOutcome.SAFETY_PLAN, 35), (HubOutcome.COMMUNITY_SUPPORT, 15))


def _hub_assessment(run: Run, arrival_pk: int) -> Action:
    def assess() -> None:
        now, rng = timezone.now(), run.rng
        arrival = HubArrival.objects.get(pk=arrival_pk)
        hub.hub_assessment_start(actor=_staff(run, "hub", now), arrival=arrival)
        takes = timedelta(minutes=rng.randint(30, 70))
        codes, weights = zip(*HUB_OUTCOMES, strict=True)
        outcome = rng.choices(codes, weights)[0]

        def complete() -> None:
            hub.hub_assessment_complete(actor=_staff(run, "hub", timezone.now()), arrival=arrival,
                                        completed_at=timezone.now(), outcome=outcome, notes="Assessed.")
            run.counts["hub assessments"] += 1
        run.later(now + takes, lambda: run.attempt("hub assessment complete", complete))
    return lambda: run.attempt("hub assessment start", assess)


# --- Triage ---------------------------------------------------------------------------

def _age(referral: Referral) -> int | None:
    return referral.service_user.age_on(timezone.localdate())


def _routine_stream(run: Run, age: int | None) -> str:
    if age is not None and age < 18:
        return Stream.CAMHS
    if age is not None and age >= 65:
        return run.rng.choices([Stream.MHSOP, Stream.MHSOP_MEMORY], [60, 40])[0]
    return run.rng.choices([Stream.AMH, Stream.LD, Stream.SPECIALIST, Stream.MIXED], [80, 7, 8, 5])[0]


def crisis_stream(age: int | None) -> str:
    if age is not None and age < 18:
        return Stream.CAMHS
    return Stream.MHSOP if age is not None and age >= 65 else Stream.AMH


URGENCY_REVIEWED = {  # what the clinician decides, given the intake's most urgent signal
    Urgency.EMERGENCY: ([Urgency.EMERGENCY, Urgency.VERY_URGENT], [60, 40]),
    Urgency.VERY_URGENT: ([Urgency.VERY_URGENT, Urgency.URGENT, Urgency.ROUTINE], [60, 30, 10]),
    Urgency.URGENT: ([Urgency.VERY_URGENT, Urgency.URGENT, Urgency.ROUTINE], [10, 55, 35]),
    Urgency.ROUTINE: ([Urgency.VERY_URGENT, Urgency.URGENT, Urgency.ROUTINE], [2, 6, 92]),
}


def decision_for(run: Run, referral: Referral) -> triage.Decision:
    """What the clinician decides: the urgency from the intake's signals, the stream from the
    person's age and needs, the outcome in the proportions above."""
    rng, age = run.rng, _age(referral)
    choices, weights = URGENCY_REVIEWED[triage.intake_urgency(referral) or Urgency.ROUTINE]
    urgency = rng.choices(choices, weights)[0]
    confirm = age is None or age < 18
    if urgency == Urgency.EMERGENCY:
        return triage.Decision(urgency=urgency, outcome=DecisionOutcome.EMERGENCY_SERVICES,
                               rationale="Immediate risk to life: 999.")
    if urgency != Urgency.ROUTINE:
        return triage.Decision(urgency=urgency, outcome=DecisionOutcome.ASSESSMENT, stream=crisis_stream(age),
                               rationale="Crisis: urgent face-to-face assessment.",
                               confirm_age_stream=confirm)
    asked = InformationRequest.objects.filter(referral=referral).exists()
    outcome = rng.choices(["assessment", "route_external", "information_request"],
                          [55, 35, 0 if asked else 10])[0]
    if outcome == "route_external":
        return triage.Decision(urgency=urgency, outcome=DecisionOutcome.ROUTE_EXTERNAL,
                               external_agency="Leicester Talking Therapies",
                               rationale="Talking therapies meet the need.")
    if outcome == "information_request":
        return triage.Decision(urgency=urgency, outcome=DecisionOutcome.INFORMATION_REQUEST,
                               information_from="gp", information_needed="Current medication and history.",
                               rationale="Cannot decide without the medication history.")
    return triage.Decision(urgency=urgency, outcome=DecisionOutcome.ASSESSMENT,
                           stream=_routine_stream(run, age),
                           setting=rng.choices(["clinic", "home"], [85, 15])[0],
                           rationale="Structured assessment with the aligned team.",
                           confirm_age_stream=confirm)


def _waiting_for_information() -> Q:
    return Q(information_requests__received_at__isnull=True, information_requests__isnull=False)


def triage_next(run: Run, actor: User) -> bool:
    """The routine triage clinician claims the referral at the head of the non-urgent
    queue (most at risk first) that no one else has claimed and that is not waiting for
    information, and decides it."""
    now = timezone.now()
    referral = (triage_selectors.non_urgent_queue().exclude(claim__expires_at__gt=now)
                .exclude(_waiting_for_information()).first())
    return referral is not None and triage_one(run, referral, actor)


def triage_one(run: Run, referral: Referral, actor: User) -> bool:
    now = timezone.now()

    def decide() -> None:
        triage.claim_referral(actor=actor, referral=referral, now=now)
        decision = decision_for(run, referral)
        triage.triage_decision_record(actor=actor, referral=referral, decision=decision)
        run.counts[f"triage: {decision.outcome} {decision.urgency}"] += 1
        if decision.outcome == DecisionOutcome.INFORMATION_REQUEST:
            run.later(now + timedelta(hours=run.rng.randint(3, 30)), _information_arrives(run, referral.pk))
    run.attempt("triage decision", decide)
    return True


def _information_arrives(run: Run, referral_pk: int) -> Action:
    def arrive() -> None:
        for request in InformationRequest.objects.filter(referral_id=referral_pk, received_at__isnull=True):
            triage.information_received(actor=_staff(run, "admin", timezone.now()), request=request,
                                        response="Medication list and history attached.")
    return lambda: run.attempt("information received", arrive)


# --- Urgent assessments -----------------------------------------------------------------

CRISIS_LEAD = timedelta(minutes=30)  # travel, and time to agree it with the person


def _quarter_ceiling(instant: datetime) -> datetime:
    instant = instant.replace(second=0, microsecond=0)
    return instant + timedelta(minutes=(-instant.minute) % 15)


def _earliest_start(nurse: CrisisNurse, earliest: datetime) -> datetime | None:
    """The nurse's first 90 minutes inside a shift from `earliest`, within two days."""
    earliest = max(earliest, nurse.free_from or earliest)
    today = timezone.localtime(earliest).date()
    for day in (today - timedelta(days=1), today, today + timedelta(days=1), today + timedelta(days=2)):
        if day.weekday() not in nurse.weekdays:
            continue
        opens = timezone.make_aware(datetime.combine(day, nurse.shift[0]))
        closes = timezone.make_aware(datetime.combine(day, nurse.shift[1]))
        start = _quarter_ceiling(max(opens, earliest))
        if start + scheduling.CRISIS_ASSESSMENT <= closes:
            return start
    return None


def crisis_assessment_arrange(run: Run, referral: Referral, actor: User) -> None:
    """Urgent triage books the crisis assessment with the crisis nurse of the stream who
    can go soonest (their diary, as the clinician reads it), the database refusing a
    double booking. The crisis nurse records its outcome at its end."""
    now = timezone.now()
    stream = triage.crisis_assessment_stream(referral)
    nurses = [n for n in run.world.crisis_nurses if n.stream == stream]
    for _ in range(4):
        offers = [(start, n) for n in nurses if (start := _earliest_start(n, now + CRISIS_LEAD))]
        if not offers:
            break
        start, nurse = min(offers, key=lambda offer: offer[0])
        try:
            action = triage.urgent_action_record(
                actor=actor, referral=referral, kind=UrgentAction.Kind.CRISIS_ASSESSMENT_ARRANGED,
                practitioner=nurse.practitioner, when=start, place="home")
        except DomainError:
            run.counts["refused: crisis assessment time"] += 1
            nurse.free_from = start + timedelta(minutes=15)
            continue
        nurse.free_from = start + scheduling.CRISIS_ASSESSMENT + timedelta(minutes=15)
        assert action.booking is not None
        run.later(action.booking.ends_at + timedelta(minutes=10),
                  _crisis_assessment_done(run, action.booking.pk))
        run.counts["crisis assessments arranged"] += 1
        run.tried_arranging.pop(referral.pk, None)
        return
    run.counts["crisis assessment: no nurse free"] += 1
    run.tried_arranging[referral.pk] = now


CRISIS_OUTCOMES = ((CrisisOutcome.HOME_TREATMENT, 30), (CrisisOutcome.FURTHER_ASSESSMENT, 25),
                   (CrisisOutcome.SELF_MANAGEMENT, 25), (CrisisOutcome.ROUTED, 10),
                   (CrisisOutcome.ADMISSION, 10))


def _crisis_assessment_done(run: Run, booking_pk: int) -> Action:
    def done() -> None:
        booking = Booking.objects.select_related("referral").get(pk=booking_pk)
        if booking.status != BookingStatus.BOOKED:
            return  # arranged again meanwhile
        codes, weights = zip(*CRISIS_OUTCOMES, strict=True)
        outcome = run.rng.choices(codes, weights)[0]
        triage.urgent_action_record(
            actor=_staff(run, "urgent", timezone.now()), referral=booking.referral,
            kind=UrgentAction.Kind.ASSESSMENT_COMPLETED, when=booking.starts_at,
            notes="Assessed at home with the family; findings recorded.",
            outcome=triage.Outcome(outcome=outcome, agency="Turning Point Leicester",
                                   safety_plan="Call the crisis line; stay with her sister tonight."))
        run.counts[f"crisis assessments: {outcome}"] += 1
    return lambda: run.attempt("crisis assessment completed", done)


def urgent_desk_next(run: Run, actor: User) -> bool:
    """The urgent triage clinician takes the most at-risk referral on the 24/7 queue that
    needs them: a triage decision nobody else holds and that is not waiting for
    information, or a crisis assessment to arrange. The hub's own arrivals are the hub
    staff's. The referrals waiting for an assessment already booked are on the queue too,
    and most at risk: the clinician passes over them, however many there are. One whose
    crisis team has no nurse free within two days waits an hour before the desk tries it
    again, and the desk goes on to the next (another stream's team may have a nurse free)."""
    now = timezone.now()
    retry = now - ARRANGE_RETRY
    skipped = [pk for pk, at in run.tried_arranging.items() if at > retry]
    referral = _urgent_desk_view(now).exclude(pk__in=skipped).first()
    if referral is None:
        return False
    if referral.status == ReferralStatus.AWAITING_TRIAGE:
        return triage_one(run, referral, actor)
    run.attempt("crisis assessment arranged", lambda: crisis_assessment_arrange(run, referral, actor))
    return True


ARRANGE_RETRY = timedelta(hours=1)


def _urgent_desk_view(now: datetime) -> QuerySet[Referral]:
    """The urgent queue's rows that need the desk, in the queue's order: awaiting triage,
    not held by another clinician and not waiting for information; or decided for a
    crisis assessment (the stream of the latest assessment decision, as
    triage.services.crisis_assessment_stream reads it) that is not booked. One query: the
    desk looks at its queue hundreds of times a day."""
    stream = (TriageDecision.objects.filter(referral=OuterRef("pk"), outcome=DecisionOutcome.ASSESSMENT)
              .order_by("-decided_at", "-pk").values("stream")[:1])
    claimed = Exists(TriageClaim.objects.filter(referral=OuterRef("pk"), expires_at__gt=now))
    waiting = Exists(InformationRequest.objects.filter(referral=OuterRef("pk"), received_at__isnull=True))
    booked = Exists(Booking.objects.filter(referral=OuterRef("pk"), kind=BookingKind.CRISIS,
                                           status=BookingStatus.BOOKED))
    to_triage = Q(status=ReferralStatus.AWAITING_TRIAGE, claimed=False, waiting=False)
    to_arrange = Q(status=ReferralStatus.AWAITING_URGENT_ASSESSMENT, booked=False) & ~Q(crisis_stream="")
    return (triage_selectors.urgent_queue()
            .alias(claimed=claimed, waiting=waiting, booked=booked,
                   crisis_stream=Coalesce(Subquery(stream), Value("")))
            .filter(to_triage | to_arrange))


# --- The admin team: booking, rebooking, outcomes -----------------------------------------

def admin_next(run: Run, actor: User) -> bool:
    """An admin's next task: first a booked assessment a practitioner can no longer do
    (rebooked with the person), then the head of the booking queue (most at risk first).
    Someone with nothing within their target is on the slot issues list; the admin comes
    back to them a day later."""
    now = timezone.now()
    retry = now - timedelta(days=1)
    refused = [pk for pk, at in run.tried_rebooking.items() if at > retry]
    for booking in scheduling_selectors.bookings_to_rearrange(now).exclude(pk__in=refused)[:5]:
        if booking.kind == BookingKind.STRUCTURED:
            # A rebooking refused (the person meanwhile assessed in a crisis, say) is left
            # for a day: the admin goes on to the queue rather than trying it at every turn.
            if not run.attempt("rebook", lambda b=booking: _rebook(run, actor, b, "service",
                                                                    "The practitioner is away")):
                run.tried_rebooking[booking.pk] = now
            return True
    skipped = [pk for pk, at in run.tried_booking.items() if at > retry]
    referral = _booking_queue_head(skipped)
    if referral is None:
        return False
    run.tried_booking[referral.pk] = now
    return run.attempt("booking", lambda: _book(run, actor, referral))


def _booking_queue_head(skipped: list[int]) -> Referral | None:
    """The head of the booking queue: scheduling.selectors.booking_queue's rows in its
    order (triage.selectors.with_next_due), without the columns its page shows. The admin
    team reads the head hundreds of times a day, and the page's twenty subqueries take
    longer to plan than to run."""
    return (with_next_due(Referral.objects.filter(status=ReferralStatus.AWAITING_BOOKING))
            .exclude(pk__in=skipped).select_related("service_user__gp_practice").first())


def _pick(run: Run, options: list[finder.Option]) -> finder.Option:
    """The person agrees the first time offered, or the second or third."""
    return options[min(run.rng.choices([0, 1, 2], [70, 20, 10])[0], len(options) - 1)]


def _book(run: Run, actor: User, referral: Referral) -> None:
    search = scheduling.options_for(referral=referral)
    if search.none_within_target:
        run.counts["slot issues: none within target"] += 1
    if not search.options:
        return
    option = _pick(run, search.options)
    booking = scheduling.booking_create(actor=actor, referral=referral, option_id=option.id)
    run.counts["structured assessments booked"] += 1
    run.tried_booking.pop(referral.pk, None)
    _booking_follow_up(run, booking)


def _rebook(run: Run, actor: User, booking: Booking, by: str, reason: str) -> None:
    search = scheduling.options_for(referral=booking.referral)
    if not search.options:
        scheduling.booking_cancel(actor=actor, booking=booking, by=by, reason=reason)
        run.counts["cancelled, no time to rebook"] += 1
        return
    new = scheduling.booking_rebook(actor=actor, booking=booking, option_id=search.options[0].id, by=by,
                                    reason=reason)
    run.counts[f"rebooked: by the {by}"] += 1
    _booking_follow_up(run, new)


def _booking_follow_up(run: Run, booking: Booking) -> None:
    """What will happen to the booking: the person cancels beforehand (8%), or the
    practitioner records at its end whether they attended (10% did not)."""
    now = timezone.now()
    if run.rng.random() < 0.08 and booking.starts_at - now > timedelta(hours=4):
        when = now + (booking.starts_at - now) * run.rng.random() * 0.9
        run.later(when, lambda: run.attempt("cancel", lambda: _person_cancels(run, booking.pk)))
        return
    run.later(booking.ends_at + timedelta(minutes=20),
              lambda: run.attempt("attendance", lambda: _attendance(run, booking.pk)))


def _person_cancels(run: Run, booking_pk: int) -> None:
    booking = Booking.objects.get(pk=booking_pk)
    if booking.status != BookingStatus.BOOKED:
        return
    scheduling.booking_cancel(actor=_staff(run, "admin", timezone.now()), booking=booking, by="person",
                              reason="Cannot make that day: work")
    run.counts["cancelled by the person"] += 1


def _attendance(run: Run, booking_pk: int) -> None:
    booking = Booking.objects.get(pk=booking_pk)
    if booking.status != BookingStatus.BOOKED:
        return  # rebooked or cancelled meanwhile
    actor = _staff(run, "admin", timezone.now())
    if run.rng.random() < 0.10:
        scheduling.booking_did_not_attend(actor=actor, booking=booking)
        run.counts["structured assessments: did not attend"] += 1
    else:
        scheduling.booking_attended(actor=actor, booking=booking)
        run.counts["structured assessments: attended"] += 1


# --- Care coordinators ------------------------------------------------------------------

# The chance, each working morning, that a team names the care coordinator of someone
# handed over to it: within 5 working days for about 19 in 20 (1 - 0.55 ** 5), and for
# about 2 in 3 in the team short of staff.
COORDINATOR_NAMED_A_DAY = 0.45
COORDINATOR_NAMED_A_DAY_SHORT_STAFFED = 0.2


def coordinators_named(run: Run) -> None:
    """The teams' morning: for each person handed over to a team and still without a care
    coordinator, the team's manager may name one of the team's practitioners
    (careplans.services.care_coordinator_name, what the episode page calls)."""
    today, rng = timezone.localdate(), run.rng
    if today.weekday() >= 5:
        return
    manager = run.world.staff["manager"][0]
    waiting = list(Episode.objects.open().filter(care_coordinator__isnull=True, opened_on__lt=today)
                   .select_related("team").order_by("opened_on", "pk"))
    members: dict[int, list[Practitioner]] = {}
    for episode in waiting:
        short = episode.team.specialty == SHORT_STAFFED_STREAM
        if rng.random() >= (COORDINATOR_NAMED_A_DAY_SHORT_STAFFED if short else COORDINATOR_NAMED_A_DAY):
            continue
        if episode.team_id not in members:
            members[episode.team_id] = list(Practitioner.objects.filter(teams=episode.team_id).order_by("pk"))
        if not members[episode.team_id]:
            continue
        practitioner = rng.choice(members[episode.team_id])

        def name(e: Episode = episode, p: Practitioner = practitioner) -> None:
            careplans.care_coordinator_name(actor=manager, episode=e, practitioner=p)
        if run.attempt("care coordinator named", name):
            run.counts["care coordinators named"] += 1


# --- Leave and sickness -------------------------------------------------------------------

def leave_record(*, actor: User, practitioner: Practitioner, kind: str, first_day: date, days: int,
                 note: str) -> DiaryException | None:
    """Leave or sickness as the diary pages record it (bookings_to_rearrange then finds
    the assessments it clashes with). None when the practitioner is already away on one
    of those days: the service refuses a second absence over the first, as the page would."""
    try:
        return scheduling.diary_absence_record(actor=actor, practitioner=practitioner, kind=kind,
                                               first_day=first_day, days=days, note=note)
    except Invalid:
        return None


def absence_recorded(run: Run) -> None:
    """A morning's sickness calls, and leave recorded late over booked assessments."""
    today, rng = timezone.localdate(), run.rng
    if today.weekday() >= 5:
        return
    manager = run.world.staff["manager"][0]
    for practitioner in run.world.practitioners:
        if rng.random() < 0.015:
            leave_record(actor=manager, practitioner=practitioner, kind="sickness", first_day=today,
                         days=rng.randint(1, 3), note="Off sick")
            run.counts["sickness"] += 1
        elif rng.random() < 0.003:
            leave_record(actor=manager, practitioner=practitioner, kind="leave",
                         first_day=today + timedelta(days=rng.randint(7, 14)), days=5, note="Leave")
            run.counts["leave recorded late"] += 1


# --- The breach watcher -----------------------------------------------------------------

def watcher_tick(now: datetime) -> int:
    """The watcher runs every minute: a scan with nothing due writes only its heartbeat,
    so the simulation runs it at each instant something happens when something is due
    (and every hour), which raises the same alerts at the same minutes. Whether anything
    is due is one query: it is asked before every event."""
    with connection.cursor() as cursor:
        cursor.execute(WATCHER_DUE_SQL.format(schedule=AlertSchedule._meta.db_table,
                                              alerts=BreachAlert._meta.db_table), [now, now])
        due = cursor.fetchone()[0]
    return triage.scan_breaches(now=now) if due else 0


# A first alert due (at risk, or breached), or a repeat of an unacknowledged one.
WATCHER_DUE_SQL = """SELECT EXISTS (SELECT 1 FROM {schedule} WHERE next_alert_at <= %s)
    OR EXISTS (SELECT 1 FROM {alerts} WHERE next_repeat_at <= %s)"""
