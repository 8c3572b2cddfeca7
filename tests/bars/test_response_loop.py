"""Closing the loop: triage decides about a referral that came by BaRS, and a response
message goes back to the sender's endpoint (a local HTTP server here), from the outbox,
exactly once, by a real Celery worker and beat; retries after the sender's errors."""

import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from bars.models import ResponseMessage
from bars.sending import responses_send_due
from cap.models import Referral
from tests.real_processes import celery_processes, own_redis, wait_for
from triage.models import DecisionOutcome, UrgentAction, WaitTarget
from triage.services import triage_decision_record, urgent_action_record

from .test_receiver import example, send, sender  # noqa: F401 (the fixture)


class Sender(ThreadingHTTPServer):
    """The referrer's BaRS endpoint: answers each POST with the next status of `answers`
    (then 200), and keeps what it was sent."""

    def __init__(self, answers=()):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answers, self.received = list(answers), []

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/fhir/R4/$process-message"


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        server: Sender = self.server  # type: ignore[assignment]
        server.received.append((dict(self.headers), json.loads(body)))
        status = server.answers.pop(0) if server.answers else 200
        self.send_response(status)
        self.send_header("Content-Type", "application/fhir+json")
        self.end_headers()
        self.wfile.write(b'{"resourceType": "OperationOutcome", "issue": []}')

    def log_message(self, *args):
        pass


@pytest.fixture
def endpoint(settings):
    server = Sender()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.BARS_RESPONSE_HOSTS = ["127.0.0.1"]
    yield server
    server.shutdown()


def referral_from(sender_client, endpoint, name="new-referral") -> Referral:  # noqa: F811
    message = example(name)
    message["entry"][0]["resource"]["source"]["endpoint"] = endpoint.endpoint
    assert send(sender_client, message, correlation_id="corr-loop").status_code == 200
    return Referral.objects.get()


def decide(referral, clinician, outcome=DecisionOutcome.ASSESSMENT, **fields):
    defaults = {"urgency": "urgent", "stream": "AMH", "rationale": "Seen the 111 notes.",
                "setting": "clinic"} if outcome == DecisionOutcome.ASSESSMENT else {
        "urgency": "routine", "rationale": "Better served by talking therapies.",
        "external_agency": "NHS Talking Therapies"}
    return triage_decision_record(actor=clinician, referral=referral, outcome=outcome,
                                  **{**defaults, **fields})


@pytest.mark.django_db
def test_accepted_for_assessment_queues_one_response_that_answers_the_senders_message(
        sender, endpoint, triage_clinician):  # noqa: F811
    referral = referral_from(sender, endpoint)

    decide(referral, triage_clinician)

    response = ResponseMessage.objects.get()
    assert (response.outcome, response.state, response.endpoint) == ("accepted", "queued", endpoint.endpoint)
    bundle = Bundle.model_validate(response.bundle)  # valid FHIR R4
    header, service_request = (entry.resource for entry in bundle.entry)
    assert header.eventCoding.code == "servicerequest-response"
    assert header.response.identifier == "8f0e1d2c-3b4a-4596-8a7b-6c5d4e3f2a10"  # the sender's message
    assert header.focus[0].reference == "urn:uuid:5c8d4a0e-2b6a-4d7c-9a8e-1f3b2c4d5e6f"
    assert service_request.identifier[0].value == referral.reference
    assert "urgent assessment" in service_request.note[0].text
    # The call-back target is met by the decision.
    callback = WaitTarget.objects.get(referral=referral, definition__code="referrer_callback")
    assert callback.met_at is not None

    assert responses_send_due() == 1
    [(headers, body)] = endpoint.received
    assert body == response.bundle
    assert headers["X-Request-ID"] == str(response.message_id) and headers["X-Correlation-ID"] == "corr-loop"
    assert ResponseMessage.objects.get().state == "sent"
    assert responses_send_due() == 0  # nothing twice


@pytest.mark.django_db
def test_routed_elsewhere_and_advice_given_each_tell_the_sender(sender, endpoint, triage_clinician):  # noqa: F811
    referral = referral_from(sender, endpoint)
    urgent_action_record(actor=triage_clinician, referral=referral, kind=UrgentAction.Kind.TELEPHONE_ADVICE,
                         when=timezone.now(), notes="Advised on keeping safe tonight.")
    decide(referral, triage_clinician, outcome=DecisionOutcome.ROUTE_EXTERNAL)

    outcomes = ResponseMessage.objects.order_by("id").values_list("outcome", flat=True)
    assert list(outcomes) == ["advice", "routed"]
    routed = ResponseMessage.objects.get(outcome="routed")
    assert Bundle.model_validate(routed.bundle).entry[1].resource.status == "completed"


@pytest.mark.django_db
def test_a_referral_from_another_channel_sends_nothing(triage_clinician, person, gp_referrer):
    from cap.services import referral_log_written
    referral = referral_log_written(actor=triage_clinician, person=person(), referrer=gp_referrer,
                                    reason="Low mood")
    decide(referral, triage_clinician)
    assert not ResponseMessage.objects.exists()


@pytest.mark.django_db
def test_a_sender_error_is_retried_later_and_a_duplicate_answer_counts_as_sent(sender, endpoint,  # noqa: F811
                                                                                triage_clinician):
    endpoint.answers = [503, 409]
    decide(referral_from(sender, endpoint), triage_clinician)

    assert responses_send_due() == 0
    response = ResponseMessage.objects.get()
    assert (response.state, response.attempts, response.last_error) == ("queued", 1, "HTTP 503")
    assert response.next_attempt_at > timezone.now()
    assert responses_send_due() == 0  # not due yet

    assert responses_send_due(now=timezone.now() + timedelta(minutes=5)) == 1  # the sender had it: 409
    assert ResponseMessage.objects.get().state == "sent"
    ids = {body["id"] for _, body in endpoint.received}
    assert len(endpoint.received) == 2 and ids == {str(response.message_id)}  # the same message each try


@pytest.mark.django_db
def test_a_refusal_or_a_host_not_named_fails_the_response_without_retrying(sender, endpoint, settings,  # noqa: F811
                                                                            triage_clinician):
    endpoint.answers = [400]
    decide(referral_from(sender, endpoint), triage_clinician)
    responses_send_due()
    assert ResponseMessage.objects.get().state == "failed"

    ResponseMessage.objects.update(state="queued")
    settings.BARS_RESPONSE_HOSTS = []
    responses_send_due()
    response = ResponseMessage.objects.get()
    assert response.state == "failed" and "BARS_RESPONSE_HOSTS" in response.last_error
    assert len(endpoint.received) == 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_and_beat_send_the_response_exactly_once(sender, endpoint, triage_clinician,  # noqa: F811
                                                             tmp_path):
    decide(referral_from(sender, endpoint), triage_clinician)
    with own_redis(tmp_path) as redis, celery_processes(tmp_path, redis, {
            "BARS_RESPONSE_HOSTS": "127.0.0.1", "BARS_RESPONSE_SEND_SECONDS": "1"}) as start:
        start("worker")
        start("beat")
        wait_for(lambda: ResponseMessage.objects.filter(state="sent").exists(), "the response to be sent")
        # Beat keeps sweeping: a few more runs send nothing again.
        wait_for(lambda: len(endpoint.received) >= 1, "the sender to have it")

        time.sleep(3)
    assert len(endpoint.received) == 1
