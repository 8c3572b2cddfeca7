"""The triage queues: who is on which, in what order, who may see them, claiming,
the refreshed fragment and a constant number of queries whatever the length."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cap.models import Referral, SpecificQueue
from cap.services import referral_log_written
from tests.factories import UserFactory
from triage import selectors, services
from triage.models import TriageClaim

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 11, 23, tzinfo=LONDON)  # a Monday with no bank holiday near it


def monday(hour, minute=0):
    return MONDAY.replace(hour=hour, minute=minute)


@pytest.fixture
def refer(admin_team, person, gp_referrer):
    """A written referral received at an exact instant."""

    def make(received_at=None, **details):
        with time_machine.travel(received_at or monday(9), tick=False):
            return referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                        reason="Low mood", **details)

    return make


def urgent_requested(referral):
    Referral.objects.filter(pk=referral.pk).update(urgent_triage_requested_at=referral.received_at)
    return referral


@pytest.fixture
def other_clinician(triage_clinician):
    return UserFactory(username="second.clinician", first_name="Sam", last_name="Okoro",
                       role="Triage clinician")


@pytest.fixture
def mixed_referrals(refer, triage_clinician):
    awaiting_assessment = refer(monday(9, 5))
    with time_machine.travel(monday(10), tick=False):
        services.triage_decision_record(actor=triage_clinician, referral=awaiting_assessment,
                                        urgency="urgent", outcome="assessment", stream="AMH",
                                        rationale="Crisis assessment within 24 hours.")
    booking = refer(monday(9, 10))
    with time_machine.travel(monday(10), tick=False):
        services.triage_decision_record(actor=triage_clinician, referral=booking,
                                        urgency="routine", outcome="assessment", stream="AMH",
                                        rationale="Routine assessment.")
    return {
        "routine": refer(monday(9)),
        "requested": urgent_requested(refer(monday(9, 15))),
        "rules_very_urgent": refer(monday(9, 20), risk_indicators=["intent_with_plan"]),
        "referrer_urgent": refer(monday(9, 25), referrer_urgency="urgent"),
        "awaiting_assessment": awaiting_assessment,
        "awaiting_booking": booking,
        "eating_disorders": refer(monday(9, 30), specific_queue=SpecificQueue.EATING_DISORDERS),
        "eating_disorders_urgent": refer(monday(9, 35), specific_queue=SpecificQueue.EATING_DISORDERS,
                                         referrer_urgency="very_urgent"),
        "nursing_home": refer(monday(9, 40), specific_queue=SpecificQueue.NURSING_HOME_IN_REACH),
    }


def names(queryset, referrals):
    by_id = {r.pk: name for name, r in referrals.items()}
    return {by_id[r.pk] for r in queryset}


@pytest.mark.django_db
def test_urgent_queue_holds_urgent_flagged_referrals_and_those_awaiting_urgent_assessment(
        mixed_referrals):
    assert names(selectors.urgent_queue(), mixed_referrals) == {
        "requested", "rules_very_urgent", "referrer_urgent", "awaiting_assessment",
        "eating_disorders_urgent"}


@pytest.mark.django_db
def test_non_urgent_queue_holds_unflagged_referrals_awaiting_triage_with_no_specific_queue(
        mixed_referrals):
    assert names(selectors.non_urgent_queue(), mixed_referrals) == {"routine"}


@pytest.mark.django_db
def test_specific_queues_hold_their_own_non_urgent_referrals(mixed_referrals):
    assert names(selectors.specific_queue(SpecificQueue.EATING_DISORDERS), mixed_referrals) == {
        "eating_disorders"}
    assert names(selectors.specific_queue(SpecificQueue.NURSING_HOME_IN_REACH),
                 mixed_referrals) == {"nursing_home"}


@pytest.mark.django_db
def test_urgent_requested_referral_is_in_the_urgent_queue_not_the_non_urgent_one(refer):
    referral = urgent_requested(refer(monday(9)))
    assert list(selectors.urgent_queue()) == [referral]
    assert not selectors.non_urgent_queue().exists()


@pytest.mark.django_db
def test_referral_received_monday_0930_comes_before_one_received_monday_1100(refer):
    eleven = refer(monday(11))
    half_nine = refer(monday(9, 30))
    assert list(selectors.non_urgent_queue()) == [half_nine, eleven]


@pytest.mark.django_db
def test_urgent_queue_orders_by_earliest_running_target_across_statuses(refer, triage_clinician):
    """Urgent, decided Monday 10:00 from a 09:00 contact: 24-hour assessment due Tuesday
    09:00. An urgent contact at 09:30 waiting for a clinician: its urgent triage response is
    due at 10:30 Monday, so it is the more at risk and comes first; then, its clinician
    having acted, its 24-hour clock (due Tuesday 09:30, from the first contact) comes after."""
    decided = refer(monday(9), referrer_urgency="urgent")
    with time_machine.travel(monday(10), tick=False):
        services.triage_decision_record(actor=triage_clinician, referral=decided, urgency="urgent",
                                        outcome="assessment", stream="AMH", rationale="Crisis.")
    waiting = refer(monday(9, 30), referrer_urgency="urgent")
    assert list(selectors.urgent_queue()) == [waiting, decided]
    with time_machine.travel(monday(10, 15), tick=False):
        services.claim_referral(actor=triage_clinician, referral=waiting)
    assert Referral.objects.get(pk=waiting.pk).next_due_at == datetime(2026, 11, 24, 9, 30, tzinfo=LONDON)
    assert list(selectors.urgent_queue()) == [decided, waiting]


@pytest.mark.django_db
def test_queue_page_lists_the_earliest_due_first(refer, triage_clinician, client_for):
    eleven = refer(monday(11))
    half_nine = refer(monday(9, 30))
    with time_machine.travel(monday(12), tick=False):
        html = client_for(triage_clinician).get(reverse("queues:non_urgent")).content.decode()
    assert html.index(half_nine.reference) < html.index(eleven.reference)


@pytest.mark.django_db
def test_queue_shows_local_due_time_and_time_left(refer, triage_clinician, client_for):
    refer(monday(12))  # triage review due Tuesday 12:00
    with time_machine.travel(datetime(2026, 11, 24, 8, 40, tzinfo=LONDON), tick=False):
        response = client_for(triage_clinician).get(reverse("queues:non_urgent"))
    assert "Tue 24 Nov 2026, midday" in response.content.decode()
    assert "3 h 20 min" in response.content.decode()


@pytest.mark.django_db
def test_queue_says_overdue_in_words_after_the_due_instant(refer, triage_clinician, client_for):
    refer(monday(12))
    with time_machine.travel(datetime(2026, 11, 24, 12, 25, tzinfo=LONDON), tick=False):
        html = client_for(triage_clinician).get(reverse("queues:non_urgent")).content.decode()
    assert '<strong class="cap-overdue">Overdue by 25 min</strong>' in html


@pytest.mark.django_db
def test_queue_across_the_clocks_going_back_counts_elapsed_time(refer, triage_clinician,
                                                                  client_for):
    """Received Friday 23 October 2026 12:00, due Monday 26 October 12:00 (GMT again):
    at Monday 09:00 three hours are left, whatever the clocks did on Sunday."""
    refer(datetime(2026, 10, 23, 12, tzinfo=LONDON))
    with time_machine.travel(datetime(2026, 10, 26, 9, tzinfo=LONDON), tick=False):
        html = client_for(triage_clinician).get(reverse("queues:non_urgent")).content.decode()
    assert "Mon 26 Oct 2026, midday" in html
    # Three hours, not "3 h 0 min" or four (an at-risk tag may follow it).
    assert any(f'aria-hidden="true">Time left </span>3 h{end}' in html for end in ("</td>", " <strong"))


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["queues:eating_disorders", "queues:nursing_home_in_reach"])
def test_specific_queues_are_refused_to_a_triage_clinician_without_the_queue_permission(
        triage_clinician, client_for, name):
    assert client_for(triage_clinician).get(reverse(name)).status_code == 403


@pytest.mark.django_db
def test_eating_disorders_queue_is_open_to_the_eating_disorders_triage_group(refer, client_for):
    referral = refer(monday(9), specific_queue=SpecificQueue.EATING_DISORDERS)
    member = UserFactory(role="Eating disorders triage")
    response = client_for(member).get(reverse("queues:eating_disorders"))
    assert response.status_code == 200
    assert referral.reference in response.content.decode()
    assert client_for(member).get(reverse("queues:nursing_home_in_reach")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["queues:urgent", "queues:non_urgent"])
def test_urgent_and_non_urgent_queues_are_refused_to_a_call_handler(call_handler, client_for, name):
    assert client_for(call_handler).get(reverse(name)).status_code == 403


def claim(client, referral, back="/triage/urgent/"):
    return client.post(reverse("queues:claim", args=[referral.pk]), {"next": back}, follow=True)


@pytest.mark.django_db
def test_a_second_clinicians_claim_is_refused_while_the_first_is_live(
        refer, triage_clinician, other_clinician, client_for):
    referral = urgent_requested(refer(monday(9)))
    with time_machine.travel(monday(10), tick=False):
        claim(client_for(triage_clinician), referral)
        response = claim(client_for(other_clinician), referral)
    assert response.redirect_chain == [("/triage/urgent/", 302)]
    assert "is working on" in response.content.decode()
    assert TriageClaim.objects.get(referral=referral).clinician == triage_clinician


@pytest.mark.django_db
def test_a_second_clinicians_claim_succeeds_once_the_first_has_expired(
        refer, triage_clinician, other_clinician, client_for):
    referral = urgent_requested(refer(monday(9)))
    with time_machine.travel(monday(10), tick=False) as traveller:
        claim(client_for(triage_clinician), referral)
        traveller.shift(timedelta(minutes=services.CLAIM_MINUTES, seconds=1))
        response = claim(client_for(other_clinician), referral)
    assert "You are working on" in response.content.decode()
    assert TriageClaim.objects.get(referral=referral).clinician == other_clinician


@pytest.mark.django_db
def test_the_queue_shows_who_has_claimed_a_referral_and_until_when(
        refer, triage_clinician, other_clinician, client_for):
    referral = urgent_requested(refer(monday(9)))
    with time_machine.travel(monday(10), tick=False):
        services.claim_referral(actor=triage_clinician, referral=referral)
        mine = client_for(triage_clinician).get(reverse("queues:urgent")).content.decode()
        theirs = client_for(other_clinician).get(reverse("queues:urgent")).content.decode()
    assert "You, until 10:30" in mine and "Release" in mine
    name = triage_clinician.get_full_name()
    assert f"{name}, until 10:30" in theirs
    assert f"Claim<span class=\"nhsuk-u-visually-hidden\"> {referral.reference}" not in theirs


@pytest.mark.django_db
def test_releasing_a_claim_frees_the_referral(refer, triage_clinician, client_for):
    referral = urgent_requested(refer(monday(9)))
    client = client_for(triage_clinician)
    claim(client, referral)
    response = client.post(reverse("queues:release", args=[referral.pk]),
                           {"next": "/triage/urgent/"}, follow=True)
    assert "You have released" in response.content.decode()
    assert not TriageClaim.objects.exists()


@pytest.mark.django_db
def test_claim_never_redirects_off_site(refer, triage_clinician, client_for):
    referral = urgent_requested(refer(monday(9)))
    response = client_for(triage_clinician).post(reverse("queues:claim", args=[referral.pk]),
                                                 {"next": "https://evil.example/"})
    assert response["Location"] == "/triage/urgent/"


@pytest.mark.django_db
def test_claiming_needs_the_triage_decision_permission(refer, admin_team, client_for):
    referral = refer(monday(9))
    assert claim(client_for(admin_team), referral).status_code == 403


@pytest.mark.django_db
def test_the_refresh_request_returns_only_the_table(refer, triage_clinician, client_for):
    referral = urgent_requested(refer(monday(9)))
    response = client_for(triage_clinician).get(reverse("queues:urgent"),
                                                headers={"X-Requested-With": "fetch"})
    html = response.content.decode()
    assert html.lstrip().startswith('<p class="nhsuk-body-s" data-as-at>As at ') and "<table" in html
    assert referral.reference in html
    assert "<html" not in html and "<h1" not in html and "Pause updates" not in html


@pytest.mark.django_db
def test_the_full_page_loads_the_refresh_module_and_its_controls(triage_clinician, client_for):
    html = client_for(triage_clinician).get(reverse("queues:urgent")).content.decode()
    assert 'type="module" src="/assets/js/queue-refresh.mjs"' in html
    assert 'aria-live="polite"' in html and "Pause updates" in html


@pytest.mark.django_db
def test_the_triage_worklist_still_works_and_links_to_the_queues(refer, triage_clinician,
                                                                  client_for):
    referral = refer(monday(9))
    response = client_for(triage_clinician).get(reverse("triage:worklist"))
    html = response.content.decode()
    assert response.status_code == 200 and referral.reference in html
    assert reverse("queues:urgent") in html and reverse("queues:non_urgent") in html


@pytest.mark.django_db
def test_urgent_queue_page_costs_the_same_queries_with_2_and_with_12_referrals(
        refer, triage_clinician, other_clinician, client_for, django_assert_num_queries):
    def add(n):
        for _ in range(n):
            referral = urgent_requested(refer(monday(9)))
            services.claim_referral(actor=other_clinician, referral=referral)

    client = client_for(triage_clinician)
    add(2)
    client.get(reverse("queues:urgent"))  # the session and permissions, as on any later visit
    with CaptureQueriesContext(connection) as two:
        assert client.get(reverse("queues:urgent")).content.decode().count("data-referral=") == 2
    add(10)
    with django_assert_num_queries(len(two.captured_queries)):
        assert client.get(reverse("queues:urgent")).content.decode().count("data-referral=") == 12


@pytest.mark.django_db
def test_the_first_rows_of_a_queue_are_the_same_as_the_start_of_the_whole_queue(refer,
                                                                                 triage_clinician):
    """The page's head (a limit on the due-ordered index) agrees with ordering the whole
    queue, across a decided referral whose running target is not its first."""
    decided = refer(monday(9), referrer_urgency="urgent")
    with time_machine.travel(monday(10), tick=False):
        services.triage_decision_record(actor=triage_clinician, referral=decided, urgency="urgent",
                                        outcome="assessment", stream="AMH", rationale="Crisis.")
    for minute in (50, 10, 30, 20):
        refer(monday(9, minute), referrer_urgency="urgent")
    whole = list(selectors.urgent_queue())
    assert list(selectors.urgent_queue(limit=3)) == whole[:3]
    assert list(selectors.urgent_queue(limit=10)) == whole


@pytest.mark.django_db
def test_a_referral_saved_from_a_copy_read_before_its_decision_keeps_its_new_due_time(
        refer, triage_clinician):
    """Received Monday 09:00 (review due Tuesday 09:00), decided very urgent at 10:00: the
    4-hour assessment is due Monday 13:00. Saving a copy read before the decision must not
    put Tuesday back, or the queue would show it a day late."""
    decided = refer(monday(9), referrer_urgency="very_urgent")
    stale = Referral.objects.get(pk=decided.pk)
    with time_machine.travel(monday(10), tick=False):
        services.triage_decision_record(actor=triage_clinician, referral=decided,
                                        urgency="very_urgent", outcome="assessment", stream="AMH",
                                        rationale="Crisis assessment within 4 hours.")
    stale.additional_information = "GP rang back: no change."
    stale.save()
    assert Referral.objects.get(pk=decided.pk).next_due_at == monday(13)
