from celery import shared_task

from . import services


@shared_task
def release_expired_holds_task() -> int:
    """Beat runs this every minute: free the diary time of holds that ran out.
    Idempotent, so late acknowledgement and redelivery are safe."""
    return services.holds_release_expired()
