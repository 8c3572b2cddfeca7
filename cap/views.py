from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from . import services
from .errors import DomainError
from .forms import CallForm, WrittenReferralForm
from .models import Referral


@permission_required("cap.log_written_referral", raise_exception=True)
def written_referral(request):
    form = WrittenReferralForm(request.POST or None,
                               initial={"received_at": timezone.localtime()})
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_log_written(
                actor=request.user, person=form.person(), referrer=form.referrer(),
                reason=form.cleaned_data["reason"], referrer_risk=form.cleaned_data["referrer_risk"],
                referrer_urgency=form.cleaned_data["referrer_urgency"],
                received_at=form.cleaned_data["received_at"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Referral {referral.reference} logged for triage.")
            return redirect("cap:referral", pk=referral.pk)
    return render(request, "cap/written_referral.html", {"form": form})


@permission_required("cap.log_call", raise_exception=True)
def log_call(request):
    form = CallForm(request.POST or None, initial={"started_at": timezone.localtime()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            enquiry = services.call_log(
                actor=request.user, started_at=d["started_at"], ended_at=d["ended_at"],
                caller_type=d["caller_type"], nature=d["nature"], details=d["details"],
                outcome=d["outcome"], person=form.person(),
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            note = f" and passed to triage as {enquiry.referral.reference}" if enquiry.referral else ""
            messages.success(request, f"Call {enquiry.reference} logged{note}.")
            return redirect("cap:log_call")
    return render(request, "cap/log_call.html", {"form": form})


@permission_required("cap.view_referral", raise_exception=True)
def referral(request, pk):
    referral = get_object_or_404(
        Referral.objects.select_related("service_user", "service_user__gp_practice"), pk=pk)
    return render(request, "cap/referral.html", {
        "referral": referral,
        "targets": referral.targets.select_related("definition").order_by("due_at"),
        "decisions": referral.decisions.all(),
        "bookings": referral.bookings.select_related("practitioner", "team"),
    })
