"""The BaRS receiver, POST /fhir/R4/$process-message, sent the example messages in
tests/fixtures/bars/ by a referring system's token: each gives the result BaRS Core asks
for, and the referral lands on the right queue with the right clock."""

import copy
import json
import logging
import threading
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from fhir.resources.R4B.operationoutcome import OperationOutcome
from rest_framework.test import APIClient

from accounts.services import api_client_add
from bars.models import ReceivedMessage
from cap.models import Channel, Referral, ReferralStatus, RiskIndicator, ServiceUser
from tests.factories import api_token
from triage.models import WaitTarget

URL = "/fhir/R4/$process-message"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "bars"
# The examples were sent at 09:41 UTC on 1 December 2026, 111's call ending at 09:40.
SENT = datetime.fromisoformat("2026-12-01T09:45:00+00:00")


def example(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


@pytest.fixture
def sender(reference_data):
    """NHS 111's system: an API client in the Referring system role."""
    issued = api_client_add(actor=None, name="NHS 111 Leicestershire", contact="111-it@example.nhs.uk")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issued.token}")
    client.user = issued.client.user
    return client


@pytest.fixture(autouse=True)
def sent_on_the_day():
    with time_machine.travel(SENT, tick=True):
        yield


def send(client, message, *, request_id: str | None = "", correlation_id: str | None = "", **kwargs):
    headers = {}
    if request_id is not None:
        headers["X-Request-ID"] = request_id or str(uuid.uuid4())
    if correlation_id is not None:
        headers["X-Correlation-ID"] = correlation_id or str(uuid.uuid4())
    body = message if isinstance(message, str) else json.dumps(message)
    return client.generic("POST", URL, body, content_type=kwargs.pop("content_type", "application/fhir+json"),
                          headers=headers, **kwargs)


def outcome(response) -> OperationOutcome:
    """The answer, parsed as FHIR R4 (it must be an OperationOutcome)."""
    return OperationOutcome.model_validate(response.json())


def codes(response) -> tuple[str, str]:
    issue = outcome(response).issue[0]
    details = issue.details.coding[0].code if issue.details and issue.details.coding else ""
    return issue.code, details


def running(referral) -> dict[str, WaitTarget]:
    return {t.definition.code: t for t in WaitTarget.objects.running().filter(referral=referral)
            .select_related("definition")}


# --- A new referral -----------------------------------------------------------------------

@pytest.mark.django_db
def test_new_referral_is_received_through_intake_onto_the_urgent_queue_with_its_clocks(sender, client_for,
                                                                                       triage_clinician):
    response = send(sender, example("new-referral"), request_id="req-1", correlation_id="corr-1")

    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    assert response["X-Request-ID"] == "req-1" and response["X-Correlation-ID"] == "corr-1"
    assert outcome(response).issue[0].severity == "information"
    referral = Referral.objects.get()
    assert referral.reference in outcome(response).issue[0].diagnostics
    assert referral.channel == Channel.BARS
    assert referral.status == ReferralStatus.AWAITING_TRIAGE
    assert referral.referrer_urgency == "urgent"
    assert referral.referrer_name == "Ms Grace Okafor"
    assert referral.referrer_organisation == "NHS 111 Leicestershire"
    assert referral.referrer_ods_code == "X2M9T" and referral.referrer_phone == "0116 496 0000"
    assert "Low mood with thoughts of self-harm" in referral.reason
    assert "NHS Pathways disposition: Speak to a mental health professional within 4 hours" in referral.reason
    person = referral.service_user
    assert (person.nhs_number, person.given_name, person.family_name) == ("9434765919", "Asha", "Patel")
    assert str(person.date_of_birth) == "1984-03-15" and person.postcode == "LE2 7LX"
    # The urgency the message carries starts the crisis clocks, from 111's contact.
    clocks = running(referral)
    assert clocks["assessment_24h"].started_at == datetime.fromisoformat("2026-12-01T09:40:00+00:00")
    assert clocks["assessment_24h"].provisional
    assert "urgent_triage_response" in clocks and "triage_review" in clocks
    # The sender's call-back deadline is a target of its own, due at the deadline.
    assert clocks["referrer_callback"].due_at == datetime.fromisoformat("2026-12-01T14:00:00+00:00")
    stored = ReceivedMessage.objects.get()
    assert stored.kind == "new" and stored.referral == referral and stored.bundle == example("new-referral")
    assert (stored.request_id, stored.correlation_id) == ("req-1", "corr-1")

    queue = client_for(triage_clinician).get("/triage/urgent/")
    assert f'data-referral="{referral.reference}"' in queue.content.decode()


@pytest.mark.django_db
def test_the_same_message_sent_again_is_a_duplicate_and_creates_nothing(sender):
    assert send(sender, example("new-referral")).status_code == 200

    again = send(sender, example("new-referral"))

    assert again.status_code == 409
    assert codes(again) == ("duplicate", "REC_CONFLICT")
    assert Referral.objects.count() == 1 and ReceivedMessage.objects.count() == 1
    assert ServiceUser.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("missing", ["request_id", "correlation_id"])
def test_a_message_without_its_trace_headers_is_refused_with_an_operation_outcome(sender, missing):
    response = send(sender, example("new-referral"), **{missing: None})

    assert response.status_code == 400
    assert codes(response) == ("required", "REC_BAD_REQUEST")
    header = "X-Request-ID" if missing == "request_id" else "X-Correlation-ID"
    assert header in outcome(response).issue[0].diagnostics
    assert not Referral.objects.exists() and not ReceivedMessage.objects.exists()


@pytest.mark.django_db
def test_an_overlong_trace_header_is_refused(sender):
    response = send(sender, example("new-referral"), request_id="x" * 201)
    assert response.status_code == 400 and "at most 200" in outcome(response).issue[0].diagnostics


# --- Updates and cancellations ------------------------------------------------------------

@pytest.mark.django_db
def test_an_update_raises_the_urgency_and_starts_the_four_hour_clock_keeping_every_version(sender):
    send(sender, example("new-referral"))

    response = send(sender, example("update"))

    assert response.status_code == 200, response.content
    referral = Referral.objects.get()
    assert referral.referrer_urgency == "very_urgent"
    assert "she now says she has a plan" in referral.additional_information
    four_hours = running(referral)["assessment_4h"]
    assert four_hours.started_at == datetime.fromisoformat("2026-12-01T09:40:00+00:00")
    assert list(ReceivedMessage.objects.values_list("kind", flat=True)) == ["new", "update"]
    assert referral.history.count() >= 2


@pytest.mark.django_db
def test_a_cancellation_closes_the_referral_and_stops_its_clocks(sender, client_for, triage_clinician):
    send(sender, example("new-referral"))

    response = send(sender, example("cancel"))

    assert response.status_code == 200, response.content
    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.CLOSED
    assert running(referral) == {}
    assert set(WaitTarget.objects.filter(referral=referral).values_list("cancel_reason", flat=True)) == {
        "cancelled by the sender"}
    queue = client_for(triage_clinician).get("/triage/urgent/")
    assert referral.reference not in queue.content.decode()


@pytest.mark.django_db
def test_entered_in_error_cancels_too(sender):
    send(sender, example("new-referral"))
    message = example("cancel")
    message["entry"][1]["resource"]["status"] = "entered-in-error"
    assert send(sender, message).status_code == 200
    assert Referral.objects.get().status == ReferralStatus.CLOSED


@pytest.mark.django_db
def test_a_change_after_triage_has_decided_is_refused(sender):
    send(sender, example("new-referral"))
    referral = Referral.objects.get()
    Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.AWAITING_URGENT_ASSESSMENT)

    response = send(sender, example("cancel"))

    assert response.status_code == 422
    assert codes(response) == ("processing", "REC_UNPROCESSABLE_ENTITY")
    assert "no longer active" in outcome(response).issue[0].diagnostics
    assert Referral.objects.get().status == ReferralStatus.AWAITING_URGENT_ASSESSMENT
    assert ReceivedMessage.objects.count() == 1


@pytest.mark.django_db
def test_a_cancellation_of_nothing_received_is_refused(sender):
    response = send(sender, example("cancel"))
    assert response.status_code == 422 and not Referral.objects.exists()


@pytest.mark.django_db
def test_another_senders_update_to_the_same_service_request_does_not_change_this_referral(sender,
                                                                                          reference_data):
    send(sender, example("new-referral"))
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION="Token " + api_client_add(
        actor=None, name="GP system", contact="gp-it@example.nhs.uk").token)

    response = send(other, example("cancel"))

    assert response.status_code == 422
    assert Referral.objects.get().status == ReferralStatus.AWAITING_TRIAGE


# --- People the CAP does not know, and flags -----------------------------------------------

@pytest.mark.django_db
def test_a_person_not_known_without_a_verified_nhs_number_is_accepted_for_the_identity_check(sender):
    response = send(sender, example("unknown-person"))

    assert response.status_code == 200, response.content
    person = Referral.objects.get().service_user
    assert (person.given_name, person.family_name, person.nhs_number) == ("Jan", "Nowak", None)
    assert "NHS number sent, not verified: 9999999999" in Referral.objects.get().reason


@pytest.mark.django_db
def test_a_person_with_no_date_of_birth_or_postcode_is_accepted_with_the_identity_not_confirmed(sender):
    message = example("unknown-person")
    patient = message["entry"][2]["resource"]
    del patient["birthDate"], patient["address"]

    assert send(sender, message).status_code == 200
    assert not Referral.objects.get().service_user.identity_confirmed


@pytest.mark.django_db
def test_safeguarding_and_adjustment_flags_are_shown_to_whoever_triages(sender, client_for, triage_clinician):
    assert send(sender, example("safeguarding")).status_code == 200
    referral = Referral.objects.get()
    assert RiskIndicator.SAFEGUARDING in referral.risk_indicators

    page = client_for(triage_clinician).get(f"/triage/referrals/{referral.pk}/decide/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="flags-sent"' in html
    assert "Safeguarding:</strong> Child protection concern: children in the household" in html
    assert "Reasonable adjustment:</strong> Requires British Sign Language interpreter" in html


# --- Bad input ------------------------------------------------------------------------------

BAD_BODIES = {
    "not json": "{not json",
    "a list": "[]",
    "not a bundle": json.dumps({"resourceType": "Patient"}),
    "a bundle that breaks FHIR": json.dumps({"resourceType": "Bundle", "type": "message", "id": "x",
                                             "entry": [{"resource": {"resourceType": "Nope"}}]}),
    "a collection": json.dumps({**example("new-referral"), "type": "collection"}),
    "no header first": json.dumps({**example("new-referral"),
                                   "entry": list(reversed(example("new-referral")["entry"]))}),
    "a huge string": json.dumps({"resourceType": "Bundle", "id": "y" * 100_000}),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", BAD_BODIES)
def test_a_body_that_is_not_a_bars_message_gets_a_400_outcome(sender, name):
    response = send(sender, BAD_BODIES[name])
    assert response.status_code == 400, response.content
    assert codes(response)[1] == "REC_BAD_REQUEST"
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_another_event_is_refused_as_one_the_cap_does_not_receive(sender):
    message = example("new-referral")
    message["entry"][0]["resource"]["eventCoding"]["code"] = "booking-request"
    response = send(sender, message)
    assert response.status_code == 422 and "booking-request" in outcome(response).issue[0].diagnostics


@pytest.mark.django_db
def test_a_patient_without_a_name_is_refused(sender):
    message = example("new-referral")
    del message["entry"][2]["resource"]["name"]
    assert send(sender, message).status_code == 422


@pytest.mark.django_db
def test_without_a_token_or_as_staff_the_receiver_refuses_with_outcomes(client_for, triage_clinician):
    anonymous = send(APIClient(), example("new-referral"))
    assert anonymous.status_code == 401 and codes(anonymous)[1] == "REC_UNAUTHORIZED"
    staff = APIClient()
    staff.credentials(HTTP_AUTHORIZATION=f"Token {api_token(triage_clinician)}")
    forbidden = send(staff, example("new-referral"))
    assert forbidden.status_code == 403 and codes(forbidden)[1] == "REC_FORBIDDEN"


@pytest.mark.django_db
def test_an_unknown_fhir_address_answers_with_an_operation_outcome(sender):
    response = sender.get("/fhir/R4/Nothing/here")
    assert response.status_code == 404
    assert OperationOutcome.model_validate(response.json()).issue[0].code == "not-found"


@pytest.mark.django_db
def test_each_request_is_logged_with_its_correlation_id(sender, caplog):
    with caplog.at_level(logging.INFO, logger="bars"):
        send(sender, example("new-referral"), correlation_id="corr-logged")
    record = next(r for r in caplog.records if r.name == "bars")
    assert record.correlation_id == "corr-logged" and record.kind == "new"


@pytest.mark.django_db
def test_the_schema_documents_the_receiver(client):
    schema = client.get("/api/schema/?format=json")
    assert "/fhir/R4/$process-message" in schema.json()["paths"]


# --- Concurrency -----------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_one_message_sent_twenty_times_at_once_gives_one_referral_and_nineteen_duplicates(sender):
    token = sender._credentials["HTTP_AUTHORIZATION"]
    message = copy.deepcopy(example("new-referral"))
    statuses: list[int] = []
    barrier = threading.Barrier(20)

    def one() -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=token)
        barrier.wait()
        try:
            statuses.append(send(client, message).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=one) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200] + [409] * 19
    assert Referral.objects.count() == 1 and ReceivedMessage.objects.count() == 1


def test_fixtures_keep_their_callback_deadline_after_the_call():
    """The examples stay consistent: the call-back deadline follows 111's call."""
    message = example("new-referral")
    period = message["entry"][1]["resource"]["occurrencePeriod"]
    start, end = (datetime.fromisoformat(period[k]) for k in ("start", "end"))
    assert end - start == timedelta(hours=4)
