import pytest

from tests.scheduling.conftest import room, staff, team, triaged  # noqa: F401 - the same small team

from .fake_notify import API_KEY, Server


@pytest.fixture
def notify(settings):
    """A fake Notify, and the settings pointing at it with a key: messages are sent."""
    with Server() as fake:
        settings.NOTIFY_API_KEY = API_KEY
        settings.NOTIFY_BASE_URL = fake.url
        settings.NOTIFY_TEMPLATE_SMS = "11111111-1111-1111-1111-111111111111"
        settings.NOTIFY_TEMPLATE_EMAIL = "22222222-2222-2222-2222-222222222222"
        settings.NOTIFY_TEMPLATE_LETTER = "33333333-3333-3333-3333-333333333333"
        settings.NOTIFY_TIMEOUT_SECONDS = 5
        settings.NOTIFY_RETRY_SECONDS = 60
        settings.NOTIFY_MAX_ATTEMPTS = 4
        yield fake


@pytest.fixture
def demo(settings):
    """The demo: no Notify key."""
    settings.NOTIFY_API_KEY = ""
