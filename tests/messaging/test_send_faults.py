"""The outbox under faults, with real processes: a Celery worker and beat (subprocesses),
a Redis server of the test's own, PostgreSQL, and a fake GOV.UK Notify in this process.

Notify accepts the first message and then hangs, so the worker is certainly mid-send,
between Notify's accept and our commit, when it is killed with SIGKILL. A new worker
starts; the killed sender's claim runs out, the message is looked up at Notify by its
reference and marked sent, and every other message is sent. Every message reaches Notify
exactly once (counted at the fake server). Nothing here measures time: every wait polls
a condition with a generous deadline."""

import os
import signal
from datetime import timedelta

import pytest
from django.utils import timezone

from messaging.models import Message
from tests.factories import ServiceUserFactory
from tests.real_processes import celery_processes, own_redis, wait_for

from .fake_notify import API_KEY, Server

MESSAGES = 5


@pytest.fixture
def redis(tmp_path):
    with own_redis(tmp_path) as server:
        yield server


@pytest.fixture
def fake_notify():
    with Server() as fake:
        yield fake


@pytest.fixture
def processes(redis, fake_notify, tmp_path):
    """Start Celery workers and a beat against the test database, the test's Redis and the
    fake Notify; all are killed at the end."""
    with celery_processes(tmp_path, redis, {
            "MESSAGE_SEND_SECONDS": "1", "NOTIFY_API_KEY": API_KEY, "NOTIFY_BASE_URL": fake_notify.url,
            "NOTIFY_TEMPLATE_SMS": "sms-template", "NOTIFY_TEMPLATE_EMAIL": "email-template",
            "NOTIFY_TEMPLATE_LETTER": "letter-template",
            # A claim lasts 15 seconds; a retry after an error waits a second.
            "NOTIFY_TIMEOUT_SECONDS": "5", "NOTIFY_RETRY_SECONDS": "1"}) as start:
        yield start


@pytest.fixture
def due_messages(reference_data):
    """MESSAGES text messages due now, to different people, the first due first."""
    now = timezone.now()
    return [Message.objects.create(
        service_user=ServiceUserFactory(), kind="confirmation", channel="sms", recipient=f"0770090012{n}",
        subject="Your appointment", body=f"Message {n}", due_at=now - timedelta(minutes=MESSAGES - n))
        for n in range(MESSAGES)]


def all_sent() -> bool:
    return Message.objects.filter(state="sent").count() == MESSAGES


@pytest.mark.django_db(transaction=True)
def test_every_message_is_sent_exactly_once_after_a_worker_is_killed_mid_send(
        due_messages, fake_notify, processes):
    fake_notify.hang_next = True
    worker = processes("worker")
    processes("beat")
    wait_for(fake_notify.hanging.is_set, "the first message to reach Notify and hang")
    first = Message.objects.get(pk=due_messages[0].pk)
    assert first.state == "sending"  # the claim was committed before Notify was called

    os.killpg(worker.pid, signal.SIGKILL)  # after Notify's accept, before our commit
    worker.wait(timeout=60)
    fake_notify.release.set()

    processes("worker")
    wait_for(all_sent, "every message to be sent after recovery")

    references = [seen.body["reference"] for seen in fake_notify.sends()]
    assert sorted(references) == sorted(str(m.pk) for m in due_messages)  # each posted once
    for message in Message.objects.all():
        assert fake_notify.accepted[str(message.pk)] == [message.notify_id]  # accepted once, and ours
    first.refresh_from_db()
    assert first.attempts == 2  # claimed again after its lease, and reconciled by reference
    print(f"\nreliability: {MESSAGES} messages, worker killed mid-send; {len(references)} sends, "
          f"{len(fake_notify.requests) - len(references)} look-ups by reference")
