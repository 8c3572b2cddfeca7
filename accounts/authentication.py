"""The API's token authentication: knox tokens (hashed at rest, expiring), sent as
`Authorization: Token <key>`, the header systems sent before (a contract)."""

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
