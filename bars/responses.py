"""Closing the loop: when triage decides about a referral that came by BaRS (accepted for
assessment, routed elsewhere, advice given), a response message is queued for its sender,
in the decision's own transaction, and sent from the outbox (bars.sending).

This module imports no triage code, so triage's services can call it."""

import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction

from cap.models import Channel, Referral
from core.fhir import NHS_NUMBER_SYSTEM

from .codes import EVENT_SYSTEM, REASON_SYSTEM, RESPONSE_EVENT
from .models import MessageKind, ReceivedMessage, ResponseMessage, ResponseOutcome

CAP_REFERENCES = "https://fhir.nhs.uk/Id/local-referral-reference/cap"
# The ServiceRequest's status as the CAP now holds it.
SERVICE_REQUEST_STATUS = {ResponseOutcome.ACCEPTED: "active", ResponseOutcome.ROUTED: "completed",
                          ResponseOutcome.ADVICE: "active"}


def response_queue(*, referral: Referral, outcome: str, text: str, now: datetime) -> ResponseMessage | None:
    """Queue the response for a BaRS referral's sender (none for another channel, or when
    this outcome was already told). Runs in the caller's transaction, which holds the
    referral's lock; the send is asked for once it commits."""
    if referral.channel != Channel.BARS:
        return None
    first = ReceivedMessage.objects.filter(referral=referral, kind=MessageKind.NEW).first()
    if first is None or ResponseMessage.objects.filter(referral=referral, outcome=outcome).exists():
        return None
    message_id = uuid.uuid4()
    response = ResponseMessage.objects.create(
        message_id=message_id, referral=referral, answers=first, outcome=outcome,
        endpoint=first.sender_endpoint, next_attempt_at=now,
        bundle=response_bundle(referral=referral, answers=first, outcome=outcome, text=text,
                               message_id=str(message_id), now=now))
    transaction.on_commit(_send_soon)
    return response


def _send_soon() -> None:
    from .tasks import send_bars_responses_task

    send_bars_responses_task.delay()


def response_bundle(*, referral: Referral, answers: ReceivedMessage, outcome: str, text: str,
                    message_id: str, now: datetime) -> dict[str, Any]:
    """The response: a message Bundle whose MessageHeader answers the sender's message
    (`response.identifier`) and focuses on the sender's own ServiceRequest, now carrying
    the CAP's reference and its status."""
    service_request = answers.service_request_id
    sr_id = service_request.rsplit("/", 1)[-1].removeprefix("urn:uuid:")[:64]
    person = referral.service_user
    subject: dict[str, Any] = {"display": f"{person.given_name} {person.family_name}"}
    if person.nhs_number:
        subject["identifier"] = {"system": NHS_NUMBER_SYSTEM, "value": person.nhs_number}
    header_id = str(uuid.uuid5(uuid.UUID(message_id), "header"))
    return {
        "resourceType": "Bundle", "id": message_id, "type": "message",
        "timestamp": now.isoformat(),
        "entry": [
            {"fullUrl": f"urn:uuid:{header_id}", "resource": {
                "resourceType": "MessageHeader", "id": header_id,
                "eventCoding": {"system": EVENT_SYSTEM, "code": RESPONSE_EVENT},
                "destination": [{"endpoint": answers.sender_endpoint or "unknown"}],
                "source": {"name": settings.BARS_SOURCE_NAME, "endpoint": settings.BARS_SOURCE_ENDPOINT},
                "reason": {"coding": [{"system": REASON_SYSTEM, "code": "update"}]},
                "response": {"identifier": answers.message_id[:64], "code": "ok"},
                "focus": [{"reference": service_request}],
            }},
            {"fullUrl": service_request, "resource": {
                "resourceType": "ServiceRequest", "id": sr_id,
                "identifier": [{"system": CAP_REFERENCES, "value": referral.reference}],
                "status": SERVICE_REQUEST_STATUS[ResponseOutcome(outcome)], "intent": "order",
                "subject": subject,
                "note": [{"time": now.isoformat(), "text": text}],
            }},
        ],
    }
