"""The pages for when things go wrong: NHS.UK styled, with the header and a way back, the
crisis advice for people who are not signed in, and nothing leaked."""

import re

import pytest
from django.contrib.auth.decorators import login_not_required
from django.test import Client, RequestFactory, override_settings

from core.views import rate_limited

pytestmark = pytest.mark.django_db


def one_h1(page: str) -> str:
    headings = re.findall(r"<h1[^>]*>(.*?)</h1>", page, flags=re.S)
    assert len(headings) == 1, headings
    return headings[0]


def assert_service_page(page: str) -> None:
    assert 'class="nhsuk-header' in page
    assert "nhsuk-frontend.min.css" in page


def test_a_page_that_does_not_exist_is_the_nhs_not_found_page_with_the_crisis_advice(client):
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert one_h1(page) == "Page not found"
    assert_service_page(page)
    assert "call 999" in page and "NHS 111 and select option 2" in page
    assert 'href="/login/"' in page


def test_a_signed_in_user_who_follows_a_bad_link_is_offered_their_home_page(client_for, call_handler):
    page = client_for(call_handler).get("/no-such-page/").content.decode()
    assert "Go to your home page" in page
    assert 'id="crisis"' not in page


def test_a_page_of_another_role_says_why_and_who_to_ask(client_for, call_handler):
    response = client_for(call_handler).get("/dashboard/")
    page = response.content.decode()
    assert response.status_code == 403
    assert one_h1(page) == "You do not have access to this page"
    assert "ask your line manager" in page
    assert_service_page(page)


@override_settings(ROOT_URLCONF="tests.error_urls")
def test_a_server_error_is_the_nhs_error_page_and_leaks_nothing():
    response = Client(raise_request_exception=False).get("/test-only/fails/")
    page = response.content.decode()
    assert response.status_code == 500
    assert one_h1(page) == "Sorry, there is a problem with the service"
    assert_service_page(page)
    assert "hunter2" not in page and "RuntimeError" not in page and "Traceback" not in page
    assert "call 999" in page


def test_a_request_for_an_unknown_host_is_the_bad_request_page():
    response = Client(raise_request_exception=False).get("/", HTTP_HOST="cap.evil.example")
    page = response.content.decode()
    assert response.status_code == 400
    assert one_h1(page) == "Sorry, there is a problem with the request"
    assert "evil" not in page


def test_a_form_refused_by_the_csrf_check_says_what_to_do_and_keeps_the_header(call_handler):
    client = Client(enforce_csrf_checks=True)
    client.force_login(call_handler)
    response = client.post("/calls/new/", {"outcome": "typed"})
    page = response.content.decode()
    assert response.status_code == 403
    assert one_h1(page) == "Sorry, your form could not be sent"
    assert "reload the page" in page
    assert "Go to your home page" in page
    assert "CSRF" not in page


def test_too_many_requests_is_the_nhs_page_with_status_429(rf: RequestFactory):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    response = login_not_required(rate_limited)(request)
    page = response.content.decode()
    assert response.status_code == 429
    assert one_h1(page) == "Sorry, there have been too many requests from this device"
    assert "call 999" in page


@pytest.mark.parametrize("path", [
    "/referrals/99999999999999999999/", "/api/v1/referrals/99999999999999999999/",
    "/scheduling/bookings/123456789012345678901234567890/"])
def test_an_id_too_large_for_any_record_is_not_found_rather_than_a_server_error(client_for, manager, path):
    response = client_for(manager).get(path)
    assert response.status_code == 404
