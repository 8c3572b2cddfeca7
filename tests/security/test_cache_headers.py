"""Nothing personal is cached: every signed-in page, every API response and the public
self-referral say `Cache-Control: no-store` (core.middleware.no_store)."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from cap.services import referral_log_written
from core.middleware import no_store

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/get-help/", "/get-help/who/", "/get-help/check-your-answers/", "/get-help/register-with-a-gp/",
    "/find-support/", "/login/",
]
TRIAGE_PAGES = ["/", "/triage/", "/triage/urgent/", "/triage/non-urgent/", "/calls/", "/directory/",
                "/referrals/{referral}/", "/triage/referrals/{referral}/decide/"]
MANAGER_PAGES = ["/", "/dashboard/", "/dashboard/targets/", "/identity-checks/", "/referrals/{referral}/"]
API = ["/api/v1/triage/worklist/", "/api/v1/referrals/{referral}/", "/api/v1/breaches/",
       "/api/v1/dashboard/", "/api/v1/referrals/{referral}/options/"]


@pytest.fixture
def referral(admin_team, person, gp_referrer):
    return referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                reason="Low mood for several months")


def assert_no_store(response, url):
    assert "no-store" in response.get("Cache-Control", ""), (url, response.status_code,
                                                             response.get("Cache-Control"))


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_self_referral_and_sign_in_pages_are_not_stored(client, reference_data, url):
    response = client.get(url)
    assert response.status_code in (200, 302)
    assert_no_store(response, url)


def test_a_self_referral_step_answered_with_an_error_is_not_stored(client, reference_data):
    response = client.post("/get-help/who/", {"filled_in_by": "nobody"})
    assert response.status_code == 200
    assert_no_store(response, "/get-help/who/")


@pytest.mark.parametrize("url", TRIAGE_PAGES)
def test_triage_clinicians_pages_about_people_are_not_stored(client_for, triage_clinician, referral, url):
    url = url.format(referral=referral.pk)
    response = client_for(triage_clinician).get(url)
    assert response.status_code in (200, 302), url
    assert_no_store(response, url)


@pytest.mark.parametrize("url", MANAGER_PAGES)
def test_managers_pages_are_not_stored(client_for, manager, referral, url):
    url = url.format(referral=referral.pk)
    response = client_for(manager).get(url)
    assert response.status_code in (200, 302, 403), url
    assert_no_store(response, url)


@pytest.mark.parametrize("url", API)
def test_every_api_response_is_not_stored_whatever_its_status(client_for, triage_clinician, manager,
                                                             referral, url):
    url = url.format(referral=referral.pk)
    for user in (triage_clinician, manager):
        response = client_for(user).get(url)
        assert response.status_code < 500, url
        assert_no_store(response, url)


def test_refusals_and_missing_pages_are_not_stored_either(client, reference_data):
    for url in ("/api/v1/triage/worklist/", "/triage/", "/api/v1/no-such-thing/", "/no-such-page/"):
        assert_no_store(client.get(url), url)


def test_a_view_that_chose_its_own_cache_lifetime_keeps_it():
    def view(request):
        response = HttpResponse("the same for everyone")
        response["Cache-Control"] = "public, max-age=300"
        return response

    response = no_store(view)(RequestFactory().get("/"))
    assert response["Cache-Control"] == "public, max-age=300"


@pytest.mark.parametrize("url", ["/get-help/", "/login/", "/find-support/"])
def test_every_page_carries_the_browsers_security_headers(client, reference_data, url):
    """Script only from the service itself, never framed, types never sniffed, and the
    address of a page about a person never sent to another site."""
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "object-src 'none'",
                      "frame-ancestors 'none'", "form-action 'self'"):
        assert directive in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_api_answers_in_json_are_downloads_if_a_browser_is_led_to_them(client_for, triage_clinician, client):
    for response in (client_for(triage_clinician).get("/api/v1/triage/worklist/"),
                     client.get("/api/v1/no-such-thing/")):
        assert response["Content-Type"].startswith("application/json")
        assert response["Content-Disposition"] == 'attachment; filename="api.json"'
