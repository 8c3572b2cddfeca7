"""For managers: the duty rota, who is told of breaches when (triage.rota)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from accounts.kept_work import keeps_typed_work
from core.errors import DomainError
from core.formatting import date_and_time
from core.permissions import permission_required

from .. import rota
from ..models import DutyShift
from ..rota_forms import DutyShiftForm


@permission_required("triage.view_dutyshift")
@keeps_typed_work
def duty_rota(request):
    """Who is on duty now, the shifts to come with the gaps between them, and a new shift."""
    # Bound to a POST even when it is empty (refused with messages, not a fresh form).
    form = DutyShiftForm(request.POST if request.method == "POST" or request.POST else None)
    if request.method == "POST":
        if not request.user.has_perm("triage.add_dutyshift"):
            raise PermissionDenied("Adding a shift needs the permission triage.add_dutyshift.")
        if form.is_valid():
            try:
                shift = rota.duty_shift_add(actor=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_domain_error(error)
            else:
                when = f"{date_and_time(shift.starts_at)} to {date_and_time(shift.ends_at)}"
                messages.success(request, f"Added: {_who(shift)} on duty from {when}.")
                return redirect("triage:duty_rota")
    return render(request, "triage/duty_rota.html", {**rota.rota_now(), "form": form},
                  status=400 if form.errors else 200)


@permission_required("triage.change_dutyshift")
@keeps_typed_work
def duty_shift(request, pk):
    """Change a shift (a swap, a late finish) or remove it."""
    shift = get_object_or_404(DutyShift.objects.select_related("manager"), pk=pk)
    if request.method == "POST" and request.POST.get("action") == "remove":
        if not request.user.has_perm("triage.delete_dutyshift"):
            raise PermissionDenied("Removing a shift needs the permission triage.delete_dutyshift.")
        rota.duty_shift_remove(actor=request.user, shift=shift)
        messages.success(request, f"Removed: {_who(shift)} from {date_and_time(shift.starts_at)}.")
        return redirect("triage:duty_rota")
    form = DutyShiftForm(request.POST or None, initial={
        "manager": shift.manager_id, "starts_at": shift.starts_at, "ends_at": shift.ends_at})
    if request.method == "POST" and form.is_valid():
        try:
            rota.duty_shift_change(actor=request.user, shift=shift, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Changed.")
            return redirect("triage:duty_rota")
    return render(request, "triage/duty_shift.html", {
        "shift": shift, "form": form,
        "history": shift.history.select_related("history_user", "manager").order_by("-history_date")[:20],
    }, status=400 if form.errors else 200)


def _who(shift: DutyShift) -> str:
    return shift.manager.get_full_name() or shift.manager.username
