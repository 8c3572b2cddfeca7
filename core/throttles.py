"""How often a client may call the API: per client (an API client's service account, or
a signed-in user), per client for sending referrals, and per address where no one is
signed in. Rates are settings (API_THROTTLE_*), read on each request so a change of
setting (or a test's override) takes effect at once; counts live in the Redis cache.

A throttled request gets 429 with a problem body and `Retry-After` (DRF's Throttled,
through core.api.exception_handler). If Redis cannot be reached the request is let
through: a referral sent while the cache is down must still arrive, and the database,
not the throttle, keeps it from arriving twice (cap.idempotency)."""

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from redis.exceptions import RedisError
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from core.proxy import client_ip

if TYPE_CHECKING:  # rest_framework.views imports the throttles named in settings
    from rest_framework.views import APIView

logger = logging.getLogger(__name__)


class _FailOpen(SimpleRateThrottle):
    setting = ""

    def get_rate(self) -> str:
        return getattr(settings, self.setting)

    def allow_request(self, request: Request, view: "APIView") -> bool:
        try:
            return super().allow_request(request, view)
        except (RedisError, OSError):
            logger.warning("API throttle %s let a request through: the cache is unreachable", self.scope)
            return True


class ClientThrottle(_FailOpen, UserRateThrottle):
    """Every API request of one client (its user), whatever the endpoint."""

    scope = "user"
    setting = "API_THROTTLE_USER_RATE"


class ReferralSendingThrottle(_FailOpen, UserRateThrottle):
    """Referrals one client sends: a referring system stuck in a loop is slowed long
    before it floods the triage worklist."""

    scope = "referrals"
    setting = "API_THROTTLE_REFERRALS_RATE"


class AnonymousThrottle(_FailOpen, AnonRateThrottle):
    """Requests without credentials to the API's public endpoints (the schema), by address."""

    scope = "anon"
    setting = "API_THROTTLE_ANON_RATE"

    def get_ident(self, request: Request) -> str:
        # The address as the login lockout resolves it (behind the trusted proxies), not
        # DRF's whole X-Forwarded-For, which a client could vary to escape the limit.
        return client_ip(request._request)


DEFAULT = (ClientThrottle, AnonymousThrottle)
