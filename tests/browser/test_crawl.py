"""Every page each role can reach, crawled on the demo data: sign in as each demo login,
follow every in-app link from the role's home page (GET only, bounded), and check that no
page is a server error and every page has exactly one <h1>; then each distinct page
template is opened in headless Chromium as its role and checked with axe (WCAG 2.2 AA).

Not followed: logging out (a POST anyway), the Django admin site (Django's own pages,
for managers' reference data), static files and links off the service."""

import re
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.signals import got_request_exception
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from accounts import demo_data
from cap.services import PersonDetails, Referrer, referral_log_written
from triage.accounted import accounted_watch
from triage.models import WaitTarget
from triage.services import next_due_refresh

from .pages import assert_accessible, sign_in

pytestmark = [pytest.mark.browser]

PAGES_PER_ROLE = 400  # a bound on the crawl; each role reaches far fewer distinct views
URLS_PER_VIEW = 4  # the same view with other ids or filters adds little
SKIPPED_PREFIXES = ("/admin/", "/assets/", "/logout/", "/api/schema/")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.h1s = 0

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)
        elif tag == "form" and (dict(attrs).get("method") or "get").lower() == "get":
            # A search form's page (the header's search box) is reached by its action.
            if action := dict(attrs).get("action"):
                self.hrefs.append(action)
        elif tag == "h1":
            self.h1s += 1


@dataclass
class Crawl:
    pages: int = 0
    errors: list[str] = field(default_factory=list)
    wrong_h1: list[str] = field(default_factory=list)
    templates: dict[str, str] = field(default_factory=dict)  # template -> first URL showing it
    html_urls: list[str] = field(default_factory=list)  # every page crawled, for test_small_screen.py


def in_app(href: str) -> str | None:
    href, _ = urldefrag(href)
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(SKIPPED_PREFIXES):
        return None
    return href


def view_of(url: str) -> str | None:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return None


def crawl(client: Client, home: str) -> Crawl:
    result = Crawl()
    seen, per_view = {home}, Counter()
    queue = deque([home])
    while queue and result.pages < PAGES_PER_ROLE:
        url = queue.popleft()
        response = client.get(url)
        result.pages += 1
        if response.status_code >= 500:
            result.errors.append(f"{response.status_code} {url}")
            continue
        if response.status_code in (301, 302):
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        result.html_urls.append(url)
        page = Links()
        page.feed(response.content.decode())
        if page.h1s != 1:
            result.wrong_h1.append(f"{page.h1s} <h1> on {url}")
        names = [t.name for t in response.templates if t.name and not t.name.startswith(
            ("layouts/", "components/", "django/"))]
        if names:
            result.templates.setdefault(names[0], url)
        for href in page.hrefs:
            target = in_app(href)
            if target is None or target in seen:
                continue
            view = view_of(target)
            if view is None or per_view[view] >= URLS_PER_VIEW:
                continue
            seen.add(target)
            per_view[view] += 1
            queue.append(target)
    return result


@pytest.fixture
def demo(transactional_db, reference_data, settings):
    settings.DEBUG = True
    call_command("load_demo_data", stdout=StringIO())
    settings.DEBUG = False
    # A child redirected to the children's hub (where the trust has one), so the handoff queue
    # has a row and the page recording the hub's answer is crawled too.
    settings.CHILDREN_HUB_ENABLED = True
    referral_log_written(
        actor=User.objects.get(username=demo_data.DEMO_REFERRALS_LOGGED_BY),
        person=PersonDetails(given_name="Maya", family_name="Khan", date_of_birth=date(2011, 5, 2),
                             postcode="LE4 6PN"),
        referrer=Referrer(name="Dr Rachel Moore", role="GP"), reason="Withdrawn, not attending school")
    # A referral not accounted for (its targets stopped), found by the watch, so the
    # dashboard's red figure, its drill-down and the duty manager's alert are crawled.
    lost = referral_log_written(
        actor=User.objects.get(username=demo_data.DEMO_REFERRALS_LOGGED_BY),
        person=PersonDetails(given_name="Lee", family_name="Grant", date_of_birth=date(1979, 8, 9),
                             postcode="LE2 1AB"),
        referrer=Referrer(name="Dr Rachel Moore", role="GP"), reason="Low mood")
    WaitTarget.objects.filter(referral=lost).update(cancelled_at=timezone.now())
    next_due_refresh(lost)
    accounted_watch(now=timezone.now())
    # A referral awaiting booking with a time the person cannot do and on the slot issues
    # list, so changing the time and taking on the slot issue are crawled too.
    from datetime import time

    from cap.models import Referral, ReferralStatus
    from scheduling import services as scheduling

    waiting = Referral.objects.filter(status=ReferralStatus.AWAITING_BOOKING).order_by("-pk").first()
    assert waiting is not None, "the demo data triages referrals for booking"
    scheduling.unavailable_time_add(actor=User.objects.get(username="admin.team"), referral=waiting,
                                    weekday=4, starts=time(13), ends=time(17), note="Collects grandchildren")
    scheduling.slot_issue_raise(referral=waiting, reason="none_within_target", detail="", target_due_at=None,
                                first_option_at=None, now=timezone.now())
    missed_appointment_needing_review()


def missed_appointment_needing_review():
    """A demo referral awaiting booking whose person, flagged vulnerable, did not attend: the
    booking queue shows why they are back, and the triage worklist links to the clinical
    review page."""
    from cap.models import Referral, ReferralStatus
    from cap.services import service_user_vulnerable_set
    from scheduling import services as scheduling

    admin = User.objects.get(username="admin.team")
    referral = Referral.objects.filter(status=ReferralStatus.AWAITING_BOOKING).order_by("pk").first()
    assert referral is not None, "the demo data triages referrals for booking"
    service_user_vulnerable_set(actor=admin, service_user=referral.service_user, vulnerable=True,
                                reason="Lives alone; relies on a neighbour for reminders")
    option = scheduling.options_for(referral=referral).options[0]
    booking = scheduling.booking_create(actor=admin, referral=referral, option_id=option.id)
    scheduling.booking_did_not_attend(actor=admin, booking=booking, now=booking.ends_at)


def test_every_page_each_role_reaches_works_has_one_heading_and_is_accessible(demo, live_server, page,
                                                                               capsys):
    exceptions = []

    def record(sender, request=None, **kwargs):
        import sys

        exceptions.append(f"{request.path if request else '?'}: {sys.exc_info()[1]!r}")

    got_request_exception.connect(record)
    results: dict[str, Crawl] = {}
    try:
        for _, username, _, _ in demo_data.DEMO_USERS:
            client = Client(raise_request_exception=False)
            client.force_login(User.objects.get(username=username))
            home = client.get("/", follow=False)["Location"]
            results[username] = crawl(client, home)
    finally:
        got_request_exception.disconnect(record)

    with capsys.disabled():
        print("\nPages crawled per role: " + ", ".join(
            f"{username} {r.pages} ({len(r.templates)} templates)" for username, r in results.items()))
    errors = [f"{u}: {e}" for u, r in results.items() for e in r.errors]
    assert not errors, "server errors:\n" + "\n".join(errors + exceptions)
    wrong = [f"{u}: {e}" for u, r in results.items() for e in r.wrong_h1]
    assert not wrong, "\n".join(wrong)

    # Each distinct template once, in the browser, as the first role that reached it.
    checked: dict[str, tuple[str, str]] = {}
    for username, r in results.items():
        for template, url in r.templates.items():
            checked.setdefault(template, (username, url))
    by_role = defaultdict(list)
    for _template, (username, url) in sorted(checked.items()):
        by_role[username].append(url)
    for username, urls in by_role.items():
        page.context.clear_cookies()
        sign_in(page, live_server.url, username, demo_data.DEMO_PASSWORD)
        page.wait_for_url(re.compile(r".*"))
        for url in urls:
            page.goto(f"{live_server.url}{url}")
            assert_accessible(page)
