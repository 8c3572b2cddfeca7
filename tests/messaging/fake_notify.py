"""A small stand-in for GOV.UK Notify's API, started by the test itself: a threaded HTTP
server on a free port that speaks the endpoints the official client calls, checks the
JWT each request is signed with, and can be told to answer 500 or to hang."""

import json
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from notifications_python_client.authentication import decode_jwt_token, decode_token

SERVICE_ID = str(uuid.uuid4())
SECRET = str(uuid.uuid4())
# Notify's key format: a name, the service id, then the secret.
API_KEY = f"cap-test-{SERVICE_ID}-{SECRET}"
REQUIRED = {"sms": "phone_number", "email": "email_address"}


@dataclass
class Seen:
    method: str
    path: str
    body: dict


@dataclass
class FakeNotify:
    url: str = ""
    requests: list[Seen] = field(default_factory=list)
    accepted: dict[str, list[str]] = field(default_factory=dict)  # reference -> Notify ids
    fail_next: int = 0  # answer this many sends with 500
    hang_next: bool = False  # accept the next send, then hang before answering...
    hanging: threading.Event = field(default_factory=threading.Event)  # ...set while it hangs
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Text messages people sent back, newest first, as Notify lists them.
    received: list[dict] = field(default_factory=list)
    page_size: int = 250  # Notify's page of received texts

    def sends(self) -> list[Seen]:
        return [seen for seen in self.requests if seen.method == "POST"]

    def text_from(self, number: str, content: str, at: datetime | None = None) -> dict:
        """A person texts back: Notify gives their number in international form."""
        text = {"id": str(uuid.uuid4()), "user_number": number, "notify_number": "07700900000",
                "service_id": SERVICE_ID, "content": content,
                "created_at": (at or datetime.now(UTC)).isoformat().replace("+00:00", "Z")}
        with self.lock:
            self.received.insert(0, text)
        return text


def _handler(fake: FakeNotify):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _answer(self, status: int, body: dict):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _error(self, status: int, kind: str, message: str):
            self._answer(status, {"status_code": status, "errors": [{"error": kind, "message": message}]})

        def _authorised(self) -> bool:
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            try:
                decode_jwt_token(token, SECRET)
                ok = decode_token(token)["iss"] == SERVICE_ID
            except Exception:  # noqa: BLE001 - any bad token is Notify's 403
                ok = False
            if not ok:
                self._error(403, "AuthError", "Invalid token: signature, api token not found")
            return ok

        def do_GET(self):
            parts = urlsplit(self.path)
            with fake.lock:
                fake.requests.append(Seen("GET", parts.path, {}))
            if not self._authorised():
                return
            if parts.path == "/v2/received-text-messages":
                return self._received(parse_qs(parts.query).get("older_than", [""])[0])
            if parts.path != "/v2/notifications":
                return self._error(404, "NotFound", "Not found")
            reference = parse_qs(parts.query).get("reference", [""])[0]
            with fake.lock:
                ids = list(fake.accepted.get(reference, []))
            self._answer(200, {"notifications": [{"id": i, "reference": reference} for i in ids],
                               "links": {"current": self.path}})

        def _received(self, older_than: str):
            with fake.lock:
                texts = list(fake.received)
            ids = [t["id"] for t in texts]
            start = ids.index(older_than) + 1 if older_than in ids else 0
            page = texts[start:start + fake.page_size]
            links = {"current": self.path}
            if start + fake.page_size < len(texts):
                links["next"] = f"{fake.url}/v2/received-text-messages?older_than={page[-1]['id']}"
            self._answer(200, {"received_text_messages": page, "links": links})

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            path = urlsplit(self.path).path
            with fake.lock:
                fake.requests.append(Seen("POST", path, body))
            if not self._authorised():
                return
            channel = path.removeprefix("/v2/notifications/")
            if channel not in ("sms", "email", "letter"):
                return self._error(404, "NotFound", "Not found")
            if self.headers.get("Content-Type") != "application/json" or "template_id" not in body:
                return self._error(400, "ValidationError", "template_id is a required property")
            needed = REQUIRED.get(channel)
            if needed and not body.get(needed):
                return self._error(400, "ValidationError", f"{needed} is a required property")
            if channel == "letter" and not all(body.get("personalisation", {}).get(f"address_line_{n}")
                                               for n in (1, 2, 3)):
                return self._error(400, "ValidationError", "Address must be at least 3 lines")
            with fake.lock:
                fail = fake.fail_next > 0
                fake.fail_next -= fail
                hang, fake.hang_next = fake.hang_next, False
            if fail:
                return self._error(500, "Exception", "Internal server error")
            notify_id = str(uuid.uuid4())
            with fake.lock:
                fake.accepted.setdefault(str(body.get("reference", "")), []).append(notify_id)
            if hang:
                # Accepted, then never answered in time: the sender dies waiting.
                fake.hanging.set()
                fake.release.wait(120)
                return
            self._answer(201, {"id": notify_id, "reference": body.get("reference"),
                               "content": {}, "uri": f"{fake.url}/v2/notifications/{notify_id}",
                               "template": {"id": body["template_id"], "version": 1, "uri": ""}})

    return Handler


class Server:
    def __init__(self):
        self.fake = FakeNotify()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.fake))
        self.httpd.daemon_threads = True
        self.fake.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FakeNotify:
        self.thread.start()
        return self.fake

    def __exit__(self, *exc):
        self.fake.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
