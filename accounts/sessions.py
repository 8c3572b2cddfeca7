"""Sessions that have run out are removed, not just refused.

Django refuses an expired session but leaves its row, with whatever the session held (a
self-referral's answers before they were sent, typed work kept across a sign-in), in the
database until something deletes it: `sessions_clear_expired` is that, run daily by beat."""

from importlib import import_module

from django.conf import settings


def sessions_clear_expired() -> None:
    """Delete every session past its expiry. One statement for the database backend, so a
    run that is repeated, or two that overlap, delete nothing twice and lose nothing."""
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()
