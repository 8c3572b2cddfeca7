"""Finding options for a structured assessment: the seed's template over real diaries.

Everyone works Monday to Friday 09:00-17:00. Searching on Monday 23 November 2026 at
08:00 with two hours' notice, the first option's meet and greet can start at 10:00, so
the core assessment starts at 10:15; the whole clinic assessment runs from 15 minutes
before the start to 2 hours after it."""

from datetime import time

import pytest

from core.errors import Invalid
from scheduling import services
from scheduling.models import DiaryException, PersonUnavailability, SlotIssue, WorkingPattern
from tests.factories import PractitionerFactory

from .conftest import MONDAY_8, at


def options(referral, **kwargs):
    return services.options_for(referral=referral, now=MONDAY_8, **kwargs)


def who(search, option):
    """Step name -> names of the practitioners (and the room) in it."""
    steps = {}
    for entry in search.entries(option):
        steps.setdefault(entry.step, []).append(entry.practitioner.name if entry.practitioner
                                                 else entry.room.name)
    return steps


@pytest.mark.django_db
def test_first_option_is_the_seed_table_with_one_nurse_across_the_nurses_steps(triaged, staff, room):
    search = options(triaged())
    first = search.options[0]
    assert first.starts_at == at(0, 10, 15)
    assert who(search, first) == {
        "Meet and greet": ["Sam Support"],
        "Preparation": ["Alex Nurse"],
        "Assessment": ["Alex Nurse"],
        "Formulation": ["Alex Nurse"],
        "Physical checks and further discussion": ["Hari Healthcare"],
        "Treatment and support plan": ["Alex Nurse"],
        "Record update": ["Alex Nurse"],
        "Clinic room": ["Room 1"],
    }
    times = {(e.step, e.practitioner.name if e.practitioner else "room"): (e.starts_at, e.ends_at)
             for e in search.entries(first)}
    assert times[("Meet and greet", "Sam Support")] == (at(0, 10), at(0, 10, 15))
    assert times[("Assessment", "Alex Nurse")] == (at(0, 10, 15), at(0, 11))
    assert times[("Record update", "Alex Nurse")] == (at(0, 11, 45), at(0, 12, 15))
    # The room is held while the person is there: meet and greet to the end of the plan.
    assert times[("Clinic room", "room")] == (at(0, 10), at(0, 11, 45))


@pytest.mark.django_db
def test_ten_options_at_most_three_a_day_an_hour_apart_all_within_the_target(triaged, staff, room):
    search = options(triaged())
    starts = [o.starts_at for o in search.options]
    assert starts[:4] == [at(0, 10, 15), at(0, 11, 15), at(0, 12, 15), at(1, 9, 15)]
    assert len(starts) == 10
    assert all(o.within_target for o in search.options)
    assert not SlotIssue.objects.exists()


@pytest.mark.django_db
def test_senior_practitioner_joins_formulation_and_the_plan_when_triage_asks_for_a_consultant(
        triaged, staff, room):
    from scheduling.models import Discipline

    consultant = Discipline.objects.get(code="consultant_psychiatrist")
    search = options(triaged(disciplines=[consultant]))
    steps = who(search, search.options[0])
    assert steps["Formulation"] == ["Alex Nurse", "Dr Cara Consultant"]
    assert steps["Treatment and support plan"] == ["Alex Nurse", "Dr Cara Consultant"]
    assert steps["Assessment"] == ["Alex Nurse"]


@pytest.mark.django_db
def test_named_individual_is_used_even_when_another_nurse_is_free_first(triaged, staff, room):
    search = options(triaged(named_practitioners=[staff["nurse_b"]]))
    assert set(who(search, search.options[0])["Assessment"]) == {"Bea Nurse"}


@pytest.mark.django_db
def test_consultant_on_leave_monday_moves_the_first_option_to_tuesday(triaged, staff, room):
    DiaryException.objects.create(practitioner=staff["consultant"], kind="leave",
                                  starts_at=at(0, 0), ends_at=at(1, 0))
    referral = triaged(named_practitioners=[staff["consultant"]])
    assert options(referral).options[0].starts_at == at(1, 9, 15)


@pytest.mark.django_db
def test_working_pattern_is_respected_a_support_worker_who_starts_at_one(triaged, staff, room):
    WorkingPattern.objects.filter(practitioner=staff["support"]).update(starts=time(13))
    first = options(triaged()).options[0]
    # Meet and greet at 13:00 at the earliest, so the assessment starts at 13:15.
    assert first.starts_at == at(0, 13, 15)


@pytest.mark.django_db
def test_a_nurse_already_booked_is_replaced_by_the_other_nurse(triaged, staff, room, admin_team):
    first_person = triaged()
    search = options(first_person)
    services.booking_create(actor=admin_team, referral=first_person, option_id=search.options[0].id,
                            now=MONDAY_8)
    second = options(triaged())
    # The only room is taken from 10:00 to 11:45, so the next meet and greet is at 11:45
    # and the assessment at 12:00, when Alex is still writing up the first: Bea assesses.
    assert second.options[0].starts_at == at(0, 12)
    assert "Bea Nurse" in who(second, second.options[0])["Assessment"]


@pytest.mark.django_db
def test_home_visit_needs_no_room_has_travel_and_the_senior_joins_by_phone(triaged, staff):
    from scheduling.models import Discipline

    referral = triaged(setting="home", disciplines=[Discipline.objects.get(code="consultant_psychiatrist")])
    search = options(referral)
    first = search.options[0]
    entries = search.entries(first)
    assert first.room_id is None
    steps = [e.step for e in entries if e.practitioner.name == "Alex Nurse"]
    assert steps == ["Preparation", "Travel to the person", "Assessment", "Formulation",
                     "Treatment and support plan", "Travel back", "Record update"]
    consultant = [e for e in entries if e.practitioner.name == "Dr Cara Consultant"]
    assert {e.step for e in consultant} == {"Formulation", "Treatment and support plan"}
    assert all(e.by_phone for e in consultant)
    # Preparation 45 minutes before the start, inside 09:00: the assessment starts 09:45
    # at the earliest; two hours' notice from 08:00 gives 10:00 - (-45 min) = 10:45.
    assert first.starts_at == at(0, 10, 45)


@pytest.mark.django_db
def test_times_the_person_cannot_do_are_avoided(triaged, staff, room):
    referral = triaged()
    PersonUnavailability.objects.create(referral=referral, weekday=None, starts=time(9), ends=time(13))
    first = options(referral).options[0]
    assert first.starts_at == at(0, 13, 15)


@pytest.mark.django_db
def test_nothing_before_the_target_puts_the_referral_on_the_slot_issues_list_with_the_first_later_option(
        triaged, staff, room):
    referral = triaged()
    target = referral.targets.get(definition__code="routine_assessment")
    assert target.due_at == at(28, 8)  # 28 days from Monday 08:00
    for practitioner in staff.values():
        DiaryException.objects.create(practitioner=practitioner, kind="training",
                                      starts_at=at(0, 0), ends_at=at(30, 0))
    search = options(referral)
    assert [o.within_target for o in search.options] == [False]
    assert search.options[0].starts_at == at(30, 9, 15)  # Wednesday 23 December
    issue = SlotIssue.objects.get(referral=referral)
    assert issue.target_due_at == at(28, 8)
    assert issue.first_option_at == at(30, 9, 15)
    # Asking again does not list the referral twice.
    options(referral)
    assert SlotIssue.objects.filter(referral=referral, resolved_at=None).count() == 1


@pytest.mark.django_db
def test_a_discipline_triage_asked_for_that_the_template_lacks_is_a_clear_error(triaged, staff, room):
    from scheduling.models import Discipline

    # The default templates have a role for every discipline of the reference data; one a
    # manager added since may have none.
    art = Discipline.objects.create(code="art_therapist", name="Art therapist")
    referral = triaged(disciplines=[art])
    with pytest.raises(Invalid, match="no role for Art therapist"):
        options(referral)


@pytest.mark.django_db
def test_a_practitioner_outside_the_team_is_never_offered(triaged, staff, room):
    PractitionerFactory(name="Aaron Elsewhere")  # a nurse in no team
    search = options(triaged())
    names = {e.practitioner.name for o in search.options for e in search.entries(o) if e.practitioner}
    assert "Aaron Elsewhere" not in names
