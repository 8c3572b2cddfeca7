from celery import shared_task

from . import services


@shared_task
def release_expired_holds_task() -> int:
    """Beat runs this every minute: free the diary time of holds that ran out.
    Idempotent, so late acknowledgement and redelivery are safe."""
    return services.holds_release_expired()


@shared_task
def find_slot_issues_task() -> int:
    """Beat runs this every 15 minutes: list the referrals waiting for a booking that
    cannot be booked within their target, or searched at all, with the reason, so no
    one is stuck unseen until somebody opens their booking page. Idempotent."""
    return services.slot_issues_find()
