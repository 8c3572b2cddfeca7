"""A person back on the booking queue after a cancellation or a missed appointment: why
they are back and how many times, the rebooking target that puts them near the top, the
clinical review a third "did not attend" (or a vulnerable person's) asks for, and "was
not brought", which raises a safeguarding review and never discharges anyone."""

import pytest
from django.urls import reverse

from cap.models import Referral, ReferralStatus, ServiceUser, Task, TaskKind
from cap.services import service_user_vulnerable_set
from core.errors import Conflict, Invalid
from scheduling import selectors, services
from scheduling.models import ClinicalReview

from .conftest import MONDAY_8, at


def book(admin_team, referral, now):
    option = services.options_for(referral=referral, now=now).options[0]
    return services.booking_create(actor=admin_team, referral=referral, option_id=option.id, now=now)


def miss(admin_team, referral, now, outcome=services.booking_did_not_attend):
    """Book the first option from `now` and record it missed when it has ended."""
    booking = book(admin_team, referral, now)
    outcome(actor=admin_team, booking=booking, now=booking.ends_at)
    return booking


def rebooking_runs(referral):
    return list(referral.targets.filter(definition__code="rebooking").order_by("started_at"))


def queued(referral):
    return next(r for r in selectors.booking_queue(now=MONDAY_8) if r.pk == referral.pk)


def flag_vulnerable(actor, referral):
    service_user_vulnerable_set(actor=actor, service_user=referral.service_user, vulnerable=True,
                                reason="Lives alone; lost weight since her partner died")


@pytest.mark.django_db
def test_a_cancellation_by_the_person_starts_a_rebooking_target_due_a_working_day_later(
        admin_team, triaged, staff, room):
    referral = triaged()
    booking = book(admin_team, referral, MONDAY_8)
    services.booking_cancel(actor=admin_team, booking=booking, by="person", reason="Working that day",
                            now=at(0, 11))
    [run] = rebooking_runs(referral)
    assert (run.started_at, run.due_at, run.met_at) == (at(0, 11), at(1, 11), None)
    referral.refresh_from_db()
    assert referral.next_due_at == at(1, 11)
    row = queued(referral)
    assert (row.why_back, row.cancelled_by_person, row.cancelled_by_service, row.did_not_attend) == (
        "Cancelled by the person", 1, 0, 0)


@pytest.mark.django_db
def test_booked_again_meets_the_rebooking_target_and_the_next_return_runs_it_again(
        admin_team, triaged, staff, room):
    referral = triaged()
    services.booking_cancel(actor=admin_team, booking=book(admin_team, referral, MONDAY_8), by="service",
                            reason="Clinic closed", now=at(0, 9))
    again = book(admin_team, referral, at(0, 9, 30))
    first = rebooking_runs(referral)[0]
    assert first.met_at == at(0, 9, 30)
    services.booking_did_not_attend(actor=admin_team, booking=again, now=again.ends_at)
    first_run, second_run = rebooking_runs(referral)
    assert first_run.met_at == at(0, 9, 30)
    assert (second_run.started_at, second_run.met_at) == (again.starts_at, None)
    row = queued(referral)
    assert (row.why_back, row.cancelled_by_service, row.did_not_attend) == ("Did not attend", 1, 1)


@pytest.mark.django_db
def test_a_rebook_at_the_persons_request_is_not_counted_as_a_cancellation(
        admin_team, triaged, staff, room):
    referral = triaged()
    old = book(admin_team, referral, MONDAY_8)
    later = services.options_for(referral=referral, now=MONDAY_8).options[1]
    new = services.booking_rebook(actor=admin_team, booking=old, option_id=later.id, by="person",
                                  reason="Prefers the afternoon", now=MONDAY_8)
    services.booking_cancel(actor=admin_team, booking=new, by="person", reason="Unwell", now=at(0, 9))
    row = queued(referral)
    assert (row.why_back, row.cancelled_by_person) == ("Cancelled by the person", 1)
    assert len(rebooking_runs(referral)) == 1


@pytest.mark.django_db
def test_a_person_back_after_a_cancellation_is_ahead_of_referrals_due_later_not_at_the_bottom(
        admin_team, triaged, staff, room):
    cancelled = triaged()
    services.booking_cancel(actor=admin_team, booking=book(admin_team, cancelled, MONDAY_8), by="person",
                            reason="Working that day", now=at(1, 11))  # rebooking due Wednesday 11:00
    due_sooner = triaged(received=at(1, 10))  # booking target due Wednesday 10:00
    due_later = triaged(received=at(1, 12))  # booking target due Wednesday 12:00
    assert [r.pk for r in selectors.booking_queue(now=at(1, 13))] == [
        due_sooner.pk, cancelled.pk, due_later.pk]


@pytest.mark.django_db
def test_the_first_time_on_the_queue_says_first_booking(admin_team, triaged, staff, room):
    row = queued(triaged())
    assert (row.why_back, row.review_needed) == ("", False)


@pytest.mark.django_db
def test_a_third_did_not_attend_asks_for_a_clinical_review_before_anyone_books_again(
        admin_team, triaged, staff, room):
    referral = triaged()
    now = MONDAY_8
    for _ in range(2):
        now = miss(admin_team, referral, now).ends_at
    assert not ClinicalReview.objects.exists()
    third = miss(admin_team, referral, now)
    review = ClinicalReview.objects.get()
    assert (review.referral_id, review.booking, review.reason) == (referral.pk, third,
                                                                   "third_did_not_attend")
    row = queued(referral)
    assert (row.why_back, row.did_not_attend, row.review_needed) == ("Did not attend", 3, True)
    with pytest.raises(Conflict, match="needs a clinical review"):
        book(admin_team, referral, third.ends_at)
    with pytest.raises(Conflict, match="needs a clinical review"):
        option = services.options_for(referral=referral, now=third.ends_at).options[0]
        services.booking_hold(actor=admin_team, referral=referral, option_id=option.id, now=third.ends_at)


@pytest.mark.django_db
def test_a_vulnerable_persons_first_did_not_attend_asks_for_a_clinical_review(
        admin_team, triaged, staff, room):
    referral = triaged()
    flag_vulnerable(admin_team, referral)
    miss(admin_team, referral, MONDAY_8)
    assert ClinicalReview.objects.get().reason == "vulnerable"


@pytest.mark.django_db
def test_flagging_a_person_vulnerable_needs_a_reason_and_records_who_and_when(admin_team, triaged):
    referral = triaged()
    with pytest.raises(Invalid, match="Say why"):
        service_user_vulnerable_set(actor=admin_team, service_user=referral.service_user, vulnerable=True,
                                    reason="  ")
    flag_vulnerable(admin_team, referral)
    person = ServiceUser.objects.get(pk=referral.service_user_id)
    assert (person.vulnerable, person.vulnerable_set_by) == (True, admin_team)
    assert person.history.first().history_user == admin_team


@pytest.mark.django_db
def test_a_review_offering_another_appointment_lets_the_person_be_booked_again(
        admin_team, triage_clinician, triaged, staff, room):
    referral = triaged()
    flag_vulnerable(admin_team, referral)
    missed = miss(admin_team, referral, MONDAY_8)
    review = services.clinical_review_record(actor=triage_clinician, review=ClinicalReview.objects.get(),
                                             decision="rebook", note="Spoke to her: she forgot.",
                                             now=missed.ends_at)
    assert (review.decided_by, review.decided_at) == (triage_clinician, missed.ends_at)
    assert book(admin_team, referral, missed.ends_at).status == "booked"
    with pytest.raises(Conflict, match="already been recorded"):
        services.clinical_review_record(actor=triage_clinician, review=review, decision="rebook", note="x")


@pytest.mark.django_db
def test_a_review_discharging_to_the_gp_needs_the_letter_closes_the_referral_and_stops_its_clocks(
        admin_team, triage_clinician, triaged, staff, room):
    referral = triaged()
    flag_vulnerable(admin_team, referral)
    missed = miss(admin_team, referral, MONDAY_8)
    review = ClinicalReview.objects.get()
    with pytest.raises(Invalid, match="letter"):
        services.clinical_review_record(actor=triage_clinician, review=review, decision="discharge_to_gp",
                                        note="No contact after three attempts.")
    services.clinical_review_record(actor=triage_clinician, review=review, decision="discharge_to_gp",
                                    note="No contact after three attempts.", letter="Dear Dr Shaw, ...",
                                    now=missed.ends_at)
    referral.refresh_from_db()
    assert (referral.status, referral.next_due_at) == (ReferralStatus.CLOSED, None)
    assert not referral.targets.running().exists()
    assert referral not in selectors.under_cap_until_assessed()


@pytest.mark.django_db
def test_a_review_routing_elsewhere_names_the_service(admin_team, triage_clinician, triaged, staff, room):
    referral = triaged()
    flag_vulnerable(admin_team, referral)
    miss(admin_team, referral, MONDAY_8)
    review = ClinicalReview.objects.get()
    with pytest.raises(Invalid, match="which service"):
        services.clinical_review_record(actor=triage_clinician, review=review, decision="route_elsewhere",
                                        note="Needs the memory service.")
    services.clinical_review_record(actor=triage_clinician, review=review, decision="route_elsewhere",
                                    note="Needs the memory service.", routed_to="Memory assessment service")
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.ROUTED


@pytest.mark.django_db
def test_was_not_brought_raises_a_safeguarding_review_for_the_team_and_puts_the_person_back(
        admin_team, triaged, staff, room, team):
    referral = triaged()
    booking = miss(admin_team, referral, MONDAY_8, outcome=services.booking_was_not_brought)
    booking.refresh_from_db()
    assert booking.status == "was_not_brought"
    task = Task.objects.get(kind=TaskKind.SAFEGUARDING_REVIEW)
    assert (task.team, task.service_user_id, task.done_at) == (team, referral.service_user_id, None)
    assert referral.reference in task.description
    [run] = rebooking_runs(referral)
    assert (run.started_at, run.met_at) == (booking.starts_at, None)
    row = queued(referral)
    assert (row.why_back, row.was_not_brought, row.did_not_attend) == ("Was not brought", 1, 0)


@pytest.mark.django_db
def test_was_not_brought_never_discharges_nor_asks_for_the_review_that_may(
        admin_team, triaged, staff, room):
    """Not the person's choice: not brought after two "did not attend", and for a person
    flagged vulnerable, the person stays awaiting booking with a running target and no
    review that could close the referral."""
    referral = triaged()
    flag_vulnerable(admin_team, referral)
    now = MONDAY_8
    for _ in range(3):
        now = miss(admin_team, referral, now, outcome=services.booking_was_not_brought).ends_at
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.AWAITING_BOOKING
    assert referral.targets.running().filter(definition__code="rebooking").exists()
    assert not ClinicalReview.objects.exists()
    assert Task.objects.filter(kind=TaskKind.SAFEGUARDING_REVIEW).count() == 3
    statuses = set(referral.history.values_list("status", flat=True))
    assert not statuses & {ReferralStatus.CLOSED, ReferralStatus.ROUTED, ReferralStatus.ASSESSED}


@pytest.mark.django_db
def test_was_not_brought_does_not_count_towards_the_third_did_not_attend(
        admin_team, triaged, staff, room):
    referral = triaged()
    now = miss(admin_team, referral, MONDAY_8).ends_at
    now = miss(admin_team, referral, now, outcome=services.booking_was_not_brought).ends_at
    now = miss(admin_team, referral, now).ends_at
    assert not ClinicalReview.objects.exists()
    miss(admin_team, referral, now)
    assert ClinicalReview.objects.get().reason == "third_did_not_attend"


# --- Through the pages ---------------------------------------------------------------------

@pytest.mark.django_db
def test_the_booking_queue_page_says_why_each_person_is_back_and_when_a_review_is_needed(
        client_for, admin_team, triaged, staff, room):
    cancelled, missed = triaged(), triaged()
    services.booking_cancel(actor=admin_team, booking=book(admin_team, cancelled, MONDAY_8), by="person",
                            reason="Working that day", now=at(0, 9))
    flag_vulnerable(admin_team, missed)
    miss(admin_team, missed, MONDAY_8)
    page = client_for(admin_team).get(reverse("scheduling:booking_queue")).content.decode()
    assert "Cancelled by the person" in page
    assert "Clinical review needed" in page and "Waiting for the clinical review" in page


@pytest.mark.django_db
def test_a_triage_clinician_records_the_review_from_the_worklist(
        client_for, admin_team, triage_clinician, triaged, staff, room):
    referral = triaged()
    flag_vulnerable(admin_team, referral)
    miss(admin_team, referral, MONDAY_8)
    review = ClinicalReview.objects.get()
    client = client_for(triage_clinician)
    url = reverse("scheduling:clinical_review", args=[review.pk])
    assert url in client.get(reverse("triage:worklist")).content.decode()
    refused = client.post(url, {"decision": "discharge_to_gp", "note": "No contact.", "letter": ""})
    assert refused.status_code == 400
    assert "Write the letter to the GP" in refused.content.decode()
    assert "No contact." in refused.content.decode()
    response = client.post(url, {"decision": "rebook", "note": "Spoke to her mother."})
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.decision, review.decided_by) == ("rebook", triage_clinician)


@pytest.mark.django_db
def test_the_admin_team_cannot_record_a_clinical_review(client_for, admin_team, triaged, staff, room):
    referral = triaged()
    flag_vulnerable(admin_team, referral)
    miss(admin_team, referral, MONDAY_8)
    url = reverse("scheduling:clinical_review", args=[ClinicalReview.objects.get().pk])
    assert client_for(admin_team).post(url, {"decision": "rebook", "note": "x"}).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin_team", "triage_clinician"])
def test_the_vulnerable_flag_is_set_from_the_referral_page_with_its_reason(
        client_for, triaged, role, request):
    user = request.getfixturevalue(role)
    referral = triaged()
    client = client_for(user)
    url = reverse("cap:person_vulnerable", args=[referral.pk])
    assert url in client.get(reverse("cap:referral", args=[referral.pk])).content.decode()
    refused = client.post(url, {"vulnerable": "yes", "reason": ""})
    assert refused.status_code == 200 and "Enter why" in refused.content.decode()
    assert client.post(url, {"vulnerable": "yes", "reason": "Carer unwell"}).status_code == 302
    person = ServiceUser.objects.get(pk=referral.service_user_id)
    assert (person.vulnerable, person.vulnerable_reason, person.vulnerable_set_by) == (
        True, "Carer unwell", user)
    assert "Carer unwell" in client.get(reverse("cap:referral", args=[referral.pk])).content.decode()
