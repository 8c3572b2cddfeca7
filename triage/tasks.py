from celery import shared_task

from . import alerts


@shared_task
def scan_breaches_task() -> int:
    """Beat runs this every BREACH_SCAN_SECONDS. It is idempotent (the database keeps each
    alert and each repeat to one), so late acknowledgement and redelivery are safe; then
    it emails what the scan raised."""
    raised = alerts.scan_breaches()
    alerts.notification_emails_send()
    return raised


@shared_task
def send_alert_emails_task() -> int:
    """Emails notifications a relay claimed but never marked sent (its lease ended)."""
    return alerts.notification_emails_send()


@shared_task
def performance_refresh_task() -> int:
    """Rebuilds the daily performance summaries for the days changed since the last run."""
    from .performance import performance_refresh

    return performance_refresh()
