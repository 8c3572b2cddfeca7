"""The intake API: electronic referrals sent by other systems (a GP system, another
trust), received through the same intake action as every other channel.

A sending system authenticates with the token of its API client (accounts.ApiClient,
a service account in the Referring system role; the Admin team's accounts may send too)
and should send an Idempotency-Key, so a retry after a timeout never makes a second
referral (see cap/idempotency.py). Each client's referrals are throttled
(API_THROTTLE_REFERRALS_RATE)."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import ApiTokenAuthentication
from core.api import requires
from core.audit import record_access_log, record_accesses_for
from core.errors import DomainError
from core.parsers import JSONParser
from core.throttles import DEFAULT as DEFAULT_THROTTLES
from core.throttles import ReferralSendingThrottle

from . import access_log, idempotency, services
from .forms import REFERRER_URGENCY
from .models import (
    Channel,
    GPPractice,
    MatchResult,
    ReferralStatus,
    RiskIndicator,
    ServiceUser,
    SpecificQueue,
)
from .validators import normalise_nhs_number, validate_nhs_number, validate_postcode

IDEMPOTENCY_HEADER = "Idempotency-Key"
PERSON_FIELDS = {"nhs_number", "given_name", "family_name", "date_of_birth", "postcode",
                 "gp_practice_code", "gp_practice", "address_line_1", "address_line_2", "town"}


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 instant that states its offset: another system's local time without
    one is ambiguous (which clock, which side of a clock change?), so it is refused
    rather than guessed."""

    default_error_messages = {
        "naive": "Include the UTC offset, for example 2026-03-02T09:30:00Z or 2026-07-02T09:30:00+01:00.",
    }

    def to_internal_value(self, value):
        if isinstance(value, str):
            parsed = parse_datetime(value.strip())
            if parsed is not None and timezone.is_naive(parsed):
                self.fail("naive")
        return super().to_internal_value(value)


class PersonInput(serializers.Serializer):
    nhs_number = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=12,
        validators=[validate_nhs_number], help_text="10 digits with a valid check digit; spaces allowed.")
    given_name = serializers.CharField(max_length=100)
    family_name = serializers.CharField(max_length=100)
    date_of_birth = serializers.DateField()
    postcode = serializers.CharField(max_length=10, validators=[validate_postcode],
                                     help_text="A full UK postcode, like LE1 6TP.")
    # Added after the first release, so optional: a sender that omits them still works.
    address_line_1 = serializers.CharField(required=False, allow_blank=True, max_length=100, default="",
                                           help_text="The person's postal address, for letters.")
    address_line_2 = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    town = serializers.CharField(required=False, allow_blank=True, max_length=60, default="")
    gp_practice_code = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=10,
        help_text="The ODS code of the person's GP practice (any case). Omit when the person "
                  "is not registered with a GP.")

    def validate_date_of_birth(self, value):
        if value > timezone.localdate():
            raise ValidationError("Date of birth must be in the past.")
        return value

    def validate_gp_practice_code(self, value):
        code = (value or "").strip()
        if not code:
            return None
        practice = GPPractice.objects.filter(ods_code=code.upper()).first()  # ODS codes are upper case
        if practice is None:
            raise ValidationError("No GP practice in the area has this ODS code.")
        return practice


class ReferrerInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    role = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    organisation = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    ods_code = serializers.CharField(max_length=10, required=False, allow_blank=True, default="",
                                     help_text="The referrer's practice ODS code.")


class ReferralInput(serializers.Serializer):
    """An electronic referral. Text is stored as sent (markup included) and escaped
    wherever it is shown as HTML."""

    service_user = PersonInput()
    referrer = ReferrerInput()
    reason = serializers.CharField(max_length=4000)
    channel = serializers.ChoiceField(choices=Channel.choices)
    referrer_risk = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    referrer_urgency = serializers.ChoiceField(choices=REFERRER_URGENCY, required=False,
                                               allow_blank=True, default="")
    risk_indicators = serializers.ListField(
        child=serializers.ChoiceField(choices=RiskIndicator.choices), required=False, default=list,
        max_length=len(RiskIndicator.choices),
        help_text="Structured risk indicators. The urgency rules suggest an urgency from them, and "
                  "one at urgent or above puts the referral on the 24/7 urgent queue with its "
                  "assessment clock running from first contact, before anyone triages it.")
    specific_queue = serializers.ChoiceField(
        choices=SpecificQueue.choices, required=False, allow_blank=True, default="",
        help_text="A specific triage queue reviewed by its own clinical group; omitted or blank "
                  "for the general triage queues.")
    received_at = AwareDateTimeField(
        required=False, allow_null=True, default=None,
        help_text="When the referral reached the sender's system, with its UTC offset; "
                  "may be in the past, never in the future. Omitted means now.")

    def validate_received_at(self, value):
        if value is not None and value > timezone.now():
            raise ValidationError("The date and time received cannot be in the future.")
        return value


class MatchOutput(serializers.Serializer):
    result = serializers.ChoiceField(choices=MatchResult.choices)
    service_user_id = serializers.IntegerField(source="service_user.id")
    possible_matches = serializers.SerializerMethodField(
        help_text="How many people already known may be the same person (up to 10); the admin "
                  "team confirms or links. Their details are never sent.")

    def get_possible_matches(self, match) -> int:
        return len(match.candidates)


class ReceiptOutput(serializers.Serializer):
    id = serializers.IntegerField(source="referral.id", help_text="GET /api/v1/referrals/{id}/")
    reference = serializers.CharField(source="referral.reference")
    received_at = serializers.DateTimeField(source="referral.received_at")
    status = serializers.ChoiceField(source="referral.status", choices=ReferralStatus.choices)
    match = MatchOutput()
    warnings = serializers.ListField(child=serializers.CharField())


class IdempotencyKeyReused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"


def _idempotency_key(request) -> str:
    key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    if len(key) > idempotency.MAX_KEY_LENGTH:
        raise ValidationError(
            {IDEMPOTENCY_HEADER: [f"Use a key of at most {idempotency.MAX_KEY_LENGTH} characters."]})
    return key


def _as_field_error(error: DomainError) -> ValidationError:
    """A rule the intake action enforces, placed under the field the sender sent."""
    field = "gp_practice_code" if error.field == "gp_practice" else error.field
    if field in PERSON_FIELDS:
        return ValidationError({"service_user": {field: [error.message]}})
    return ValidationError({field or "non_field_errors": [error.message]})


def _person(d: dict) -> services.PersonDetails:
    return services.PersonDetails(
        nhs_number=normalise_nhs_number(d.get("nhs_number") or ""), given_name=d["given_name"],
        family_name=d["family_name"], date_of_birth=d["date_of_birth"], postcode=d["postcode"],
        gp_practice=d.get("gp_practice_code"), address_line_1=d.get("address_line_1", ""),
        address_line_2=d.get("address_line_2", ""), town=d.get("town", ""))


def _receive(actor, data) -> tuple[int, dict]:
    """Validate and receive one referral; raises on bad input. Runs inside the
    transaction idempotency.respond_once opens, so a failure stores nothing."""
    serializer = ReferralInput(data=data)
    serializer.is_valid(raise_exception=True)
    d = serializer.validated_data
    try:
        receipt = services.referral_receive(
            actor=actor, channel=d["channel"], person=_person(d["service_user"]), reason=d["reason"],
            received_at=d["received_at"], referrer=services.Referrer(**d["referrer"]),
            referrer_risk=d["referrer_risk"], referrer_urgency=d["referrer_urgency"],
            # Sent twice means once: the order is the sender's, repeats say nothing more.
            risk_indicators=list(dict.fromkeys(d["risk_indicators"])), specific_queue=d["specific_queue"])
    except DomainError as error:
        raise _as_field_error(error) from error
    return status.HTTP_201_CREATED, ReceiptOutput(receipt).data


class ReferralCreateApi(APIView):
    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [requires("cap.log_written_referral", "accounts.send_referrals")]
    parser_classes = [JSONParser]
    throttle_classes = [*DEFAULT_THROTTLES, ReferralSendingThrottle]

    @extend_schema(
        operation_id="referrals_create",
        summary="Send an electronic referral",
        request=ReferralInput,
        parameters=[OpenApiParameter(
            IDEMPOTENCY_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
            description="A unique key per referral (a UUID), at most 255 characters. A retry with "
                        "the same key and body gets the first response again, with the header "
                        "`Idempotent-Replayed: true`, and creates nothing; the same key with a "
                        "different body is refused with 422. Nothing is kept for a request "
                        "refused with 400, so it can be corrected and sent with the same key.")],
        responses={
            201: ReceiptOutput,
            400: OpenApiResponse(description="Bad input: errors by field, nested as in the body."),
            401: OpenApiResponse(description="No valid token."),
            403: OpenApiResponse(description="The account may not send referrals."),
            422: OpenApiResponse(description="The Idempotency-Key was used with a different body."),
        },
    )
    def post(self, request):
        """Receive an electronic referral: the person is matched (by NHS number, otherwise
        a new record, flagged when someone known looks the same) and the referral goes
        straight onto the triage worklist."""
        key = _idempotency_key(request)
        try:
            outcome = idempotency.respond_once(
                user=request.user, key=key, fingerprint=idempotency.fingerprint(request.data),
                create=lambda: _receive(request.user, request.data))
        except idempotency.KeyReused as error:
            raise IdempotencyKeyReused(str(error)) from error
        headers = {"Location": reverse("api:referral", args=[outcome.body["id"]])}
        if outcome.replayed:
            headers["Idempotent-Replayed"] = "true"
        return Response(outcome.body, status=outcome.status, headers=headers)


class RecordAccessOutput(serializers.Serializer):
    """One read of a person's record."""

    id = serializers.IntegerField()
    who = serializers.CharField(source="user.username", help_text="The reader's username.")
    who_name = serializers.SerializerMethodField(help_text="The reader's full name, or username.")
    roles = serializers.SerializerMethodField(help_text="The reader's roles now (accounts.roles).")
    when = serializers.DateTimeField(source="accessed_at", help_text="ISO 8601 with the UTC offset.")
    what = serializers.CharField(source="context", help_text="What was shown: the page, list, letter or API.")
    referral = serializers.IntegerField(source="referral_id", allow_null=True,
                                        help_text="The referral the record was read for; null if none.")
    break_glass_reason = serializers.CharField(
        help_text="The reason given by a reader with no care relationship; empty otherwise.")

    def get_who_name(self, access) -> str:
        return access_log.reader_name(access.user)

    def get_roles(self, access) -> list[str]:
        return self.context["roles"].get(access.user_id, [])


class RecordAccessLogApi(generics.ListAPIView):
    """Who has looked at this person's record, newest first (managers). Reading it is
    itself logged as a read of the person."""

    permission_classes = [requires("cap.view_recordaccess")]
    serializer_class = RecordAccessOutput

    def get_queryset(self):
        person = get_object_or_404(ServiceUser, pk=self.kwargs["pk"])
        record_access_log(actor=self.request.user, service_user=person, view="record access log API")
        return record_accesses_for(person)

    def get_serializer(self, *args, **kwargs):
        rows = args[0] if args else []
        kwargs["context"] = {**self.get_serializer_context(),
                             "roles": access_log.roles_of_readers(a.user_id for a in rows)}
        return self.serializer_class(*args, **kwargs)
