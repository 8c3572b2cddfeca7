"""The care plan API: other systems read a person's current plan, its contributions and
to whom it was given, while they are in the reader's care (access.rules). Every read is
logged, as in the UI."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from access.rules import Record
from access.views import person_read_or_403
from cap.models import ServiceUser
from core.api import requires

from . import selectors
from .models import SECTIONS


class ContributionOutput(serializers.Serializer):
    version = serializers.IntegerField(source="number")
    summary = serializers.CharField()
    author = serializers.CharField(source="author_name")
    team = serializers.CharField(source="team.name", allow_null=True, default=None)
    at = serializers.DateTimeField(source="created_at")


class OtherNeedOutput(serializers.Serializer):
    need = serializers.CharField()
    level = serializers.CharField()
    directory_entries = serializers.SerializerMethodField()

    def get_directory_entries(self, need) -> list[dict]:
        return [{"id": s.pk, "identifier": s.identifier, "name": s.name} for s in need.services.all()]


class ShareOutput(serializers.Serializer):
    version = serializers.IntegerField(source="version.number")
    audience = serializers.CharField()
    shared_with = serializers.CharField()
    method = serializers.CharField()
    shared_by = serializers.CharField(source="shared_by.username")
    shared_at = serializers.DateTimeField()


class TeamAroundOutput(serializers.Serializer):
    practitioner = serializers.CharField(source="practitioner.name")
    involvement = serializers.CharField()


class CarePlanOutput(serializers.Serializer):
    service_user = serializers.IntegerField(source="service_user_id")
    version = serializers.IntegerField()
    updated_at = serializers.DateTimeField()
    care_coordinator = serializers.CharField(source="care_coordinator.name", allow_null=True, default=None)
    sections = serializers.SerializerMethodField(help_text="Each section's text, keyed by its name.")
    other_needs = OtherNeedOutput(many=True)
    team_around = serializers.SerializerMethodField()
    contributions = serializers.SerializerMethodField(help_text="Every version, newest first.")
    shared = ShareOutput(many=True, source="shares")

    def get_sections(self, plan) -> dict:
        return {name: getattr(plan, name) for name, _ in SECTIONS}

    def get_team_around(self, plan) -> list[dict]:
        members = [m for m in plan.team_around.all() if m.ended_at is None]
        return TeamAroundOutput(members, many=True).data

    def get_contributions(self, plan) -> list[dict]:
        return ContributionOutput(selectors.contributions(plan), many=True).data


class CarePlanApi(APIView):
    permission_classes = [requires("careplans.view_careplan")]

    @extend_schema(responses=CarePlanOutput)
    def get(self, request, pk):
        person = get_object_or_404(ServiceUser, pk=pk)
        access = person_read_or_403(request, person, record=Record.CARE_PLAN)
        plan = selectors.plan_detail(person)
        if plan is None:
            return Response({"detail": "This person has no care plan yet."}, status=404)
        selectors.plan_viewed(request.user, person, "care plan API",
                              break_glass_reason=access.break_glass_reason)
        return Response(CarePlanOutput(plan).data)
