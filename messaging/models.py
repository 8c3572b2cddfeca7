"""The outbox of messages to the person: each appointment confirmation and reminder is a
row, written in the same transaction as the booking that causes it, and sent from here by
a Celery task (messaging.services.messages_send_due). A message is never lost (PostgreSQL
holds it before anyone is told it exists) and never queued twice (one per booking and kind,
in the database)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from adjustments.models import InformationFormat
from cap.models import ServiceUser
from scheduling.models import Booking


class MessageKind(models.TextChoices):
    CONFIRMATION = "confirmation", "Appointment confirmation"
    REMINDER_7_DAYS = "reminder_7_days", "Reminder 7 days before"
    REMINDER_2_DAYS = "reminder_2_days", "Reminder 2 days before"


class MessageChannel(models.TextChoices):
    SMS = "sms", "Text message"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"


# The person's formats, one set for letters and messages (adjustments.models).
MessageFormat = InformationFormat


class MessageState(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"
    # The demo (no NOTIFY_API_KEY): the message is written as it would be sent, and kept.
    RENDERED_ONLY = "rendered_only", "Rendered only (not sent: no GOV.UK Notify key)"
    CANCELLED = "cancelled", "Cancelled"


class Message(models.Model):
    service_user = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="messages")
    booking = models.ForeignKey(Booking, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="messages")
    kind = models.CharField(max_length=20, choices=MessageKind.choices)
    channel = models.CharField(max_length=10, choices=MessageChannel.choices)
    format = models.CharField(max_length=12, choices=MessageFormat.choices, default=MessageFormat.STANDARD)
    # A mobile number or an email address; a letter's address is in `address`.
    recipient = models.CharField(max_length=320, blank=True)
    address = models.JSONField(default=list, blank=True,
                               help_text="A letter's address lines, the person's name first, postcode last.")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    state = models.CharField(max_length=20, choices=MessageState.choices, default=MessageState.QUEUED)
    due_at = models.DateTimeField(help_text="Sent at or after this instant (the next try, after an error).")
    # A sender's claim: a message still `sending` after it was not finished by that sender
    # (a worker killed mid-send) and is claimed again, reconciled with Notify first.
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    notify_id = models.CharField("GOV.UK Notify notification id", max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True,
                                        help_text="When Notify's receipt said it arrived (a letter: posted).")
    failed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            # A retried booking request or a rerun queues nothing twice.
            models.UniqueConstraint(fields=["booking", "kind"], name="one_message_of_each_kind_per_booking"),
        ]
        indexes = [
            models.Index(fields=["due_at"], condition=Q(state__in=["queued", "sending"]),
                         name="message_to_send_due_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} by {self.get_channel_display().lower()} to {self.service_user}"

    @property
    def when(self):
        """The instant that says most about the message in its state."""
        if self.state == MessageState.DELIVERED:
            return self.delivered_at or self.sent_at
        if self.state == MessageState.SENT:
            return self.sent_at
        if self.state == MessageState.FAILED:
            return self.failed_at
        if self.state == MessageState.CANCELLED:
            return self.cancelled_at
        return self.due_at


class ReplyChannel(models.TextChoices):
    TEXT = "text", "Text message reply"
    ONLINE = "online", "Online, from the link in a message"


class ReplyIntent(models.TextChoices):
    """What the person asked for, read from their reply (messaging.replies.intent_of)."""

    CONFIRM = "confirm", "Confirmed they will come"
    CANCEL = "cancel", "Asked to cancel"
    REBOOK = "rebook", "Asked for another time"
    UNCLEAR = "unclear", "Something else (read it)"


class ReplyOutcome(models.TextChoices):
    DONE = "done", "Done"
    # A reply the service could not act on alone: a person on the admin team reads it.
    TO_READ = "to_read", "For the admin team to read"
    READ = "read", "Read by the admin team"


class Reply(models.Model):
    """A reply from the person about an appointment: a text message received by GOV.UK
    Notify, or an answer given on the appointment page a message links to. Each is acted
    on once: a text reply is unique on Notify's id for it."""

    channel = models.CharField(max_length=10, choices=ReplyChannel.choices)
    notify_id = models.CharField("GOV.UK Notify received text id", max_length=64, null=True, blank=True,
                                 unique=True)
    from_number = models.CharField(max_length=32, blank=True)
    text = models.TextField(blank=True)
    received_at = models.DateTimeField()
    # The appointment it is about: the one the latest message to that number was about, or
    # the one the link was for. None when nothing sent to the number could be found.
    booking = models.ForeignKey(Booking, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="replies")
    intent = models.CharField(max_length=10, choices=ReplyIntent.choices)
    outcome = models.CharField(max_length=10, choices=ReplyOutcome.choices)
    outcome_note = models.CharField(max_length=300, blank=True)
    read_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    read_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["received_at", "pk"]
        verbose_name_plural = "replies"
        indexes = [models.Index(fields=["received_at"], condition=Q(outcome="to_read"),
                                name="reply_to_read_idx")]

    def __str__(self):
        return f"{self.get_channel_display()} {self.received_at:%Y-%m-%d %H:%M}: {self.get_intent_display()}"


class AppointmentQuestions(models.Model):
    """What the person wants to ask or tell the practitioners before an assessment, written
    on the appointment page (the letter's questions page, online). A resubmission of the
    same words is the same row."""

    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="questions")
    text = models.TextField()
    digest = models.CharField(max_length=64, help_text="SHA-256 of the text: the same words once.")
    submitted_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name_plural = "appointment questions"
        constraints = [models.UniqueConstraint(fields=["booking", "digest"], name="same_questions_once")]

    def __str__(self):
        return f"Questions for booking {self.booking_id} at {self.submitted_at:%Y-%m-%d %H:%M}"
