"""The Reasonable Adjustment flag's page, reached from every page about the person: what
it says, recording or changing it, and confirming it is still right."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from access.rules import Record
from access.views import person_read_or_break_glass
from accounts.kept_work import keeps_typed_work
from cap.models import Referral
from core.audit import record_access_log
from core.errors import DomainError
from core.permissions import permission_required

from . import selectors, services
from .forms import AdjustmentFlagForm


@permission_required(selectors.VIEW)
@keeps_typed_work
def referral_flag(request, pk):
    referral = get_object_or_404(Referral.objects.select_related("service_user"), pk=pk)
    person = referral.service_user
    access = person_read_or_break_glass(request, person, record=Record.REFERRAL)
    flag = selectors.flag_of(person)
    can_record = request.user.has_perm(services.RECORD)
    action = request.POST.get("action") if request.method == "POST" and can_record else None
    form = AdjustmentFlagForm.for_flag(flag, request.POST if action == "record" else None)
    status = 200
    if action == "confirm" and flag is not None:
        try:
            services.adjustment_flag_confirm(actor=request.user, flag=flag)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{person}'s reasonable adjustments are confirmed as they stand.")
            return redirect("cap:referral", pk=pk)
    elif action == "record":
        if form.is_valid():
            try:
                services.adjustment_flag_record(actor=request.user, service_user=person,
                                                details=form.details_given())
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, f"{person}'s reasonable adjustments are recorded.")
                return redirect("cap:referral", pk=pk)
        status = 400
    record_access_log(actor=request.user, service_user=person, view="reasonable adjustments",
                      referral=referral, break_glass_reason=access.break_glass_reason)
    return render(request, "adjustments/flag.html", {
        "referral": referral, "person": person, "flag": flag, "form": form, "can_record": can_record,
        "confirmed_for_referral": selectors.confirmed_for(referral, flag)}, status=status)
