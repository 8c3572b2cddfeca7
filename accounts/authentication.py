"""The API's token authentication: knox tokens (hashed at rest, expiring), sent as
`Authorization: Token <key>`, the header systems sent before (a contract)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from rest_framework import exceptions


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
