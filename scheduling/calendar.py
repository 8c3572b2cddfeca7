"""A practitioner's diary as an iCalendar (RFC 5545) feed."""

from datetime import timedelta

from django.utils import timezone
from icalendar import Calendar, Event

from .models import CrisisPlace, DiaryEntry, Practitioner

FEED_WEEKS_BACK, FEED_WEEKS_AHEAD = 2, 12


def diary_feed(practitioner: Practitioner) -> bytes:
    now = timezone.now()
    entries = (DiaryEntry.objects.filter(practitioner=practitioner, live=True,
                                         ends_at__gte=now - timedelta(weeks=FEED_WEEKS_BACK),
                                         starts_at__lt=now + timedelta(weeks=FEED_WEEKS_AHEAD))
               .select_related("booking__referral", "booking__room").order_by("starts_at"))
    calendar = Calendar()
    calendar.add("prodid", "-//Central Access Point//Clinical diary//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"CAP diary: {practitioner.name}")
    for entry in entries:
        booking = entry.booking
        event = Event()
        event.add("uid", f"diary-entry-{entry.pk}@cap")
        event.add("dtstamp", now)
        event.add("dtstart", entry.starts_at)
        event.add("dtend", entry.ends_at)
        held = " (held, not yet booked)" if booking.status == "held" else ""
        what = "urgent crisis assessment" if booking.is_crisis else "structured assessment"
        event.add("summary", f"{entry.step}: {what} {booking.referral.reference}{held}")
        # The crisis place's detail may be the person's address: the feed names no one.
        where = ("By phone" if entry.by_phone else
                 CrisisPlace(booking.place).label if booking.is_crisis and booking.place else booking.where)
        event.add("location", where)
        calendar.add_component(event)
    return calendar.to_ical()
