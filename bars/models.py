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
