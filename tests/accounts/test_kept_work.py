"""A form posted after the session ended is kept: the user signs in again and comes back
to the same form with what they typed, checks it and sends it. Nobody else sees it."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts import roles
from accounts.kept_work import LAST_USER_COOKIE
from cap.services import referral_log_written
from tests.factories import UserFactory
from tests.sign_in import sign_in_with_code
from triage.models import TriageDecision

pytestmark = pytest.mark.django_db

RATIONALE = "Low risk on the phone today; known to the GP; needs a routine assessment within 28 days."


@pytest.fixture
def referral(admin_team, person, gp_referrer):
    return referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer, reason="Low mood")


def signed_out_by_the_timeout(client: Client) -> None:
    """The idle timeout: the browser drops the session cookie; the others stay."""
    del client.cookies[settings.SESSION_COOKIE_NAME]


def sign_in(client: Client, user, password: str, next_url: str):
    return sign_in_with_code(client, user, password, next_url)


def test_a_triage_decision_posted_after_the_session_ended_comes_back_after_signing_in(
        triage_clinician, referral, password):
    client = Client()
    sign_in(client, triage_clinician, password, "/")
    url = reverse("triage:decide", args=[referral.pk])
    assert client.get(url).status_code == 200
    assert LAST_USER_COOKIE in client.cookies
    signed_out_by_the_timeout(client)

    posted = client.post(url, {"urgency": "routine", "outcome": "assessment", "stream": "AMH",
                               "rationale": RATIONALE})
    assert posted.status_code == 302 and posted["Location"].startswith(reverse("login"))
    assert not TriageDecision.objects.exists()

    back = sign_in(client, triage_clinician, password, url)
    page = back.content.decode()
    assert back.redirect_chain[-1][0] == url
    assert "You were signed out before your form was sent" in page
    assert RATIONALE in page
    assert not TriageDecision.objects.exists()  # shown to check, not sent for them

    client.post(url, {"urgency": "routine", "outcome": "assessment", "stream": "AMH", "rationale": RATIONALE})
    assert TriageDecision.objects.get().rationale == RATIONALE


def test_someone_else_signing_in_on_that_browser_never_sees_what_was_typed(triage_clinician, referral,
                                                                             password):
    client = Client()
    sign_in(client, triage_clinician, password, "/")
    url = reverse("triage:decide", args=[referral.pk])
    client.get(url)
    signed_out_by_the_timeout(client)
    client.post(url, {"urgency": "routine", "outcome": "assessment", "stream": "AMH", "rationale": RATIONALE})

    colleague = UserFactory(username="another.clinician", role=roles.TRIAGE_CLINICIAN)
    back = sign_in(client, colleague, password, url)
    assert RATIONALE not in back.content.decode()
    assert "You were signed out before your form was sent" not in back.content.decode()


def test_stay_signed_in_renews_the_session_and_needs_a_signed_in_post(client_for, triage_clinician):
    client = client_for(triage_clinician)
    url = reverse("session_keep_alive")
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 200
    assert response.json() == {"idle_seconds": settings.SESSION_COOKIE_AGE}
    assert Client().post(url).status_code == 302  # signed out: to the login page


def test_every_signed_in_page_carries_the_timeout_warning(client_for, triage_clinician):
    page = client_for(triage_clinician).get(reverse("triage:worklist")).content.decode()
    assert 'id="timeout-warning"' in page
    assert f'data-idle-seconds="{settings.SESSION_COOKIE_AGE}"' in page
