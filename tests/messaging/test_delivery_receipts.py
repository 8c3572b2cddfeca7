"""GOV.UK Notify's delivery receipts, posted to the callback endpoint with its bearer token:
a message sent becomes delivered, or failed with why on the referral page; a receipt of any
other shape gets a 4xx and changes nothing."""

import json

import pytest
from django.urls import reverse

from messaging import services as outbox
from tests.scheduling.conftest import MONDAY_8

TOKEN = "callback-token-for-tests"
URL = "/api/v1/notify/delivery-receipts/"


@pytest.fixture
def receipts(settings, client):
    settings.NOTIFY_CALLBACK_TOKEN = TOKEN

    def post(body, token=TOKEN):
        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        return client.post(URL, data, content_type="application/json",
                           headers={"Authorization": f"Bearer {token}"} if token else {})

    return post


def confirmation(booking):
    return booking.messages.get(kind="confirmation")


def test_the_endpoint_keeps_its_published_address():
    assert reverse("api:notify_delivery_receipts") == URL


@pytest.mark.django_db
def test_a_delivered_receipt_marks_the_message_delivered_once(notify, booked, receipts):
    booking = booked()
    outbox.messages_send_due(now=MONDAY_8)
    message = confirmation(booking)
    receipt = {"id": message.notify_id, "reference": str(message.pk), "status": "delivered",
               "completed_at": "2026-11-23T08:01:30.000000Z", "notification_type": "sms"}
    assert receipts(receipt).status_code == 200
    assert receipts(receipt).status_code == 200  # Notify may send it again
    message.refresh_from_db()
    assert message.state == "delivered" and message.delivered_at.isoformat() == "2026-11-23T08:01:30+00:00"
    assert message.history.filter(state="delivered").count() == 1


@pytest.mark.django_db
def test_a_permanent_failure_is_shown_failed_with_why_on_the_referral(notify, booked, receipts, client_for,
                                                                      admin_team):
    booking = booked()
    outbox.messages_send_due(now=MONDAY_8)
    message = confirmation(booking)
    assert receipts({"reference": str(message.pk), "status": "permanent-failure"}).status_code == 200
    message.refresh_from_db()
    assert message.state == "failed"
    assert message.last_error == "Not delivered: the number or address does not exist."
    page = client_for(admin_team).get(reverse("cap:referral", args=[booking.referral_id])).content.decode()
    assert "the number or address does not exist" in page


@pytest.mark.django_db
def test_a_receipt_for_a_message_not_yet_sent_or_unknown_changes_nothing(notify, booked, receipts):
    booking = booked()
    queued = booking.messages.get(kind="reminder_7_days")
    for reference in (str(queued.pk), "999999999", "not-ours"):
        assert receipts({"reference": reference, "status": "delivered"}).status_code == 200
    queued.refresh_from_db()
    assert queued.state == "queued"


@pytest.mark.django_db
@pytest.mark.parametrize(("body", "status"), [
    ("", 400), ("not json", 400), (b"\xff\xfe", 400), ("[]", 400), ("null", 400),
    (json.dumps({"status": "delivered"}), 400), (json.dumps({"reference": 1, "status": "delivered"}), 400),
    (json.dumps({"reference": "1", "status": "delivered", "completed_at": "2026-13-45T99:00"}), 400),
    (json.dumps({"reference": "1" * 100_000, "status": "x" * 100_000}), 200),  # not ours: nothing to do
])
def test_a_receipt_of_any_shape_gets_a_4xx_or_changes_nothing(receipts, body, status):
    response = receipts(body)
    assert response.status_code == status
    if status == 400:
        assert response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["", "wrong", TOKEN + "x"])
def test_a_receipt_without_the_token_is_refused(receipts, token):
    assert receipts({"reference": "1", "status": "delivered"}, token=token).status_code == 401


@pytest.mark.django_db
def test_without_a_callback_token_set_every_receipt_is_refused(settings, client):
    settings.NOTIFY_CALLBACK_TOKEN = ""
    response = client.post(URL, "{}", content_type="application/json", headers={"Authorization": "Bearer "})
    assert response.status_code == 401
