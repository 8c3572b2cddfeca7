"""What staff read of the person's replies and questions."""

from django.db.models import QuerySet

from cap.models import Referral

from .models import AppointmentQuestions, Reply, ReplyOutcome


def replies_about(referral: Referral) -> QuerySet[Reply]:
    return Reply.objects.filter(booking__referral=referral).select_related("booking", "read_by")


def questions_about(referral: Referral) -> QuerySet[AppointmentQuestions]:
    return AppointmentQuestions.objects.filter(booking__referral=referral).select_related("booking")


def replies_to_read() -> QuerySet[Reply]:
    """Replies the service could not act on alone, oldest first: the admin team reads
    each and calls the person."""
    return (Reply.objects.filter(outcome=ReplyOutcome.TO_READ)
            .select_related("booking__referral__service_user").order_by("received_at", "pk"))
