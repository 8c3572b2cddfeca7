from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from . import two_factor

SESSION_KEY = "authenticated_at"


def absolute_session_timeout(get_response):
    """End a session a fixed time after login, however active it has been; the idle
    timeout is SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST."""

    def middleware(request):
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            started = request.session.setdefault(SESSION_KEY, now)
            if now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return redirect(settings.LOGIN_URL)
        return get_response(request)

    return middleware


class TwoFactorRequiredMiddleware:
    """Until the session has passed the second step of sign-in, every page sends the user
    to it: to enter a code, or to set up an authenticator app when they have none. What
    they asked for is kept in `next`, so they land on it after the code.

    Let through: the public pages (which need no sign-in at all), signing out, the pages
    of the second step themselves (marked `two_factor_exempt`), and the API, whose own
    session authentication refuses an unverified session (accounts/authentication.py)
    while token clients are unaffected."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any,
                     view_kwargs: Any) -> HttpResponse | None:
        if not two_factor.needs_second_step(request.user):
            return None
        if (not getattr(view_func, "login_required", True) or getattr(view_func, "two_factor_exempt", False)
                or getattr(view_func, "cls", None) is not None or request.path == reverse("logout")):
            return None
        step = "accounts:two_factor_verify" if two_factor.authenticator_of(request.user) else \
            "accounts:two_factor_setup"
        return redirect(f"{reverse(step)}?{urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})}")
