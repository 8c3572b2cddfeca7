"""Two-factor sign-in (issue 17, deliverable 7): after the password, a code from the
authenticator app or a recovery code; set-up with a QR code and ten recovery codes shown
once; nothing of the service until then, pages or the session API; wrong codes throttled
and locked out like wrong passwords."""

import re
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles, two_factor
from accounts.demo_data import DEMO_TOTP_SECRET
from tests.factories import UserFactory, api_token
from tests.sign_in import authenticator_for, code_for, sign_in_with_code

pytestmark = pytest.mark.django_db

VERIFY = reverse("accounts:two_factor_verify")
SETUP = reverse("accounts:two_factor_setup")
RECOVERY = reverse("accounts:recovery_codes")


def password_only(user) -> Client:
    client = Client()
    client.force_login_unverified(user)
    return client


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def test_the_password_alone_leads_to_the_code_not_to_the_home_page(call_handler, password):
    authenticator_for(call_handler)
    client = Client()
    response = client.post(reverse("login"), {"username": call_handler.username, "password": password},
                           follow=True)
    assert response.redirect_chain[-1][0] == f"{VERIFY}?next=%2F"
    assert "Enter your security code" in response.content.decode()
    assert "Log a call" not in response.content.decode()  # no navigation until verified


def test_the_right_code_finishes_signing_in_on_the_page_asked_for(triage_clinician, password):
    response = sign_in_with_code(Client(), triage_clinician, password, "/calls/")
    assert response.redirect_chain[-1][0] == "/calls/"
    assert response.status_code == 200


@pytest.mark.parametrize("url", ["/triage/", "/calls/", "/care-plans/", "/admin/", RECOVERY,
                                 reverse("accounts:password_change")])
def test_an_unverified_session_is_sent_from_every_page_to_the_code(triage_clinician, url):
    authenticator_for(triage_clinician)
    response = password_only(triage_clinician).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{VERIFY}?next=")


def test_an_unverified_session_without_an_app_is_sent_to_set_one_up(triage_clinician):
    response = password_only(triage_clinician).get("/triage/")
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Ftriage%2F"


def test_an_unverified_session_may_still_sign_out_and_see_the_public_pages(triage_clinician):
    client = password_only(triage_clinician)
    assert client.get(reverse("public:start")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert client.get("/triage/")["Location"].startswith(reverse("login"))


def test_the_session_api_refuses_an_unverified_session_and_token_clients_are_unaffected(triage_clinician):
    authenticator_for(triage_clinician)
    unverified = password_only(triage_clinician).get("/api/v1/triage/worklist/")
    assert unverified.status_code == 403
    assert "authenticator app" in unverified.json()["detail"]
    verified = Client()
    verified.force_login(triage_clinician)
    assert verified.get("/api/v1/triage/worklist/").status_code == 200
    token = api_token(triage_clinician)
    by_token = Client().get("/api/v1/triage/worklist/", HTTP_AUTHORIZATION=f"Token {token}")
    assert by_token.status_code == 200


def test_a_wrong_code_is_refused_with_a_message_and_the_next_try_waits(call_handler):
    device = authenticator_for(call_handler)
    client = password_only(call_handler)
    with time_machine.travel("2026-12-01 09:00Z", tick=False) as traveller:
        wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
        refused = client.post(VERIFY, {"code": wrong})
        assert refused.status_code == 200
        assert "The security code is not right" in refused.content.decode()
        assert client.get("/calls/new/").status_code == 302

        too_soon = client.post(VERIFY, {"code": code_for(call_handler)})
        assert "Too many wrong codes in a row" in too_soon.content.decode()

        traveller.shift(2)
        accepted = client.post(VERIFY, {"code": code_for(call_handler), "next": "/calls/new/"})
    assert accepted.status_code == 302 and accepted["Location"] == "/calls/new/"


def test_a_code_is_good_once(call_handler):
    device = authenticator_for(call_handler)
    with time_machine.travel("2026-12-01 09:00Z", tick=False):
        code = current_code(device)
        first = password_only(call_handler)
        assert first.post(VERIFY, {"code": code})["Location"] == "/"
        replayed = password_only(call_handler).post(VERIFY, {"code": code})
    assert "The security code is not right" in replayed.content.decode()


def test_five_wrong_codes_lock_the_username_out_as_five_wrong_passwords_do(call_handler, password):
    device = authenticator_for(call_handler)
    client = password_only(call_handler)
    with time_machine.travel("2026-12-01 09:00Z", tick=False) as traveller:
        wrong = f"{(int(current_code(device)) + 500) % 1_000_000:06d}"
        for _ in range(4):
            assert client.post(VERIFY, {"code": wrong}).status_code == 200
            traveller.shift(20)  # past django-otp's growing wait, so each try is checked
        locked = client.post(VERIFY, {"code": wrong})
        assert locked.status_code == 429
        assert "Too many failed sign-in attempts" in locked.content.decode()
        assert client.get("/calls/new/")["Location"].startswith(reverse("login"))  # signed out
        again = Client().post(reverse("login"), {"username": call_handler.username, "password": password})
    assert again.status_code == 429


def test_set_up_shows_a_qr_code_and_the_secret_and_is_confirmed_with_a_code(call_handler):
    client = password_only(call_handler)
    page = client.get(SETUP).content.decode()
    device = TOTPDevice.objects.get(user=call_handler, confirmed=False)
    assert '<svg role="img" aria-label="QR code for your authenticator app"' in page
    secret = two_factor.secret_text(device)
    assert secret in page and len(secret.replace(" ", "")) == 32
    assert client.get(SETUP).content.decode().count(secret) == 1  # the same secret on reload

    confirmed = client.post(f"{SETUP}?next=/calls/new/",
                            {"code": current_code(device), "next": "/calls/new/"})
    assert confirmed["Location"] == f"{RECOVERY}?next=%2Fcalls%2Fnew%2F"
    device.refresh_from_db()
    assert device.confirmed
    shown = client.get(confirmed["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", shown)
    assert len(codes) == 10
    stored = StaticToken.objects.filter(device__user=call_handler).values_list("token", flat=True)
    assert set(codes) == set(stored)
    assert "Print or save these codes now" in shown
    assert client.get(RECOVERY).content.decode().count("<li><code>") == 0  # shown once
    assert client.get("/calls/new/").status_code == 200


def test_a_wrong_set_up_code_is_refused_and_the_app_stays_unconfirmed(call_handler):
    client = password_only(call_handler)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=call_handler)
    response = client.post(SETUP, {"code": f"{(int(current_code(device)) + 1) % 1_000_000:06d}"})
    assert "The security code is not right" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/calls/new/").status_code == 302


def test_a_recovery_code_signs_in_once(call_handler):
    authenticator_for(call_handler)
    code = two_factor.recovery_codes_replace(call_handler)[0]
    first = password_only(call_handler).post(VERIFY, {"code": code.upper()})
    assert first.status_code == 302 and first["Location"] == "/"
    second = password_only(call_handler).post(VERIFY, {"code": code})
    assert "The security code is not right" in second.content.decode()
    assert two_factor.recovery_codes_left(call_handler) == 9


def test_new_recovery_codes_need_a_code_and_the_old_ones_stop_working(call_handler, client_for):
    old = two_factor.recovery_codes_replace(call_handler)
    client = client_for(call_handler)
    assert "You have 10 recovery codes left" in client.get(RECOVERY).content.decode()
    with time_machine.travel("2026-12-01 09:00Z", tick=False) as traveller:
        refused = client.post(RECOVERY, {"code": "000000"})
        assert "The security code is not right" in refused.content.decode()
        traveller.shift(2)  # django-otp's wait after a wrong code
        made = client.post(RECOVERY, {"code": code_for(call_handler)})
        shown = client.get(made["Location"]).content.decode()
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", shown)
    assert len(new) == 10 and not set(new) & set(old)
    assert not password_only(call_handler).post(VERIFY, {"code": old[0]}).has_header("Location")


def test_replacing_the_app_needs_the_session_to_have_passed_the_code(call_handler, client_for):
    authenticator_for(call_handler)
    assert password_only(call_handler).get(SETUP)["Location"].startswith(VERIFY)
    page = client_for(call_handler).get(SETUP).content.decode()
    assert "Set up a new authenticator app" in page and "Your old app will stop working" in page


def test_the_code_page_never_sends_anyone_off_the_site(call_handler):
    authenticator_for(call_handler)
    client = password_only(call_handler)
    response = client.post(f"{VERIFY}?next=https://evil.example/", {"code": code_for(call_handler),
                                                                  "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_odd_codes_are_refused_with_a_message_not_an_error(call_handler):
    authenticator_for(call_handler)
    client = password_only(call_handler)
    for code in ["", "x" * 500, "12 34 5", "\u0000", "999999999"]:
        response = client.post(VERIFY, {"code": code})
        assert response.status_code == 200, code
        assert "There is a problem" in response.content.decode()


@pytest.mark.parametrize("role", [r.group for r in roles.ROLES])
def test_every_role_needs_the_second_step(reference_data, role):
    assert two_factor.two_factor_required(UserFactory(role=role))


def test_the_demo_code_command_answers_only_for_the_published_demo_secret(call_handler):
    device = authenticator_for(call_handler)
    with pytest.raises(CommandError, match="not a demo login"):
        call_command("totp_code", call_handler.username, stdout=StringIO())
    device.key = two_factor.demo_key()
    device.save()
    out = StringIO()
    with time_machine.travel("2026-12-01 09:00Z", tick=False):
        call_command("totp_code", call_handler.username, stdout=out)
        assert out.getvalue().strip() == current_code(device)
    assert DEMO_TOTP_SECRET.replace(" ", "") in two_factor.secret_text(device).replace(" ", "")
