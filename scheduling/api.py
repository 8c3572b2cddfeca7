"""The scheduling API: options for a triaged referral's assessment, and booking one.

`GET /api/v1/referrals/{id}/options/` lists options, each with an `id`, its start and
end and the practitioners per step; `POST /api/v1/referrals/{id}/bookings/` with an
option `id` books it (201), or answers 409 with fresh options when it was taken."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cap.models import Referral
from core.api import requires
from core.errors import Conflict

from . import services
from .options import OptionSearch


class PractitionerOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    discipline = serializers.CharField(source="discipline.code")
    role = serializers.CharField()
    by_phone = serializers.BooleanField()


class StepOutput(serializers.Serializer):
    step = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    practitioners = PractitionerOutput(many=True)


class OptionOutput(serializers.Serializer):
    id = serializers.CharField(help_text="Pass this to POST .../bookings/ to book the option.")
    starts_at = serializers.DateTimeField(help_text="The core assessment starts.")
    ends_at = serializers.DateTimeField(help_text="The last diary entry ends.")
    within_target = serializers.BooleanField()
    team = serializers.CharField()
    room = serializers.CharField(allow_null=True)
    steps = StepOutput(many=True)


class OptionsOutput(serializers.Serializer):
    target_due_at = serializers.DateTimeField(allow_null=True)
    none_within_target = serializers.BooleanField()
    options = OptionOutput(many=True)


def options_output(search: OptionSearch) -> dict:
    options = []
    for option in search.options:
        entries = search.entries(option)
        steps: dict[tuple, dict] = {}
        for e in entries:
            if e.room:
                continue
            step = steps.setdefault((e.starts_at, e.step), {
                "step": e.step, "starts_at": e.starts_at, "ends_at": e.ends_at, "practitioners": []})
            step["practitioners"].append({"id": e.practitioner.pk, "name": e.practitioner.name,
                                          "discipline": e.practitioner.discipline, "role": e.role,
                                          "by_phone": e.by_phone})
        room = option_room(entries)
        options.append({"id": option.id, "starts_at": option.starts_at,
                        "ends_at": max(e.ends_at for e in entries), "within_target": option.within_target,
                        "team": search.plan.team.name, "room": str(room) if room else None,
                        "steps": list(steps.values())})
    return OptionsOutput({"target_due_at": search.plan.deadline,
                          "none_within_target": search.none_within_target, "options": options}).data


def option_room(entries):
    return next((e.room for e in entries if e.room), None)


class OptionsApi(APIView):
    permission_classes = [requires("scheduling.book_assessment")]

    @extend_schema(responses={200: OptionsOutput})
    def get(self, request, pk):
        """The earliest options for the referral's assessment (up to 10)."""
        referral = get_object_or_404(Referral.objects.select_related("service_user__gp_practice"), pk=pk)
        return Response(options_output(services.options_for(referral=referral)))


class BookingOutput(serializers.Serializer):
    id = serializers.IntegerField()
    referral = serializers.IntegerField(source="referral_id")
    status = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    team = serializers.CharField(source="team.name")
    room = serializers.CharField(allow_null=True)
    held_until = serializers.DateTimeField(allow_null=True)


class BookingInput(serializers.Serializer):
    option = serializers.CharField(max_length=2000, help_text="An option's `id`.")
    hold = serializers.BooleanField(default=False, help_text="Hold it for 5 minutes instead.")


class BookingsApi(APIView):
    permission_classes = [requires("scheduling.book_assessment")]

    @extend_schema(request=BookingInput, responses={201: BookingOutput})
    def post(self, request, pk):
        """Book an option (201), or answer 409 with fresh options when it was taken."""
        referral = get_object_or_404(Referral.objects.select_related("service_user__gp_practice"), pk=pk)
        data = BookingInput(data=request.data)
        data.is_valid(raise_exception=True)
        service = services.booking_hold if data.validated_data["hold"] else services.booking_create
        try:
            booking = service(actor=request.user, referral=referral, option_id=data.validated_data["option"])
        except Conflict as conflict:
            body = {"detail": conflict.message}
            try:
                body["options"] = options_output(services.options_for(referral=referral))["options"]
            except Exception:  # noqa: BLE001 - the conflict is the answer; options are a courtesy
                body["options"] = []
            return Response(body, status=status.HTTP_409_CONFLICT)
        return Response(BookingOutput(booking).data, status=status.HTTP_201_CREATED)
