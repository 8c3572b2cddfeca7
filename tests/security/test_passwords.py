"""Passwords (issue 17, deliverable 7): everyone signed in changes their own, giving the
current one first; the rules refuse common and guessable passwords, the user's own name
and the service's words, saying why and suggesting a passphrase."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.urls import reverse

from accounts.passwords import ZxcvbnValidator

pytestmark = pytest.mark.django_db

CHANGE = reverse("accounts:password_change")
GOOD = "Kettle orbit lantern thistle"


def change(client, old, new, again=None):
    return client.post(CHANGE, {"old_password": old, "new_password1": new,
                                "new_password2": new if again is None else again})


def test_a_signed_in_user_changes_their_own_password(client_for, call_handler, password):
    client = client_for(call_handler)
    page = client.get(CHANGE).content.decode()
    assert "Change your password" in page and "passphrase" in page
    response = change(client, password, GOOD)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change_done")
    assert "Your password has been changed" in client.get(response["Location"]).content.decode()
    call_handler.refresh_from_db()
    assert call_handler.check_password(GOOD)
    assert client.get("/calls/new/").status_code == 200  # still signed in, still verified


def test_the_header_links_to_changing_the_password(client_for, call_handler):
    assert f'href="{CHANGE}"' in client_for(call_handler).get("/calls/new/").content.decode()


def test_the_current_password_is_needed(client_for, call_handler, password):
    response = change(client_for(call_handler), "not my password", GOOD)
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    call_handler.refresh_from_db()
    assert call_handler.check_password(password)


def test_a_common_password_is_refused_with_why_and_a_passphrase_suggested(client_for, call_handler, password):
    response = change(client_for(call_handler), password, "Password123!")
    page = response.content.decode()
    assert response.status_code == 200
    assert "This is similar to a commonly used password" in page
    assert "Try a passphrase" in page
    call_handler.refresh_from_db()
    assert call_handler.check_password(password)


def test_the_users_own_name_is_refused_however_it_is_dressed_up(client_for, call_handler, password):
    new = f"{call_handler.first_name}-{call_handler.last_name}-2026!"
    response = change(client_for(call_handler), password, new)
    page = response.content.decode()
    assert "It is built on your own name or username" in page
    assert "Try a passphrase" in page
    assert 'value="' + new not in page  # a password is never sent back


def test_two_different_new_passwords_are_refused(client_for, call_handler, password):
    response = change(client_for(call_handler), password, GOOD, again="Something else entirely")
    assert response.status_code == 200
    assert "The two password fields" in response.content.decode()


@pytest.mark.parametrize("guessable", ["Leicester2026!", "NHS-password-1", "qwertyuiop123", "Welcome2026!",
                                       "aaaaaaaaaaaaaaaa", "Jade-Morris-2026"])
def test_guessable_passwords_are_refused(guessable):
    user = type("User", (), {"username": "jade.morris", "first_name": "Jade", "last_name": "Morris",
                             "email": "jade.morris@nhs.net"})()
    with pytest.raises(ValidationError):
        ZxcvbnValidator().validate(guessable, user)


@pytest.mark.parametrize("strong", [GOOD, "violin-harbour-cobalt-meadow", "Tr4m!Parsnip#Wobble9"])
def test_passphrases_and_random_passwords_pass(strong):
    validate_password(strong)


def test_the_rule_is_one_of_the_sites_password_validators(settings):
    names = [v["NAME"] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert "accounts.passwords.ZxcvbnValidator" in names
    assert "django.contrib.auth.password_validation.CommonPasswordValidator" in names


def test_the_minimum_score_is_a_zxcvbn_score():
    with pytest.raises(ImproperlyConfigured):
        ZxcvbnValidator(min_score=5)
    ZxcvbnValidator(min_score=4).validate(GOOD)


def test_an_unverified_session_cannot_change_the_password(call_handler, password):
    from django.test import Client

    client = Client()
    client.force_login_unverified(call_handler)
    response = change(client, password, GOOD)
    assert response.status_code == 302 and "two-factor" in response["Location"]
    call_handler.refresh_from_db()
    assert call_handler.check_password(password)
