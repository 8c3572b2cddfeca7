"""The demo data gives each person known to services a care plan the demo practitioner can work on."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from careplans import selectors
from careplans.models import CarePlan


@pytest.mark.django_db
def test_demo_people_known_to_services_have_a_written_care_plan(settings):
    settings.DEBUG = True
    call_command("load_demo_data", stdout=StringIO())
    call_command("load_demo_data", stdout=StringIO())  # twice: nothing added
    plans = CarePlan.objects.select_related("service_user").order_by("service_user__family_name")
    assert [(p.service_user.family_name, p.version) for p in plans] == [
        ("Campbell", 3), ("Moss", 3), ("Whitmore", 3)]
    assert all(p.safety_plan and p.other_needs.count() == 1 for p in plans)
    practitioner = get_user_model().objects.get(username="practitioner")
    assert selectors.people_in_care_of(practitioner).count() >= 3
