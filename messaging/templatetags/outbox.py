from django import template
from django.db.models import QuerySet

from cap.models import Referral
from messaging import selectors
from messaging.models import AppointmentQuestions, Message, Reply

register = template.Library()


@register.simple_tag
def messages_to_the_person(referral: Referral) -> QuerySet[Message]:
    """The messages about the referral's bookings, in the order they go (or went)."""
    return Message.objects.filter(booking__referral=referral).order_by("due_at", "pk")


@register.simple_tag
def replies_from_the_person(referral: Referral) -> QuerySet[Reply]:
    return selectors.replies_about(referral)


@register.simple_tag
def questions_from_the_person(referral: Referral) -> QuerySet[AppointmentQuestions]:
    return selectors.questions_about(referral)
