"""POST /fhir/R4/$process-message: the BaRS receiver. A thin view: the headers BaRS
requires, the message read, one service call, and the answer as an OperationOutcome."""

import logging
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.authentication import ApiTokenAuthentication
from core.api import requires
from core.fhir import FhirApiView, fhir_response, operation_outcome
from core.throttles import DEFAULT as DEFAULT_THROTTLES
from core.throttles import ReferralSendingThrottle

from . import services
from .message import MessageInvalid, MessageRefused, referral_message_read

logger = logging.getLogger("bars")

REQUEST_ID = "X-Request-ID"
CORRELATION_ID = "X-Correlation-ID"
TRACE_HEADER_LENGTH = 200
OUTCOMES = {
    "new": "Referral {reference} received: it is on the CAP's triage worklist.",
    "update": "Update to referral {reference} received.",
    "cancel": "Referral {reference} cancelled.",
}


def _trace_headers(request: Request) -> tuple[dict[str, str], str]:
    """The BaRS trace headers, echoed back; the first missing or too long one named."""
    found, problem = {}, ""
    for name in (REQUEST_ID, CORRELATION_ID):
        value = request.headers.get(name, "").strip()
        if value and len(value) <= TRACE_HEADER_LENGTH:
            found[name] = value
        elif not problem:
            problem = (f"The {name} header is required." if not value else
                       f"The {name} header is at most {TRACE_HEADER_LENGTH} characters.")
    return found, problem


def _answer(status_code: int, headers: dict[str, str], *, code: str, details: str, text: str,
            severity: str = "error", expression: str = "") -> Response:
    return fhir_response(operation_outcome(code=code, details_code=details, diagnostics=text,
                                           severity=severity, expression=expression),
                         status_code=status_code, headers=headers)


class ProcessMessageApi(FhirApiView):
    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [requires("accounts.send_referrals")]
    throttle_classes = [*DEFAULT_THROTTLES, ReferralSendingThrottle]

    @extend_schema(
        operation_id="fhir_process_message",
        summary="BaRS: receive a referral message (FHIR R4 $process-message)",
        request={"application/fhir+json": OpenApiTypes.OBJECT},
        parameters=[
            OpenApiParameter(REQUEST_ID, OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
                             description="The sender's id of this request (a UUID), echoed back."),
            OpenApiParameter(CORRELATION_ID, OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
                             description="The id that ties this request to the sender's others, "
                                         "echoed back and logged."),
        ],
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT,
                                 description="Received: an informational OperationOutcome."),
            400: OpenApiResponse(description="Not valid FHIR R4 or BaRS, or a header missing "
                                             "(REC_BAD_REQUEST)."),
            401: OpenApiResponse(description="No valid token (REC_UNAUTHORIZED)."),
            403: OpenApiResponse(description="The account is not a referring system (REC_FORBIDDEN)."),
            409: OpenApiResponse(description="This message was received before (duplicate, REC_CONFLICT)."),
            422: OpenApiResponse(description="Valid, but the CAP cannot act on it "
                                             "(REC_UNPROCESSABLE_ENTITY)."),
        },
    )
    def post(self, request: Request) -> Response:
        """A BaRS referral message: a new referral (onto the triage worklist, its urgency
        starting the crisis clocks), an update, or a cancellation (ServiceRequest revoked
        or entered-in-error) while the referral still awaits triage."""
        headers, problem = _trace_headers(request)
        log: dict[str, Any] = {"request_id": headers.get(REQUEST_ID, ""),
                               "correlation_id": headers.get(CORRELATION_ID, ""),
                               "client": request.user.get_username()}
        if problem:
            logger.info("BaRS message refused: %s", problem, extra=log)
            return _answer(400, headers, code="required", details="REC_BAD_REQUEST", text=problem)
        try:
            message = referral_message_read(request.data)
            received = services.message_receive(
                actor=request.user, message=message, bundle=request.data,
                request_id=headers[REQUEST_ID], correlation_id=headers[CORRELATION_ID])
        except MessageInvalid as error:
            logger.info("BaRS message invalid: %s", error.message, extra=log)
            return _answer(400, headers, code="invalid", details="REC_BAD_REQUEST", text=error.message,
                           expression=error.expression)
        except services.Duplicate as duplicate:
            logger.info("BaRS message duplicate", extra={**log, "message_id": duplicate.earlier.message_id})
            return _answer(status.HTTP_409_CONFLICT, headers, code="duplicate", details="REC_CONFLICT",
                           text=str(duplicate))
        except MessageRefused as error:
            logger.info("BaRS message refused: %s", error.message, extra=log)
            return _answer(422, headers, code="processing", details="REC_UNPROCESSABLE_ENTITY",
                           text=error.message)
        row, referral = received.message, received.referral
        logger.info("BaRS message received", extra={**log, "message_id": row.message_id, "kind": row.kind,
                                                    "referral": referral.reference})
        return _answer(200, headers, code="informational", details="", severity="information",
                       text=OUTCOMES[row.kind].format(reference=referral.reference))
