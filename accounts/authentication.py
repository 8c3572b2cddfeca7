"""The API's session authentication, for the pages' own scripts: a browser session counts
only once it has passed the second step of sign-in. Token clients are unaffected."""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication

from . import two_factor


class VerifiedSessionAuthentication(SessionAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and two_factor.needs_second_step(request._request.user):
            raise exceptions.PermissionDenied(
                "Enter the code from your authenticator app to finish signing in.")
        return result


class VerifiedSessionScheme(OpenApiAuthenticationExtension):
    """The published schema names it as it names Django's session: the session cookie."""

    target_class = "accounts.authentication.VerifiedSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}
