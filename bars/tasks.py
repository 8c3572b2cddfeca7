from celery import shared_task


@shared_task
def send_bars_responses_task() -> int:
    """Beat runs this every BARS_RESPONSE_SEND_SECONDS, and a decision asks for it once it
    commits. Idempotent: each response is claimed in PostgreSQL before it is sent, so two
    runs at once, redelivery and late acknowledgement send nothing twice."""
    from .sending import responses_send_due

    return responses_send_due()
