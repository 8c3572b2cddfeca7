from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils import timezone

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
