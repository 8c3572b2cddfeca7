"""The outbox of appointment messages: queued with the booking, sent once through a fake
GOV.UK Notify started by the test, retried with backoff, kept unsent in the demo, and
cancelled with the booking."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.errors import Conflict
from messaging import services as outbox
from messaging.models import Message
from scheduling import services
from tests.scheduling.conftest import MONDAY_8, at

from .conftest import MOBILE, contact
from .fake_notify import Server

LONDON = ZoneInfo("Europe/London")
def by_kind(booking):
    return {m.kind: m for m in Message.objects.filter(booking=booking)}


@pytest.mark.django_db
def test_booking_queues_the_confirmation_now_and_reminders_at_10am_seven_and_two_days_before(notify, booked):
    booking = booked()
    assert booking.starts_at.date() == at(10, 0).date()
    messages = by_kind(booking)
    assert {kind: (m.state, m.channel, m.recipient, m.due_at) for kind, m in messages.items()} == {
        "confirmation": ("queued", "sms", "07700900123", MONDAY_8),
        "reminder_7_days": ("queued", "sms", "07700900123", datetime(2026, 11, 26, 10, tzinfo=LONDON)),
        "reminder_2_days": ("queued", "sms", "07700900123", datetime(2026, 12, 1, 10, tzinfo=LONDON)),
    }
    assert "Thursday 3 December 2026" in messages["confirmation"].body
    assert booking.referral.reference in messages["confirmation"].body
    assert messages["confirmation"].history.count() == 1


@pytest.mark.django_db
def test_the_messages_are_written_in_the_bookings_own_transaction(notify, admin_team, triaged, staff, room,
                                                                   away_until_day_ten, monkeypatch):
    referral = contact(triaged(), contact_preference="text", contact_phone=MOBILE)
    option = services.options_for(referral=referral, now=MONDAY_8).options[0]

    def queue_then_fail(booking, now):
        outbox.appointment_messages_queue(booking, now)
        assert Message.objects.filter(booking=booking).count() == 3
        raise RuntimeError("the booking fails after its messages were queued")

    monkeypatch.setattr(services, "appointment_messages_queue", queue_then_fail)
    with pytest.raises(RuntimeError):
        services.booking_create(actor=admin_team, referral=referral, option_id=option.id, now=MONDAY_8)
    assert not referral.bookings.exists()
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_a_retried_booking_request_or_a_rerun_queues_nothing_twice(notify, booked, admin_team):
    booking = booked()
    assert outbox.appointment_messages_queue(booking, MONDAY_8) == []
    with pytest.raises(Conflict):
        services.booking_create(actor=admin_team, referral=booking.referral,
                                option_id=services.options_for(referral=booking.referral,
                                                               now=MONDAY_8).options[0].id, now=MONDAY_8)
    assert Message.objects.count() == 3
    with pytest.raises(IntegrityError), transaction.atomic():
        first = Message.objects.get(kind="confirmation")
        first.pk = None
        first.save()


@pytest.mark.django_db
def test_a_reminder_whose_time_has_passed_when_booked_is_not_queued(notify, admin_team, triaged, staff, room):
    referral = contact(triaged(), contact_preference="text", contact_phone=MOBILE)
    option = services.options_for(referral=referral, now=MONDAY_8).options[0]  # this morning
    booking = services.booking_create(actor=admin_team, referral=referral, option_id=option.id, now=MONDAY_8)
    assert list(by_kind(booking)) == ["confirmation"]


@pytest.mark.django_db
def test_each_due_message_is_sent_once_with_its_own_id_as_notifys_reference(notify, booked):
    booking = booked()
    assert outbox.messages_send_due(now=MONDAY_8) == 1
    assert outbox.messages_send_due(now=MONDAY_8 + timedelta(minutes=1)) == 0
    [sent] = notify.sends()
    confirmation = by_kind(booking)["confirmation"]
    assert sent.path == "/v2/notifications/sms"
    assert sent.body["phone_number"] == "07700900123"
    assert sent.body["template_id"] == "11111111-1111-1111-1111-111111111111"
    assert sent.body["reference"] == str(confirmation.pk)
    assert sent.body["personalisation"]["body"] == confirmation.body
    assert (confirmation.state, confirmation.notify_id) == ("sent", notify.accepted[str(confirmation.pk)][0])
    assert confirmation.sent_at == MONDAY_8
    # The 7-day reminder goes at its time, and only then.
    assert outbox.messages_send_due(now=datetime(2026, 11, 26, 9, 59, tzinfo=LONDON)) == 0
    assert outbox.messages_send_due(now=datetime(2026, 11, 26, 10, tzinfo=LONDON)) == 1
    assert by_kind(booking)["reminder_7_days"].state == "sent"
    assert len(notify.sends()) == 2


@pytest.mark.django_db
def test_an_email_preference_sends_by_email(notify, booked):
    booked(contact_preference="email", contact_email="asha@example.com", contact_phone=MOBILE)
    outbox.messages_send_due(now=MONDAY_8)
    [sent] = notify.sends()
    assert (sent.path, sent.body["email_address"]) == ("/v2/notifications/email", "asha@example.com")
    assert sent.body["personalisation"]["subject"].startswith("Your appointment with City East CTR Team")


@pytest.mark.django_db
def test_a_person_with_no_usable_phone_or_email_gets_a_letter_through_notify(notify, booked):
    booked(contact_preference="text", contact_phone="0116 225 1234",  # a landline
           address={"address_line_1": "12 Narborough Road", "town": "Leicester"})
    outbox.messages_send_due(now=MONDAY_8)
    [sent] = notify.sends()
    assert sent.path == "/v2/notifications/letter"
    lines = {k: v for k, v in sent.body["personalisation"].items() if k.startswith("address_line")}
    assert lines == {"address_line_1": "Asha Patel", "address_line_2": "12 Narborough Road",
                     "address_line_3": "Leicester", "address_line_4": "LE2 7LX"}


@pytest.mark.django_db
def test_a_person_with_no_phone_email_or_full_address_is_shown_failed_not_sent(notify, booked):
    booking = booked(contact_preference="", contact_phone="")
    confirmation = by_kind(booking)["confirmation"]
    assert (confirmation.channel, confirmation.state) == ("letter", "failed")
    assert "No mobile number, email address or full postal address" in confirmation.last_error
    assert outbox.messages_send_due(now=MONDAY_8) == 0
    assert notify.requests == []


@pytest.mark.django_db
def test_a_notify_500_is_retried_with_backoff_and_then_sent_once(notify, booked):
    booking = booked()
    notify.fail_next = 2
    assert outbox.messages_send_due(now=MONDAY_8) == 0
    confirmation = by_kind(booking)["confirmation"]
    assert (confirmation.state, confirmation.attempts) == ("queued", 1)
    assert confirmation.due_at == MONDAY_8 + timedelta(seconds=60)
    assert "500" in confirmation.last_error
    assert outbox.messages_send_due(now=MONDAY_8 + timedelta(seconds=59)) == 0  # waiting its turn
    assert outbox.messages_send_due(now=MONDAY_8 + timedelta(seconds=60)) == 0  # 500 again
    confirmation.refresh_from_db()
    assert confirmation.due_at == MONDAY_8 + timedelta(seconds=60 + 120)  # the wait doubles
    assert outbox.messages_send_due(now=MONDAY_8 + timedelta(seconds=180)) == 1
    confirmation.refresh_from_db()
    assert (confirmation.state, confirmation.attempts) == ("sent", 3)
    assert notify.accepted == {str(confirmation.pk): [confirmation.notify_id]}


@pytest.mark.django_db
def test_a_message_notify_never_takes_fails_after_the_last_attempt_for_staff_to_see(notify, booked,
                                                                                    client_for, admin_team):
    booking = booked()
    notify.fail_next = 100
    at_ = MONDAY_8
    for _ in range(4):
        outbox.messages_send_due(now=at_)
        at_ += timedelta(hours=1)
    confirmation = by_kind(booking)["confirmation"]
    assert (confirmation.state, confirmation.attempts) == ("failed", 4)
    assert confirmation.failed_at == MONDAY_8 + timedelta(hours=3)
    page = client_for(admin_team).get(reverse("cap:referral", args=[booking.referral.pk]))
    assert "Failed" in page.content.decode()


@pytest.mark.django_db
def test_a_sender_that_died_after_notify_accepted_is_reconciled_by_reference_not_sent_again(notify, booked):
    booking = booked()
    confirmation = by_kind(booking)["confirmation"]
    notify.accepted[str(confirmation.pk)] = ["accepted-before-the-crash"]
    Message.objects.filter(pk=confirmation.pk).update(state="sending", attempts=1,
                                                      lease_until=MONDAY_8 + timedelta(seconds=15))
    assert outbox.messages_send_due(now=MONDAY_8 + timedelta(seconds=14)) == 0  # its lease holds
    assert outbox.messages_send_due(now=MONDAY_8 + timedelta(seconds=15)) == 1
    confirmation.refresh_from_db()
    assert (confirmation.state, confirmation.notify_id) == ("sent", "accepted-before-the-crash")
    assert notify.sends() == []


@pytest.mark.django_db
def test_the_demo_without_a_key_renders_and_keeps_every_message_and_never_sends(demo, booked, client_for,
                                                                                 admin_team, settings):
    with Server() as fake:
        settings.NOTIFY_BASE_URL = fake.url
        booking = booked()
        assert {m.state for m in Message.objects.all()} == {"rendered_only"}
        assert outbox.messages_send_due(now=at(20, 9)) == 0
        assert fake.requests == []
    assert "Thursday 3 December 2026" in by_kind(booking)["reminder_2_days"].body
    page = client_for(admin_team).get(reverse("cap:referral", args=[booking.referral.pk])).content.decode()
    assert "Rendered only" in page


@pytest.mark.django_db
def test_cancelling_a_booking_cancels_its_queued_reminders_and_keeps_what_was_sent(notify, booked,
                                                                                   admin_team):
    booking = booked()
    outbox.messages_send_due(now=MONDAY_8)
    services.booking_cancel(actor=admin_team, booking=booking, by="person", reason="Away that week",
                            now=MONDAY_8 + timedelta(hours=1))
    assert {k: m.state for k, m in by_kind(booking).items()} == {
        "confirmation": "sent", "reminder_7_days": "cancelled", "reminder_2_days": "cancelled"}
    assert outbox.messages_send_due(now=at(20, 9)) == 0
    assert len(notify.sends()) == 1


@pytest.mark.django_db
def test_rebooking_cancels_the_old_bookings_reminders_and_queues_the_new_ones(notify, booked, admin_team):
    booking = booked()
    later = services.options_for(referral=booking.referral, now=MONDAY_8).options[-1]
    moved = services.booking_rebook(actor=admin_team, booking=booking, option_id=later.id, by="person",
                                    reason="Prefers another day", now=MONDAY_8 + timedelta(minutes=5))
    assert {m.state for m in Message.objects.filter(booking=booking)} == {"cancelled"}
    assert {k: m.state for k, m in by_kind(moved).items()} == {
        "confirmation": "queued", "reminder_7_days": "queued", "reminder_2_days": "queued"}


@pytest.mark.django_db
def test_the_referral_page_shows_the_messages_to_the_person(notify, booked, client_for, admin_team):
    booking = booked()
    outbox.messages_send_due(now=MONDAY_8)
    page = client_for(admin_team).get(reverse("cap:referral", args=[booking.referral.pk])).content.decode()
    section = page[page.index("Messages to the person"):]
    assert "Appointment confirmation" in section and "Reminder 7 days before" in section
    assert "Text message" in section and "Sent" in section and "Queued" in section
    assert "Due Thu 26 Nov 2026" in section


def test_beat_sends_the_due_messages_every_minute_by_default():
    from django.conf import settings

    from config.celery import app
    from messaging.tasks import send_due_messages_task

    entry = settings.CELERY_BEAT_SCHEDULE["send-due-messages"]
    assert (entry["task"], entry["schedule"]) == (send_due_messages_task.name, 60)
    app.loader.import_default_modules()
    assert send_due_messages_task.name in app.tasks
