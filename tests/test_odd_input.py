"""Input of any shape or size gets a 4xx with a message, never a server error: deep or huge
JSON, NUL bytes, numbers past any column's range, wrong types, in bodies and in queries."""

import json

import pytest
from django.test import Client

from tests.factories import UserFactory, api_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(reference_data):
    token = api_token(UserFactory(username="api.user", is_superuser=True))
    return Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {token}")


@pytest.mark.parametrize("body", [
    "[" * 100_000,  # nested past what a JSON parser will read
    json.dumps({"reason": "x" * 3_000_000}),  # past the request size limit
    '{"person": {"nhs_number": "\\u0000"}, "reason": "\\u0000"}',
    '{"received_at": 1e400}',
    '{"person": 12345678901234567890123456789, "channel": []}',
    "not json at all",
], ids=["deep", "huge", "nul", "huge-number", "wrong-types", "not-json"])
def test_a_referral_body_of_any_shape_is_refused_with_a_message(api, body):
    response = api.post("/api/v1/referrals/", body, content_type="application/json")
    assert 400 <= response.status_code < 500
    assert response.json()


@pytest.mark.parametrize("query", ["referral=99999999999999999999999", "target=-99999999999999999999999",
                                   "occurred_at=9999999999999", "kind=%00", "acknowledged_at=x"])
def test_the_breaches_api_answers_odd_filters_without_a_server_error(api, query):
    assert api.get(f"/api/v1/breaches/?{query}").status_code < 500


@pytest.mark.parametrize("url", [
    "/dashboard/performance/?start=0001-01-01&end=9999-12-31",
    "/dashboard/performance/?team=99999999999999999999",
    "/alerts/?page=99999999999999999999", "/find-support/?page=99999999999999999999&q=%00",
    "/find-support/?postcode=" + "A" * 5000, "/directory/?q=%00&page=-1",
    "/scheduling/booking-queue/?page=99999999999999999999", "/triage/huddle/9999-99-99/",
    "/triage/?page=99999999999999999999&sort=%00&queue=x&state=" + "A" * 5000,
    "/triage/urgent/?page=-1&sort[]=due", "/find/?q=%00", "/find/?q=" + "9" * 5000,
    # The date input's boxes, of any size or shape.
    "/dashboard/performance/?start_day=99999999999999999999&start_month=1&start_year=2026",
    "/calls/?day_day=1&day_month=1&day_year=" + "9" * 5000, "/calls/?day_day=%00&day_month=-1&day_year=x",
    "/access/break-glass/?granted_from_day=31&granted_from_month=2&granted_from_year=2026",
])
def test_pages_answer_odd_queries_without_a_server_error(url, reference_data):
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(username="everyone", is_superuser=True))
    assert client.get(url).status_code < 500
