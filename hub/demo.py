"""Demo arrivals at the Urgent Care Hub (accounts/demo_data.py), for `load_demo_data`."""

from datetime import date, timedelta

from django.utils import timezone

from accounts import demo_data
from cap.services import PersonDetails

from . import services
from .models import HubArrival


def load_hub_arrivals(*, staff) -> None:
    # Only into a hub with no arrivals: a second run adds nothing.
    if HubArrival.objects.exists():
        return
    now = timezone.now()
    for details in demo_data.DEMO_HUB_ARRIVALS:
        born = details.get("date_of_birth")
        person = PersonDetails(given_name=details["given_name"], family_name=details["family_name"],
                               date_of_birth=date.fromisoformat(born) if born else None,
                               postcode=details.get("postcode", ""))
        arrived_at = now - timedelta(minutes=details["minutes_ago"])
        arrival = services.hub_arrival_record(actor=staff, person=person, arrival=services.Arrival(
            arrived_at=arrived_at, route=details["route"], accompanied_by=details["accompanied_by"],
            presenting_concern=details["presenting_concern"])).arrival
        if details.get("started"):
            services.hub_assessment_start(actor=staff, arrival=arrival)
        if details.get("assessed_after"):
            services.hub_assessment_complete(
                actor=staff, arrival=arrival, outcome=details["outcome"],
                completed_at=arrived_at + timedelta(minutes=details["assessed_after"]),
                notes="Safety plan agreed with him; crisis line number given; GP to review in a week.")
