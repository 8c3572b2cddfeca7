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

    # The worklist is one list across the queues, most at risk first: a routine referral
    # received earlier but due in a working day comes after the call's 1-hour clock.
    older = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer, reason="x",
                                 received_at=timezone.now() - timedelta(hours=2))
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


# --- The call's context reaches triage (issue 15) ----------------------------------------

def crisis_call(**overrides):
    return call_form(**{
        "nature": "clinical", "outcome_kind": "passed_to_triage", "caller_type": "carer",
        "caller_name": "Maya Okafor", "caller_relationship": "Sister", "callback_number": "07700 900 982",
        "details": "Brother says he has a plan to end his life tonight",
        "outcome": "Stayed on the line; gave the crisis line number", "emergency_advised": "on",
        **overrides})


NEW_PERSON = {"given_name": "Leah", "family_name": "Moss", "date_of_birth": "1999-01-30",
              "postcode": "LE3 0QP"}


def decide(actor, referral, **fields):
    from triage.services import Decision, triage_decision_record

    fields.setdefault("rationale", "Clinical reasoning.")
    return triage_decision_record(actor=actor, referral=referral, decision=Decision(**fields))


def running(referral):
    return {t.definition.code: t for t in referral.targets.select_related("definition")
            if not (t.met_at or t.cancelled_at)}


@pytest.mark.django_db
def test_a_crisis_call_shows_its_caller_callback_number_notes_and_999_on_the_referral_and_decide_pages(
        client_for, call_handler, triage_clinician):
    client_for(call_handler).post("/calls/new/", crisis_call(**NEW_PERSON))
    enquiry = Enquiry.objects.get()
    assert (enquiry.caller_name, enquiry.caller_relationship, enquiry.callback_number) == (
        "Maya Okafor", "Sister", "07700 900 982")
    referral = enquiry.referral
    client = client_for(triage_clinician)
    for url in (f"/referrals/{referral.pk}/", f"/triage/referrals/{referral.pk}/decide/"):
        page = client.get(url).content.decode()
        assert "Calls about this referral" in page
        for shown in ("Maya Okafor", "Sister", "07700 900 982", "a plan to end his life tonight",
                      "gave the crisis line number", "999 advised"):
            assert shown in page, (url, shown)


@pytest.mark.django_db
def test_the_calls_risk_indicators_apply_the_urgency_rules_and_start_the_4_hour_clock(
        client_for, call_handler):
    client_for(call_handler).post("/calls/new/", crisis_call(
        **NEW_PERSON, risk_indicators=["intent_with_plan", "recent_self_harm"]))
    referral = Referral.objects.get()
    assert referral.risk_indicators == ["intent_with_plan", "recent_self_harm"]
    assert referral.suggested_urgency == "very_urgent"
    assert running(referral)["assessment_4h"].started_at == referral.first_contact_at
    assert Enquiry.objects.get().risk_indicators == ["intent_with_plan", "recent_self_harm"]


@pytest.mark.django_db
def test_a_call_about_someone_awaiting_triage_adds_its_risk_indicators_and_reprioritises(
        client_for, call_handler, admin_team, person, gp_referrer):
    from cap.services import referral_log_written

    existing = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                    reason="Low mood", risk_indicators=["safeguarding"],
                                    received_at=timezone.now() - timedelta(days=3))
    response = client_for(call_handler).post("/calls/new/", crisis_call(
        service_user=existing.service_user.pk, risk_indicators=["intent_with_plan"]), follow=True)
    assert Referral.objects.count() == 1
    existing.refresh_from_db()
    assert existing.risk_indicators == ["safeguarding", "intent_with_plan"]
    assert existing.suggested_urgency == "very_urgent"
    assert existing.triage_queue == "urgent"
    # From the earliest contact: the written referral three days ago.
    assert running(existing)["assessment_4h"].started_at == existing.received_at
    call = Enquiry.objects.get()
    assert (call.referral, call.joined_referral) == (existing, True)
    assert f"Call added to {existing.reference} (awaiting triage)" in response.content.decode()


@pytest.mark.django_db
def test_a_call_about_someone_awaiting_urgent_assessment_joins_it_and_its_target_stays(
        client_for, call_handler, triage_clinician, admin_team, person, gp_referrer):
    from cap.services import referral_log_written

    existing = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                    reason="Low mood")
    decide(triage_clinician, existing, urgency="urgent", outcome="assessment", stream="AMH")
    before = running(existing)
    response = client_for(call_handler).post("/calls/new/", crisis_call(
        service_user=existing.service_user.pk, risk_indicators=["intent_with_plan"]), follow=True)
    existing.refresh_from_db()
    assert Referral.objects.count() == 1
    assert existing.status == "awaiting_urgent_assessment"
    assert Enquiry.objects.get().referral == existing
    assert {code: t.due_at for code, t in running(existing).items()} == \
        {code: t.due_at for code, t in before.items()}
    assert "its urgent assessment target stays as it is" in response.content.decode()


@pytest.mark.django_db
def test_a_crisis_call_about_someone_awaiting_booking_puts_the_referral_back_on_urgent_triage(
        client_for, call_handler, triage_clinician, admin_team, person, gp_referrer):
    from cap.services import referral_log_written

    existing = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                    reason="Low mood", received_at=timezone.now() - timedelta(days=9))
    decide(triage_clinician, existing, urgency="routine", outcome="assessment", stream="AMH")
    response = client_for(call_handler).post("/calls/new/", crisis_call(
        service_user=existing.service_user.pk), follow=True)
    existing.refresh_from_db()
    call = Enquiry.objects.get()
    assert Referral.objects.count() == 1
    assert (existing.status, existing.triage_queue) == ("awaiting_triage", "urgent")
    assert existing.history.first().history_change_reason == "Crisis call: back to urgent triage"
    # The urgent clocks run from the call, not from the referral's first contact nine days ago.
    targets = running(existing)
    assert targets["assessment_24h"].started_at == call.received_at
    assert targets["urgent_triage_response"].started_at == call.received_at
    assert targets["assessment_24h"].provisional
    assert "back on the urgent triage queue" in response.content.decode()
    # Triage decides it again.
    decide(triage_clinician, existing, urgency="urgent", outcome="assessment", stream="AMH")
    existing.refresh_from_db()
    assert existing.status == "awaiting_urgent_assessment"


@pytest.mark.django_db
def test_a_crisis_call_about_someone_booked_keeps_the_booking_and_says_so(
        client_for, call_handler, triage_clinician, admin_team, person, gp_referrer):
    from cap.services import referral_log_written
    from scheduling.models import AssessmentTemplate, Booking

    existing = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                    reason="Low mood")
    decide(triage_clinician, existing, urgency="routine", outcome="assessment", stream="AMH")
    starts = timezone.now() + timedelta(days=10)
    booking = Booking.objects.create(
        referral=existing, template=AssessmentTemplate.objects.first(), team=TeamFactory(),
        setting="home", starts_at=starts, first_entry_at=starts, ends_at=starts + timedelta(hours=2),
        status="booked", booked_by=admin_team)
    Referral.objects.filter(pk=existing.pk).update(status="booked")  # the arrangement
    response = client_for(call_handler).post("/calls/new/", crisis_call(
        service_user=existing.service_user.pk), follow=True)
    existing.refresh_from_db()
    booking.refresh_from_db()
    assert (existing.status, existing.triage_queue, booking.status) == ("awaiting_triage", "urgent", "booked")
    assert "is kept until triage decides again" in response.content.decode()
    page = client_for(triage_clinician).get(f"/referrals/{existing.pk}/").content.decode()
    assert "the assessment booked for" in page and "is kept until triage decides again" in page
    # Triaged routine again: it is booked, with the booking it kept.
    decide(triage_clinician, existing, urgency="routine", outcome="assessment", stream="AMH")
    existing.refresh_from_db()
    assert existing.status == "booked"
    assert existing.history.first().history_change_reason == "Triaged routine again: its booking kept"


@pytest.mark.django_db
def test_a_crisis_call_after_a_routine_triage_runs_a_new_urgent_clock_that_breaches_and_alerts_afresh(
        client_for, call_handler, triage_clinician, admin_team, person, gp_referrer):
    """The urgent clock that ran before triage breached and was alerted; triage revised it to
    routine. A crisis call later runs a new 24-hour clock from the call, beside the first run
    (kept as it ended), and its breach is alerted too: an alert is once per run, not per kind."""
    import time_machine

    from cap.services import referral_log_written
    from triage.alerts import scan_breaches
    from triage.models import BreachAlert

    start = timezone.now() - timedelta(days=3)
    with time_machine.travel(start, tick=False):
        existing = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                        reason="Low mood", referrer_urgency="urgent")
    first = running(existing)["assessment_24h"]
    scan_breaches(now=start + timedelta(hours=25))
    decide(triage_clinician, existing, urgency="routine", outcome="assessment", stream="AMH")
    first.refresh_from_db()
    assert first.cancel_reason == "urgency revised by triage"

    client_for(call_handler).post("/calls/new/", crisis_call(service_user=existing.service_user.pk))
    again = running(existing)["assessment_24h"]
    assert again.pk != first.pk and again.started_at == Enquiry.objects.get().received_at
    scan_breaches(now=again.due_at + timedelta(seconds=1))

    breached = BreachAlert.objects.filter(kind="breached", target__definition__code="assessment_24h")
    assert sorted(breached.values_list("target_id", flat=True)) == sorted([first.pk, again.pk])


@pytest.mark.django_db
def test_a_call_typed_with_the_nhs_number_of_someone_with_an_open_referral_joins_it(
        client_for, call_handler, admin_team, person, gp_referrer):
    from cap.services import referral_log_written

    existing = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                    reason="Low mood")
    client_for(call_handler).post("/calls/new/", crisis_call(
        **NEW_PERSON, nhs_number=existing.service_user.nhs_number))
    assert Referral.objects.count() == 1
    assert Enquiry.objects.get().referral == existing


@pytest.mark.django_db
def test_a_crisis_call_with_identity_not_confirmed_needs_no_date_of_birth_or_postcode(
        client_for, call_handler, triage_clinician):
    response = client_for(call_handler).post("/calls/new/", crisis_call(
        given_name="Dan", identity_not_confirmed="on"), follow=True)
    referral = Referral.objects.get()
    person = referral.service_user
    assert (person.given_name, person.family_name, person.date_of_birth, person.postcode) == (
        "Dan", "Unknown", None, "")
    assert not person.identity_confirmed
    assert referral.triage_queue == "urgent"
    assert "marked identity not confirmed" in response.content.decode()
    client = client_for(triage_clinician)
    for url in (f"/referrals/{referral.pk}/", f"/triage/referrals/{referral.pk}/decide/", "/triage/urgent/"):
        assert "Identity not confirmed" in client.get(url).content.decode(), url


@pytest.mark.django_db
def test_a_call_passed_to_triage_without_a_date_of_birth_is_told_it_can_tick_identity_not_confirmed(
        client_for, call_handler):
    response = client_for(call_handler).post("/calls/new/", crisis_call(given_name="Dan",
                                                                         family_name="Hale"))
    page = response.content.decode()
    assert "enter their date of birth. If the caller cannot or will not give it, tick" in page
    assert not Enquiry.objects.exists()


@pytest.mark.django_db
def test_the_identity_completed_later_confirms_the_person(client_for, call_handler, triage_clinician):
    client_for(call_handler).post("/calls/new/", crisis_call(given_name="Dan", identity_not_confirmed="on"))
    referral = Referral.objects.get()
    client = client_for(triage_clinician)
    form = client.get(f"/referrals/{referral.pk}/identity/")
    assert form.context["form"].initial["family_name"] == ""  # "Unknown" is not offered as a name
    response = client.post(f"/referrals/{referral.pk}/identity/", {
        "given_name": "Dan", "family_name": "Hale", "date_of_birth": "1990-02-03", "postcode": "le1 6tp"})
    assert response.status_code == 302
    person = Referral.objects.get().service_user
    assert (person.family_name, person.postcode, person.identity_confirmed) == ("Hale", "LE1 6TP", True)
    assert person.history.first().history_user == triage_clinician
    assert "Identity not confirmed" not in client.get(f"/referrals/{referral.pk}/").content.decode()


@pytest.mark.django_db
def test_the_identity_completed_like_someone_known_goes_to_the_identity_check(
        client_for, call_handler, admin_team):
    known = ServiceUserFactory(family_name="Hale", date_of_birth=date(1990, 2, 3))
    client_for(call_handler).post("/calls/new/", crisis_call(given_name="Dan", identity_not_confirmed="on"))
    referral = Referral.objects.get()
    response = client_for(admin_team).post(f"/referrals/{referral.pk}/identity/", {
        "given_name": "Dan", "family_name": "Hale", "date_of_birth": "1990-02-03", "postcode": "LE1 6TP"})
    assert response["Location"] == f"/identity-checks/{referral.pk}/"
    referral.refresh_from_db()
    assert referral.match_result == "possible_match"
    check = client_for(admin_team).get(response["Location"])
    assert known in check.context["candidates"]


@pytest.mark.django_db
def test_the_identity_form_refuses_a_missing_date_of_birth_and_keeps_what_was_typed(
        client_for, call_handler, triage_clinician):
    client_for(call_handler).post("/calls/new/", crisis_call(given_name="Dan", identity_not_confirmed="on"))
    referral = Referral.objects.get()
    response = client_for(triage_clinician).post(f"/referrals/{referral.pk}/identity/", {
        "given_name": "Dan", "family_name": "Hale", "postcode": "LE1 6TP"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Hale"' in page and "date of birth" in page.lower()
    assert not Referral.objects.get().service_user.identity_confirmed
