"""Every care plan page renders for an involved practitioner."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from careplans import services
from careplans.models import StepUpNotReason
from tests.factories import PractitionerFactory

pytestmark = pytest.mark.django_db


def test_the_pages_render(clinician, known_person, team, client_for):
    plan = services.care_plan_start(actor=clinician, service_user=known_person)
    step_up = services.step_up_start(actor=clinician, service_user=known_person, reason="risk",
                                     practitioners=[PractitionerFactory(teams=[team])], frequency="Daily",
                                     checks_confirmed=list(StepUpNotReason.values))
    client = client_for(clinician)
    pk = known_person.pk
    urls = [reverse("careplans:index"), reverse("careplans:step_ups"), reverse("careplans:support_slots"),
            reverse("careplans:team", args=[pk]), reverse("careplans:expertise_request_new", args=[pk]),
            reverse("careplans:transition_new", args=[pk]),
            reverse("careplans:step_up_end", args=[step_up.pk]),
            reverse("careplans:versions", args=[pk]) + "?from=1&to=1"]
    for url in urls:
        assert client.get(url).status_code == 200, url
    start = timezone.now() + timedelta(days=1)
    response = client.post(reverse("careplans:support_slots"), {
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 200  # not in the directory of expertise: refused on the form
    assert "Only practitioners in the directory of expertise" in response.content.decode()
    assert plan.pk
