"""Performance over time, for managers: the figures for a date range and filters, their
tables and charts, CSV downloads, and the referrals behind each figure."""

from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from cap.models import Channel
from scheduling.models import Team

from . import performance
from .models import OutcomeDay, Stream, TargetDefinition
from .views import csv_response, referral_list_response


class PerformanceForm(forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))
    period = forms.ChoiceField(label="By", choices=[("week", "Week"), ("month", "Month")], initial="week")
    stream = forms.ChoiceField(choices=[("", "All streams"), *Stream.choices], required=False)
    team = forms.ModelChoiceField(Team.objects.all(), required=False, empty_label="All teams")
    channel = forms.ChoiceField(choices=[("", "All channels"), *Channel.choices], required=False)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError("The start must be on or before the end.")
        if data.get("start") and data.get("end") and (data["end"] - data["start"]).days > 5 * 366:
            raise forms.ValidationError("Choose at most five years.")
        return data

    def filters(self) -> performance.Filters:
        d = self.cleaned_data
        return performance.Filters(start=d["start"], end=d["end"], period=d["period"] or "week",
                                   stream=d.get("stream") or "", team=d["team"].pk if d.get("team") else None,
                                   channel=d.get("channel") or "")


def filters_from(request) -> tuple[PerformanceForm, performance.Filters | None]:
    today = timezone.localdate()
    initial = {"start": today - timedelta(days=364), "end": today, "period": "week"}
    form = PerformanceForm({**initial, **request.GET.dict()})
    return form, form.filters() if form.is_valid() else None


def wait_text(minutes) -> str:
    if minutes is None:
        return ""
    if minutes == -1:
        return "over a year"
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 1440:
        return f"{minutes // 60} h"
    return f"{minutes // 1440} days"


@permission_required("triage.view_wait_dashboard", raise_exception=True)
def performance_page(request):
    form, filters = filters_from(request)
    targets, outcomes, charts = [], None, {}
    if filters:
        targets = performance.target_figures(filters)
        for target in targets:
            shares = [p["share_in_time"] for p in target["series"]]
            target["spc"] = performance.xmr(shares)
            for i, p in enumerate(target["series"]):
                p["special"] = i in target["spc"]["special"]
                p["median_text"], p["p90_text"] = wait_text(p["median_wait"]), wait_text(p["p90_wait"])
            charts[target["code"]] = {
                "labels": [p["period"].isoformat() for p in target["series"]], "values": shares,
                "waiting": [p["waiting"] for p in target["series"]], **target["spc"],
                "target": settings.PERFORMANCE_TARGET_SHARE}
        outcomes = performance.outcome_figures(filters)
        download = request.GET.get("csv")
        if download:
            return _csv(download, targets, outcomes)
    query = request.GET.copy()
    return render(request, "triage/performance.html", {
        "form": form, "targets": targets, "outcomes": outcomes, "charts": charts,
        "query": query.urlencode(), "target_share": settings.PERFORMANCE_TARGET_SHARE,
    })


def _csv(which: str, targets, outcomes):
    if which == "outcomes":
        return csv_response("cap-outcomes", ["outcome", "contacts"],
                            [[o["outcome"], o["contacts"]] for o in outcomes["by_outcome"]])
    target = next((t for t in targets if t["code"] == which), None)
    if target is None:
        raise Http404("No such target in this range.")
    return csv_response(f"performance-{which}", [
        "period", "met", "met_in_time", "share_in_time", "median_wait_minutes", "p90_wait_minutes",
        "waiting_at_end", "special_cause"], [
        [p["period"].isoformat(), p["met"], p["met_in_time"], p["share_in_time"], p["median_wait"],
         p["p90_wait"], p["waiting"], p["special"]] for p in target["series"]])


MEASURES = {"met": "met", "met_in_time": "met in time", "missed": "met late", "waiting": "waiting at the end"}


@permission_required("triage.view_wait_dashboard", raise_exception=True)
def performance_figure(request):
    """The referrals behind one figure of the performance page."""
    form, filters = filters_from(request)
    if filters is None:
        raise Http404("Bad filters.")
    now = timezone.now()
    outcome = request.GET.get("outcome")
    if outcome:
        if outcome not in OutcomeDay.Outcome.values:
            raise Http404("No such outcome.")
        label = OutcomeDay.Outcome(outcome).label
        title = f"Contacts {filters.start:%d %b %Y} to {filters.end:%d %b %Y}: {label}"
        return referral_list_response(request, title, performance.outcome_referrals(filters, outcome), now)
    try:
        definition = TargetDefinition.objects.get(code=request.GET.get("target", ""))
        period = date.fromisoformat(request.GET.get("at", ""))
        measure = request.GET["measure"]
        MEASURES[measure]
    except (TargetDefinition.DoesNotExist, ValueError, KeyError):
        raise Http404("No such figure.") from None
    title = f"{definition.name}: {MEASURES[measure]}, {filters.period} of {period:%d %b %Y}"
    return referral_list_response(request, title, performance.figure_referrals(
        filters, definition.code, period, measure), now)
