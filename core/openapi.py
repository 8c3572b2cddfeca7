"""The answers every API operation can give besides its own, documented once in the OpenAPI
schema (a drf-spectacular postprocessing hook) so a client, and the schema fuzzing test,
know every status code an operation returns.

The bodies are those of `core.api.exception_handler` and DRF: `{"detail": "..."}`, or an
object of field names to lists of messages for a validation error."""

from typing import Any

DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
FIELD_ERRORS = {
    "type": "object",
    "description": "Each field that is wrong, with its messages; `detail` or `non_field_errors` "
                   "for the request as a whole.",
    "additionalProperties": {},
}


def _response(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


COMMON = {
    "401": _response("Not signed in: no token, or a token that is not valid.", DETAIL),
    "403": _response("The role of the signed-in user does not allow this.", DETAIL),
    "429": {**_response("Too many requests from this client (core.throttles): wait the seconds "
                        "`Retry-After` gives, then send again.", DETAIL),
            "headers": {"Retry-After": {"description": "Seconds to wait before sending again.",
                                        "schema": {"type": "integer"}}}},
}
WITH_INPUT = {
    "400": _response("The request is not valid: each problem is named.", FIELD_ERRORS),
}
WITH_ID = {
    "404": _response("Nothing has this id.", DETAIL),
}
WITH_BODY = {
    "409": _response("The request clashes with the current state (already decided, taken "
                     "meanwhile).", FIELD_ERRORS),
    "415": _response("The body is not JSON.", DETAIL),
}


# Under /fhir/ every error is a FHIR OperationOutcome (core.fhir), in FHIR's media type.
OPERATION_OUTCOME = {
    "type": "object", "description": "A FHIR R4 OperationOutcome: `issue[].code`, `issue[].diagnostics`, "
                                     "and the BaRS error code in `issue[].details.coding[].code`.",
    "properties": {"resourceType": {"type": "string", "enum": ["OperationOutcome"]},
                   "issue": {"type": "array", "items": {"type": "object"}}},
    "required": ["resourceType", "issue"],
}
FHIR_OPERATIONS = ("process-message",)


def _fhir(response: dict[str, Any]) -> dict[str, Any]:
    schema = {"schema": OPERATION_OUTCOME}
    return {**response, "content": {"application/fhir+json": schema, "application/json": schema}}


def fhir_operation_paths(result: dict[str, Any], generator: object, request: object,
                         public: bool) -> dict[str, Any]:
    """FHIR names an operation with a "$" (`/fhir/R4/$process-message`); drf-spectacular reads
    the "$" of a URL pattern as a regular expression's end and drops it: put it back."""
    paths = result.get("paths", {})
    for name in FHIR_OPERATIONS:
        for path in [p for p in paths if p.startswith("/fhir/") and p.endswith(f"/{name}")]:
            paths[path.removesuffix(name) + "$" + name] = paths.pop(path)
    return result


def document_error_responses(result: dict[str, Any], generator: object, request: object,
                             public: bool) -> dict[str, Any]:
    for path, operations in result.get("paths", {}).items():
        for _method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            if path.startswith("/fhir/"):
                for code, response in responses.items():
                    if code[0] in "45" and "content" not in response:
                        responses[code] = _fhir(response)
                for code, response in {**COMMON, **WITH_INPUT}.items():
                    responses.setdefault(code, _fhir(response))
                continue
            extra = dict(COMMON)
            if operation.get("parameters") or operation.get("requestBody"):
                extra.update(WITH_INPUT)
            if "{" in path:
                extra.update(WITH_ID)
            if operation.get("requestBody"):
                extra.update(WITH_BODY)
            for code, response in extra.items():
                responses.setdefault(code, response)
    return result
