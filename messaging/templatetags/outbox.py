from django import template
from django.db.models import QuerySet

from cap.models import Referral
from messaging.models import Message

register = template.Library()


@register.simple_tag
def messages_to_the_person(referral: Referral) -> QuerySet[Message]:
    """The messages about the referral's bookings, in the order they go (or went)."""
    return Message.objects.filter(booking__referral=referral).order_by("due_at", "pk")
