"""The appointment page each message links to: no login, a signed link that expires when
the appointment starts, showing the appointment and its questions only; the person says
whether they can come and sends their questions, which reach the practitioners."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import signing
from django.urls import reverse

from cap.models import ReferralStatus
from messaging import links
from messaging.forms import QUESTIONS_LENGTH
from messaging.models import AppointmentQuestions, Message, Reply
from scheduling import selectors
from tests.scheduling.conftest import MONDAY_8

LATER = MONDAY_8 + timedelta(hours=2)


@pytest.fixture
def at_booking_time():
    with time_machine.travel(LATER, tick=True):
        yield


def link_in(message: Message) -> str:
    url = re.search(rf"{re.escape(settings.SITE_URL)}(/appointment/\S+/)", message.body).group(1)
    return url


@pytest.mark.django_db
def test_every_message_links_to_its_appointment_page_showing_the_appointment_only(demo, booked, client,
                                                                                at_booking_time):
    booking = booked()
    person = booking.referral.service_user
    for message in Message.objects.filter(booking=booking):
        page = client.get(link_in(message))
        assert page.status_code == 200
    text = page.content.decode()
    assert "Thursday 3 December 2026" in text and str(booking.team) in text and booking.room.site in text
    assert person.family_name not in text and person.nhs_number not in text
    assert "Can you come to this appointment?" in text and "Your questions and concerns" in text


@pytest.mark.django_db
@pytest.mark.parametrize("spoil", ["altered", "not a token", "other salt", "not a booking", "a string"])
def test_a_spoilt_link_opens_nothing(demo, booked, client, at_booking_time, spoil):
    booking = booked()
    token = links.appointment_token(booking)
    token = {"altered": token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "not a token": "x" * 3000,
             "other salt": signing.dumps(booking.pk, salt="public.sent"),
             "not a booking": signing.dumps(10 ** 9, salt=links.SALT),
             "a string": signing.dumps("1", salt=links.SALT)}[spoil]
    response = client.get(reverse("messaging:appointment", args=[token]))
    assert response.status_code == 404
    assert "This link has expired" in response.content.decode()


@pytest.mark.django_db
def test_the_link_expires_when_the_appointment_starts_and_after_120_days(demo, booked, client):
    with time_machine.travel(LATER, tick=False):
        booking = booked()
        url = reverse("messaging:appointment", args=[links.appointment_token(booking)])
    with time_machine.travel(booking.starts_at - timedelta(minutes=1), tick=False):
        assert client.get(url).status_code == 200
    with time_machine.travel(booking.starts_at, tick=False):
        assert client.get(url).status_code == 404
    with time_machine.travel(LATER + links.LONGEST + timedelta(minutes=1), tick=False):
        assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_cancelling_on_the_page_puts_the_person_back_on_the_booking_queue_once(demo, booked, client,
                                                                             at_booking_time):
    booking = booked()
    url = reverse("messaging:appointment", args=[links.appointment_token(booking)])
    response = client.post(url, {"action": "reply", "intent": "cancel"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert (booking.status, booking.cancelled_by, booking.cancel_reason) == ("cancelled", "person",
                                                                            "asked by the person")
    assert booking.referral.status == ReferralStatus.AWAITING_BOOKING
    assert booking.referral in selectors.booking_queue()

    again = client.post(url, {"action": "reply", "intent": "cancel"}, follow=True)
    assert again.status_code == 200
    assert "This appointment is cancelled" in again.content.decode()
    assert Reply.objects.filter(booking=booking).count() == 1
    assert booking.history.filter(status="cancelled").count() == 1


@pytest.mark.django_db
def test_saying_you_will_come_keeps_the_booking_and_the_page_says_so(demo, booked, client, at_booking_time):
    booking = booked()
    url = reverse("messaging:appointment", args=[links.appointment_token(booking)])
    page = client.post(url, {"action": "reply", "intent": "confirm"}, follow=True).content.decode()
    assert "Thank you for telling us you will come." in page and 'id="said"' in page
    booking.refresh_from_db()
    assert booking.status == "booked"


@pytest.mark.django_db
@pytest.mark.parametrize("posted", [{"action": "reply"}, {"action": "reply", "intent": "delete everything"},
                                    {"action": "questions", "questions": "   "},
                                    {"action": "questions", "questions": "x" * (QUESTIONS_LENGTH + 1)}])
def test_an_answer_of_any_shape_gets_a_message_and_keeps_what_was_typed(demo, booked, client, at_booking_time,
                                                                       posted):
    booking = booked()
    url = reverse("messaging:appointment", args=[links.appointment_token(booking)])
    response = client.post(url, posted)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    if posted.get("questions", "").strip():
        assert posted["questions"] in page
    booking.refresh_from_db()
    assert booking.status == "booked"
    assert not Reply.objects.exists() and not AppointmentQuestions.objects.exists()


@pytest.mark.django_db
def test_questions_reach_the_practitioners_before_the_assessment_and_are_kept_once(demo, booked, client,
                                                                                   at_booking_time,
                                                                                   practitioner_user):
    booking = booked()
    url = reverse("messaging:appointment", args=[links.appointment_token(booking)])
    words = "Can my sister come with me?\nI get anxious in waiting rooms."
    for _ in range(2):  # a double click
        assert client.post(url, {"action": "questions", "questions": words}).status_code == 302
    assert list(AppointmentQuestions.objects.values_list("booking", "text")) == [(booking.pk, words)]
    assert "Can my sister come with me?" in client.get(url).content.decode()

    seeing = booking.entries.first().practitioner
    seeing.user = practitioner_user
    seeing.save()
    client.force_login(practitioner_user)
    diary = client.get(reverse("scheduling:my_diary")).content.decode()
    assert "Questions from the person" in diary
    referral_page = client.get(reverse("cap:referral", args=[booking.referral_id])).content.decode()
    assert 'id="questions"' in referral_page and "I get anxious in waiting rooms." in referral_page


@pytest.mark.django_db
def test_questions_for_a_cancelled_appointment_are_refused_with_a_message(demo, booked, client,
                                                                          at_booking_time):
    booking = booked()
    url = reverse("messaging:appointment", args=[links.appointment_token(booking)])
    client.post(url, {"action": "reply", "intent": "cancel"})
    page = client.post(url, {"action": "questions", "questions": "Still coming?"}, follow=True)
    assert page.status_code == 200
    assert not AppointmentQuestions.objects.exists()
