"""The messaging tests' small team (the scheduling tests' own), and a person booked with it
who asked for text messages."""

import pytest

from cap.models import Referral, ServiceUser
from scheduling import services
from scheduling.models import DiaryException
from tests.scheduling import conftest as scheduling
from tests.scheduling.conftest import MONDAY_8, at

# The same small team as the scheduling tests.
room, staff, team, triaged = scheduling.room, scheduling.staff, scheduling.team, scheduling.triaged

MOBILE = "07700 900123"


def contact(referral, **fields):
    Referral.objects.filter(pk=referral.pk).update(**fields)
    referral.refresh_from_db()
    return referral


@pytest.fixture
def away_until_day_ten(staff):
    """Everyone off sick for the first ten days, so the first option is on Thursday 3
    December 2026, with both reminders still to come when booking on Monday 23 November."""
    for practitioner in staff.values():
        DiaryException.objects.create(practitioner=practitioner, kind="sickness", starts_at=at(0, 0),
                                      ends_at=at(10, 0))


@pytest.fixture
def booked(admin_team, triaged, staff, room, away_until_day_ten):
    def make(address=None, **contact_details):
        referral = contact(triaged(), **(contact_details or {"contact_preference": "text",
                                                             "contact_phone": MOBILE}))
        if address:
            ServiceUser.objects.filter(pk=referral.service_user_id).update(**address)
            referral.service_user.refresh_from_db()
        option = services.options_for(referral=referral, now=MONDAY_8).options[0]
        return services.booking_create(actor=admin_team, referral=referral, option_id=option.id, now=MONDAY_8)

    return make
