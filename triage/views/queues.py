"""The triage queues: the 24/7 urgent queue, the non-urgent queue and the specific
queues of their own clinician groups, each ordered by time left before breach, and
claiming a referral so two clinicians never work the same one unknowingly."""

from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cap.models import Referral, SpecificQueue, TriageQueue
from core.audit import record_access_log_many
from core.errors import DomainError
from core.formatting import clock_time, date_and_time, nhs_number
from core.lists import REFRESH_SECONDS, is_refresh
from core.permissions import permission_required

from .. import selectors, services, worklists
from ..models import Urgency
from ..presenters import due_state, row_flags

# A queue page shows the rows closest to breach; more than this is a staffing
# problem the dashboard shows, not a list anyone reads to the end.
QUEUE_LIMIT = 50


@dataclass(frozen=True)
class Queue:
    slug: str
    title: str
    description: str
    url_name: str
    permissions: tuple[str, ...]  # any of them
    rows: object  # a selector: (limit=None) -> QuerySet
    code: str = ""  # its cap.models.TriageQueue value


# The urgent and non-urgent queues (and the worklist, their heads) show everyone waiting
# for triage: for those who triage (clinicians and their specific groups) and the managers
# who oversee the waits, not for every role that reads a referral.
TRIAGE_QUEUES = ("triage.record_triage_decision", "triage.view_wait_dashboard")

QUEUES = {
    "urgent": Queue(
        "urgent", "Urgent triage queue",
        "Urgent referrals waiting for triage, and those waiting for their crisis assessment, "
        "the one closest to breaching its wait target first.",
        "queues:urgent", TRIAGE_QUEUES, selectors.urgent_queue,
        code=TriageQueue.URGENT),
    "non-urgent": Queue(
        "non-urgent", "Non-urgent triage queue",
        "Referrals waiting for triage, the one closest to breaching its wait target first.",
        "queues:non_urgent", TRIAGE_QUEUES, selectors.non_urgent_queue,
        code=TriageQueue.NON_URGENT),
    SpecificQueue.EATING_DISORDERS: Queue(
        "eating-disorders", "Eating disorders triage queue",
        "Referrals for the eating disorders triage group, the one closest to breaching first.",
        "queues:eating_disorders", ("triage.work_eating_disorders_queue",),
        partial(selectors.specific_queue, SpecificQueue.EATING_DISORDERS),
        code=TriageQueue.EATING_DISORDERS),
    SpecificQueue.NURSING_HOME_IN_REACH: Queue(
        "nursing-home-in-reach", "Nursing home in-reach triage queue",
        "Referrals for the nursing home in-reach triage group, the one closest to breaching first.",
        "queues:nursing_home_in_reach", ("triage.work_nursing_home_in_reach_queue",),
        partial(selectors.specific_queue, SpecificQueue.NURSING_HOME_IN_REACH),
        code=TriageQueue.NURSING_HOME_IN_REACH),
    "children-hub": Queue(
        "children-hub", "Children's hub handoff queue",
        "Under-18s redirected to the children's triage and navigation hub, waiting for the hub "
        "to accept them or return them to CAP triage, the one closest to breaching its "
        "handoff target first. Record the hub's answer when it comes.",
        "queues:children_hub", ("cap.work_children_hub_handoff",), selectors.children_hub_queue,
        code=TriageQueue.CHILDREN_HUB),
}


# --- Presenting a row ----------------------------------------------------------------
# The rows are formatted here, once, rather than with template tags in each cell: a
# queue page renders up to QUEUE_LIMIT rows and must stay well under 50 ms.

URGENCY_LABELS = dict(Urgency.choices)
_PK = 987654321  # reversed once per page, then replaced by each row's pk


class RowLinks:
    """Each row's URLs from one reverse() per URL name and page."""

    def __init__(self):
        self._patterns = {name: reverse(name, args=[_PK]) for name in
                          ("cap:referral", "triage:decide", "queues:claim", "queues:release",
                           "cap:children_hub_response")}

    def __call__(self, name: str, pk: int) -> str:
        return self._patterns[name].replace(str(_PK), str(pk))


@dataclass(frozen=True)
class QueueRow:
    """One referral as a queue shows it, at one instant, to one clinician."""

    referral: Referral
    age: int | None
    nhs_number: str
    received: str
    due_target: str
    due: str
    time_left: str
    overdue: bool
    at_risk: bool
    flags: tuple[tuple[str, str], ...]  # (label, NHS.UK tag colour)
    claimed_by: str
    claimed_until: str
    mine: bool
    claimable: bool
    suggested: str
    url: str
    decide_url: str
    claim_url: str
    release_url: str
    hub_response_url: str

    @classmethod
    def of(cls, referral: Referral, now: datetime, user, links: RowLinks, today: date) -> "QueueRow":
        due = date_and_time(referral.next_due, weekday=True, short=True) if referral.next_due else ""
        state = due_state(referral.next_due, getattr(referral, "at_risk_at", None), now)
        claim = getattr(referral, "claim", None)
        live = claim is not None and claim.active(now)
        mine = live and claim.clinician_id == user.pk
        claimant = ""
        if live:
            claimant = "You" if mine else (claim.clinician.get_full_name()
                                           or claim.clinician.get_username())
        pk = referral.pk
        person = referral.service_user
        return cls(
            referral=referral, age=person.age_on(today), nhs_number=nhs_number(person.nhs_number),
            received=date_and_time(referral.received_at, weekday=True, short=True),
            due_target=getattr(referral, "due_target", None) or "", due=due,
            time_left=state.time_left, overdue=state.overdue, at_risk=state.at_risk,
            flags=row_flags(referral), claimed_by=claimant,
            claimed_until=clock_time(claim.expires_at) if live else "",
            mine=mine, claimable=not live or mine,
            suggested=URGENCY_LABELS.get(referral.suggested_urgency, ""),
            url=links("cap:referral", pk), decide_url=links("triage:decide", pk),
            claim_url=links("queues:claim", pk), release_url=links("queues:release", pk),
            hub_response_url=links("cap:children_hub_response", pk),
        )


def rows_of(referrals, now: datetime, user) -> list[QueueRow]:
    """The rows of a page of referrals, with one reverse() per URL name for the page."""
    links, today = RowLinks(), timezone.localtime(now).date()
    return [QueueRow.of(r, now, user, links, today) for r in referrals]


def worklist_context(request, queues: list[Queue], *, per_page: int, choose_queue: bool) -> dict:
    """A sorted, filtered page of the referrals of `queues` (the clinician's choice of
    them when `choose_queue`), its rows, and what its table and filters show. The
    people shown are logged as read, once per page shown (a refresh is a read again)."""
    now = timezone.now()
    form = worklists.WorklistFilterForm(
        request.GET, queue_choices=[(q.slug, q.title) for q in queues] if choose_queue else [])
    chosen = form.chosen()
    shown = [q for q in queues if q.slug == chosen["queue"]] if chosen.get("queue") else queues
    listing = worklists.listing(selectors.triage_queues([q.code for q in shown]), chosen,
                                request.GET.get("page"), per_page)
    rows = rows_of(listing.page.object_list, now, request.user)
    return {"rows": rows, "page": listing.page, "query": listing.query, "filters": form,
            "chosen": chosen, "now": now, "refresh_seconds": REFRESH_SECONDS,
            "here": request.get_full_path(),
            "can_decide": request.user.has_perm("triage.record_triage_decision"),
            "can_record_hub_response": request.user.has_perm("cap.work_children_hub_handoff")}


# --- Views ---------------------------------------------------------------------------

def _queue_page(request, queue: Queue):
    if not _may_work(request.user, queue):
        raise PermissionDenied
    context = worklist_context(request, [queue], per_page=QUEUE_LIMIT, choose_queue=False)
    # The page refreshes itself: each refresh shows the people again, and is logged again.
    record_access_log_many(actor=request.user, view=queue.title,
                           service_users=[(row.referral.service_user, row.referral)
                                          for row in context["rows"]])
    context.update({"queue": queue, "queues": visible_queues(request.user)})
    if is_refresh(request):
        return render(request, "triage/_queue_table.html", context)
    return render(request, "triage/queue.html", context)


def visible_queues(user) -> list[Queue]:
    return [q for q in QUEUES.values() if _may_work(user, q)]


def _may_work(user, queue: Queue) -> bool:
    return any(user.has_perm(p) for p in queue.permissions)


def urgent(request):
    return _queue_page(request, QUEUES["urgent"])


def non_urgent(request):
    return _queue_page(request, QUEUES["non-urgent"])


def eating_disorders(request):
    return _queue_page(request, QUEUES[SpecificQueue.EATING_DISORDERS])


def nursing_home_in_reach(request):
    return _queue_page(request, QUEUES[SpecificQueue.NURSING_HOME_IN_REACH])


@permission_required("cap.work_children_hub_handoff")
def children_hub(request):
    return _queue_page(request, QUEUES["children-hub"])


def _back(request):
    """Back to the queue the form was on; anywhere else falls back to the urgent queue."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return redirect(target)
    return redirect(reverse("queues:urgent"))


@require_POST
@permission_required("triage.record_triage_decision")
def claim(request, pk):
    referral = get_object_or_404(Referral, pk=pk)
    try:
        taken = services.claim_referral(actor=request.user, referral=referral)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"You are working on {referral.reference} until "
                                  f"{timezone.localtime(taken.expires_at):%H:%M}.")
    return _back(request)


@require_POST
@permission_required("triage.record_triage_decision")
def release(request, pk):
    referral = get_object_or_404(Referral, pk=pk)
    try:
        services.release_claim(actor=request.user, referral=referral)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"You have released {referral.reference}.")
    return _back(request)
