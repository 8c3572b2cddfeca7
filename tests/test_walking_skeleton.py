"""The whole flow through HTTP: written referral, triage, booking, dashboard."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cap.models import Referral, ReferralStatus
from core.formatting import clock_time
from scheduling.models import Booking, ClinicRoom, Discipline
from tests.factories import GPPracticeFactory, PractitionerFactory, TeamFactory


def local_input(instant):
    return timezone.localtime(instant).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.django_db
def test_written_referral_is_triaged_booked_and_counted(client, admin_team, triage_clinician,
                                                        manager):
    practice = GPPracticeFactory(ods_code="C82001")
    team = TeamFactory(name="City East CTR Team", pcns=[practice.pcn])
    nurse = PractitionerFactory(name="Grace Okafor", teams=[team])
    for name, code in [("Sam Adeyemi", "support_worker"), ("Hari Mistry", "healthcare_support_worker")]:
        PractitionerFactory(name=name, teams=[team], discipline=Discipline.objects.get(code=code))
    ClinicRoom.objects.create(name="Room 2", site="Neville Centre, Leicester").teams.add(team)

    client.force_login(admin_team)
    received = timezone.now() - timedelta(minutes=5)
    response = client.post(reverse("cap:written_referral"), {
        "nhs_number": "943 476 5919", "given_name": "Asha", "family_name": "Patel",
        "date_of_birth": "1984-03-15", "postcode": "le2 7lx", "gp_practice_code": "c82001",
        "referrer_name": "Dr Helen Shaw", "referrer_role": "GP", "reason": "Low mood for months",
        "received_at": local_input(received),
    })
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert referral.status == ReferralStatus.AWAITING_TRIAGE
    assert referral.service_user.postcode == "LE2 7LX"
    review = referral.targets.get(definition__code="triage_review")

    client.force_login(triage_clinician)
    worklist = client.get(reverse("triage:worklist"))
    assert referral.reference in worklist.content.decode()
    assert clock_time(review.due_at) in worklist.content.decode()
    client.post(reverse("triage:decide", args=[referral.pk]), {
        "urgency": "routine", "outcome": "assessment", "stream": "AMH",
        "rationale": "Needs an adult mental health assessment.",
    })
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.AWAITING_BOOKING
    review.refresh_from_db()
    assert review.met_at is not None

    client.force_login(admin_team)
    assert referral.reference in client.get(reverse("scheduling:booking_queue")).content.decode()
    options = client.get(reverse("scheduling:book", args=[referral.pk])).content.decode()
    first_option = re.search(r'name="option" value="([^"]+)"', options).group(1)
    response = client.post(reverse("scheduling:book", args=[referral.pk]),
                           {"option": first_option, "action": "book"})
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.team == team
    assert booking.entries.filter(practitioner=nurse, step="Assessment").exists()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.BOOKED

    client.force_login(manager)
    dashboard = client.get(reverse("triage:dashboard"))
    assert dashboard.context["stats"]["booked"] == 1
    assert dashboard.context["stats"]["awaiting_triage"] == 0


@pytest.mark.django_db
def test_every_clinical_change_in_the_flow_is_in_the_history_with_its_actor(
        client, admin_team, triage_clinician, person, gp_referrer):
    from cap.services import referral_log_written

    referral = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                    reason="Low mood")
    client.force_login(triage_clinician)
    client.post(reverse("triage:decide", args=[referral.pk]), {
        "urgency": "urgent", "outcome": "assessment", "stream": "AMH", "rationale": "Escalating",
    })
    changes = list(referral.history.order_by("history_date").values_list("status", "history_user"))
    assert changes == [("awaiting_triage", admin_team.pk),
                       ("awaiting_urgent_assessment", triage_clinician.pk)]
    decision = referral.decisions.get()
    assert decision.history.get().history_user == triage_clinician
