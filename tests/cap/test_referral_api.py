"""Electronic referrals sent by other systems: POST /api/v1/referrals/ with a token,
idempotency keys, bad input, permissions, person matching and the schema; reading one
back logs who read the person's record."""

import threading
import time
from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from cap import api as cap_api
from cap.models import IdempotencyKey, RecordAccess, Referral, ServiceUser
from cap.services import PersonDetails, referral_log_written
from tests.factories import GPPracticeFactory, api_token

URL = "/api/v1/referrals/"


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


@pytest.fixture
def practice(db):
    return GPPracticeFactory(ods_code="C82001")


@pytest.fixture
def system(admin_team, practice):
    """A sending system: a token for an account in the Admin team."""
    return token_client(admin_team)


def body(**overrides):
    person = {"nhs_number": "943 476 5919", "given_name": "Asha", "family_name": "Patel",
              "date_of_birth": "1984-03-15", "postcode": "le2 7lx", "gp_practice_code": "c82001"}
    person.update(overrides.pop("service_user", {}))
    data = {
        "service_user": person,
        "referrer": {"name": "Dr Helen Shaw", "role": "GP", "organisation": "Highfields Surgery",
                     "ods_code": "C82001"},
        "reason": "Low mood for months", "channel": "written",
        "referrer_risk": "No current plans", "referrer_urgency": "routine",
        "received_at": (timezone.now() - timedelta(hours=2)).isoformat(),
    }
    data.update(overrides)
    return data


def send(client, data, key=None):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(URL, data, format="json", headers=headers)


# --- Receiving ---------------------------------------------------------------------

@pytest.mark.django_db
def test_valid_referral_is_created_and_appears_on_the_triage_worklist(system, triage_clinician):
    response = send(system, body())
    assert response.status_code == 201
    data = response.json()
    referral = Referral.objects.get()
    assert data["id"] == referral.id
    assert data["reference"] == referral.reference
    assert data["status"] == "awaiting_triage"
    assert data["received_at"]
    assert data["match"] == {"result": "new_person", "service_user_id": referral.service_user_id,
                             "possible_matches": 0}
    assert data["warnings"] == []
    assert response["Location"] == f"/api/v1/referrals/{referral.id}/"
    assert referral.service_user.postcode == "LE2 7LX"
    assert referral.service_user.gp_practice.ods_code == "C82001"
    assert referral.logged_by.username == "admin.team"

    clinician = token_client(triage_clinician)
    worklist = clinician.get("/api/v1/triage/worklist/").json()
    assert [r["reference"] for r in worklist] == [referral.reference]
    detail = clinician.get(f"/api/v1/referrals/{data['id']}/")
    assert detail.status_code == 200
    assert detail.json()["reference"] == referral.reference


@pytest.mark.django_db
def test_reading_a_referral_through_the_api_logs_who_read_the_persons_record(system, triage_clinician,
                                                                             call_handler):
    referral = Referral.objects.get(pk=send(system, body()).json()["id"])
    assert token_client(call_handler).get(f"{URL}{referral.pk}/").status_code == 403
    assert token_client(triage_clinician).get(f"{URL}{referral.pk}/").status_code == 200

    access = RecordAccess.objects.get()
    assert (access.user, access.service_user, access.referral, access.context) == (
        triage_clinician, referral.service_user, referral, "referral API")


@pytest.mark.django_db
def test_received_at_in_the_past_keeps_its_instant_and_offset(system):
    response = send(system, body(received_at="2026-03-02T09:30:00+01:00"))
    assert response.status_code == 201
    assert Referral.objects.get().received_at.isoformat() == "2026-03-02T08:30:00+00:00"


@pytest.mark.django_db
def test_received_at_left_out_means_now(system):
    data = body()
    del data["received_at"]
    before = timezone.now()
    assert send(system, data).status_code == 201
    assert before <= Referral.objects.get().received_at <= timezone.now()


@pytest.mark.django_db
def test_markup_in_text_is_stored_as_sent(system):
    send(system, body(reason="<script>alert('x')</script>"))
    assert Referral.objects.get().reason == "<script>alert('x')</script>"


@pytest.mark.django_db
def test_person_without_nhs_number_or_gp_practice_is_received(system):
    person = {"nhs_number": None, "gp_practice_code": ""}
    response = send(system, body(service_user=person))
    assert response.status_code == 201
    service_user = ServiceUser.objects.get()
    assert (service_user.nhs_number, service_user.gp_practice) == (None, None)


# --- Idempotency keys --------------------------------------------------------------

@pytest.mark.django_db
def test_retry_with_same_key_replays_the_first_response_and_creates_nothing(system):
    data = body()
    first = send(system, data, key="order-42")
    retry = send(system, data, key="order-42")
    assert (retry.status_code, retry.json()) == (first.status_code, first.json())
    assert retry["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert (Referral.objects.count(), ServiceUser.objects.count()) == (1, 1)


@pytest.mark.django_db
def test_key_is_stored_with_the_referral(system, admin_team):
    first = send(system, body(), key="order-42")
    stored = IdempotencyKey.objects.get()
    assert (stored.user, stored.key, stored.status_code) == (admin_team, "order-42", 201)
    assert stored.response == first.json()


@pytest.mark.django_db
def test_same_key_is_separate_for_each_account(system, practice, reference_data):
    from tests.factories import UserFactory

    other = token_client(UserFactory(role="Admin team"))
    send(system, body(), key="order-42")
    response = send(other, body(service_user={"nhs_number": "9990000018"}), key="order-42")
    assert response.status_code == 201
    assert Referral.objects.count() == 2


@pytest.mark.django_db
def test_same_key_with_a_different_body_is_refused(system):
    data = body()
    send(system, data, key="order-42")
    response = send(system, {**data, "reason": "Something else"}, key="order-42")
    assert response.status_code == 422
    assert "different request body" in response.json()["detail"]
    assert Referral.objects.count() == 1


@pytest.mark.django_db
def test_failed_validation_stores_no_key_so_a_corrected_retry_succeeds(system):
    bad = send(system, body(reason=""), key="order-42")
    assert bad.status_code == 400
    assert not IdempotencyKey.objects.exists()
    good = send(system, body(), key="order-42")
    assert good.status_code == 201
    assert Referral.objects.count() == 1


@pytest.mark.django_db
def test_key_longer_than_255_characters_is_refused(system):
    response = send(system, body(), key="k" * 256)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert not Referral.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_the_same_key_create_one_referral(reference_data, admin_team, practice,
                                                                  monkeypatch):
    token = api_token(admin_team)
    receive = cap_api._receive

    def slow_receive(*args):
        time.sleep(0.3)  # hold the claimed key long enough for the other request to reach it
        return receive(*args)

    monkeypatch.setattr(cap_api, "_receive", slow_receive)
    data = body()
    barrier = threading.Barrier(2)
    responses = []

    def post():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        try:
            barrier.wait(timeout=10)
            responses.append(send(client, data, key="order-42"))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(r.status_code for r in responses) == [201, 201]
    assert responses[0].json() == responses[1].json()
    assert sorted(r.get("Idempotent-Replayed", "") for r in responses) == ["", "true"]
    assert (Referral.objects.count(), ServiceUser.objects.count()) == (1, 1)
    assert IdempotencyKey.objects.count() == 1


# --- Bad input ---------------------------------------------------------------------

def _future(days=1):
    return (timezone.now() + timedelta(days=days)).isoformat()


def _without(data, *path):
    target = data
    for part in path[:-1]:
        target = target[part]
    del target[path[-1]]
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("data, path, message", [
    (body(service_user={"nhs_number": "9434765918"}), ("service_user", "nhs_number"), "check digit"),
    (body(service_user={"date_of_birth": (date.today() + timedelta(days=2)).isoformat()}),
     ("service_user", "date_of_birth"), "must be in the past"),
    (body(service_user={"postcode": "LE1"}), ("service_user", "postcode"), "full UK postcode"),
    (body(received_at=_future()), ("received_at",), "cannot be in the future"),
    (body(received_at="2026-03-02T09:30:00"), ("received_at",), "UTC offset"),
    (body(received_at="last Tuesday"), ("received_at",), "wrong format"),
    (_without(body(), "reason"), ("reason",), "required"),
    (body(reason=""), ("reason",), "may not be blank"),
    (_without(body(), "service_user", "family_name"), ("service_user", "family_name"), "required"),
    (_without(body(), "referrer", "name"), ("referrer", "name"), "required"),
    (_without(body(), "service_user"), ("service_user",), "required"),
    (body(reason="x" * 4001), ("reason",), "no more than 4000 characters"),
    (body(referrer_risk="x" * 4001), ("referrer_risk",), "no more than 4000 characters"),
    (body(channel="fax"), ("channel",), "not a valid choice"),
    (body(referrer_urgency="whenever"), ("referrer_urgency",), "not a valid choice"),
    (body(risk_indicators=["intent_with_plan", "feeling_blue"]), ("risk_indicators", "1"),
     "not a valid choice"),
    (body(risk_indicators="intent_with_plan"), ("risk_indicators",), "Expected a list"),
    (body(specific_queue="dentistry"), ("specific_queue",), "not a valid choice"),
    (body(service_user={"gp_practice_code": "ZZ999"}), ("service_user", "gp_practice_code"),
     "No GP practice"),
])
def test_bad_input_is_refused_naming_the_field_and_saves_nothing(system, data, path, message):
    response = send(system, data, key="order-42")
    assert response.status_code == 400
    errors = response.json()
    for part in path:
        errors = errors[part]
    assert message in " ".join(errors)
    assert not Referral.objects.exists()
    assert not ServiceUser.objects.exists()
    assert not IdempotencyKey.objects.exists()


@pytest.mark.django_db
def test_body_that_is_not_json_is_refused(system):
    response = system.post(URL, "reason=Low+mood", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415


# --- Who may send ------------------------------------------------------------------

@pytest.mark.django_db
def test_request_without_a_token_is_unauthorised(practice):
    response = send(APIClient(), body())
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
def test_signed_in_browser_session_is_not_enough(client, admin_team, practice):
    client.force_login(admin_team)
    response = client.post(URL, body(), content_type="application/json")
    assert response.status_code == 401


@pytest.mark.django_db
def test_call_handlers_token_is_forbidden(call_handler, practice):
    response = send(token_client(call_handler), body())
    assert response.status_code == 403
    assert not Referral.objects.exists()


# --- Matching the person -----------------------------------------------------------

@pytest.mark.django_db
def test_known_nhs_number_matches_the_existing_record(system, admin_team, gp_referrer):
    known = referral_log_written(
        actor=admin_team, referrer=gp_referrer, reason="Earlier referral",
        person=PersonDetails(nhs_number="9434765919", given_name="Asha", family_name="Patel",
                             date_of_birth=date(1984, 3, 15), postcode="LE2 7LX")).service_user
    response = send(system, body())
    assert response.json()["match"] == {"result": "matched_nhs_number", "service_user_id": known.id,
                                        "possible_matches": 0}
    assert ServiceUser.objects.count() == 1
    assert "already has an open referral" in response.json()["warnings"][0]


@pytest.mark.django_db
def test_same_name_and_birth_date_without_nhs_number_is_a_possible_match(system, admin_team,
                                                                          gp_referrer):
    referral_log_written(
        actor=admin_team, referrer=gp_referrer, reason="Earlier referral",
        person=PersonDetails(nhs_number="9434765919", given_name="Asha", family_name="Patel",
                             date_of_birth=date(1984, 3, 15), postcode="LE1 6TP"))
    response = send(system, body(service_user={"nhs_number": "", "family_name": "PATEL"}))
    match = response.json()["match"]
    assert match["result"] == "possible_match"
    assert match["possible_matches"] >= 1
    assert set(match) == {"result", "service_user_id", "possible_matches"}  # no one else's details
    assert ServiceUser.objects.count() == 2


@pytest.mark.django_db
def test_someone_not_known_is_a_new_person(system):
    response = send(system, body())
    assert response.json()["match"]["result"] == "new_person"
    assert ServiceUser.objects.get().id == response.json()["match"]["service_user_id"]


# --- Schema ------------------------------------------------------------------------

@pytest.mark.django_db
def test_schema_documents_the_referral_post_and_its_idempotency_key(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    post = schema["paths"]["/api/v1/referrals/"]["post"]
    assert {"in": "header", "name": "Idempotency-Key"}.items() <= post["parameters"][0].items()
    assert {"201", "400", "401", "403", "422"} <= set(post["responses"])
    assert "tokenAuth" in {name for requirement in post["security"] for name in requirement}
