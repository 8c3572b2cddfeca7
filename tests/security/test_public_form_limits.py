"""The public form treats people fairly (cap.public_limits): only referrals sent count; people
sharing an address are never turned away, only asked to wait their turn; abuse from one
address is slowed; and whatever holds a person back, the page gives 999 and NHS 111 option 2."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django_ratelimit.core import _get_window

from cap.models import Referral
from cap.public_limits import MAX_WAIT
from tests.cap.test_online_self_referral import CHECK, answer, answers, send, token

pytestmark = pytest.mark.django_db

ADDRESS = "127.0.0.1"  # the test client's, shared by every person below


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def practice(reference_data):
    from tests.factories import GPPracticeFactory

    return GPPracticeFactory(ods_code="C82001", name="Highfields Surgery", postcode="LE2 0TA")


@pytest.fixture
def clock():
    """Still, and at the start of this address's hourly window, so no count runs out mid-test."""
    window_ends = _get_window(ADDRESS, 3600)
    with time_machine.travel(datetime.fromtimestamp(window_ends + 1, UTC), tick=False) as traveller:
        yield traveller


def person_sends(practice):
    """Someone new at the shared address: their own browser, the whole form."""
    return send(Client(), practice)


def assert_tells_how_to_get_help_now(page: str):
    assert "call 999" in page
    assert "call NHS 111 and select option 2" in page


def test_six_people_at_one_address_all_get_their_referral_sent_straight_away(practice, clock):
    for _ in range(6):
        response = person_sends(practice)
        assert response.status_code == 302 and response.url.startswith("/get-help/sent/")
    assert Referral.objects.count() == 6


def test_past_the_count_a_person_waits_their_turn_with_everything_kept_and_is_sent(practice, clock,
                                                                                  settings):
    settings.PUBLIC_REFERRAL_RATE, settings.PUBLIC_REFERRAL_WAIT_SECONDS = "5/h", 30
    for _ in range(5):
        assert person_sends(practice).status_code == 302
    sixth = Client()
    answer(sixth, answers(practice))
    form = {"consent": "on", "token": token(sixth)}

    held = sixth.post(CHECK, form)
    assert held.status_code == 429 and held["Retry-After"] == "30"
    page = held.content.decode()
    assert "Your referral has not been sent yet" in page and "Wait 30 seconds" in page
    assert "Asha Patel" in page and "Low mood for several months" in page  # the answers are kept
    assert 'name="consent"' in page and "checked" in page
    assert_tells_how_to_get_help_now(page)
    assert Referral.objects.count() == 5

    clock.shift(30)
    sent = sixth.post(CHECK, form)
    assert sent.status_code == 302 and sent.url.startswith("/get-help/sent/")
    assert Referral.objects.count() == 6


def test_ten_failed_submissions_count_for_nothing(practice, clock, settings):
    settings.PUBLIC_REFERRAL_RATE = "5/h"
    stumbling = Client()
    answer(stumbling, answers(practice))
    for _ in range(10):  # consent not given: refused with a message, nothing sent
        response = stumbling.post(CHECK, {"token": token(stumbling)})
        assert response.status_code == 200 and response.context["form"].errors
    for _ in range(4):
        bot = Client()
        answer(bot, answers(practice))
        assert bot.post(CHECK, {"consent": "on", "token": token(bot), "website": "spam"}).status_code == 302
    assert not Referral.objects.exists()
    assert stumbling.post(CHECK, {"consent": "on", "token": token(stumbling)}).status_code == 302
    for _ in range(4):
        assert person_sends(practice).status_code == 302  # still within the five
    assert Referral.objects.count() == 5


def test_abuse_from_one_address_is_slowed_to_a_few_referrals_an_hour(practice, clock, settings):
    settings.PUBLIC_REFERRAL_RATE, settings.PUBLIC_REFERRAL_WAIT_SECONDS = "2/h", 30
    waits = []
    simulated_seconds = 0  # the clock is moved by time-machine, not waited for
    while simulated_seconds < 3600 - MAX_WAIT:
        script = Client()
        answer(script, answers(practice))
        form = {"consent": "on", "token": token(script)}
        for _ in range(3):  # hammering does not help: each try is held back again, uncounted
            response = script.post(CHECK, form)
            if response.status_code == 302:
                break
            assert response.status_code == 429
        if response.status_code == 429:
            wait = int(response["Retry-After"])
            waits.append(wait)
            clock.shift(wait)
            simulated_seconds += wait
            assert script.post(CHECK, form).status_code == 302
    # Each referral past the count waits 30 seconds longer than the one before.
    assert waits == [30 * n for n in range(1, len(waits) + 1)]
    assert Referral.objects.count() == 2 + len(waits) < 20  # in the hour, against hundreds unpaced


def test_nobody_is_asked_to_wait_more_than_ten_minutes(practice, clock, settings):
    settings.PUBLIC_REFERRAL_RATE, settings.PUBLIC_REFERRAL_WAIT_SECONDS = "1/h", 400
    assert person_sends(practice).status_code == 302
    held = []
    for _ in range(2):
        script = Client()
        answer(script, answers(practice))
        form = {"consent": "on", "token": token(script)}
        response = script.post(CHECK, form)
        held.append(int(response["Retry-After"]))
        clock.shift(held[-1])
        assert script.post(CHECK, form).status_code == 302
    assert held == [400, MAX_WAIT]


def test_when_the_count_cannot_be_read_the_form_stays_open(practice, clock, settings, monkeypatch):
    settings.PUBLIC_REFERRAL_RATE = "1/h"

    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr("cap.public_limits.get_usage", down)
    for _ in range(3):
        assert person_sends(practice).status_code == 302
    assert Referral.objects.count() == 3
