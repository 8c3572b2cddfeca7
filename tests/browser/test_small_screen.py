"""Every page each role's crawl reaches (tests/browser/test_crawl.py), opened at 375 pixels
wide, the width of a small phone, does not scroll sideways: tables follow the NHS.UK
responsive pattern or scroll inside their own container, and nothing else is wider than
the screen. One browser context per role, signed in once; every failure reported together."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from accounts import demo_data

from .pages import sign_in
from .test_crawl import crawl, demo  # noqa: F401 (the crawl's demo data fixture)

pytestmark = [pytest.mark.browser]

PHONE = {"width": 375, "height": 812}


def test_no_page_any_role_reaches_scrolls_sideways_on_a_375_pixel_screen(demo, live_server, browser):  # noqa: F811
    too_wide = []
    for _, username, _, _ in demo_data.DEMO_USERS:
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(username=username))
        urls = crawl(client, client.get("/", follow=False)["Location"]).html_urls
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        try:
            sign_in(page, live_server.url, username, demo_data.DEMO_PASSWORD)
            page.wait_for_load_state()
            for url in urls:
                page.goto(live_server.url + url)
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > PHONE["width"]:
                    too_wide.append(f"{username}: {url} is {width}px wide")
        finally:
            context.close()
    assert not too_wide, f"{len(too_wide)} pages scroll sideways at 375px:\n" + "\n".join(too_wide)
