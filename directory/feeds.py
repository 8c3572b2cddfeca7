"""Reading another directory's Open Referral UK API: the pages of its /services, and
each service's full record from /services/{id} (a page lists a service's own fields
only). The records go through the same import as a file (directory.openreferral).

A feed that cannot be read gives FeedError with what went wrong; a service whose full
record cannot be fetched is reported as a bad record, and the others are still loaded.
"""

import json
from collections.abc import Iterator
from urllib.parse import quote, urlsplit

import requests
from django.conf import settings
from django.contrib.auth.models import User

from .openreferral import BadRecord, ImportReport, import_records, page_contents

PER_PAGE = 100
MAX_PAGES = 1000  # 100,000 services: far more than any local directory holds
TIMEOUT_SECONDS = 30
MAX_ANSWER_BYTES = 50_000_000  # a page of 100 full services is well under 5 MB


class FeedError(Exception):
    pass


def _get(session: requests.Session, url: str, **params: int) -> object:
    """The JSON at the address. Read no further than MAX_ANSWER_BYTES: a feed that never
    ends is an error, not the worker's memory."""
    try:
        with session.get(url, params=params or None, timeout=TIMEOUT_SECONDS, stream=True,
                         headers={"Accept": "application/json"}) as answer:
            if not answer.ok:
                raise FeedError(f"{url}: HTTP {answer.status_code}")
            body = answer.raw.read(MAX_ANSWER_BYTES + 1, decode_content=True)
    except requests.RequestException as error:
        raise FeedError(f"{url}: {type(error).__name__}: {error}") from error
    if len(body) > MAX_ANSWER_BYTES:
        raise FeedError(f"{url}: the answer is larger than {MAX_ANSWER_BYTES:,} bytes")
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise FeedError(f"{url}: not JSON ({error})") from error


def feed_records(base_url: str, *, session: requests.Session | None = None) -> Iterator[tuple[str, object]]:
    """(where, full service record or BadRecord) for each service the API lists."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise FeedError(f"{base_url!r} is not the address of an Open Referral UK API (https://...).")
    base = base_url.rstrip("/")
    session = session or requests.Session()
    for page_number in range(1, MAX_PAGES + 1):
        page = _get(session, f"{base}/services", page=page_number, per_page=PER_PAGE)
        listed = page_contents(page)
        if listed is None:
            raise FeedError(f"{base}/services page {page_number}: not an Open Referral UK page of services")
        for number, item in enumerate(listed, start=1):
            where = f"page {page_number} service {number}"
            service_id = item.get("id") if isinstance(item, dict) else None
            if not isinstance(service_id, str | int) or not str(service_id).strip():
                yield where, BadRecord("a listed service has no id")
                continue
            try:
                yield where, _get(session, f"{base}/services/{quote(str(service_id).strip(), safe='')}")
            except FeedError as error:
                yield where, BadRecord(f"its full record could not be fetched ({error})")
        last = page.get("last_page") if isinstance(page, dict) else None
        total_pages = page.get("total_pages") if isinstance(page, dict) else None
        if not listed or last is True or (isinstance(total_pages, int) and page_number >= total_pages):
            return
    raise FeedError(f"{base}/services has more than {MAX_PAGES} pages: stopped there")


def feed_import(*, actor: User | None, base_url: str) -> ImportReport:
    return import_records(actor=actor, records=feed_records(base_url))


def configured_feeds() -> list[str]:
    return list(settings.DIRECTORY_FEEDS)
