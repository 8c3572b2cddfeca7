"""What every FHIR R4 endpoint shares (the BaRS receiver and the FHIR read API): the FHIR
JSON media type in and out, and every error as an OperationOutcome, once.

FHIR answers errors with an OperationOutcome resource, not DRF's `{"detail": ...}`: a
FHIR view sets `exception_handler = fhir_exception_handler`-style handling by inheriting
`FhirApiView`, so a 401, 403, 404, 405, 415, 429 or a bad body reads the same everywhere.
"""

from typing import Any

from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import exception_handler as api_exception_handler
from core.parsers import JSONParser

FHIR_JSON = "application/fhir+json"
NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
ODS_CODE_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code"
# BaRS and the NHS's FHIR APIs qualify an OperationOutcome's issue with this code system (some
# BaRS examples spell it .../Codesystem/...; the CodeSystem's own URL is this one).
SPINE_ERROR_CODES = "https://fhir.nhs.uk/CodeSystem/http-error-codes"


class FhirJSONParser(JSONParser):
    """A FHIR body: `application/fhir+json` (the FHIR media type), parsed as JSON is."""

    media_type = FHIR_JSON


class FhirJSONRenderer(JSONRenderer):
    media_type = FHIR_JSON
    format = "fhir"


def operation_outcome(*, code: str, diagnostics: str, severity: str = "error",
                      details_code: str = "", details_system: str = SPINE_ERROR_CODES,
                      expression: str = "") -> dict[str, Any]:
    """An OperationOutcome with one issue. `code` is FHIR's issue type (invalid, duplicate,
    not-found, forbidden, security, processing, exception...); `details_code` the
    standard's own code for the error, where it has one."""
    issue: dict[str, Any] = {"severity": severity, "code": code, "diagnostics": diagnostics}
    if details_code:
        issue["details"] = {"coding": [{"system": details_system, "code": details_code}]}
    if expression:
        issue["expression"] = [expression]
    return {"resourceType": "OperationOutcome", "issue": [issue]}


# FHIR issue type and BaRS error code for each HTTP status DRF raises on its own. BaRS's
# codes name the side at fault: REC_ (the receiver, as the CAP is here), SEND_ or PROXY_.
_OUTCOME_FOR_STATUS: dict[int, tuple[str, str]] = {
    status.HTTP_400_BAD_REQUEST: ("invalid", "REC_BAD_REQUEST"),
    status.HTTP_401_UNAUTHORIZED: ("login", "REC_UNAUTHORIZED"),
    status.HTTP_403_FORBIDDEN: ("forbidden", "REC_FORBIDDEN"),
    status.HTTP_404_NOT_FOUND: ("not-found", "REC_NOT_FOUND"),
    status.HTTP_405_METHOD_NOT_ALLOWED: ("not-supported", "REC_NOT_SUPPORTED"),
    status.HTTP_406_NOT_ACCEPTABLE: ("not-supported", "REC_NOT_ACCEPTABLE"),
    status.HTTP_409_CONFLICT: ("conflict", "REC_CONFLICT"),
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: ("not-supported", "REC_NOT_SUPPORTED"),
    status.HTTP_422_UNPROCESSABLE_ENTITY: ("processing", "REC_UNPROCESSABLE_ENTITY"),
    status.HTTP_429_TOO_MANY_REQUESTS: ("throttled", "REC_TOO_MANY_REQUESTS"),
}


def _diagnostics(data: Any) -> str:
    """DRF's error body (a detail, a list, or field: [messages]) as one sentence."""
    if isinstance(data, dict):
        if set(data) == {"detail"}:
            return str(data["detail"])
        return " ".join(f"{key}: {_diagnostics(value)}" for key, value in data.items())
    if isinstance(data, list):
        return " ".join(_diagnostics(item) for item in data)
    return str(data)


def fhir_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """The API's own handler (domain errors as 400/403/409), its body turned into an
    OperationOutcome."""
    response = api_exception_handler(exc, context)
    if response is None:
        return None
    issue_code, details_code = _OUTCOME_FOR_STATUS.get(response.status_code,
                                                       ("processing", "REC_SERVER_ERROR"))
    response.data = operation_outcome(code=issue_code, diagnostics=_diagnostics(response.data),
                                      details_code=details_code)
    return response


class FhirApiView(APIView):
    """A FHIR endpoint: takes and gives `application/fhir+json` (and plain JSON), and
    answers every error with an OperationOutcome."""

    parser_classes = [FhirJSONParser, JSONParser]
    renderer_classes = [FhirJSONRenderer, JSONRenderer]

    def get_exception_handler(self) -> Any:
        return fhir_exception_handler

    def handle_exception(self, exc: Exception) -> Response:
        # DRF renders a 406 with the first renderer; keep the outcome readable as FHIR JSON.
        if isinstance(exc, exceptions.NotAcceptable):
            self.request.accepted_renderer = FhirJSONRenderer()
            self.request.accepted_media_type = FHIR_JSON
        return super().handle_exception(exc)


def fhir_response(resource: dict[str, Any], *, status_code: int = status.HTTP_200_OK,
                  headers: dict[str, str] | None = None) -> Response:
    return Response(resource, status=status_code, headers=headers, content_type=FHIR_JSON)


def searchset(request: Request, resources: list[dict[str, Any]]) -> dict[str, Any]:
    """A search's results as a FHIR Bundle of type searchset (no `entry` when nothing
    matched: FHIR JSON allows no empty array)."""
    bundle: dict[str, Any] = {
        "resourceType": "Bundle", "type": "searchset", "total": len(resources),
        "link": [{"relation": "self", "url": request.build_absolute_uri()}],
    }
    if resources:
        bundle["entry"] = [{"fullUrl": request.build_absolute_uri(f"/fhir/R4/{r['resourceType']}/{r['id']}"),
                            "resource": r, "search": {"mode": "match"}} for r in resources]
    return bundle
