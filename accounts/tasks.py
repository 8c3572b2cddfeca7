from celery import shared_task

from .sessions import sessions_clear_expired


@shared_task
def clear_expired_sessions_task() -> None:
    """Beat runs this daily (CELERY_BEAT_SCHEDULE["clear-expired-sessions"]). Idempotent:
    a second run finds nothing left to delete."""
    sessions_clear_expired()
