"""How a triage worklist is sorted, filtered and paged from its address (GET parameters),
so a refresh, a bookmark and the pagination links all show the same list.

A parameter of any shape is harmless: one that is not a known choice is ignored (the
default applies), and an impossible page number shows the nearest page."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery

from cap.models import Referral, ReferralStatus
from careplans.models import Episode
from core.lists import ListFilterForm
from scheduling.models import Team
from triage.models import Stream, TriageDecision, Urgency

# The order of each sort choice. "Due first" is the default and the one that keeps a
# worklist most-at-risk-first: the earliest due instant, none running last.
ORDERINGS = {
    "due": (F("next_due_at").asc(nulls_last=True), "received_at", "pk"),
    "received": ("received_at", "pk"),
    "name": ("service_user__family_name", "service_user__given_name", "pk"),
}
SORT_CHOICES = [("due", "Due first"), ("received", "Received first"), ("name", "Last name")]
# The states a referral on a triage queue may be in.
STATE_CHOICES = [(s.value, s.label) for s in (ReferralStatus.AWAITING_TRIAGE,
                                              ReferralStatus.AWAITING_URGENT_ASSESSMENT,
                                              ReferralStatus.REDIRECTED_CHILDREN_HUB)]


class WorklistFilterForm(ListFilterForm):
    """The worklist's sort and filters; `queue_choices` are the queues the clinician works
    (slug, title)."""

    queue = forms.ChoiceField(label="Queue", required=False)
    state = forms.ChoiceField(label="State", required=False, choices=[("", "Any state"), *STATE_CHOICES])
    stream = forms.ChoiceField(label="Stream", required=False)
    team = forms.ChoiceField(label="Team", required=False)
    sort = forms.ChoiceField(label="Sort by", required=False, choices=SORT_CHOICES)

    def __init__(self, data, *, queue_choices: list[tuple[str, str]]):
        super().__init__(data)
        self.set_choices("stream", [("", "Any stream"), *Stream.choices])
        self.set_choices("team", [("", "Any team"), *((str(pk), name) for pk, name in
                                                      Team.objects.values_list("pk", "name"))])
        self.set_choices("queue", [("", "All my queues"), *queue_choices])
        if not queue_choices:
            del self.fields["queue"]


class BookingListFilterForm(ListFilterForm):
    """The sort and filters of a list of people triaged for assessment (the booking queue,
    everyone under the CAP, the slot issues). The stream and the urgency are those of the
    referral's latest triage decision; `with_urgency` is False where the list does not
    offer that filter."""

    stream = forms.ChoiceField(label="Stream", required=False, choices=[("", "All streams"), *Stream.choices])
    urgency = forms.ChoiceField(label="Urgency", required=False,
                                choices=[("", "Any urgency"), *Urgency.choices])
    sort = forms.ChoiceField(label="Sort by", required=False, choices=SORT_CHOICES)

    def __init__(self, data, *, with_urgency: bool = True):
        super().__init__(data)
        if not with_urgency:
            del self.fields["urgency"]


@dataclass(frozen=True)
class Listing:
    page: Page
    chosen: dict[str, str]
    query: str  # the chosen parameters, urlencoded, for the pagination links

    @property
    def sort(self) -> str:
        return self.chosen.get("sort", "due")


def listing(queryset: QuerySet[Referral], chosen: dict[str, str], page_number: str | None,
            per_page: int) -> Listing:
    """One page of `queryset` filtered by state (and by the stream and urgency annotated
    from the latest triage decision, where chosen) and in the chosen order. The queue
    filter is the caller's (it decides which queues the queryset covers)."""
    if state := chosen.get("state"):
        queryset = queryset.filter(status=state)
    if stream := chosen.get("stream"):
        # The booking lists annotate each referral's stream already; a triage queue does not.
        queryset = (queryset.filter(stream=stream) if "stream" in queryset.query.annotations
                    else _in_stream(queryset, stream))
    if urgency := chosen.get("urgency"):
        queryset = queryset.filter(urgency=urgency)
    if team := chosen.get("team"):
        queryset = queryset.filter(_with_team(int(team)))
    queryset = queryset.order_by(*ORDERINGS[chosen.get("sort", "due")])
    page = Paginator(queryset, per_page).get_page(page_number)
    return Listing(page=page, chosen=chosen, query=urlencode(chosen))


def _in_stream(queryset: QuerySet[Referral], stream: str) -> QuerySet[Referral]:
    """The referrals of `queryset` in `stream`: the one each referral's latest triage
    decision chose (suggested while triage goes on, decided once it streams it for
    assessment). Read for the rows of the queue alone, not the whole table."""
    latest = TriageDecision.objects.filter(referral=OuterRef("pk")).order_by("-decided_at", "-pk")
    return queryset.annotate(latest_stream=Subquery(latest.values("stream")[:1])).filter(latest_stream=stream)


def _with_team(team_id: int) -> Q:
    """A referral's team, where it has one: the team a triage decision routed it to, or a
    team that has the person on its caseload (an open episode of care)."""
    return Q(Exists(TriageDecision.objects.filter(referral=OuterRef("pk"), existing_team_id=team_id))
             | Exists(Episode.objects.open().filter(service_user=OuterRef("service_user"),
                                                    team_id=team_id)))
