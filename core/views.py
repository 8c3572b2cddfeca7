"""The pages for when things go wrong: a form refused by the CSRF check and a rate limit,
rendered with the request; 400, 404 and 500 are Django's own handlers with the templates of
the same names, except under /api/, which answers in JSON as the API does, and under
/fhir/, which answers with a FHIR OperationOutcome."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults

from core.fhir import FHIR_JSON, operation_outcome


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Rendered with the request, so a signed-in user keeps their header and way home; the
    reason stays in the log, not on the page."""
    return render(request, "403_csrf.html", status=403)


def rate_limited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "429.html", status=429)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _is_fhir(request: HttpRequest) -> bool:
    return request.path.startswith("/fhir/")


def _outcome(status: int, code: str, details_code: str, diagnostics: str) -> HttpResponse:
    return JsonResponse(operation_outcome(code=code, details_code=details_code, diagnostics=diagnostics),
                        status=status, content_type=FHIR_JSON)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """An address under /api/ that matches no endpoint answers as the API does."""
    if _is_fhir(request):
        return _outcome(404, "not-found", "REC_NOT_FOUND", "No FHIR endpoint or resource at this address.")
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_fhir(request):
        return _outcome(500, "exception", "REC_SERVER_ERROR", "Sorry, there is a problem with the service.")
    if _is_api(request):
        return JsonResponse({"detail": "Sorry, there is a problem with the service."}, status=500)
    return defaults.server_error(request)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_fhir(request):
        return _outcome(400, "invalid", "REC_BAD_REQUEST", "Bad request.")
    if _is_api(request):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception or Exception("Bad request"))
