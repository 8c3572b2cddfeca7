"""Signing in as a person does, both steps: the password, then a code computed from the
user's authenticator app (given one if they have none), for the test client and the
browser alike."""

import time
from urllib.parse import urlencode

from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor


def authenticator_for(user) -> TOTPDevice:
    """The user's confirmed authenticator app, set up now if they have none."""
    return two_factor.authenticator_of(user) or TOTPDevice.objects.create(
        user=user, name=two_factor.AUTHENTICATOR, confirmed=True)


def second_step_passed(client: Client, user) -> None:
    """Mark the client's session, signed in with the password step, as having passed the
    second step with the user's authenticator app (given one if they have none)."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator_for(user).persistent_id
    session.save()


def code_for(user) -> str:
    """A code the user's authenticator app shows that the server has not yet accepted (a
    code is good once, so a second sign-in within the same 30 seconds uses the next one;
    the server accepts one step either side)."""
    return code_of(authenticator_for(user))


def code_of(device: TOTPDevice) -> str:
    """The code that device's app shows now (or the next one: see code_for)."""
    device.refresh_from_db()
    step = int(time.time() - device.t0) // device.step + device.drift
    if device.last_t >= step + device.tolerance:
        time.sleep(device.step)  # both usable codes are spent: wait for the next one
        return code_of(device)
    usable = max(step, device.last_t + 1)
    return f"{hotp(device.bin_key, usable, digits=device.digits):0{device.digits}d}"


def sign_in_with_code(client: Client, user, password: str, next_url: str = "/"):
    """Both steps through the pages, as a browser follows them: the password, which leads to
    the code's page (through the page asked for); then the code. Answers the last response
    (redirects followed)."""
    authenticator_for(user)
    asked = client.post(f"{reverse('login')}?{urlencode({'next': next_url})}",
                        {"username": user.username, "password": password, "next": next_url}, follow=True)
    code_page = asked.redirect_chain[-1][0] if asked.redirect_chain else reverse("login")
    assert code_page.startswith(reverse("accounts:two_factor_verify")), code_page
    return client.post(code_page, {"code": code_for(user), "next": next_url}, follow=True)
