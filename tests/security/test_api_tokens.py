"""API credentials that behave like sessions (issue 17): one per client system, kept only
as a hash, expiring, revocable and rotated; a referring system's service account sends
referrals and reads back only its own; every client is throttled."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.urls import reverse
from knox.crypto import hash_token
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts import roles
from accounts.models import ApiClient
from accounts.services import api_client_add, api_client_revoke, api_client_rotate
from cap.models import Referral
from cap.services import referral_log_written
from core.errors import Conflict, Invalid
from tests.cap.test_referral_api import body
from tests.factories import GPPracticeFactory, api_token

pytestmark = pytest.mark.django_db

EMIS = "GP practice system: EMIS"


@pytest.fixture
def practice(reference_data):
    return GPPracticeFactory(ods_code="C82001")


@pytest.fixture
def emis(practice):
    return api_client_add(actor=None, name=EMIS, contact="Primary care IT, 0116 496 0999")


def with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def send_referral(client: APIClient, **overrides):
    return client.post(reverse("api:referrals"), body(**overrides), format="json")


# --- Kept as a hash, shown once -----------------------------------------------------------

def test_the_database_keeps_only_the_tokens_hash(emis):
    stored = AuthToken.objects.get(user=emis.client.user)
    dumped = StringIO()
    call_command("dumpdata", "knox", "accounts", "auth.user", stdout=dumped)

    assert stored.digest == hash_token(emis.token)
    assert emis.token not in dumped.getvalue()
    # knox finds a token by its first characters; the rest is never stored.
    assert len(stored.token_key) < len(emis.token) // 2


def test_a_new_client_is_a_referring_system_whose_account_cannot_sign_in(emis, client, password):
    user = emis.client.user
    assert [g.name for g in user.groups.all()] == [roles.REFERRING_SYSTEM]
    assert not user.has_usable_password()
    assert not user.is_staff
    assert client.post(reverse("login"), {"username": user.username, "password": password}).status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_client_name_is_given_once_and_a_system_takes_only_a_system_role(emis):
    with pytest.raises(Conflict):
        api_client_add(actor=None, name=EMIS.upper(), contact="Someone else")
    with pytest.raises(Invalid):
        api_client_add(actor=None, name="Reporting system", contact="BI team", role=roles.MANAGER)
    with pytest.raises(Invalid):
        api_client_add(actor=None, name="SystmOne", contact="  ")


# --- Authenticates, expires, is revoked and rotated ---------------------------------------

def test_the_token_sends_a_referral_as_the_clients_service_account(emis):
    response = send_referral(with_token(emis.token))

    assert response.status_code == 201
    assert Referral.objects.get(pk=response.json()["id"]).logged_by == emis.client.user


def test_the_token_expires_after_api_token_ttl_hours(emis, settings):
    issued = emis.client.token_issued_at
    lifetime = emis.client.token_expires_at - issued
    assert abs(lifetime - timedelta(hours=settings.API_TOKEN_TTL_HOURS)) < timedelta(seconds=1)
    url = reverse("api:referral", args=[send_referral(with_token(emis.token)).json()["id"]])

    with time_machine.travel(emis.client.token_expires_at - timedelta(minutes=1), tick=False):
        assert with_token(emis.token).get(url).status_code == 200
    with time_machine.travel(emis.client.token_expires_at + timedelta(minutes=1), tick=False):
        refused = with_token(emis.token).get(url)

    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == "Token"


def test_the_default_lifetime_is_90_days(settings):
    assert settings.API_TOKEN_TTL_HOURS == 90 * 24


def test_a_revoked_token_is_refused_and_the_revocation_is_in_the_clients_history(emis, manager):
    api_client_revoke(actor=manager, name=EMIS)

    assert send_referral(with_token(emis.token)).status_code == 401
    client = ApiClient.objects.get(name=EMIS)
    assert client.revoked_at is not None
    assert not client.user.is_active
    assert not AuthToken.objects.filter(user=client.user).exists()
    assert client.history.first().history_user == manager


def test_rotating_revokes_the_old_token_and_the_new_one_works(emis):
    rotated = api_client_rotate(actor=None, name=EMIS)

    assert rotated.token != emis.token
    assert send_referral(with_token(emis.token)).status_code == 401
    assert send_referral(with_token(rotated.token)).status_code == 201
    assert AuthToken.objects.filter(user=emis.client.user).count() == 1


def test_rotating_a_revoked_client_gives_it_access_again_with_a_new_token(emis):
    api_client_revoke(actor=None, name=EMIS)
    rotated = api_client_rotate(actor=None, name=EMIS)

    assert ApiClient.objects.get(name=EMIS).revoked_at is None
    assert send_referral(with_token(rotated.token)).status_code == 201


def test_a_token_header_that_is_not_utf8_answers_401_not_a_server_error(emis):
    client = APIClient(raise_request_exception=False)
    response = client.get(reverse("api:worklist"), HTTP_AUTHORIZATION="Token caf\xe9\xff")

    assert response.status_code == 401


def test_an_old_style_token_of_rest_framework_authtoken_is_not_accepted(emis):
    # The key a DRF token had: 40 hex characters, looked up as stored. Knox hashes what it
    # is sent, so no such key matches.
    old_key = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"
    assert with_token(old_key).get(reverse("api:worklist")).status_code == 401


# --- A referring system reads back only its own -----------------------------------------

def test_a_referring_system_reads_its_own_referral_and_not_anothers(emis, admin_team, person, gp_referrer):
    system = with_token(emis.token)
    own = send_referral(system).json()["id"]
    anothers = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                    reason="Low mood").pk

    assert system.get(reverse("api:referral", args=[own])).status_code == 200
    assert system.get(reverse("api:referral", args=[anothers])).status_code == 404


def test_a_referring_system_cannot_read_the_worklist_decide_or_read_a_care_plan(emis):
    system = with_token(emis.token)
    sent = send_referral(system).json()

    assert system.get(reverse("api:worklist")).status_code == 403
    decide = system.post(reverse("api:triage", args=[sent["id"]]),
                         {"urgency": "routine", "outcome": "assessment", "stream": "AMH", "rationale": "x"},
                         format="json")
    assert decide.status_code == 403
    person = Referral.objects.get(pk=sent["id"]).service_user_id
    assert system.get(reverse("api:care_plan", args=[person])).status_code == 403
    assert system.get(reverse("api:dashboard")).status_code == 403


def test_staff_who_may_read_referrals_still_read_one_a_system_sent(emis, triage_clinician):
    sent = send_referral(with_token(emis.token)).json()["id"]

    clinician = with_token(api_token(triage_clinician))
    assert clinician.get(reverse("api:referral", args=[sent])).status_code == 200


# --- Throttled ---------------------------------------------------------------------------

def test_a_client_sending_referrals_too_fast_gets_429_with_retry_after(emis, settings):
    settings.API_THROTTLE_REFERRALS_RATE = "2/h"
    system = with_token(emis.token)
    sent = [send_referral(system).status_code for _ in range(3)]

    assert sent == [201, 201, 429]
    throttled = send_referral(system)
    assert throttled.status_code == 429
    assert 0 < int(throttled["Retry-After"]) <= 3600
    assert "throttled" in throttled.json()["detail"]
    assert Referral.objects.count() == 2


def test_each_client_is_throttled_on_its_own(emis, practice, settings):
    settings.API_THROTTLE_REFERRALS_RATE = "1/h"
    other = api_client_add(actor=None, name="GP practice system: SystmOne", contact="TPP desk")

    assert send_referral(with_token(emis.token)).status_code == 201
    assert send_referral(with_token(emis.token)).status_code == 429
    assert send_referral(with_token(other.token)).status_code == 201


def test_every_api_request_of_a_user_counts_towards_the_user_rate(triage_clinician, settings):
    settings.API_THROTTLE_USER_RATE = "2/m"
    clinician = with_token(api_token(triage_clinician))
    answers = [clinician.get(reverse("api:worklist")).status_code for _ in range(3)]

    assert answers == [200, 200, 429]


def test_requests_without_credentials_to_the_public_schema_are_throttled_by_address(client, settings):
    settings.API_THROTTLE_ANON_RATE = "1/m"

    assert client.get(reverse("schema")).status_code == 200
    throttled = client.get(reverse("schema"), HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert throttled.status_code == 429
    assert "Retry-After" in throttled


def test_a_throttle_lets_requests_through_when_the_cache_is_unreachable(emis, settings, monkeypatch):
    from redis.exceptions import ConnectionError as RedisConnectionError
    from rest_framework.throttling import SimpleRateThrottle

    def unreachable(*args, **kwargs):
        raise RedisConnectionError("Redis is down")

    monkeypatch.setattr(SimpleRateThrottle, "allow_request", unreachable)

    assert send_referral(with_token(emis.token)).status_code == 201


# --- The commands -----------------------------------------------------------------------------

def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def printed_token(output: str) -> str:
    return output.split("Authorization: Token ", 1)[1].split()[0]


def test_api_client_add_prints_the_token_once_and_it_works(practice):
    output = run("api_client_add", EMIS, "--contact", "Primary care IT, 0116 496 0999")

    token = printed_token(output)
    assert "system.gp-practice-system-emis" in output
    assert send_referral(with_token(token)).status_code == 201
    assert ApiClient.objects.get(name=EMIS).contact == "Primary care IT, 0116 496 0999"


def test_api_client_rotate_and_revoke_from_the_command_line(practice):
    first = printed_token(run("api_client_add", EMIS, "--contact", "IT"))
    second = printed_token(run("api_client_rotate", EMIS))

    assert send_referral(with_token(first)).status_code == 401
    assert send_referral(with_token(second)).status_code == 201

    assert "Revoked" in run("api_client_revoke", EMIS)
    assert send_referral(with_token(second)).status_code == 401


def test_the_commands_name_a_client_that_does_not_exist_or_exists_already(emis):
    with pytest.raises(CommandError, match="no API client"):
        run("api_client_rotate", "GP practice system: Vision")
    with pytest.raises(CommandError, match="no API client"):
        run("api_client_revoke", "GP practice system: Vision")
    with pytest.raises(CommandError, match="already"):
        run("api_client_add", EMIS, "--contact", "IT")
    assert User.objects.filter(username__startswith="system.").count() == 1
