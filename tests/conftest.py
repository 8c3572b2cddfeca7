import importlib
import os
import shutil
from datetime import date

import pytest
from django.apps import apps
from django.core.cache import cache
from django.test import Client
from redis.exceptions import RedisError

from accounts import roles
from cap.services import PersonDetails, Referrer
from triage.models import TargetDefinition

from .factories import PASSWORD, GPPracticeFactory, UserFactory, valid_nhs_numbers
from .messaging.fake_notify import API_KEY, Server
from .sign_in import second_step_passed

# The reference data migrations create besides the roles, by the migrations' own
# idempotent functions.
REFERENCE_DATA_MIGRATIONS = [
    ("triage.migrations.0002_default_wait_targets", "add_defaults"),
    ("scheduling.migrations.0002_disciplines", "add"),
    ("scheduling.migrations.0007_default_assessment_templates", "add"),
    ("scheduling.migrations.0011_templates_have_a_role_for_every_discipline", "add"),
    ("triage.migrations.0005_default_urgency_rules_and_queue_groups", "forwards"),
    ("triage.migrations.0009_alert_thresholds_backfill", "forwards"),
    ("triage.migrations.0019_urgent_triage_response_target", "add"),
    ("triage.migrations.0022_children_hub_handoff_targets", "add"),
    ("triage.migrations.0026_care_coordinator_named_target", "add"),
    ("triage.migrations.0028_rebooking_target", "add"),
    ("triage.migrations.0030_referrer_callback_target", "add"),
    ("directory.migrations.0012_common_term_names", "seed"),
]


@pytest.fixture(autouse=True)
def api_throttles_counted_afresh():
    """Each test's API requests are counted from nothing (core.throttles). The counts are
    in Redis, which keeps them between runs, and a new test database hands out the same
    user ids again, so without this one run's requests would count against the next's."""
    client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
    try:
        for key in client.scan_iter(match=cache.make_key("throttle_*")):
            client.delete(key)
    except RedisError:
        pass  # no Redis: nothing counted either


@pytest.fixture(autouse=True)
def force_login_passes_two_factor(monkeypatch):
    """`client.force_login(user)` signs in with both steps, as if the user had entered a
    code from their authenticator app (given one if they have none): every page needs the
    second step, and most tests are about something else. Tests of the second step itself
    use `client.force_login_unverified(user)`, the password step alone."""
    password_only = Client.force_login

    def force_login(self, user, backend=None):
        password_only(self, user, backend)
        second_step_passed(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)
    monkeypatch.setattr(Client, "force_login_unverified", password_only, raising=False)


def reference_data_load() -> None:
    """Put back the rows migrations create, if a transactional test's flush removed them."""
    if not TargetDefinition.objects.exists():
        roles.roles_sync()
        for module, function in REFERENCE_DATA_MIGRATIONS:
            getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture
def reference_data(db):
    """The rows migrations create (roles, wait targets, disciplines, templates, urgency
    rules). A transactional test's flush removes them; they are put back here."""
    reference_data_load()


@pytest.fixture
def call_handler(reference_data):
    return UserFactory(username="call.handler", role=roles.CALL_HANDLER)


@pytest.fixture
def triage_clinician(reference_data):
    return UserFactory(username="triage.clinician", role=roles.TRIAGE_CLINICIAN)


@pytest.fixture
def admin_team(reference_data):
    return UserFactory(username="admin.team", role=roles.ADMIN_TEAM)


@pytest.fixture
def manager(reference_data):
    return UserFactory(username="manager", role=roles.MANAGER)


@pytest.fixture
def practitioner_user(reference_data):
    return UserFactory(username="practitioner", role=roles.PRACTITIONER)


@pytest.fixture
def knowledge_officer(reference_data):
    return UserFactory(username="knowledge.officer", role=roles.COMMUNITY_KNOWLEDGE_OFFICER)


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def client_for(client):
    """A test client signed in as the given user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


_nhs_numbers = valid_nhs_numbers("998")


@pytest.fixture
def person(reference_data):
    """The details of a person being referred, with a GP practice in the area."""

    def make(**overrides):
        values = {
            "nhs_number": next(_nhs_numbers), "given_name": "Asha", "family_name": "Patel",
            "date_of_birth": date(1984, 3, 15), "postcode": "LE2 7LX",
            "gp_practice": GPPracticeFactory(),
        }
        values.update(overrides)
        return PersonDetails(**values)

    return make


@pytest.fixture
def gp_referrer():
    return Referrer(name="Dr Helen Shaw", role="GP", organisation="Highfields Surgery",
                    ods_code="C82001")


@pytest.fixture(scope="session")
def chromium_path():
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("The browser tests need Chromium: install Debian's chromium package "
                    "(.ci/run does) or set CHROMIUM_PATH.")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's guard
    # against ORM calls from async code would otherwise refuse the test's queries.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--disable-dev-shm-usage"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    # The page's Content Security Policy would refuse the injected axe-core script.
    context = browser.new_context(bypass_csp=True, locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


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
