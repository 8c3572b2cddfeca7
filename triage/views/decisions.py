"""The triage clinician's worklist and the triage decision."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts.kept_work import keeps_typed_work
from cap.models import ChildrenHubResponse, Referral, RiskIndicator
from core.audit import record_access_log, record_access_log_many
from core.errors import DomainError
from core.lists import is_refresh
from core.permissions import permission_required
from scheduling import selectors as scheduling_selectors

from .. import services
from ..decide_page import decide_page_for
from ..forms import TriageDecisionForm
from ..models import DecisionOutcome, Urgency
from .queues import TRIAGE_QUEUES, visible_queues, worklist_context

WORKLIST_LIMIT = 20
# A page of the worklist: about a screen of one-line rows on a desktop.
WORKLIST_PAGE = 25


@permission_required(*TRIAGE_QUEUES)
def worklist(request):
    """The triage clinician's home: the referrals of every queue they work, closest to
    breach first, to sort, filter by queue and state, and page; it refreshes itself."""
    context = worklist_context(request, visible_queues(request.user), per_page=WORKLIST_PAGE,
                               choose_queue=True)
    # People who missed appointments and wait for a clinician's review before anyone
    # books them again (scheduling.services.booking_did_not_attend).
    refresh = is_refresh(request)
    reviews = (list(scheduling_selectors.clinical_reviews_needed()[:WORKLIST_LIMIT])
               if not refresh and request.user.has_perm("scheduling.record_clinical_review") else [])
    record_access_log_many(actor=request.user, view="triage worklist", service_users=[
        *((row.referral.service_user, row.referral) for row in context["rows"]),
        *((review.referral.service_user, review.referral) for review in reviews)])
    if refresh:
        return render(request, "triage/_queue_table.html", context)
    return render(request, "triage/worklist.html", {
        **context, "clinical_reviews": reviews, "queues": visible_queues(request.user),
        "referrals": [row.referral for row in context["rows"]],
    })


@permission_required("triage.record_triage_decision")
@keeps_typed_work
def decide(request, pk):
    referral = get_object_or_404(Referral.objects.select_related("service_user"), pk=pk)
    now = timezone.now()
    form = TriageDecisionForm(request.POST or None, initial={"urgency": referral.suggested_urgency},
                              person=referral.service_user, today=timezone.localtime(now).date())
    if request.method == "POST" and form.is_valid():
        try:
            record = services.triage_decision_record(actor=request.user, referral=referral,
                                                     decision=form.decision())
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Triage decision recorded: {what_happened(record)}.")
            return redirect("triage:worklist")
    # Logged only when the page is shown (a GET, or a POST re-rendered with its errors):
    # a recorded decision redirects and shows the person nothing more.
    record_access_log(actor=request.user, service_user=referral.service_user, view="triage decision",
                      referral=referral)
    top = decide_page_for(referral, now)
    return render(request, "triage/decide.html", {
        "form": form, "referral": referral, "top": top, "calls": top.calls,
        "risk_indicators": RiskIndicator.labels_of(referral.risk_indicators),
        "suggested_urgency": Urgency(referral.suggested_urgency).label if referral.suggested_urgency else "",
        "hub_returns": referral.children_hub_responses.filter(outcome=ChildrenHubResponse.Outcome.RETURNED)
        .select_related("recorded_by").order_by("responded_at"),
    })



def what_happened(record) -> str:
    """The decision in a sentence, for the clinician's confirmation."""
    reference = record.referral.reference
    match record.outcome:
        case DecisionOutcome.ASSESSMENT:
            urgency = record.get_urgency_display().lower()
            article = "an" if urgency[0] in "aeiou" else "a"
            return (f"{reference} streamed to {record.get_stream_display()} for {article} "
                    f"{urgency} assessment")
        case DecisionOutcome.ROUTE_EXTERNAL:
            return f"{reference} routed to {record.external_service or record.external_agency}"
        case DecisionOutcome.ROUTE_EXISTING_TEAM:
            return f"{reference} routed to the person's existing team, {record.existing_team}"
        case DecisionOutcome.EMERGENCY_SERVICES:
            return f"{reference} routed to emergency services"
        case DecisionOutcome.INFORMATION_REQUEST:
            asked = record.referral.information_requests.latest("requested_at")
            whom = asked.get_requested_from_display()
            return f"{reference}: information requested from {whom[0].lower()}{whom[1:]}"
        case _:
            item = record.referral.huddle_items.select_related("huddle").latest("added_at")
            day = item.huddle.held_on
            return f"{reference} sent to the MDT huddle on {day:%a} {day.day} {day:%b}"
