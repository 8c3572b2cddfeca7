from celery import shared_task

from . import held_uploads


@shared_task
def remove_old_held_uploads_task() -> int:
    """Beat runs this every hour: remove referral letters held for a form that was never
    sent (their tokens have run out). Idempotent."""
    return held_uploads.held_uploads_remove_old()
