"""The API's authentication: knox tokens (hashed at rest, expiring), sent as
`Authorization: Token <key>`, the header systems sent before (a contract); and the session
for the pages' own scripts, which counts only once it has passed the second step of
sign-in (token clients are unaffected)."""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication

from . import two_factor


class ApiTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, token: bytes):
        # A header that is not UTF-8 is a wrong token (401), not a server error.
        try:
            token.decode("utf-8")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        return super().authenticate_credentials(token)


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The token in the OpenAPI schema, under the name it always had (`tokenAuth`)."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        # The prefix knox expects ("Token"), read from knox rather than written again here.
        prefix = self.target.authenticate_header(None)
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix=prefix)


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
