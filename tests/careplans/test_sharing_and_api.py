"""The person's and the GP's copies, the record of sharing, the care coordinator and the API."""

import pytest
from django.urls import reverse

from cap.models import RecordAccess
from careplans import services
from careplans.models import Audience, PlanShare
from core.letterhead import LETTERHEAD
from tests.factories import PractitionerFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def written_plan(clinician, known_person):
    plan = services.care_plan_start(actor=clinician, service_user=known_person)
    services.care_plan_contribute(
        actor=clinician, care_plan=plan, summary="First plan",
        sections={"goals": "Walk to the park with my daughter", "safety_plan": "Ring my sister Amira",
                  "external_expectations": "GP: review sertraline in 4 weeks"})
    plan.refresh_from_db()
    return plan


def test_the_persons_copy_is_plain_language_and_large_print_on_request(clinician, written_plan, client_for):
    page = client_for(clinician).get(reverse("careplans:copy", args=[written_plan.service_user_id, "person"]),
                                     {"large": "1"})
    body = page.content.decode()
    assert "What matters to you" in body and "Walk to the park with my daughter" in body
    assert "Keeping safe, and what to do in a crisis" in body and "cap-large-print" in body
    assert "data-print" in body


def test_the_copies_carry_the_letterhead_and_the_persons_or_the_practices_address(
        clinician, written_plan, client_for):
    person = written_plan.service_user
    client = client_for(clinician)
    mine = client.get(reverse("careplans:copy", args=[person.pk, "person"])).content.decode()
    gps = client.get(reverse("careplans:copy", args=[person.pk, "gp"])).content.decode()
    assert LETTERHEAD.trust in mine and LETTERHEAD.trust in gps
    assert f"Noor Hussain<br>12 Church Lane<br>Leicester<br>{person.postcode}</address>" in mine
    assert f"{person.gp_practice.name}<br>24 Granby Street<br>Leicester" in gps


def test_the_gp_copy_says_what_is_asked_of_the_gp(clinician, written_plan, client_for):
    page = client_for(clinician).get(reverse("careplans:copy", args=[written_plan.service_user_id, "gp"]))
    body = page.content.decode()
    assert "What we ask of you" in body and "GP: review sertraline in 4 weeks" in body


def test_sharing_is_recorded_with_the_version_when_and_with_whom(clinician, written_plan, client_for):
    client = client_for(clinician)
    response = client.post(reverse("careplans:share", args=[written_plan.service_user_id]), {
        "audience": "person", "shared_with": "Noor Hussain and her sister Amira", "method": "Printed"})
    assert response.status_code == 302
    services.care_plan_share(actor=clinician, care_plan=written_plan, audience=Audience.GP,
                             shared_with="Highfields Surgery", method="Sent securely")
    shares = list(PlanShare.objects.order_by("id"))
    assert [(s.audience, s.shared_with, s.version.number, s.shared_by) for s in shares] == [
        ("person", "Noor Hussain and her sister Amira", 2, clinician),
        ("gp", "Highfields Surgery", 2, clinician)]
    assert all(s.shared_at for s in shares)
    page = client.get(reverse("careplans:copy", args=[written_plan.service_user_id, "person"]))
    assert "Version 2 shared with Noor Hussain and her sister Amira" in page.content.decode()


def test_the_care_coordinator_and_the_team_around_the_person_are_set_on_the_team_page(
        clinician, written_plan, client_for):
    client = client_for(clinician)
    url = reverse("careplans:team", args=[written_plan.service_user_id])
    assert client.get(url).status_code == 200
    lead = PractitionerFactory(name="Ama Boateng", teams=[TeamFactory()])
    assert client.post(url, {"care_coordinator": lead.pk}).status_code == 302
    expert = PractitionerFactory(name="Ruth Ellis", teams=[TeamFactory()])
    assert client.post(url, {"practitioner": expert.pk, "involvement": "Perinatal"}).status_code == 302
    written_plan.refresh_from_db()
    assert written_plan.care_coordinator == lead
    assert [str(m) for m in written_plan.team_around.all()] == ["Ruth Ellis (Perinatal)"]
    page = client.get(reverse("careplans:person", args=[written_plan.service_user_id])).content.decode()
    assert "Ama Boateng" in page and "Ruth Ellis (Nurse): Perinatal" in page


def test_the_api_gives_the_current_version_with_contributions_and_sharing(
        clinician, written_plan, client_for):
    services.care_plan_share(actor=clinician, care_plan=written_plan, audience=Audience.GP,
                             shared_with="Highfields Surgery", method="Sent securely")
    response = client_for(clinician).get(f"/api/v1/service-users/{written_plan.service_user_id}/care-plan/")
    assert response.status_code == 200
    data = response.json()
    assert data["version"] == 2 and data["care_coordinator"] == "Dev Sharma"
    assert data["sections"]["safety_plan"] == "Ring my sister Amira"
    assert [c["version"] for c in data["contributions"]] == [2, 1]
    assert data["contributions"][0]["author"] == "Grace Okafor"
    assert data["contributions"][0]["team"] == "City East CTR Team"
    assert data["shared"][0]["shared_with"] == "Highfields Surgery"
    assert RecordAccess.objects.filter(user=clinician, service_user_id=written_plan.service_user_id,
                                       context="care plan API").count() == 1


def test_the_api_refuses_roles_without_care_plans(call_handler, written_plan, client_for):
    url = f"/api/v1/service-users/{written_plan.service_user_id}/care-plan/"
    response = client_for(call_handler).get(url)
    assert response.status_code == 403
    assert not RecordAccess.objects.filter(user=call_handler).exists()


def test_the_api_answers_404_when_there_is_no_plan(clinician, known_person, client_for):
    response = client_for(clinician).get(f"/api/v1/service-users/{known_person.pk}/care-plan/")
    assert response.status_code == 404
