"""The triage API: the worklist, a referral, and recording a decision.

Object-level rules live in the services; the views check the role's permission,
so a call handler is refused here exactly as in the UI."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from cap.models import Referral

from . import selectors, services
from .models import DecisionOutcome, Stream, Urgency


def requires(perm):
    class HasPermission(BasePermission):
        def has_permission(self, request, view):
            return request.user.is_authenticated and request.user.has_perm(perm)

    HasPermission.__name__ = f"Requires_{perm.replace('.', '_')}"
    return HasPermission


class TargetOutput(serializers.Serializer):
    code = serializers.CharField(source="definition.code")
    started_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    met_at = serializers.DateTimeField(allow_null=True)
    state = serializers.SerializerMethodField()

    def get_state(self, target) -> str:
        return target.state(self.context["now"])


class ServiceUserOutput(serializers.Serializer):
    nhs_number = serializers.CharField(allow_null=True)
    given_name = serializers.CharField()
    family_name = serializers.CharField()
    date_of_birth = serializers.DateField()


class ReferralOutput(serializers.ModelSerializer):
    """A referral as other systems read it; urgency and stream come from its latest
    triage decision (null until triaged)."""

    service_user = ServiceUserOutput()
    urgency = serializers.SerializerMethodField()
    stream = serializers.SerializerMethodField()
    targets = TargetOutput(many=True)

    class Meta:
        model = Referral
        fields = ["id", "reference", "channel", "received_at", "first_contact_at", "status",
                  "service_user", "reason", "urgency", "stream", "targets"]

    def _latest(self, referral):
        decisions = list(referral.decisions.all())  # prefetched, newest first
        return decisions[0] if decisions else None

    def get_urgency(self, referral) -> str | None:
        decision = self._latest(referral)
        return decision.urgency if decision else None

    def get_stream(self, referral) -> str | None:
        decision = self._latest(referral)
        return (decision.stream or None) if decision else None


def referral_output(referrals, *, many=False):
    return ReferralOutput(referrals, many=many, context={"now": timezone.now()}).data


class WorklistApi(APIView):
    permission_classes = [requires("cap.view_referral")]

    @extend_schema(responses=ReferralOutput(many=True))
    def get(self, request):
        referrals = selectors.with_api_detail(selectors.triage_worklist())[:500]
        return Response(referral_output(referrals, many=True))


class ReferralDetailApi(APIView):
    permission_classes = [requires("cap.view_referral")]

    @extend_schema(responses=ReferralOutput)
    def get(self, request, pk):
        referral = get_object_or_404(selectors.with_api_detail(Referral.objects.all()), pk=pk)
        return Response(referral_output(referral))


class TriageDecisionApi(APIView):
    permission_classes = [requires("triage.record_triage_decision")]

    class Input(serializers.Serializer):
        urgency = serializers.ChoiceField(choices=Urgency.choices)
        outcome = serializers.ChoiceField(choices=DecisionOutcome.choices)
        stream = serializers.ChoiceField(choices=Stream.choices, required=False, allow_blank=True)
        rationale = serializers.CharField(max_length=4000)

    @extend_schema(request=Input, responses={201: ReferralOutput})
    def post(self, request, pk):
        """Record a triage decision; answers with the referral as it now stands."""
        referral = get_object_or_404(Referral, pk=pk)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        services.triage_decision_record(actor=request.user, referral=referral, **data.validated_data)
        referral = selectors.with_api_detail(Referral.objects.all()).get(pk=pk)
        return Response(referral_output(referral), status=status.HTTP_201_CREATED)
