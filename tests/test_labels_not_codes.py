"""Labels, never codes: the main pages of every role, on the demo data, show no stored code
("very_urgent", "awaiting_booking", "AMH") where a person reads. A role's main pages are
its home page and every page its home page links to (the header menu and the lists);
the managers' and admin team's pages the issue named are among them.

Codes may stay in attributes (data-queue="urgent", a link's ?stream=AMH) and in CSV
headers, which a spreadsheet reads; not in the words on the page."""

import html
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.test import Client

from accounts import demo_data
from tests.browser.test_crawl import Links, demo, in_app  # noqa: F401 (the crawl's demo data fixture)
from triage.models import Stream

# A stored code in words: lower case joined by underscores ("very_urgent", "non_urgent",
# "passed_to_triage"), or a stream's code in capitals.
SNAKE_CASE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
# "CAMHS" is also the word the trust's teams are named with ("LLR CAMHS Crisis Team").
STREAM_CODES = re.compile(r"\b(?:" + "|".join(sorted((v for v in Stream.values if v != Stream.CAMHS), key=len,
                                                      reverse=True)) + r")\b")


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style|template)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(page))


def main_pages(client: Client) -> list[str]:
    home = client.get("/", follow=False)["Location"]
    links = Links()
    links.feed(client.get(home).content.decode())
    urls = [home]
    for href in links.hrefs:
        url = in_app(href)
        if url and url not in urls and urlsplit(url).path not in ("/login/",):
            urls.append(url)
    return urls


def codes_in(text: str) -> set[str]:
    return set(SNAKE_CASE.findall(text)) | set(STREAM_CODES.findall(text))


def test_codes_are_found_in_words_and_not_in_labels():
    assert codes_in("Urgency very_urgent, stream AMH") == {"very_urgent", "AMH"}
    assert codes_in("Very urgent, Adult Mental Health, AMHS team, REF-0001") == set()


@pytest.mark.django_db(transaction=True)
def test_no_role_reads_a_stored_code_on_its_main_pages(demo):  # noqa: F811
    found = []
    for _, username, _, _ in demo_data.DEMO_USERS:
        client = Client()
        client.force_login(User.objects.get(username=username))
        for url in main_pages(client):
            response = client.get(url)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            codes = codes_in(visible_text(response.content.decode()))
            if codes:
                found.append(f"{username} {url}: {', '.join(sorted(codes))}")
    assert not found, "codes where labels belong:\n" + "\n".join(found)
