"""The wait monitoring API: alert events and the dashboard's figures, for managers."""

from datetime import datetime, time, timedelta

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import requires

from . import clock
from . import dashboard as reads
from .models import BreachAlert

MANAGERS = requires("triage.view_wait_dashboard")


class BreachOutput(serializers.ModelSerializer):
    referral = serializers.IntegerField(source="target.referral_id", help_text="The referral's id.")
    target = serializers.CharField(source="target.definition.code", help_text="The target's code.")

    class Meta:
        model = BreachAlert
        fields = ["id", "referral", "target", "kind", "occurred_at", "acknowledged_at"]


class BreachFilter(serializers.Serializer):
    referral = serializers.IntegerField(required=False)
    target = serializers.SlugField(required=False)
    kind = serializers.ChoiceField(choices=BreachAlert.Kind.choices, required=False)
    occurred_at = serializers.DateField(required=False, help_text="A day (Europe/London).")
    occurred_after = serializers.DateTimeField(required=False)
    occurred_before = serializers.DateTimeField(required=False)
    acknowledged = serializers.BooleanField(required=False, allow_null=True, default=None)
    acknowledged_at = serializers.DateField(required=False, help_text="A day (Europe/London).")


def _day(day) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=clock.LONDON)
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=clock.LONDON)


def breaches_filtered(params: dict):
    queryset = BreachAlert.objects.select_related("target__definition").order_by("-occurred_at", "-id")
    if "referral" in params:
        queryset = queryset.filter(target__referral_id=params["referral"])
    if "target" in params:
        queryset = queryset.filter(target__definition__code=params["target"])
    if "kind" in params:
        queryset = queryset.filter(kind=params["kind"])
    if "occurred_at" in params:
        start, end = _day(params["occurred_at"])
        queryset = queryset.filter(occurred_at__gte=start, occurred_at__lt=end)
    if "occurred_after" in params:
        queryset = queryset.filter(occurred_at__gte=params["occurred_after"])
    if "occurred_before" in params:
        queryset = queryset.filter(occurred_at__lt=params["occurred_before"])
    if params.get("acknowledged") is not None:
        queryset = queryset.filter(acknowledged_at__isnull=not params["acknowledged"])
    if "acknowledged_at" in params:
        start, end = _day(params["acknowledged_at"])
        queryset = queryset.filter(acknowledged_at__gte=start, acknowledged_at__lt=end)
    return queryset


class BreachListApi(generics.ListAPIView):
    """Alert events (at risk and breached), newest first, each once."""

    permission_classes = [MANAGERS]
    serializer_class = BreachOutput

    def get_queryset(self):
        params = BreachFilter(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return breaches_filtered(params.validated_data)

    @extend_schema(parameters=[BreachFilter])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class QueueFigures(serializers.Serializer):
    queue = serializers.CharField()
    label = serializers.CharField()
    total = serializers.IntegerField()
    by_time_left = serializers.DictField(child=serializers.IntegerField(),
                                         help_text="breached, lt_1h, lt_4h, lt_24h, lt_7d, later, none")


class HubFigures(serializers.Serializer):
    """The Urgent Care Hub: arrivals today, and of those who arrived in the last 30 days."""

    arrivals_today = serializers.IntegerField(help_text="Arrivals since midnight (Europe/London).")
    assessed_in_time = serializers.IntegerField(help_text="Assessed within the 2-hour target.")
    assessed_in_time_of = serializers.IntegerField(
        help_text="Assessed, or still waiting past the 2-hour target: the share's denominator.")
    assessed_in_time_share = serializers.IntegerField(allow_null=True, help_text="Per cent; null with none.")
    assessed = serializers.IntegerField(help_text="Assessments completed.")
    referred_on = serializers.IntegerField(
        help_text="Assessed and referred on into secondary care (admitted, home treatment, through the CAP).")
    referral_rate_share = serializers.IntegerField(allow_null=True, help_text="Per cent of those assessed.")
    diverted_from_ae = serializers.IntegerField(help_text="Assessed and not sent on to A&E.")


class DashboardOutput(serializers.Serializer):
    as_at = serializers.DateTimeField()
    open_total = serializers.IntegerField()
    open_by_queue = QueueFigures(many=True)
    urgent_waiting = serializers.IntegerField()
    not_accounted_for = serializers.IntegerField(
        help_text="Open referrals lacking an owner, a running target with a due instant or a next "
                  "step its owner can see (triage.accounted); 0 when everyone is accounted for.")
    breaches_today = serializers.IntegerField()
    unacknowledged_breaches = serializers.IntegerField()
    watcher_last_scan = serializers.DateTimeField(allow_null=True)
    watcher_overdue = serializers.BooleanField()
    urgent_care_hub = HubFigures()


class DashboardApi(APIView):
    """The live wait dashboard's figures."""

    permission_classes = [MANAGERS]

    @extend_schema(responses=DashboardOutput)
    def get(self, request):
        return Response(DashboardOutput(reads.live_figures(timezone.now())).data)


class PerformanceApi(APIView):
    """Performance over time, as on the performance page: per target and week or month, the
    targets met, met in time and the share, median and 90th percentile waits (minutes, the
    upper edge of the band; -1 past a year), the targets stopped by triage (neither met nor
    breached), the waiting list at the period's end and the XmR limits; and the CAP outcomes."""

    permission_classes = [MANAGERS]

    @extend_schema(parameters=[
        OpenApiParameter("start", OpenApiTypes.DATE, required=True),
        OpenApiParameter("end", OpenApiTypes.DATE, required=True),
        OpenApiParameter("period", str, enum=["week", "month"]),
        OpenApiParameter("stream", str), OpenApiParameter("team", int), OpenApiParameter("channel", str)],
        responses=OpenApiTypes.OBJECT)
    def get(self, request):
        from .forms import PerformanceForm
        from .performance import outcome_figures, target_figures, xmr

        form = PerformanceForm(request.query_params.dict())
        if not form.is_valid():
            return Response(form.errors, status=400)
        filters = form.filters()
        targets = target_figures(filters)
        for target in targets:
            target["spc"] = xmr([p["share_in_time"] for p in target["series"]])
        return Response({"start": filters.start, "end": filters.end, "period": filters.period,
                         "targets": targets, "outcomes": outcome_figures(filters)})
