from celery import shared_task

from . import services


@shared_task
def scan_breaches_task() -> int:
    """Beat runs this every BREACH_SCAN_SECONDS; it is idempotent, so late
    acknowledgement and redelivery are safe."""
    return services.scan_breaches()
