import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from triage.models import TriageDecision

HOMES = [
    ("call_handler", "/calls/new/"),
    ("triage_clinician", "/triage/"),
    ("admin_team", "/scheduling/booking-queue/"),
    ("manager", "/dashboard/"),
    ("practitioner_user", "/care-plans/"),
    ("knowledge_officer", "/directory/"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("persona, home", HOMES)
def test_each_role_signs_in_and_lands_on_its_own_home(client, request, persona, home, password):
    user = request.getfixturevalue(persona)
    response = client.post(reverse("login"), {"username": user.username, "password": password},
                           follow=True)
    assert response.redirect_chain[-1][0] == home
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/calls/new/", "/triage/", "/scheduling/booking-queue/",
                                 "/dashboard/", "/care-plans/", "/directory/", "/referrals/new/"])
def test_every_staff_page_needs_a_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("persona, forbidden", [
    ("call_handler", "/triage/"),
    ("call_handler", "/dashboard/"),
    ("call_handler", "/referrals/new/"),
    ("triage_clinician", "/scheduling/booking-queue/"),
    ("admin_team", "/dashboard/"),
    ("practitioner_user", "/calls/new/"),
    ("knowledge_officer", "/triage/"),
])
def test_a_role_cannot_open_another_roles_pages(client_for, request, persona, forbidden):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(forbidden).status_code == 403


@pytest.mark.django_db
def test_user_without_a_role_is_told_so(client_for):
    from tests.factories import UserFactory

    response = client_for(UserFactory()).get("/")
    assert response.status_code == 403
    assert b"no role" in response.content


@pytest.mark.django_db
def test_call_handler_cannot_record_a_triage_decision_in_the_ui(client_for, call_handler, admin_team,
                                                               person, gp_referrer):
    from cap.services import referral_log_written

    referral = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                    reason="Low mood")
    response = client_for(call_handler).post(
        reverse("triage:decide", args=[referral.pk]),
        {"urgency": "routine", "outcome": "assessment", "stream": "AMH", "rationale": "x"})
    assert response.status_code == 403
    assert not TriageDecision.objects.exists()


@pytest.mark.django_db
def test_api_refuses_a_call_handler_and_accepts_a_triage_clinician(client, call_handler,
                                                                   triage_clinician, admin_team,
                                                                   person, gp_referrer):
    from cap.services import referral_log_written

    referral = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                    reason="Low mood")
    url = reverse("api:triage", args=[referral.pk])
    body = {"urgency": "routine", "outcome": "assessment", "stream": "AMH", "rationale": "Stable"}
    handler_token = Token.objects.create(user=call_handler)
    refused = client.post(url, body, content_type="application/json",
                          HTTP_AUTHORIZATION=f"Token {handler_token.key}")
    assert refused.status_code == 403
    assert not TriageDecision.objects.exists()

    clinician_token = Token.objects.create(user=triage_clinician)
    accepted = client.post(url, body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Token {clinician_token.key}")
    assert accepted.status_code == 201
    body = accepted.json()
    assert (body["status"], body["urgency"], body["stream"]) == ("awaiting_booking", "routine", "AMH")
    assert {t["code"]: t["state"] for t in body["targets"]} == {
        "triage_review": "met", "booking": "running", "routine_assessment": "running"}


@pytest.mark.django_db
def test_api_without_credentials_answers_401_not_a_login_redirect(client):
    assert client.get("/api/v1/triage/worklist/").status_code == 401


@pytest.mark.django_db
def test_openapi_schema_is_published(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/referrals/{id}/triage/" in response.content
