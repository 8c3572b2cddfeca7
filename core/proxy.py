"""The client's address, resolved one way for login lockout (django-axes) and for the
public form's rate limit (django-ratelimit): see the AXES_IPWARE_* settings."""

from axes.helpers import get_client_ip_address


def client_ip(request) -> str:
    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR", "")
