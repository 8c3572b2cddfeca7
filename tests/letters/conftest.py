import pytest
import time_machine
from django.urls import reverse

from scheduling import services
from scheduling.models import Booking
from tests.scheduling.conftest import MONDAY_8, room, staff, team, triaged  # noqa: F401  (fixtures)


@pytest.fixture
def booked(client_for, admin_team, triaged, staff, room):  # noqa: F811
    """A structured assessment booked by the admin team for Asha Patel, and the admin
    team's signed-in client."""
    referral = triaged()
    api = client_for(admin_team)
    with time_machine.travel(MONDAY_8, tick=False):
        option = services.options_for(referral=referral, now=MONDAY_8).options[0]
        api.post(reverse("scheduling:book", args=[referral.pk]), {"option": option.id, "action": "book"})
    return Booking.objects.get(referral=referral), api
