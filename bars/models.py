"""Every BaRS message the CAP received, kept whole: each version of a referral its sender
sent (the new referral, its updates, its cancellation), with the headers that trace it."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class MessageKind(models.TextChoices):
    NEW = "new", "New referral"
    UPDATE = "update", "Update"
    CANCEL = "cancel", "Cancellation"


class ReceivedMessage(models.Model):
    # The Bundle's id: the sender's id of this message. Sent again, it is a duplicate (409).
    message_id = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=10, choices=MessageKind.choices)
    event = models.CharField(max_length=60, help_text="MessageHeader.eventCoding.code")
    # The referral as the sender knows it: its ServiceRequest (fullUrl), the same in every
    # version the sender sends, and the sender itself (whose endpoint takes the response).
    service_request_id = models.CharField(max_length=200, db_index=True)
    service_request_status = models.CharField(max_length=20)
    sender_endpoint = models.CharField(max_length=300)
    sender_ods_code = models.CharField(max_length=10, blank=True)
    referral = models.ForeignKey("cap.Referral", on_delete=models.PROTECT, related_name="bars_messages")
    request_id = models.CharField("X-Request-ID", max_length=200)
    correlation_id = models.CharField("X-Correlation-ID", max_length=200)
    # Safeguarding and reasonable-adjustment flags, as sent: [{"kind": ..., "text": ...}].
    flags = models.JSONField(default=list, blank=True)
    callback_by = models.DateTimeField("the sender's call-back deadline", null=True, blank=True)
    bundle = models.JSONField(help_text="The message as received.")
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["received_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.message_id}"


class ResponseOutcome(models.TextChoices):
    """What the CAP tells the sender, once each: the loop closed."""

    ACCEPTED = "accepted", "Accepted for assessment"
    ROUTED = "routed", "Routed elsewhere"
    ADVICE = "advice", "Advice given"


class ResponseState(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class ResponseMessage(models.Model):
    """The outbox of BaRS response messages: written in the transaction of the triage
    decision it reports, sent by a Celery task (bars.sending), exactly once: the Bundle's
    id is this row's `message_id`, the same on every try, so a retry after a lost answer
    is a duplicate to the sender, never a second message."""

    message_id = models.UUIDField(unique=True)
    referral = models.ForeignKey("cap.Referral", on_delete=models.PROTECT, related_name="bars_responses")
    answers = models.ForeignKey(ReceivedMessage, on_delete=models.PROTECT, related_name="responses",
                                help_text="The message that started the referral.")
    outcome = models.CharField(max_length=20, choices=ResponseOutcome.choices)
    endpoint = models.CharField(max_length=300)
    bundle = models.JSONField()
    state = models.CharField(max_length=10, choices=ResponseState.choices, default=ResponseState.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["referral", "outcome"],
                                               name="one_response_per_outcome")]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} → {self.endpoint}"
