"""The Reasonable Adjustment flag: recorded and confirmed through its page with its history,
validated with clear messages (typing kept), shown on the pages about the person (what it
says only to the roles whose work acts on it), carried by the referral API, and a learning
disability referral not booked until it is recorded or confirmed since the referral."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from adjustments import services
from adjustments.models import AdjustmentFlag
from cap.models import RecordAccess
from core.errors import Conflict
from scheduling import services as scheduling_services
from tests.cap.test_referral_api import token_client
from tests.factories import UserFactory
from tests.scheduling.conftest import MONDAY_8

pytestmark = pytest.mark.django_db

NONE_NEEDED = services.FlagDetails(status="none_needed", consent_to_share="yes")
EASY_READ_LONGER = {"action": "record", "status": "needed", "impairments": ["learning_disability", "autism"],
                    "communication": ["easy_read", "carer_present"], "appointment": ["longer_appointment"],
                    "details": "Likes to bring her sister", "consent_to_share": "yes"}


def flag_page(referral) -> str:
    return reverse("adjustments:referral_flag", args=[referral.pk])


def test_a_triage_clinician_records_the_flag_through_its_page_with_its_history(
        client_for, triage_clinician, referral):
    response = client_for(triage_clinician).post(flag_page(referral), EASY_READ_LONGER)
    assert response.status_code == 302 and response["Location"] == reverse("cap:referral", args=[referral.pk])
    flag = AdjustmentFlag.objects.get(service_user=referral.service_user)
    assert flag.adjustments == ["easy_read", "carer_present", "longer_appointment"]
    assert flag.impairments == ["learning_disability", "autism"]
    assert (flag.recorded_by, flag.confirmed_by) == (triage_clinician, triage_clinician)
    assert flag.review_on == timezone.localdate() + timedelta(days=365)
    assert flag.history.get().history_user == triage_clinician
    page = client_for(triage_clinician).get(reverse("cap:referral", args=[referral.pk])).content.decode()
    assert "Easy read information" in page and "A longer appointment" in page


def test_confirming_keeps_what_it_says_and_records_who_confirmed_it(client_for, triage_clinician, admin_team,
                                                                   referral):
    services.adjustment_flag_record(actor=triage_clinician, service_user=referral.service_user,
                                    details=NONE_NEEDED,
                                    now=timezone.now() - timedelta(days=3))
    response = client_for(admin_team).post(flag_page(referral), {"action": "confirm"})
    assert response.status_code == 302
    flag = AdjustmentFlag.objects.get()
    assert flag.status == "none_needed" and flag.confirmed_by == admin_team
    assert flag.recorded_by == triage_clinician and flag.history.count() == 2


@pytest.mark.parametrize(("data", "message"), [
    ({"status": "needed", "consent_to_share": "yes"}, "Select the adjustments the person needs"),
    ({"status": "needed", "communication": ["language_interpreter"], "consent_to_share": "yes"},
     "Enter the language the interpreter speaks"),
    ({"status": "none_needed", "communication": ["easy_read"], "consent_to_share": "yes"},
     "Untick the adjustments, or say the person needs adjustments"),
    ({"status": "needed", "appointment": ["other"], "consent_to_share": "yes"},
     "Describe the other adjustment"),
    ({"status": "maybe", "consent_to_share": "yes"}, "Select a valid choice"),
    ({"status": "needed", "communication": ["teleport"], "consent_to_share": "yes"}, "Select a valid choice"),
    ({"status": "needed", "communication": ["easy_read"]}, "Select did the person agree"),
    ({"status": "needed", "communication": ["easy_read"], "consent_to_share": "yes", "details": "x" * 2001},
     "2000 characters or fewer"),
])
def test_a_flag_that_breaks_a_rule_is_refused_with_a_message_keeping_what_was_typed(
        client_for, triage_clinician, referral, data, message):
    response = client_for(triage_clinician).post(flag_page(referral), {"action": "record", **data})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "There is a problem" in html
    if "easy_read" in data.get("communication", []):
        assert 'value="easy_read" checked' in html
    assert not AdjustmentFlag.objects.exists()


def test_the_flag_page_logs_the_read(client_for, triage_clinician, referral):
    assert client_for(triage_clinician).get(flag_page(referral)).status_code == 200
    assert RecordAccess.objects.filter(user=triage_clinician, service_user=referral.service_user,
                                       context="reasonable adjustments").exists()


def test_a_role_that_does_not_act_on_it_sees_that_it_exists_not_what_it_says(
        client_for, triage_clinician, call_handler, referral):
    services.adjustment_flag_record(actor=triage_clinician, service_user=referral.service_user,
                                    details=services.FlagDetails(status="needed", consent_to_share="yes",
                                                                 adjustments=["bsl_interpreter"]))
    from adjustments.selectors import flag_summary
    seen = flag_summary(call_handler, referral.service_user)
    assert seen.exists and seen.needed and not seen.readable
    assert client_for(call_handler).get(flag_page(referral)).status_code == 403


def test_the_referral_api_carries_the_flag_whole_to_triage_and_its_status_to_the_sender(
        client_for, triage_clinician, referral):
    services.adjustment_flag_record(
        actor=triage_clinician, service_user=referral.service_user,
        details=services.FlagDetails(status="needed", consent_to_share="best_interests",
                                     adjustments=["language_interpreter"], interpreter_language="Polish"))
    url = f"/api/v1/referrals/{referral.pk}/"
    whole = client_for(triage_clinician).get(url).json()["reasonable_adjustments"]
    assert whole["adjustments"] == ["language_interpreter"] and whole["interpreter_language"] == "Polish"
    assert whole["consent_to_share"] == "best_interests" and whole["status"] == "needed"
    sender = UserFactory(username="gp.system", role=roles.REFERRING_SYSTEM)
    referral.logged_by = sender
    referral.save(update_fields=["logged_by"])
    assert token_client(sender).get(url).json()["reasonable_adjustments"] == {"status": "needed"}


def test_a_referral_without_a_flag_has_null_in_the_api(client_for, triage_clinician, referral):
    assert client_for(triage_clinician).get(f"/api/v1/referrals/{referral.pk}/").json()[
        "reasonable_adjustments"] is None


def _first_option(referral):
    return scheduling_services.options_for(referral=referral, now=MONDAY_8).options[0]


def test_a_learning_disability_referral_is_not_booked_before_its_flag_is_recorded(
        ld_referral, admin_team, triage_clinician, staff, room):
    option = _first_option(ld_referral)
    with pytest.raises(Conflict, match="record or confirm the person's reasonable adjustments"):
        scheduling_services.booking_create(actor=admin_team, referral=ld_referral, option_id=option.id,
                                           now=MONDAY_8)
    services.adjustment_flag_record(actor=admin_team, service_user=ld_referral.service_user,
                                    details=NONE_NEEDED,
                                    now=MONDAY_8 + timedelta(minutes=5))
    booking = scheduling_services.booking_create(actor=admin_team, referral=ld_referral, option_id=option.id,
                                                 now=MONDAY_8 + timedelta(minutes=6))
    assert booking.status == "booked"


def test_a_flag_from_before_the_referral_must_be_confirmed_before_booking(
        ld_referral, admin_team, staff, room, client_for):
    services.adjustment_flag_record(actor=admin_team, service_user=ld_referral.service_user,
                                    details=NONE_NEEDED,
                                    now=MONDAY_8 - timedelta(days=200))
    page = client_for(admin_team).get(reverse("scheduling:book", args=[ld_referral.pk])).content.decode()
    assert 'id="flag-blocks-booking"' in page and "Not confirmed since this referral" in page
    option = _first_option(ld_referral)
    response = client_for(admin_team).post(reverse("scheduling:book", args=[ld_referral.pk]),
                                           {"option": option.id, "action": "book"})
    assert response.status_code == 409
    assert "record or confirm the person" in response.content.decode()
    client_for(admin_team).post(flag_page(ld_referral), {"action": "confirm"})
    page = client_for(admin_team).get(reverse("scheduling:book", args=[ld_referral.pk])).content.decode()
    assert 'id="flag-blocks-booking"' not in page


def test_a_flag_asking_for_a_longer_appointment_gives_a_longer_booking(
        ld_referral, admin_team, staff, room):
    from scheduling.options import plan_for

    usual = plan_for(ld_referral)
    services.adjustment_flag_record(
        actor=admin_team, service_user=ld_referral.service_user, now=MONDAY_8 + timedelta(minutes=1),
        details=services.FlagDetails(status="needed", consent_to_share="yes",
                                     adjustments=["easy_read", "longer_appointment"]))
    longer = plan_for(ld_referral)
    for before, after in zip(usual.steps, longer.steps, strict=True):
        if before.with_person and before.offset >= timedelta(0):
            assert after.duration > before.duration
            assert after.duration.total_seconds() % 900 == 0
        if before.offset < timedelta(0):
            assert (after.offset, after.duration) == (before.offset, before.duration)
    usual_end = max(s.offset + s.duration for s in usual.steps)
    assert max(s.offset + s.duration for s in longer.steps) > usual_end
    option = scheduling_services.options_for(referral=ld_referral, now=MONDAY_8).options[0]
    booking = scheduling_services.booking_create(actor=admin_team, referral=ld_referral, option_id=option.id,
                                                 now=MONDAY_8 + timedelta(minutes=2))
    assert booking.ends_at - booking.starts_at == max(s.offset + s.duration for s in longer.steps)


@pytest.mark.django_db
def test_a_flag_needing_adjustments_tags_the_persons_row_on_the_booking_queue(client_for, admin_team,
                                                                             ld_referral):
    queue = reverse("scheduling:booking_queue")
    services.adjustment_flag_record(actor=admin_team, service_user=ld_referral.service_user,
                                    details=services.FlagDetails(status="none_needed",
                                                                 consent_to_share="yes"))
    page = client_for(admin_team).get(queue).content.decode()
    assert ld_referral.reference in page and ">Reasonable adjustments</strong>" not in page
    services.adjustment_flag_record(actor=admin_team, service_user=ld_referral.service_user,
                                    details=services.FlagDetails(status="needed", consent_to_share="yes",
                                                                 adjustments=["quiet_room"]))
    page = client_for(admin_team).get(queue).content.decode()
    assert ">Reasonable adjustments</strong>" in page
