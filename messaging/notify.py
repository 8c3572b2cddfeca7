"""The one place the service talks to GOV.UK Notify, through its official client.

Each message's own id is Notify's `reference`, so a message whose sender died between
Notify accepting it and our commit is found at Notify again instead of being sent twice."""

from typing import Any

from django.conf import settings
from notifications_python_client import NotificationsAPIClient

from .models import Message, MessageChannel


def notify_configured() -> bool:
    """Without a key (the demo) nothing is ever sent."""
    return bool(settings.NOTIFY_API_KEY)


def notify_client() -> NotificationsAPIClient:
    return NotificationsAPIClient(settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL,
                                  timeout=settings.NOTIFY_TIMEOUT_SECONDS)


def notification_send(client: NotificationsAPIClient, message: Message) -> str:
    """Send one message; Notify's id for it. Raises the client's APIError on a refusal, a
    server error or a timeout."""
    personalisation: dict[str, Any] = {"subject": message.subject, "body": message.body}
    reference = str(message.pk)
    if message.channel == MessageChannel.SMS:
        response = client.send_sms_notification(phone_number=message.recipient,
                                                template_id=settings.NOTIFY_TEMPLATE_SMS,
                                                personalisation=personalisation, reference=reference)
    elif message.channel == MessageChannel.EMAIL:
        response = client.send_email_notification(email_address=message.recipient,
                                                  template_id=settings.NOTIFY_TEMPLATE_EMAIL,
                                                  personalisation=personalisation, reference=reference)
    else:
        # Notify's letter templates take up to seven address lines, the postcode last.
        lines = {f"address_line_{n}": line for n, line in enumerate(message.address[:7], start=1)}
        response = client.send_letter_notification(template_id=settings.NOTIFY_TEMPLATE_LETTER,
                                                   personalisation={**lines, **personalisation},
                                                   reference=reference)
    return str(response["id"])


def notification_already_accepted(client: NotificationsAPIClient, message: Message) -> str:
    """Notify's id for a notification it accepted with this message's reference, or ""."""
    found = client.get_all_notifications(reference=str(message.pk)).get("notifications") or []
    return str(found[0]["id"]) if found else ""
