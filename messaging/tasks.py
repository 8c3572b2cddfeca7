from celery import shared_task


@shared_task
def send_due_messages_task() -> int:
    """Beat runs this every MESSAGE_SEND_SECONDS. Idempotent: each message is claimed in
    PostgreSQL before it is sent, so late acknowledgement, redelivery and two runs at once
    send nothing twice; a run that dies leaves its claim to be taken again."""
    from .services import messages_send_due

    return messages_send_due()


@shared_task
def read_replies_task() -> int:
    """Beat runs this every NOTIFY_REPLIES_SECONDS. Idempotent: a reply is recorded once,
    unique on Notify's id, in the transaction that acts on it."""
    from .replies import replies_read

    return replies_read()
