"""What someone typed is never lost to the session timing out.

A form posted after the session ended (the idle or absolute timeout) reaches the server
signed out: LoginRequiredMiddleware sends the user to sign in. Before it does, the fields
they posted are kept in the (new) session, with the path and who was signed in last in this
browser. After they sign in, the first visit to that path shows the same form with what
they typed, and a banner asking them to check it and send it again: it is not sent for
them, because time has passed and they should see what they are sending.

Only views marked `@keeps_typed_work` are restored: they render their form bound to
`request.POST` and save only when `request.method == "POST"`, so a restored GET shows the
form and saves nothing. The restore happens only for the same user (a signed cookie names
who was signed in last), within KEPT_FOR; anyone else who signs in on that browser never
sees it. Files are not kept (a browser cannot be given a file back)."""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict

SESSION_KEY = "kept_work"
LAST_USER_COOKIE = "cap_last_user"
SALT = "accounts.kept-work"
KEPT_FOR = 60 * 60  # seconds
NOT_KEPT = {"csrfmiddlewaretoken"}


def keeps_typed_work(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a form view whose typing is kept across a sign-in (see the module's rules)."""
    view.keeps_typed_work = True  # type: ignore[attr-defined]
    return view


class KeptWorkMiddleware:
    """Between CsrfViewMiddleware (a post is kept only once it has passed the CSRF check)
    and LoginRequiredMiddleware (which then sends the user to sign in)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in and request.get_signed_cookie(LAST_USER_COOKIE, default=None, salt=SALT) != str(user.pk):
            response.set_signed_cookie(
                LAST_USER_COOKIE, str(user.pk), salt=SALT, max_age=settings.SESSION_ABSOLUTE_SECONDS,
                httponly=True, secure=settings.SESSION_COOKIE_SECURE, samesite="Lax")
        return response

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any,
                     view_kwargs: Any) -> None:
        if not getattr(view_func, "keeps_typed_work", False):
            return
        if request.method == "POST" and not request.user.is_authenticated:
            _keep(request)
        elif request.method == "GET" and request.user.is_authenticated:
            _restore(request)


def _keep(request: HttpRequest) -> None:
    data = request.POST.copy()
    for name in NOT_KEPT:
        data.pop(name, None)
    request.session[SESSION_KEY] = {
        "path": request.path, "data": data.urlencode(), "at": time.time(),
        "user": request.get_signed_cookie(LAST_USER_COOKIE, default=None, salt=SALT),
    }


def _restore(request: HttpRequest) -> None:
    kept = request.session.get(SESSION_KEY)
    if not kept or kept.get("path") != request.path:
        return
    del request.session[SESSION_KEY]
    if kept.get("user") != str(request.user.pk) or time.time() - kept.get("at", 0) > KEPT_FOR:
        return
    request.POST = QueryDict(kept["data"])  # type: ignore[misc]  # shown, not sent: still a GET
    request.kept_work_restored = True  # type: ignore[attr-defined]
    messages.warning(request, "You were signed out before your form was sent, so it was not saved. "
                              "What you typed is below: check it and send it again.")
