"""Idempotency keys for POSTs from other systems (Stripe's design): the first response
for a (user, key) is stored and replayed for every retry; the same key with another
body is refused; nothing is stored when the request fails.

The key is claimed (inserted) first and its response written in the same
transaction as whatever the request created, so a key exists exactly when its
referral does. The unique constraint on (user, key) settles retries and races
alike: a retry's INSERT fails at once; a concurrent request's INSERT waits for the
first transaction and fails if it commits (the second request then replays the
first one's response, having done nothing) or goes ahead if it rolled back."""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from .models import IdempotencyKey

MAX_KEY_LENGTH = 255


class KeyReused(Exception):
    """The key was first used with a different request body."""

    message = ("This Idempotency-Key was already used with a different request body. "
               "Send a new key for a new request.")


@dataclass(frozen=True)
class Outcome:
    status: int
    body: dict
    replayed: bool = False


def fingerprint(data) -> str:
    """SHA-256 of the canonical JSON of a parsed body: key order and spacing do not
    change it, any change of value does."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                           default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(stored: IdempotencyKey, fingerprint: str) -> Outcome:
    if stored.fingerprint != fingerprint:
        raise KeyReused(KeyReused.message)
    return Outcome(stored.status_code, stored.response, replayed=True)


def _stored(user, key: str) -> IdempotencyKey | None:
    return IdempotencyKey.objects.filter(user=user, key=key).first()


def respond_once(*, user, key: str, fingerprint: str,
                 create: Callable[[], tuple[int, dict]]) -> Outcome:
    """Run `create` (which validates and writes, returning a status and a JSON body)
    in one transaction with the stored response, or replay the response already
    stored for this key. An exception from `create` rolls everything back and stores
    nothing, so a corrected retry with the same key is run afresh. Without a key,
    `create` simply runs in its own transaction."""
    if not key:
        with transaction.atomic():
            status, body = create()
        return Outcome(status, body)
    try:
        with transaction.atomic():
            # Claim the key before doing anything. A retry finds it taken at once; a
            # concurrent request with the same key blocks here until we commit (its
            # INSERT then fails) or roll back (it goes ahead).
            claim = IdempotencyKey.objects.create(user=user, key=key, fingerprint=fingerprint,
                                                  status_code=0, response={})
            status, body = create()
            IdempotencyKey.objects.filter(pk=claim.pk).update(status_code=status, response=body)
    except IntegrityError:
        # The key was taken (by an earlier request, or a concurrent one that just
        # committed); nothing of ours was written. Answer as that request did.
        stored = _stored(user, key)
        if stored is None:
            raise
        return _replay(stored, fingerprint)
    return Outcome(status, body)
