"""Every page each role's crawl reaches (tests/browser/test_crawl.py), opened at 375 pixels
wide, the width of a small phone, does not scroll sideways: tables follow the NHS.UK
responsive pattern or scroll inside their own container, and nothing else is wider than
the screen. One browser context per role, signed in once; every failure reported together.

Pages listed in KNOWN_WIDE are reported as a note, not a failure, while they are being
rebuilt.
Delete a view from KNOWN_WIDE once its page fits; the test prints when one does."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from accounts import demo_data

from .pages import sign_in
from .test_crawl import crawl, demo, view_of  # noqa: F401 (the crawl's demo data fixture)

pytestmark = [pytest.mark.browser]

PHONE = {"width": 375, "height": 812}
KNOWN_WIDE: set[str] = set()  # every page fits now; a page being rebuilt may be listed here for a while


def test_no_page_any_role_reaches_scrolls_sideways_on_a_375_pixel_screen(demo, live_server, browser):  # noqa: F811
    too_wide, known, fitted = [], [], set()
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
                view = view_of(url)
                if width > PHONE["width"]:
                    (known if view in KNOWN_WIDE else too_wide).append(f"{username}: {url} is {width}px wide")
                elif view in KNOWN_WIDE:
                    fitted.add(view)
        finally:
            context.close()
    if known:
        print(f"\n{len(known)} worklist and diary pages still scroll sideways at 375px (KNOWN_WIDE):\n"
              + "\n".join(known))
    assert not too_wide, f"{len(too_wide)} pages scroll sideways at 375px:\n" + "\n".join(too_wide)
    wide_views = {view_of(line.split(": ")[1].split(" ")[0]) for line in known}
    if fitted - wide_views:
        print(f"\nThese fit at 375px now: delete them from KNOWN_WIDE: {sorted(fitted - wide_views)}")
