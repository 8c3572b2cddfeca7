"""The client's address, resolved one way for login lockout (django-axes) and for the
public form's rate limit (django-ratelimit): see the AXES_IPWARE_* settings."""

from axes.helpers import get_client_ip_address
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR", "")
