"""Nothing personal is kept by a browser or a proxy.

A page about a person left in a shared computer's cache, or in a proxy between a ward and
the service, can be read by the next person to use it: so every response says
`Cache-Control: no-store` unless its view chose otherwise. That includes the public pages
with nobody's details on them (the self-referral's start, the public directory search):
the words searched ("self-harm", a postcode) say something about the person searching at a
library computer, and with SESSION_SAVE_EVERY_REQUEST a response may set a session cookie
that a shared cache must never hand to someone else. Static files never reach this
middleware: WhiteNoise, above it, answers them with their own long cache lifetimes, which
is right for files that are the same for everyone.

API answers in JSON also say `Content-Disposition: attachment` (ASVS 14.4.2): a browser led
to an API address downloads the answer rather than rendering it, whatever is in it.

`Pragma: no-cache` is not added: it is a request header of HTTP/1.0 with no defined meaning
on a response (RFC 9111 5.4), and every browser and proxy in use honours Cache-Control."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


def no_store(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True)
        return response

    return middleware


View = Callable[[HttpRequest], HttpResponse]


def api_json_as_download(get_response: View) -> View:
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if (request.path.startswith("/api/") and not response.has_header("Content-Disposition")
                and response.get("Content-Type", "").startswith("application/json")):
            response["Content-Disposition"] = 'attachment; filename="api.json"'
        return response

    return middleware
