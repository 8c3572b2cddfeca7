"""The person's questions before an assessment, from the appointment page: kept against
the booking for the practitioners who will see them."""

import hashlib
from datetime import datetime

from django.db import IntegrityError, transaction

from core.errors import Conflict
from core.history import save_as
from core.locks import lock_booking
from scheduling.models import Booking, BookingStatus

from .models import AppointmentQuestions


def questions_submit(*, booking: Booking, text: str, now: datetime) -> AppointmentQuestions:
    """Keep the person's questions for a booked appointment. The same words sent again (a
    double click, a retry) are the row already kept."""
    digest = hashlib.sha256(text.encode()).hexdigest()
    with transaction.atomic():
        booking = lock_booking(booking.pk)
        if booking.status != BookingStatus.BOOKED:
            raise Conflict("This appointment is no longer booked: call us instead.")
        try:
            with transaction.atomic():
                asked = AppointmentQuestions(booking=booking, text=text, digest=digest, submitted_at=now)
                return save_as(asked, None)
        except IntegrityError:
            return AppointmentQuestions.objects.get(booking=booking, digest=digest)
