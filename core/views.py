"""The pages for when things go wrong that Django does not render with the request itself:
a form refused by the CSRF check, and a rate limit. (400, 403, 404 and 500 are Django's own
handlers with the templates of the same names.)"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Rendered with the request, so a signed-in user keeps their header and way home; the
    reason stays in the log, not on the page."""
    return render(request, "403_csrf.html", status=403)


def rate_limited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "429.html", status=429)
