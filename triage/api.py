"""The triage API: the worklist, a referral, and recording a decision.

Object-level rules live in the services; the views check the role's permission,
so a call handler is refused here exactly as in the UI."""

from django.shortcuts import get_object_or_404
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


class ReferralOutput(serializers.ModelSerializer):
    nhs_number = serializers.CharField(source="service_user.nhs_number", allow_null=True)
    name = serializers.CharField(source="service_user.__str__")
    next_due = serializers.DateTimeField(read_only=True, required=False)

    class Meta:
        model = Referral
        fields = ["id", "reference", "channel", "received_at", "first_contact_at", "status",
                  "nhs_number", "name", "reason", "next_due"]


class WorklistApi(APIView):
    permission_classes = [requires("cap.view_referral")]

    @extend_schema(responses=ReferralOutput(many=True))
    def get(self, request):
        referrals = selectors.triage_worklist()[:500]
        return Response(ReferralOutput(referrals, many=True).data)


class ReferralDetailApi(APIView):
    permission_classes = [requires("cap.view_referral")]

    @extend_schema(responses=ReferralOutput)
    def get(self, request, pk):
        referral = get_object_or_404(selectors.with_next_due(Referral.objects.all()), pk=pk)
        return Response(ReferralOutput(referral).data)


class TriageDecisionApi(APIView):
    permission_classes = [requires("triage.record_triage_decision")]

    class Input(serializers.Serializer):
        urgency = serializers.ChoiceField(choices=Urgency.choices)
        outcome = serializers.ChoiceField(choices=DecisionOutcome.choices)
        stream = serializers.ChoiceField(choices=Stream.choices, required=False, allow_blank=True)
        rationale = serializers.CharField(max_length=4000)

    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        referral = serializers.CharField(source="referral.reference")
        urgency = serializers.CharField()
        outcome = serializers.CharField()
        stream = serializers.CharField()
        decided_at = serializers.DateTimeField()
        referral_status = serializers.CharField(source="referral.status")

    @extend_schema(request=Input, responses={201: Output})
    def post(self, request, pk):
        referral = get_object_or_404(Referral, pk=pk)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        decision = services.triage_decision_record(actor=request.user, referral=referral,
                                                   **data.validated_data)
        return Response(self.Output(decision).data, status=status.HTTP_201_CREATED)
