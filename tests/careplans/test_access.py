"""Only practitioners involved in the person's care change their plan; every view is logged."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from cap.models import RecordAccess
from cap.services import referral_log_written
from careplans import selectors, services
from careplans.models import CarePlan
from core.errors import NotAllowed
from scheduling.models import AssessmentTemplate, Booking, BookingStatus, DiaryEntry, Practitioner
from tests.factories import PractitionerFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

BREAK_GLASS_REASON = "Covering the duty desk: the person's carer rang in distress"


def test_a_practitioner_not_involved_cannot_change_the_plan(clinician, outsider, known_person, client_for):
    plan = services.care_plan_start(actor=clinician, service_user=known_person)
    with pytest.raises(NotAllowed):
        services.care_plan_contribute(actor=outsider, care_plan=plan, sections={"goals": "x"}, summary="x")
    client = client_for(outsider)
    assert client.get(reverse("careplans:contribute", args=[known_person.pk])).status_code == 403
    assert client.post(reverse("careplans:contribute", args=[known_person.pk]),
                       {"goals": "x", "summary": "x"}).status_code == 403
    assert client.post(reverse("careplans:share", args=[known_person.pk]),
                       {"audience": "gp", "shared_with": "x"}).status_code == 403
    plan.refresh_from_db()
    assert plan.version == 1


def test_a_practitioner_not_involved_breaks_the_glass_to_read_the_plan_and_starts_none(
        outsider, known_person, client_for):
    client = client_for(outsider)
    refused = client.get(reverse("careplans:person", args=[known_person.pk]))
    assert refused.status_code == 403 and "Why do you need to see this record?" in refused.content.decode()
    client.post(reverse("access:break_glass", args=[known_person.pk]), {"reason": BREAK_GLASS_REASON})
    page = client.get(reverse("careplans:person", args=[known_person.pk]))
    assert page.status_code == 200 and "No care plan yet" in page.content.decode()
    assert not CarePlan.objects.filter(service_user=known_person).exists()


def test_roles_without_care_plans_are_refused(call_handler, known_person, client_for):
    page = client_for(call_handler).get(reverse("careplans:person", args=[known_person.pk]))
    assert page.status_code == 403


def test_every_view_of_a_plan_is_logged_with_who_and_when(clinician, outsider, known_person, client_for):
    services.care_plan_start(actor=clinician, service_user=known_person)
    before = timezone.now()
    client_for(outsider).post(reverse("access:break_glass", args=[known_person.pk]),
                              {"reason": BREAK_GLASS_REASON})
    client_for(outsider).get(reverse("careplans:person", args=[known_person.pk]))
    client_for(clinician).get(reverse("careplans:copy", args=[known_person.pk, "person"]))
    client_for(clinician).get(reverse("careplans:copy", args=[known_person.pk, "gp"]))
    client_for(clinician).get(reverse("careplans:versions", args=[known_person.pk]))
    log = list(RecordAccess.objects.filter(service_user=known_person).order_by("id"))
    assert [(a.user, a.context, a.break_glass_reason) for a in log] == [
        (outsider, "care plan", BREAK_GLASS_REASON), (clinician, "care plan copy for person", ""),
        (clinician, "care plan copy for gp", ""), (clinician, "care plan versions", "")]
    assert all(a.accessed_at >= before for a in log)


def test_the_care_coordinator_and_team_around_the_person_are_involved(clinician, known_person):
    plan = services.care_plan_start(actor=clinician, service_user=known_person)
    expert_user = UserFactory(username="expert", role=roles.PRACTITIONER)
    expert = PractitionerFactory(name="Ruth Ellis", teams=[TeamFactory()], user=expert_user)
    assert not selectors.is_involved(expert_user, known_person)
    services.team_around_add(actor=clinician, care_plan=plan, practitioner=expert,
                             involvement="Eating disorders")
    assert selectors.is_involved(expert_user, known_person)
    member = plan.team_around.get()
    services.team_around_end(actor=clinician, member=member)
    assert not selectors.is_involved(expert_user, known_person)
    services.care_coordinator_set(actor=clinician, care_plan=plan, practitioner=expert)
    assert selectors.is_involved(expert_user, known_person)


def test_a_practitioner_of_a_booking_of_theirs_is_involved(admin_team, outsider, person, gp_referrer):
    referral = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                    reason="Low mood")
    assert not selectors.is_involved(outsider, referral.service_user)
    start = timezone.now() + timedelta(days=3)
    booking = Booking.objects.create(
        referral=referral, template=AssessmentTemplate.objects.first(), team=TeamFactory(), setting="clinic",
        starts_at=start, first_entry_at=start, ends_at=start + timedelta(hours=1),
        status=BookingStatus.BOOKED, booked_by=admin_team)
    DiaryEntry.objects.create(booking=booking, practitioner=Practitioner.objects.get(user=outsider),
                              step="Assessment", starts_at=start, ends_at=start + timedelta(hours=1))
    assert selectors.is_involved(outsider, referral.service_user)
    plan = services.care_plan_start(actor=outsider, service_user=referral.service_user)
    assert plan.created_by == outsider


def test_roles_without_care_plans_cannot_start_one(admin_team, known_person):
    with pytest.raises(NotAllowed):
        services.care_plan_start(actor=admin_team, service_user=known_person)
    assert not CarePlan.objects.exists()
