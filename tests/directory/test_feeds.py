"""An Open Referral UK API read into the directory: the /services pages in turn, each
service's full record from /services/{id}, through the same import as a file. A local
HTTP server plays the other directory."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import CommandError, call_command

from directory.feeds import FeedError, feed_import
from directory.models import CommunityService
from directory.tasks import fetch_directory_feeds_task

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "oruk"
EXAMPLE = json.loads((FIXTURES / "service_full.json").read_text())
LISTED = json.loads((FIXTURES / "service_list.json").read_text())
FOOD_BANK = {"id": "5b0d6a8e-6c55-4d1e-9d67-0a4f5d1e2b3c", "name": "Melton food bank", "status": "active",
             "organization": {"id": "7d1c2b3a-1111-4c2b-9a8e-0f6e5d4c3b2a", "name": "Melton Trussell Trust",
                              "description": ""},
             "attributes": [{"id": "0e9c4a4e-2222-4b7a-8f1d-3c2b1a0f9e8d", "taxonomy_term": {
                 "id": "b1f0c0de-3333-4d9e-8c7b-6a5f4e3d2c1b", "name": "Food banks", "description": "",
                 "taxonomy": "esd"}}]}


class Directory(BaseHTTPRequestHandler):
    """Two pages of /services: the profile's example and one that fails, then a food bank."""

    requests: list[str] = []

    def do_GET(self):  # noqa: N802 (the standard library's name)
        url = urlsplit(self.path)
        Directory.requests.append(url.path)
        page = int(parse_qs(url.query).get("page", ["1"])[0])
        if url.path == "/api/v3/services":
            contents = [{"id": EXAMPLE["id"]}, {"id": "broken"}] if page == 1 else [{"id": FOOD_BANK["id"]}]
            return self.answer(200, LISTED | {"contents": contents, "page_number": page, "total_pages": 2,
                                              "last_page": page == 2})
        by_id = {EXAMPLE["id"]: EXAMPLE, FOOD_BANK["id"]: FOOD_BANK}
        service_id = url.path.removeprefix("/api/v3/services/")
        if service_id in by_id:
            return self.answer(200, by_id[service_id])
        return self.answer(500, {"error": "unavailable"})

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def feed():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Directory)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Directory.requests = []
    yield f"http://127.0.0.1:{server.server_address[1]}/api/v3"
    server.shutdown()
    server.server_close()


def test_the_feed_is_read_page_by_page_and_each_full_record_loaded(feed, reference_data):
    report = feed_import(actor=None, base_url=feed)

    assert (report.created, report.to_categorise) == (2, 1)
    assert [str(p) for p in report.problems] == [
        f"page 1 service 2: its full record could not be fetched ({feed}/services/broken: HTTP 500)"]
    assert CommunityService.objects.get(name="Melton food bank").needs == ["food"]
    assert CommunityService.objects.get(name="Community Counselling").category == ""
    assert Directory.requests.count("/api/v3/services") == 2


def test_reading_the_feed_again_changes_nothing(feed, reference_data):
    feed_import(actor=None, base_url=feed)

    report = feed_import(actor=None, base_url=feed)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)


def test_the_command_reads_the_feed_and_fails_when_a_record_did_not_load(feed, reference_data):
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError):
        call_command("directory_fetch", feed, stdout=out, stderr=err)

    assert f"{feed}: 2 added, 0 updated, 0 unchanged, 1 not loaded, 1 to categorise." in out.getvalue()
    assert "services/broken: HTTP 500" in err.getvalue()


def test_a_feed_that_cannot_be_read_is_an_error_not_a_crash(reference_data):
    with pytest.raises(FeedError, match="not the address"):
        feed_import(actor=None, base_url="file:///etc/passwd")
    with pytest.raises(FeedError, match="ConnectionError"):
        feed_import(actor=None, base_url="http://127.0.0.1:9/api")
    with pytest.raises(CommandError, match="DIRECTORY_FEEDS"):
        call_command("directory_fetch", stdout=StringIO(), stderr=StringIO())


def test_beat_reads_each_configured_feed(feed, reference_data, settings):
    settings.DIRECTORY_FEEDS = [feed, "http://127.0.0.1:9/api"]

    fetch_directory_feeds_task()  # the unreachable one is logged, not raised

    assert CommunityService.objects.count() == 2


def test_an_answer_larger_than_the_limit_is_refused_not_read_whole(feed, reference_data, monkeypatch):
    monkeypatch.setattr("directory.feeds.MAX_ANSWER_BYTES", 100)

    with pytest.raises(FeedError, match="larger than"):
        feed_import(actor=None, base_url=feed)
