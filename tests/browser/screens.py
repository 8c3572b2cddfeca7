"""The README's screenshots (docs/screens/*.png), taken from the demo data: the triage
worklist, as the triage clinician's home page, and the managers' wait dashboard.

Not a test (pytest does not collect it from the folder): `bash bin/screens` runs it by
name, so the pictures are retaken whenever the pages change."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from accounts import demo_data

from .pages import sign_in

pytestmark = [pytest.mark.browser]

SCREENS = Path(settings.BASE_DIR) / "docs" / "screens"
DESKTOP = {"width": 1280, "height": 1500}  # the first screen and a half: the chart, the first rows


def screen(browser, live_server, username: str, path: str | None, name: str) -> Path:
    """The first screen of `path` (the home page when None) as `username` sees it."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    try:
        sign_in(page, live_server.url, username, demo_data.DEMO_PASSWORD)
        page.get_by_role("button", name="Log out").wait_for()  # signed in, both steps
        page.goto(live_server.url + (path or "/"))  # "/" is the role's home page
        page.wait_for_load_state("networkidle")
        out = SCREENS / f"{name}.png"
        page.screenshot(path=str(out), animations="disabled")
        return out
    finally:
        context.close()


@pytest.fixture
def demo(transactional_db, reference_data, settings):
    """The demo data as `make run` loads it (the crawl's fixture adds pages' odd cases:
    a referral not accounted for, a slot issue), so the pictures show what a new user sees."""
    settings.DEBUG = True
    call_command("load_demo_data", stdout=StringIO())
    settings.DEBUG = False


def test_write_the_readme_screens(demo, live_server, browser):
    SCREENS.mkdir(parents=True, exist_ok=True)
    worklist = screen(browser, live_server, "triage.clinician", None, "triage-worklist")
    dashboard = screen(browser, live_server, "manager", reverse("triage:dashboard"), "wait-dashboard")
    assert worklist.stat().st_size > 0 and dashboard.stat().st_size > 0
