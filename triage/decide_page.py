"""What the triage clinician reads at the top of the decide page, before deciding: the
clock that is running, who the person is, whether services already know them, the call
that brought them, and their earlier contacts. Read in a fixed number of queries, however
long the person's history."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from cap import selectors as cap_selectors
from cap.models import Enquiry, Referral, ServiceUser

from .models import WaitTarget
from .presenters import duration_text

# Enough earlier contacts to see a pattern (a fourth call this month); the person's page
# and the calls list show the rest.
EARLIER_CONTACTS_SHOWN = 10


@dataclass(frozen=True)
class Clock:
    """One running wait target at one instant."""

    name: str
    due_at: datetime
    time_left: str  # "3 h 20 min" or "Overdue by 25 min"
    state: str  # "breached", "at_risk" or "running"

    @classmethod
    def of(cls, target: WaitTarget, now: datetime) -> "Clock":
        seconds = (target.due_at - now).total_seconds()
        # Due at 12:00 is met at 12:00: breached only after it (WaitTarget.state).
        if seconds < 0:
            return cls(target.definition.name, target.due_at,
                       f"Overdue by {duration_text(int(-seconds // 60))}", "breached")
        at_risk = target.at_risk_at is not None and target.at_risk_at <= now
        return cls(target.definition.name, target.due_at, f"{duration_text(int(seconds // 60))} left",
                   "at_risk" if at_risk else "running")


@dataclass(frozen=True)
class EarlierContact:
    """An earlier referral or call of the person, newest first on the page."""

    kind: str  # "Referral" or "Call"
    reference: str
    at: datetime
    what: str
    url_name: str
    pk: int


@dataclass(frozen=True)
class DecidePage:
    clocks: list[Clock]  # the one due first, first
    person: ServiceUser  # with open_episodes and open_referrals (cap.selectors.with_open_care)
    other_open_referrals: list[Referral]
    calls: list[Enquiry]  # the calls that created or joined this referral
    earlier_contacts: list[EarlierContact]

    @property
    def clock(self) -> Clock | None:
        return self.clocks[0] if self.clocks else None

    @property
    def known_to_services(self) -> bool:
        return bool(self.person.open_episodes or self.other_open_referrals)


def decide_page_for(referral: Referral, now: datetime) -> DecidePage:
    """Seven queries: targets, the person and their open care (three), this referral's
    calls, and the person's earlier referrals and calls."""
    targets = (WaitTarget.objects.running().filter(referral=referral)
               .select_related("definition").order_by("due_at", "pk"))
    person = cap_selectors.with_open_care(ServiceUser.objects.filter(pk=referral.service_user_id)).get()
    calls = list(cap_selectors.calls_about(referral))
    return DecidePage(
        clocks=[Clock.of(target, now) for target in targets], person=person,
        other_open_referrals=[r for r in person.open_referrals if r.pk != referral.pk],
        calls=calls, earlier_contacts=_earlier_contacts(referral, person, {c.pk for c in calls}),
    )


def _earlier_contacts(referral: Referral, person: ServiceUser, shown_calls: set[int]) -> list[EarlierContact]:
    referrals: QuerySet[Referral] = (Referral.objects.filter(service_user=person).exclude(pk=referral.pk)
                                     .order_by("-received_at", "-pk")[:EARLIER_CONTACTS_SHOWN])
    calls: QuerySet[Enquiry] = (Enquiry.objects.filter(service_user=person).exclude(pk__in=shown_calls)
                                .order_by("-received_at", "-pk")[:EARLIER_CONTACTS_SHOWN])
    contacts = [
        *(EarlierContact("Referral", r.reference, r.received_at,
                         f"{r.get_channel_display()}, {r.get_status_display().lower()}",
                         "cap:referral", r.pk) for r in referrals),
        *(EarlierContact("Call", c.reference, c.received_at,
                         f"{c.get_nature_display()}, {c.get_outcome_kind_display().lower()}",
                         "cap:call", c.pk) for c in calls),
    ]
    contacts.sort(key=lambda c: (c.at, c.pk), reverse=True)
    return contacts[:EARLIER_CONTACTS_SHOWN]
