import logging

from celery import shared_task

from .feeds import FeedError, configured_feeds, feed_import

logger = logging.getLogger(__name__)


@shared_task
def fetch_directory_feeds_task() -> None:
    """Beat runs this daily (CELERY_BEAT_SCHEDULE["fetch-directory-feeds"]) for each
    Open Referral UK API in DIRECTORY_FEEDS. Idempotent: an entry is found by its id,
    so a second run changes nothing the first did not."""
    for url in configured_feeds():
        try:
            report = feed_import(actor=None, base_url=url)
        except FeedError as error:
            logger.warning("Directory feed not read", extra={"feed": url, "error": str(error)})
            continue
        logger.info("Directory feed read", extra={
            "feed": url, "added": report.created, "updated": report.updated, "unchanged": report.unchanged,
            "not_loaded": len(report.problems), "to_categorise": report.to_categorise})
