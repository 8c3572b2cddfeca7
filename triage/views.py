from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from cap.errors import DomainError
from cap.models import Referral

from . import selectors, services
from .forms import TriageDecisionForm


@permission_required("cap.view_referral", raise_exception=True)
def worklist(request):
    return render(request, "triage/worklist.html", {
        "referrals": selectors.triage_worklist()[:200], "now": timezone.now(),
    })


@permission_required("triage.record_triage_decision", raise_exception=True)
def decide(request, pk):
    referral = get_object_or_404(Referral.objects.select_related("service_user"), pk=pk)
    form = TriageDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.triage_decision_record(actor=request.user, referral=referral,
                                            **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Triage decision recorded for {referral.reference}.")
            return redirect("triage:worklist")
    return render(request, "triage/decide.html", {"form": form, "referral": referral})


@permission_required("triage.view_wait_dashboard", raise_exception=True)
def dashboard(request):
    now = timezone.now()
    return render(request, "triage/dashboard.html", {"stats": selectors.wait_dashboard(now),
                                                     "now": now})
