"""The option search respects the person's Reasonable Adjustment flag: the first or the
last appointment of the day, a home visit, a step-free room or one with a quiet place to
wait, and the practitioners they saw last time; the booking page says which adjustments
the options respect. Everyone works Monday to Friday 09:00-17:00 (see test_options)."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from adjustments import services as adjustment_services
from cap.models import Referral
from core.errors import Conflict
from scheduling import services
from scheduling.models import AssessmentTemplate, Booking, ClinicRoom, DiaryEntry, DiaryException, SlotIssue
from scheduling.options import NOT_KEPT, CannotSearch

from .conftest import MONDAY_8, at

pytestmark = pytest.mark.django_db


def flag(admin_team, referral, *adjustments):
    adjustment_services.adjustment_flag_record(
        actor=admin_team, service_user=referral.service_user, now=MONDAY_8 - timedelta(minutes=1),
        details=adjustment_services.FlagDetails(status="needed", adjustments=list(adjustments),
                                                consent_to_share="yes"))


def options(referral, now=MONDAY_8, **kwargs):
    return services.options_for(referral=referral, now=now, **kwargs)


def practitioners(search, option, step):
    return {e.practitioner.name for e in search.entries(option) if e.step == step and e.practitioner}


def step_free_room(team, **access):
    room = ClinicRoom.objects.create(**({"name": "Room 2", "site": "Neville Centre, Leicester LE5 4QG",
                                         "step_free": True} | access))
    room.teams.add(team)
    return room


def test_without_a_flag_the_options_and_the_plan_are_as_before(triaged, staff, room):
    search = options(triaged())
    assert [o.starts_at for o in search.options[:4]] == [at(0, 10, 15), at(0, 11, 15), at(0, 12, 15),
                                                         at(1, 9, 15)]
    assert search.plan.adjustments.applied == () and search.plan.adjustments.summary == ""


def test_first_appointment_of_the_day_begins_when_the_working_day_begins(triaged, staff, room, admin_team):
    referral = triaged()
    flag(admin_team, referral, "first_appointment")
    search = options(referral)
    # Monday 09:00 is inside the two hours' notice, so Tuesday's meet and greet at 09:00
    # (the assessment at 09:15) is the first; one a day, at the start of each day.
    assert [o.starts_at for o in search.options[:3]] == [at(1, 9, 15), at(2, 9, 15), at(3, 9, 15)]
    assert search.plan.adjustments.summary == ("Options respect the Reasonable Adjustment flag: "
                                               "first appointment of the day.")


def test_first_appointment_is_not_offered_after_something_earlier_in_a_practitioners_day(
        triaged, staff, room, admin_team):
    # Hari (the only healthcare support worker) joins at 10:00 on Tuesday, after training
    # (free when the assessment begins, and when his part of it is).
    DiaryException.objects.create(practitioner=staff["hcsw"], kind="training", starts_at=at(1, 9, 15),
                                  ends_at=at(1, 9, 45))
    referral = triaged()
    flag(admin_team, referral, "first_appointment")
    assert options(referral).options[0].starts_at == at(2, 9, 15)


def test_a_first_appointment_that_is_no_longer_the_first_of_the_day_is_refused_at_booking(
        triaged, staff, room, admin_team):
    referral = triaged()
    flag(admin_team, referral, "first_appointment")
    option = options(referral).options[0]
    DiaryException.objects.create(practitioner=staff["hcsw"], kind="training", starts_at=at(1, 9, 15),
                                  ends_at=at(1, 9, 45))
    with pytest.raises(Conflict, match="no longer the first appointment of the day for Hari Healthcare"):
        services.booking_create(actor=admin_team, referral=referral, option_id=option.id, now=MONDAY_8)
    assert not Booking.objects.filter(referral=referral).exists()


def test_last_appointment_of_the_day_ends_when_the_working_day_ends(triaged, staff, room, admin_team):
    referral = triaged()
    flag(admin_team, referral, "last_appointment")
    search = options(referral)
    # The nurse's record update, the last step, ends at 17:00: the assessment starts 15:00.
    assert [o.starts_at for o in search.options[:3]] == [at(0, 15), at(1, 15), at(2, 15)]
    assert max(e.ends_at for e in search.entries(search.options[0])) == at(0, 17)


def test_last_appointment_is_not_offered_before_something_later_in_the_clinic_room(
        triaged, staff, room, admin_team, team):
    # The only room is used from 16:30 on Monday (an evening clinic, no one of this team).
    other = triaged()
    evening = Booking.objects.create(referral=other, team=team, room=room, setting="clinic",
                                     template=AssessmentTemplate.objects.get(setting="clinic", stream=""),
                                     starts_at=at(0, 16, 45), first_entry_at=at(0, 16, 30),
                                     ends_at=at(0, 18), status="booked", booked_by=admin_team)
    DiaryEntry.objects.create(booking=evening, room=room, step="Clinic room", starts_at=at(0, 16, 30),
                              ends_at=at(0, 18))
    referral = triaged()
    flag(admin_team, referral, "last_appointment")
    # Monday 15:00 would hold the room to 16:30, before the evening clinic in it.
    assert options(referral).options[0].starts_at == at(1, 15)
    assert options(triaged()).options[0].starts_at == at(0, 10, 15)


def test_a_home_visit_the_flag_asks_for_is_searched_unless_the_booker_chose_a_clinic(
        triaged, staff, room, admin_team):
    referral = triaged()
    flag(admin_team, referral, "home_visit")
    home = options(referral)
    assert home.plan.setting == "home"
    assert home.options[0].room_id is None and home.options[0].starts_at == at(0, 10, 45)
    assert "home visit" in home.plan.adjustments.summary
    clinic = options(referral, setting="clinic")
    assert clinic.plan.setting == "clinic" and clinic.options[0].room_id == room.pk
    assert clinic.plan.adjustments.summary == ""


def test_only_step_free_rooms_are_offered_when_the_flag_asks(triaged, staff, room, admin_team, team):
    level = step_free_room(team)
    referral = triaged()
    flag(admin_team, referral, "step_free")
    search = options(referral)
    assert {o.room_id for o in search.options} == {level.pk}
    # Room 1 is free at 10:00 too, and is offered to someone without the flag.
    assert options(triaged()).options[0].room_id == room.pk


def test_only_rooms_with_a_quiet_place_to_wait_are_offered_when_the_flag_asks(
        triaged, staff, room, admin_team, team):
    step_free_room(team)
    quiet = step_free_room(team, name="Room 3", step_free=False, quiet_waiting=True)
    referral = triaged()
    flag(admin_team, referral, "quiet_room")
    assert {o.room_id for o in options(referral).options} == {quiet.pk}


def test_no_step_free_room_in_the_team_puts_the_referral_on_the_slot_issues_list_saying_why(
        triaged, staff, room, admin_team):
    referral = triaged()
    flag(admin_team, referral, "step_free")
    with pytest.raises(CannotSearch, match="has step-free access"):
        options(referral)
    assert SlotIssue.objects.get(referral=referral).reason == "no_room"


def _seen_by_bea(triaged, staff, admin_team):
    """A person booked with Bea on Monday (Alex is on leave), searching again on Tuesday."""
    DiaryException.objects.create(practitioner=staff["nurse_a"], kind="leave", starts_at=at(0, 0),
                                  ends_at=at(1, 0))
    referral = triaged()
    services.booking_create(actor=admin_team, referral=referral, option_id=options(referral).options[0].id,
                            now=MONDAY_8)
    return referral


def test_the_practitioners_seen_last_time_are_kept_when_the_flag_asks(triaged, staff, room, admin_team):
    referral = _seen_by_bea(triaged, staff, admin_team)
    tuesday = at(1, 8)
    unflagged = options(referral, now=tuesday)
    assert practitioners(unflagged, unflagged.options[0], "Assessment") == {"Alex Nurse"}
    flag(admin_team, referral, "same_practitioner")
    search = options(referral, now=tuesday)
    assert all(practitioners(search, o, "Assessment") == {"Bea Nurse"} for o in search.options)
    assert "same practitioner as last time" in search.plan.adjustments.summary
    assert search.plan.adjustments.notes == ()


def test_a_practitioner_seen_last_time_who_left_the_team_is_not_kept_and_the_search_says_so(
        triaged, staff, room, admin_team, team):
    referral = _seen_by_bea(triaged, staff, admin_team)
    flag(admin_team, referral, "same_practitioner")
    staff["nurse_b"].teams.remove(team)
    search = options(referral, now=at(1, 8))
    assert practitioners(search, search.options[0], "Assessment") == {"Alex Nurse"}
    assert search.plan.adjustments.notes == ("Bea Nurse, whom the person saw last time, is not in "
                                             f"{team}, so is not kept.",)
    # Sam and Hari, whom the person also saw, are still kept.
    assert practitioners(search, search.options[0], "Meet and greet") == {"Sam Support"}


def test_when_nobody_seen_last_time_is_free_whoever_is_free_is_offered_and_can_be_booked(
        triaged, staff, room, admin_team):
    referral = _seen_by_bea(triaged, staff, admin_team)
    Booking.objects.filter(referral=referral).update(status="attended")
    Referral.objects.filter(pk=referral.pk).update(status="awaiting_booking")
    flag(admin_team, referral, "same_practitioner")
    DiaryException.objects.create(practitioner=staff["nurse_b"], kind="leave", starts_at=at(1, 0),
                                  ends_at=at(120, 0))
    tuesday = at(1, 8)
    search = options(referral, now=tuesday)
    assert search.options and practitioners(search, search.options[0], "Assessment") == {"Alex Nurse"}
    assert search.plan.adjustments.notes == (NOT_KEPT,)
    assert "same practitioner" not in search.plan.adjustments.summary
    booking = services.booking_create(actor=admin_team, referral=referral, option_id=search.options[0].id,
                                      now=tuesday)
    assert booking.entries.filter(step="Assessment", practitioner=staff["nurse_a"]).exists()


def test_someone_with_no_earlier_appointment_is_offered_anyone_and_told_so(triaged, staff, room, admin_team):
    referral = triaged()
    flag(admin_team, referral, "same_practitioner")
    search = options(referral)
    assert search.options[0].starts_at == at(0, 10, 15)
    assert search.plan.adjustments.summary == ""
    assert search.plan.adjustments.notes == (
        "The person has no earlier appointment, so any practitioner is offered.",)


def test_the_booking_page_says_which_adjustments_the_options_respect_and_books_one(
        client_for, triaged, staff, room, admin_team, team):
    level = step_free_room(team)
    referral = triaged()
    flag(admin_team, referral, "longer_appointment", "step_free", "large_print")
    client = client_for(admin_team)
    url = reverse("scheduling:book", args=[referral.pk])
    with time_machine.travel(MONDAY_8, tick=False):
        page = client.get(url).content.decode()
        option = options(referral).options[0]
        response = client.post(url, {"option": option.id, "action": "book"})
    assert ("Options respect the Reasonable Adjustment flag: longer appointment, step-free access."
            in page)
    assert "Room 2" in page and "Room 1," not in page.split('id="options"')[1]
    assert response.status_code == 302
    assert Booking.objects.get(referral=referral).room == level


def test_the_booking_page_says_nothing_of_adjustments_without_a_flag(client_for, triaged, staff, room,
                                                                      admin_team):
    referral = triaged()
    with time_machine.travel(MONDAY_8, tick=False):
        page = client_for(admin_team).get(reverse("scheduling:book", args=[referral.pk])).content.decode()
    assert 'id="adjustments-applied"' not in page and "Alex Nurse" in page
