"""How fast one internet address can send self-referrals: fairly for people who share one,
and slowly for anyone abusing the form.

Many people can share an address: a library's computers, a hospital's or a college's
wifi, a mobile network's gateway. So the limit counts only referrals actually sent (a
page refused for a missing answer, a resubmitted page and a bot caught by the honeypot
count for nothing), and reaching it never turns anyone away. Up to PUBLIC_REFERRAL_RATE
referrals an address sends in its window go straight through; beyond it each one waits
its turn: PUBLIC_REFERRAL_WAIT_SECONDS after the address's last referral for the first
over the count, twice that for the second, and so on up to MAX_WAIT. A genuine person at a
busy library waits half a minute with their answers kept, and the page tells them how to
get help now (999, NHS 111 option 2) while they wait; a script sending junk from one
address is held to a couple of dozen referrals an hour, so the triage worklist is not flooded.

The counts live in the cache (Redis). If Redis cannot be reached the form stays open:
PostgreSQL's unique submission token, not the limit, keeps a referral from being received
twice, and a person in crisis must not be refused because a cache is down."""

import logging
import math
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django_ratelimit.core import get_usage

from core.proxy import client_ip

logger = logging.getLogger(__name__)

GROUP = "cap.public.referrals_sent"
MAX_WAIT = 10 * 60  # seconds: the longest anyone is asked to wait


def _sent_so_far(request: HttpRequest, *, count_one: bool) -> dict | None:
    try:
        return get_usage(request, group=GROUP, key="ip", rate=settings.PUBLIC_REFERRAL_RATE,
                         increment=count_one)
    except Exception:  # noqa: BLE001 - the cache is down: the form stays open (see above)
        logger.warning("The public form's referral count could not be read; sending without a limit.")
        return None


def _last_sent_key(request: HttpRequest) -> str:
    return f"{GROUP}.last:{client_ip(request)}"


def wait_before_sending(request: HttpRequest, *, now: datetime) -> int:
    """Seconds this address must still wait before its next referral is sent: 0 to send now."""
    usage = _sent_so_far(request, count_one=False)
    if usage is None or usage["count"] < usage["limit"]:
        return 0
    over = usage["count"] - usage["limit"] + 1
    gap = min(settings.PUBLIC_REFERRAL_WAIT_SECONDS * over, MAX_WAIT)
    try:
        last = cache.get(_last_sent_key(request))
    except Exception:  # noqa: BLE001
        return 0
    if last is None:
        return 0
    return max(0, math.ceil(last + gap - now.timestamp()))


def referral_sent_from(request: HttpRequest, *, now: datetime) -> None:
    """Count a referral this address sent (call only once it is received)."""
    usage = _sent_so_far(request, count_one=True)
    if usage is None:
        return
    try:
        cache.set(_last_sent_key(request), now.timestamp(), timeout=MAX_WAIT + 60)
    except Exception:  # noqa: BLE001
        logger.warning("The public form's last referral time could not be kept.")
