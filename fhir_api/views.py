"""The FHIR read API: thin views over fhir_api.selectors and fhir_api.resources.

Each read is the JSON API's: the same roles (core.api.requires), the same read rule
(access.rules, through access.views.person_read_or_403: role-wide readers, the people in
a practitioner's care, or the glass broken), and every person returned logged as read
(core.audit), its context naming the resource type ("fhir:Patient"). Every search is
about one person, who is checked before anything of theirs is returned; a search by a
parameter the server does not support is refused with 400, never ignored."""

from collections.abc import Sequence

from django.conf import settings
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from access.rules import ReadAccess, Record
from access.views import person_read_or_403
from cap.models import Referral, ServiceUser
from cap.validators import nhs_number_is_valid, normalise_nhs_number
from core.api import requires
from core.audit import record_access_log
from core.fhir import NHS_NUMBER_SYSTEM, FhirApiView, fhir_response, searchset

from . import resources, selectors

# Who may read each kind of record, as the JSON API decides it: role-wide readers of
# referrals and practitioners for the people in their care (triage.api.ReferralDetailApi,
# without the referring systems, which read back only what they sent); the bookings' readers
# (access.rules.ROLE_WIDE) and practitioners; care plans for those who read them
# (careplans.api.CarePlanApi). access.rules then decides for the person asked about.
PERSON_READERS = requires("cap.view_referral", "access.read_in_care")
BOOKING_READERS = requires("scheduling.book_assessment", "cap.view_referral", "access.read_in_care")
CARE_PLAN_READERS = requires("careplans.view_careplan")

MAX_ID_DIGITS = 18  # as core.converters: past PostgreSQL's bigint, no record has the id


def _errors(description: str) -> dict[int, OpenApiResponse]:
    return {
        200: OpenApiResponse(OpenApiTypes.OBJECT, description=description),
        400: OpenApiResponse(OpenApiTypes.OBJECT, description="OperationOutcome: a search parameter "
                                                              "that is missing, unknown or malformed."),
        401: OpenApiResponse(OpenApiTypes.OBJECT, description="OperationOutcome: no valid token."),
        403: OpenApiResponse(OpenApiTypes.OBJECT, description="OperationOutcome: the role may not "
                                                              "read it, or the person is not in "
                                                              "the reader's care."),
        404: OpenApiResponse(OpenApiTypes.OBJECT, description="OperationOutcome: no such resource."),
    }


PATIENT_PARAMETER = OpenApiParameter(
    "patient", OpenApiTypes.STR, required=True,
    description="The person's Patient id, as `123` or `Patient/123`.")


def search_params(request: Request, resource_type: str) -> dict[str, str]:
    """The search's parameters, each once; any the server does not support is a 400."""
    allowed = resources.SEARCH_PARAMS[resource_type]
    if unknown := sorted(set(request.query_params) - allowed.keys()):
        raise ValidationError({name: [f"{resource_type} cannot be searched by {name}: use "
                                      f"{', '.join(allowed)}."] for name in unknown})
    params = {}
    for name in allowed:
        values = request.query_params.getlist(name)
        if len(values) != 1 or not values[0].strip():
            raise ValidationError({name: [f"Search {resource_type} by one {name}."]})
        params[name] = values[0].strip()
    return params


def nhs_number_from(identifier: str) -> str:
    """The NHS number of `identifier=<system>|<value>` (or a bare value)."""
    system, _, value = identifier.rpartition("|")
    if system and system != NHS_NUMBER_SYSTEM:
        raise ValidationError({"identifier": [f"Search by NHS number: {NHS_NUMBER_SYSTEM}|<NHS number>."]})
    nhs_number = normalise_nhs_number(value)
    if not nhs_number_is_valid(nhs_number):
        raise ValidationError({"identifier": ["That is not a valid NHS number."]})
    return nhs_number


def patient_id_from(reference: str) -> int:
    """The id of `patient=123` or `patient=Patient/123`."""
    value = reference.removeprefix("Patient/")
    if not value.isdigit() or len(value) > MAX_ID_DIGITS:
        raise ValidationError({"patient": ["Give the person's Patient id, like 123 or Patient/123."]})
    return int(value)


def searched_person(request: Request, resource_type: str) -> ServiceUser | None:
    """The person a `patient=` search is about, or None when no one has that id."""
    pk = patient_id_from(search_params(request, resource_type)["patient"])
    return selectors.patients().filter(pk=pk).first()


def _not_found(resource_type: str, pk: int) -> NotFound:
    return NotFound(f"No {resource_type} has the id {pk}.")


def _log(request: Request, person: ServiceUser, access: ReadAccess, resource_type: str,
         referrals: Sequence[Referral | None]) -> None:
    """One read of the person logged per referral shown (None: not about a referral), with
    the break-glass reason when the glass was broken. Searches return a person's few
    records, so one row each is written as it is by the referral API."""
    for referral in referrals:
        record_access_log(actor=request.user, service_user=person, view=f"fhir:{resource_type}",
                          referral=referral, break_glass_reason=access.break_glass_reason)


class MetadataApi(FhirApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="fhir_metadata", summary="FHIR: the CapabilityStatement",
                   responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="CapabilityStatement"),
                              401: OpenApiResponse(OpenApiTypes.OBJECT,
                                                   description="OperationOutcome: no valid token.")},
                   tags=["fhir"])
    def get(self, request: Request) -> Response:
        """What this FHIR server can do: its resources, their searches, and $process-message."""
        return fhir_response(resources.capability_statement(base_url=request.build_absolute_uri("/fhir/R4")))


class PatientSearchApi(FhirApiView):
    permission_classes = [PERSON_READERS]

    @extend_schema(operation_id="fhir_patient_search", summary="FHIR: find a Patient by NHS number",
                   parameters=[OpenApiParameter(
                       "identifier", OpenApiTypes.STR, required=True,
                       description=f"`{NHS_NUMBER_SYSTEM}|<NHS number>`.")],
                   responses=_errors("Bundle (searchset) of UK Core Patient"), tags=["fhir"])
    def get(self, request: Request) -> Response:
        nhs_number = nhs_number_from(search_params(request, "Patient")["identifier"])
        person = selectors.patient_with_nhs_number(nhs_number)
        if person is None:
            return fhir_response(searchset(request, []))
        access = person_read_or_403(request, person, record=Record.REFERRAL)
        _log(request, person, access, "Patient", [None])
        return fhir_response(searchset(request, [resources.patient(person)]))


class PatientReadApi(FhirApiView):
    permission_classes = [PERSON_READERS]

    @extend_schema(operation_id="fhir_patient_read", summary="FHIR: read a Patient",
                   responses=_errors("UK Core Patient"), tags=["fhir"])
    def get(self, request: Request, pk: int) -> Response:
        person = selectors.patients().filter(pk=pk).first()
        if person is None:
            raise _not_found("Patient", pk)
        access = person_read_or_403(request, person, record=Record.REFERRAL)
        _log(request, person, access, "Patient", [None])
        return fhir_response(resources.patient(person))


class ServiceRequestSearchApi(FhirApiView):
    permission_classes = [PERSON_READERS]

    @extend_schema(operation_id="fhir_service_request_search", summary="FHIR: a Patient's referrals",
                   parameters=[PATIENT_PARAMETER],
                   responses=_errors("Bundle (searchset) of UK Core ServiceRequest"), tags=["fhir"])
    def get(self, request: Request) -> Response:
        person = searched_person(request, "ServiceRequest")
        if person is None:
            return fhir_response(searchset(request, []))
        access = person_read_or_403(request, person, record=Record.REFERRAL)
        referrals = selectors.service_requests_for(person)
        _log(request, person, access, "ServiceRequest", referrals)
        return fhir_response(searchset(request, [
            resources.service_request(r, site_url=settings.SITE_URL) for r in referrals]))


class ServiceRequestReadApi(FhirApiView):
    permission_classes = [PERSON_READERS]

    @extend_schema(operation_id="fhir_service_request_read", summary="FHIR: read a referral",
                   responses=_errors("UK Core ServiceRequest"), tags=["fhir"])
    def get(self, request: Request, pk: int) -> Response:
        referral = selectors.service_requests().filter(pk=pk).first()
        if referral is None:
            raise _not_found("ServiceRequest", pk)
        access = person_read_or_403(request, referral.service_user, record=Record.REFERRAL)
        _log(request, referral.service_user, access, "ServiceRequest", [referral])
        return fhir_response(resources.service_request(referral, site_url=settings.SITE_URL))


class AppointmentSearchApi(FhirApiView):
    permission_classes = [BOOKING_READERS]

    @extend_schema(operation_id="fhir_appointment_search", summary="FHIR: a Patient's assessment bookings",
                   parameters=[PATIENT_PARAMETER],
                   responses=_errors("Bundle (searchset) of UK Core Appointment"), tags=["fhir"])
    def get(self, request: Request) -> Response:
        person = searched_person(request, "Appointment")
        if person is None:
            return fhir_response(searchset(request, []))
        access = person_read_or_403(request, person, record=Record.BOOKING)
        bookings = selectors.appointments_for(person, now=timezone.now())
        _log(request, person, access, "Appointment", list(dict.fromkeys(b.referral for b in bookings)))
        return fhir_response(searchset(request, [resources.appointment(b) for b in bookings]))


class CarePlanSearchApi(FhirApiView):
    permission_classes = [CARE_PLAN_READERS]

    @extend_schema(operation_id="fhir_care_plan_search", summary="FHIR: a Patient's care plan",
                   parameters=[PATIENT_PARAMETER],
                   responses=_errors("Bundle (searchset) of UK Core CarePlan"), tags=["fhir"])
    def get(self, request: Request) -> Response:
        person = searched_person(request, "CarePlan")
        if person is None:
            return fhir_response(searchset(request, []))
        access = person_read_or_403(request, person, record=Record.CARE_PLAN)
        plans = selectors.care_plans_for(person)
        _log(request, person, access, "CarePlan", [None] if plans else [])
        return fhir_response(searchset(request, [resources.care_plan(p, ended_on=e) for p, e in plans]))

