"""Sending the outbox of BaRS responses (RELIABILITY.md's outbox): a sender claims one due
row with SELECT ... FOR UPDATE SKIP LOCKED and commits the claim (`sending`, with a lease)
before it posts, so two senders never hold one row and a sender killed mid-send leaves a
claim taken again when its lease ends. A retry sends the same Bundle id and X-Request-ID:
the sender's receiver answers 409, a duplicate, which is as good as sent."""

import logging
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.fhir import FHIR_JSON

from .models import ResponseMessage, ResponseState

logger = logging.getLogger("bars")

LEASE = timedelta(minutes=2)
RETRY_AT_MOST = timedelta(hours=1)
FIRST_RETRY = timedelta(seconds=30)
TIMEOUT_SECONDS = 10


def responses_send_due(*, now: datetime | None = None, limit: int = 200) -> int:
    """Send the responses due by `now`, one claim at a time; the number sent."""
    sent = 0
    for _ in range(limit):
        claimed = _claim_next(now or timezone.now())
        if claimed is None:
            break
        sent += _send(claimed)
    return sent


def _claim_next(now: datetime) -> ResponseMessage | None:
    with transaction.atomic():
        response = (ResponseMessage.objects.select_for_update(skip_locked=True)
                    .filter(Q(state=ResponseState.QUEUED, next_attempt_at__lte=now)
                            | Q(state=ResponseState.SENDING, lease_until__lte=now))
                    .order_by("next_attempt_at", "id").first())
        if response is None:
            return None
        response.state, response.lease_until = ResponseState.SENDING, now + LEASE
        response.attempts += 1
        response.save(update_fields=["state", "lease_until", "attempts"])
    return response


def endpoint_allowed(endpoint: str) -> bool:
    """Responses go only to the hosts the trust names (BARS_RESPONSE_HOSTS): a sender's
    message chooses the address, and must not make the CAP post anywhere it likes."""
    parts = urlsplit(endpoint)
    allowed = settings.BARS_RESPONSE_HOSTS
    return parts.scheme in ("https", "http") and bool(parts.hostname) and (
        "*" in allowed or parts.hostname in allowed)


def _send(response: ResponseMessage) -> int:
    if not endpoint_allowed(response.endpoint):
        _record(response, ResponseState.FAILED, error=f"{response.endpoint!r} is not in BARS_RESPONSE_HOSTS.")
        return 0
    correlation_id = response.answers.correlation_id
    try:
        answer = requests.post(
            response.endpoint, json=response.bundle, timeout=TIMEOUT_SECONDS,
            headers={"Content-Type": FHIR_JSON, "Accept": FHIR_JSON, "X-Request-ID": str(response.message_id),
                     "X-Correlation-ID": correlation_id})
    except requests.RequestException as error:
        _retry(response, f"{type(error).__name__}: {error}")
        return 0
    if answer.ok or answer.status_code == 409:  # 409: received already, by an earlier try
        _record(response, ResponseState.SENT)
        logger.info("BaRS response sent", extra={"correlation_id": correlation_id,
                                                 "message_id": str(response.message_id)})
        return 1
    if answer.status_code in (408, 425, 429) or answer.status_code >= 500:
        _retry(response, f"HTTP {answer.status_code}")
    else:  # the sender refuses it: trying again would be refused again
        _record(response, ResponseState.FAILED, error=f"HTTP {answer.status_code}: {answer.text[:300]}")
    return 0


def _retry(response: ResponseMessage, error: str) -> None:
    if response.attempts >= settings.BARS_RESPONSE_ATTEMPTS:
        _record(response, ResponseState.FAILED, error=error)
        return
    wait = min(FIRST_RETRY * 2 ** (response.attempts - 1), RETRY_AT_MOST)
    _record(response, ResponseState.QUEUED, error=error, next_attempt_at=timezone.now() + wait)


def _record(response: ResponseMessage, state: str, *, error: str = "",
            next_attempt_at: datetime | None = None) -> None:
    """The try's result, written only while this sender's claim holds (compare and set on
    the lease), so a sender whose lease ran out cannot overwrite its successor."""
    now = timezone.now()
    fields: dict = {"state": state, "lease_until": None, "last_error": error[:500]}
    if state == ResponseState.SENT:
        fields["sent_at"] = now
    if next_attempt_at is not None:
        fields["next_attempt_at"] = next_attempt_at
    if state == ResponseState.FAILED:
        logger.warning("BaRS response failed: %s", error, extra={"message_id": str(response.message_id)})
    ResponseMessage.objects.filter(pk=response.pk, state=ResponseState.SENDING,
                                   lease_until=response.lease_until).update(**fields)
