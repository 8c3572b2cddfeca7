from celery import shared_task

from . import alerts


@shared_task
def scan_breaches_task() -> int:
    """Beat runs this every BREACH_SCAN_SECONDS. It only scans: it is idempotent (the
    database keeps each alert and each repeat to one), so late acknowledgement and
    redelivery are safe. The emails go in a task of their own, so a slow or unreachable
    mail server never holds up the next scan; an email task that is lost is harmless, as
    its notifications stay unsent and the next relay claims them."""
    raised = alerts.scan_breaches()
    send_alert_emails_task.delay()
    return raised


@shared_task
def send_alert_emails_task() -> int:
    """Emails the notifications not yet sent: those the last scan raised, and those a relay
    claimed but never marked sent (its lease ended)."""
    return alerts.notification_emails_send()


@shared_task
def performance_refresh_task() -> int:
    """Rebuilds the daily performance summaries for the days changed since the last run."""
    from .performance import performance_refresh

    return performance_refresh()


@shared_task
def watch_accounted_task() -> int:
    """Beat runs this every ACCOUNTED_WATCH_SECONDS: alerts the duty manager to each referral
    newly not accounted for, and closes the alerts of those accounted for again. Idempotent
    (one open alert per referral, in the database), so late acknowledgement and redelivery
    are safe; a lost run is made good by the next. Returns the alerts raised."""
    from django.utils import timezone

    from .accounted import accounted_watch

    raised = accounted_watch(now=timezone.now()).raised
    if raised:
        send_alert_emails_task.delay()
    return raised
