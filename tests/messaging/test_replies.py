"""Replies from the person: text replies read from a fake GOV.UK Notify started by the
test, matched to the appointment the latest text was about, acted on once; a cancel or a
rebook puts the person back on the booking queue with the reason "asked by the person";
anything unsafe to act on alone waits for the admin team on the booking queue."""

from datetime import timedelta

import pytest
from django.urls import reverse

from cap.models import ReferralStatus
from messaging import replies
from messaging import services as outbox
from messaging.models import Reply
from scheduling import selectors
from tests.scheduling.conftest import MONDAY_8

SENDER = "447700900123"  # Notify gives the number back in international form
LATER = MONDAY_8 + timedelta(hours=2)


def sent(booking):
    outbox.messages_send_due(now=MONDAY_8)
    booking.refresh_from_db()
    return booking


@pytest.mark.parametrize(("text", "intent"), [
    ("YES", "confirm"), ("yes please", "confirm"), (" Confirm. ", "confirm"), ("ok thanks", "confirm"),
    ("CANCEL", "cancel"), ("cancel!", "cancel"), ("Rebook", "rebook"), ("change please", "rebook"),
    ("I can't come to cancel my other appointment", "unclear"), ("yes cancel", "unclear"), ("", "unclear"),
    ("STOP", "unclear"), ("🙂" * 500, "unclear"),
])
def test_a_reply_is_acted_on_only_when_it_is_one_of_the_words_asked_for(text, intent):
    assert replies.intent_of(text) == intent


@pytest.mark.django_db
def test_a_cancel_reply_puts_the_person_back_on_the_booking_queue_asked_by_the_person(notify, booked):
    booking = sent(booked())
    notify.text_from(SENDER, "Cancel", at=LATER)

    assert replies.replies_read() == 1

    booking.refresh_from_db()
    assert (booking.status, booking.cancelled_by, booking.cancel_reason) == ("cancelled", "person",
                                                                            "asked by the person")
    assert booking.referral.status == ReferralStatus.AWAITING_BOOKING
    assert booking.referral in selectors.booking_queue()
    reply = Reply.objects.get()
    assert (reply.booking, reply.intent, reply.outcome, reply.channel) == (booking, "cancel", "done", "text")
    assert booking.referral.history.first().history_change_reason.endswith("asked by the person")
    # The reminders still to go are cancelled with the booking.
    assert set(booking.messages.values_list("state", flat=True)) == {"sent", "cancelled"}


@pytest.mark.django_db
def test_a_reply_read_again_is_not_acted_on_twice(notify, booked):
    booking = sent(booked())
    notify.text_from(SENDER, "CANCEL", at=LATER)
    assert replies.replies_read() == 1
    assert replies.replies_read() == 0
    text = notify.received[0]
    again = replies.reply_act(booking=booking, intent="cancel", channel="text", text="CANCEL",
                              received_at=LATER, notify_id=text["id"])
    assert again is None
    assert Reply.objects.count() == 1
    assert booking.history.filter(status="cancelled").count() == 1


@pytest.mark.django_db
def test_a_rebook_reply_cancels_for_another_time_and_a_yes_keeps_the_booking(notify, booked):
    booking = sent(booked())
    notify.text_from(SENDER, "yes", at=LATER)
    replies.replies_read()
    booking.refresh_from_db()
    assert booking.status == "booked"
    assert Reply.objects.get().outcome_note == "The person will come."

    notify.text_from(SENDER, "REBOOK", at=LATER + timedelta(minutes=5))
    replies.replies_read()
    booking.refresh_from_db()
    assert (booking.status, booking.cancel_reason) == ("cancelled", "asked by the person")
    assert Reply.objects.filter(intent="rebook", outcome="done").count() == 1


@pytest.mark.django_db
def test_every_page_of_replies_is_read_oldest_first(notify, booked):
    booking = sent(booked())
    notify.page_size = 2
    for minute, words in enumerate(["thanks for this", "what time is it?", "yes", "hello", "CANCEL"]):
        notify.text_from(SENDER, words, at=LATER + timedelta(minutes=minute))
    assert replies.replies_read() == 5
    assert list(Reply.objects.order_by("pk").values_list("text", flat=True)) == [
        "thanks for this", "what time is it?", "yes", "hello", "CANCEL"]
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    notify.text_from(SENDER, "hello again", at=LATER + timedelta(minutes=9))
    assert replies.replies_read() == 1


@pytest.mark.django_db
def test_a_cancel_from_a_number_with_two_booked_appointments_waits_for_the_admin_team(notify, booked, client,
                                                                                        admin_team):
    first, second = booked(), booked()
    sent(first), sent(second)
    notify.text_from(SENDER, "CANCEL", at=LATER)
    replies.replies_read()

    first.refresh_from_db(), second.refresh_from_db()
    assert (first.status, second.status) == ("booked", "booked")
    reply = Reply.objects.get()
    assert (reply.booking, reply.outcome) == (None, "to_read")
    assert "more than one appointment" in reply.outcome_note

    client.force_login(admin_team)
    page = client.get(reverse("scheduling:booking_queue")).content.decode()
    assert 'id="replies-to-read"' in page and "more than one appointment" in page and SENDER in page
    response = client.post(reverse("messaging:reply_read", args=[reply.pk]))
    assert response.status_code == 302
    reply.refresh_from_db()
    assert (reply.outcome, reply.read_by) == ("read", admin_team)
    assert 'id="replies-to-read"' not in client.get(reverse("scheduling:booking_queue")).content.decode()


@pytest.mark.django_db
def test_words_not_understood_and_unknown_numbers_wait_for_the_admin_team(notify, booked, client, admin_team):
    booking = sent(booked())
    notify.text_from(SENDER, "Can I bring my dog?", at=LATER)
    notify.text_from("447700900999", "CANCEL", at=LATER)
    assert replies.replies_read() == 2
    booking.refresh_from_db()
    assert booking.status == "booked"
    outcomes = {r.text: (r.booking_id, r.outcome) for r in Reply.objects.all()}
    assert outcomes == {"Can I bring my dog?": (booking.pk, "to_read"), "CANCEL": (None, "to_read")}

    client.force_login(admin_team)
    page = client.get(reverse("cap:referral", args=[booking.referral_id])).content.decode()
    assert 'id="replies-from-the-person"' in page and "Can I bring my dog?" in page


@pytest.mark.django_db
def test_a_reply_after_the_appointment_was_cancelled_changes_nothing(notify, booked):
    sent(booked())
    notify.text_from(SENDER, "CANCEL", at=LATER)
    notify.text_from(SENDER, "CANCEL", at=LATER + timedelta(minutes=1))
    replies.replies_read()
    assert list(Reply.objects.order_by("pk").values_list("outcome", flat=True)) == ["done", "to_read"]
    assert "cancelled already" in Reply.objects.last().outcome_note


@pytest.mark.django_db
def test_without_a_notify_key_no_replies_are_read(demo, booked):
    booked()
    assert replies.replies_read() == 0


@pytest.mark.django_db
def test_the_beat_schedule_reads_replies():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["read-replies"]
    assert entry["task"] == "messaging.tasks.read_replies_task"
    from messaging.tasks import read_replies_task

    assert read_replies_task.run() == 0  # no key in the test settings: nothing to read
