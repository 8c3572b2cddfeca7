"""The call handler's screen: find the person, see whether they are known, log the outcome."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from cap.models import Enquiry, RecordAccess, Referral, Task
from careplans.models import Episode
from tests.factories import PractitionerFactory, ServiceUserFactory, TeamFactory


def local(instant):
    return timezone.localtime(instant).strftime("%Y-%m-%dT%H:%M")


def call_form(**overrides):
    started = timezone.now() - timedelta(minutes=6)
    form = {"started_at": local(started), "ended_at": local(started + timedelta(minutes=4)),
            "caller_type": "service_user", "nature": "general_information",
            "outcome_kind": "resolved", "outcome": "Gave the opening times"}
    form.update(overrides)
    return form


@pytest.fixture
def known_person(db, reference_data):
    person = ServiceUserFactory(family_name="Whitmore", date_of_birth=date(1961, 8, 2))
    team = TeamFactory(name="Charnwood CTR Team")
    coordinator = PractitionerFactory(name="Sam Reid", teams=[team])
    Episode.objects.create(service_user=person, team=team, care_coordinator=coordinator,
                           opened_on=date(2026, 1, 5))
    return person


@pytest.mark.django_db
def test_search_by_nhs_number_shows_the_persons_team_and_care_coordinator(client_for, call_handler,
                                                                         known_person):
    client = client_for(call_handler)
    results = client.get("/calls/new/", {"search": 1, "find-nhs_number": known_person.nhs_number})
    assert "Charnwood CTR Team" in results.content.decode()
    chosen = client.get("/calls/new/", {"person": known_person.pk}).content.decode()
    assert "Known to services" in chosen
    assert "Sam Reid" in chosen
    assert RecordAccess.objects.filter(user=call_handler, service_user=known_person).exists()


@pytest.mark.django_db
def test_search_by_name_needs_the_date_of_birth_too(client_for, call_handler, known_person):
    client = client_for(call_handler)
    by_name = client.get("/calls/new/", {"search": 1, "find-family_name": "whitmore"})
    assert "Enter an NHS number, or a last name and date of birth" in by_name.content.decode()
    found = client.get("/calls/new/", {"search": 1, "find-family_name": "whitmore",
                                       "find-date_of_birth": "1961-08-02"})
    assert list(found.context["people"]) == [known_person]


@pytest.mark.django_db
def test_general_information_call_is_resolved_by_the_call_handler(client_for, call_handler):
    response = client_for(call_handler).post("/calls/new/", call_form())
    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    assert (enquiry.channel, enquiry.outcome_kind, enquiry.logged_by) == ("phone", "resolved", call_handler)
    assert enquiry.reference.startswith("ENQ-")
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_clinical_call_cannot_be_closed_by_the_call_handler(client_for, call_handler):
    response = client_for(call_handler).post("/calls/new/", call_form(nature="clinical"))
    assert response.status_code == 200
    assert "must go to urgent clinical triage or to the person" in response.content.decode()
    assert not Enquiry.objects.exists()


@pytest.mark.django_db
def test_clinical_call_passed_to_triage_starts_the_clock_at_the_calls_start(client_for, call_handler):
    form = call_form(nature="clinical", outcome_kind="passed_to_triage", outcome="Transferred",
                     details="Hearing voices, frightened", given_name="Leah", family_name="Moss",
                     date_of_birth="1999-01-30", postcode="LE3 0QP")
    client_for(call_handler).post("/calls/new/", form)
    referral = Referral.objects.get()
    started = timezone.localtime(referral.first_contact_at).strftime("%Y-%m-%dT%H:%M")
    assert started == form["started_at"]
    assert referral.channel == "phone"
    assert referral.urgent_triage_requested_at is not None
    # From the call's start: the triage review, the urgent assessment the call signals
    # (provisional until triage), and a clinician's response on the urgent queue.
    targets = {t.definition.code: t for t in referral.targets.all()}
    assert set(targets) == {"triage_review", "assessment_24h", "urgent_triage_response"}
    assert targets["assessment_24h"].provisional
    assert {t.started_at for t in targets.values()} == {referral.first_contact_at}
    assert Enquiry.objects.get().referral == referral


@pytest.mark.django_db
def test_call_about_someone_awaiting_triage_updates_their_referral_not_a_new_one(
        client_for, call_handler, admin_team, person, gp_referrer):
    from cap.services import referral_log_written

    existing = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                    reason="Low mood")
    client_for(call_handler).post("/calls/new/", call_form(
        nature="clinical", outcome_kind="passed_to_triage", outcome="Worse today",
        service_user=existing.service_user.pk))
    assert Referral.objects.count() == 1
    existing.refresh_from_db()
    assert existing.urgent_triage_requested_at is not None


@pytest.mark.django_db
def test_call_routed_to_the_existing_team_gives_that_team_a_task(client_for, call_handler, known_person):
    client_for(call_handler).post("/calls/new/", call_form(
        nature="clinical", outcome_kind="routed_to_team", outcome="Wants to speak to Sam",
        service_user=known_person.pk))
    task = Task.objects.get()
    assert task.team.name == "Charnwood CTR Team"
    assert task.kind == "routed_call"
    assert task.done_at is None


@pytest.mark.django_db
def test_appointment_change_becomes_an_admin_team_task(client_for, call_handler, admin_team,
                                                       known_person):
    client_for(call_handler).post("/calls/new/", call_form(
        nature="appointment_change", outcome_kind="appointment_change",
        outcome="Cannot make Tuesday; mornings suit", service_user=known_person.pk))
    task = Task.objects.get()
    assert task.team is None
    assert "mornings suit" in client_for(admin_team).get("/tasks/").content.decode()


@pytest.mark.django_db
def test_999_advice_is_recorded_with_its_time(client_for, call_handler):
    client_for(call_handler).post("/calls/new/", call_form(emergency_advised="on"))
    assert Enquiry.objects.get().emergency_advised_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize("overrides, message", [
    ({"started_at": local(timezone.now() + timedelta(hours=2))}, "cannot be in the future"),
    ({"ended_at": local(timezone.now() - timedelta(hours=3))}, "cannot end before it started"),
    ({"outcome": "x" * 2001}, "must be 2000 characters or fewer"),
    ({"caller_type": "martian"}, "Select a valid choice"),
])
def test_bad_call_details_are_refused_and_nothing_saved(client_for, call_handler, overrides, message):
    response = client_for(call_handler).post("/calls/new/", call_form(**overrides))
    assert message in response.content.decode()
    assert not Enquiry.objects.exists()


@pytest.mark.django_db
def test_call_passed_to_urgent_triage_heads_the_triage_worklist(client_for, call_handler,
                                                               triage_clinician, admin_team, person,
                                                               gp_referrer):
    from cap.services import referral_log_written

    older = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer, reason="x",
                                 received_at=timezone.now() - timedelta(days=2))
    client_for(call_handler).post("/calls/new/", call_form(
        nature="clinical", outcome_kind="passed_to_triage", outcome="Transferred",
        given_name="Leah", family_name="Moss", date_of_birth="1999-01-30", postcode="LE3 0QP"))
    worklist = list(client_for(triage_clinician).get("/triage/").context["referrals"])
    assert worklist[0].channel == "phone"
    assert worklist[1] == older


@pytest.mark.django_db
def test_a_call_passed_to_triage_without_a_postcode_is_asked_for_it_and_keeps_what_was_typed(
        client_for, call_handler):
    form = call_form(nature="clinical", outcome_kind="passed_to_triage", outcome="Passed to triage",
                     details="Caller's son has not slept for three nights", given_name="Ravi",
                     family_name="Mistry", date_of_birth="1990-05-04")
    response = client_for(call_handler).post("/calls/new/", form)
    assert response.status_code == 200
    page = response.content.decode()
    assert "A call passed to triage needs the person: enter their postcode." in page
    assert "Caller&#x27;s son has not slept for three nights" in page
    assert 'value="Mistry"' in page
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_a_search_part_way_through_a_call_keeps_what_was_typed_and_carries_the_name_over(
        client_for, call_handler, known_person):
    typed = call_form(nature="clinical", details="Caller's son has not slept",
                      outcome="Talking it through")
    response = client_for(call_handler).post("/calls/new/", {
        **typed, "action": "search", "find-family_name": "Whitmore", "find-date_of_birth": "1961-08-02"})
    assert response.status_code == 200
    assert list(response.context["people"]) == [known_person]
    form = response.context["form"]
    assert not form.is_bound  # shown again as typed, not yet checked
    assert form.initial["details"] == "Caller's son has not slept"
    assert form.initial["outcome"] == "Talking it through"
    assert (form.initial["family_name"], form.initial["date_of_birth"]) == ("Whitmore", "1961-08-02")
    assert not Enquiry.objects.exists()


@pytest.mark.django_db
def test_choosing_the_person_found_keeps_what_was_typed(client_for, call_handler, known_person):
    typed = call_form(details="Asking about the next appointment")
    response = client_for(call_handler).post("/calls/new/", {**typed, "action": f"choose:{known_person.pk}"})
    assert response.context["chosen"] == known_person
    assert response.context["form"].initial["details"] == "Asking about the next appointment"
    assert "Known to services" in response.content.decode()
