"""For managers: the wait targets (the urgent triage response, the assessment clocks, the
triage review and the rest), each with its time and at-risk thresholds, changed with
history. A change applies to targets started after it."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from accounts.kept_work import keeps_typed_work
from core.errors import DomainError, StaleVersion
from core.permissions import permission_required

from .. import services
from ..forms import TargetDefinitionForm
from ..models import TargetDefinition
from ..presenters import TARGET_UNITS, target_definition_changes, target_time_text

CHANGE = "triage.change_targetdefinition"


@permission_required(CHANGE)
def wait_targets(request):
    definitions = list(TargetDefinition.objects.order_by("clock", "amount", "name"))
    for definition in definitions:
        definition.time_text = target_time_text(definition.clock, definition.amount)
    return render(request, "triage/wait_targets.html", {"definitions": definitions})


@permission_required(CHANGE)
@keeps_typed_work
def wait_target_change(request, pk):
    definition = get_object_or_404(TargetDefinition, pk=pk)
    unit = TARGET_UNITS[definition.clock][1]
    initial = {"amount": definition.amount, "at_risk_share": definition.at_risk_share,
               "at_risk_minutes_left": definition.at_risk_minutes_left,
               "version": services.target_definition_version(definition)}
    form = TargetDefinitionForm(request.POST or None, initial=initial, unit=unit)
    if request.method == "POST" and form.is_valid():
        try:
            services.target_definition_change(actor=request.user, definition_id=definition.pk,
                                              seen_version=form.cleaned_data["version"],
                                              settings=form.target_settings())
        except StaleVersion as error:
            # Keep what this manager typed, against the version saved now: the page shows the
            # current values and history, and saving again is a deliberate choice.
            definition.refresh_from_db()
            form = TargetDefinitionForm({**request.POST.dict(), "version": error.current_version}, unit=unit)
            form.is_valid()
            form.add_error(None, error.message)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"{definition.name} changed. Targets started from now on use it.")
            return redirect("triage:wait_targets")
    return render(request, "triage/wait_target_change.html", {
        "definition": definition, "form": form, "changes": target_definition_changes(definition)[:50],
        "time_text": target_time_text(definition.clock, definition.amount),
    })
