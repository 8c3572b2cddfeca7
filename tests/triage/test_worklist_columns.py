"""What a triage worklist row shows (the reference, name, NHS number, age, which target is
due, when and the time left, the at-risk and breached tags, the flags), its sort, filters
and pages from the address, and one query count whatever the number of rows."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cap.models import Referral, ServiceUser
from cap.services import referral_log_written, service_user_vulnerable_set
from triage import services
from triage.models import WaitTarget

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 11, 23, tzinfo=LONDON)  # a Monday with no bank holiday near it
TUESDAY_0840 = datetime(2026, 11, 24, 8, 40, tzinfo=LONDON)


def monday(hour, minute=0):
    return MONDAY.replace(hour=hour, minute=minute)


@pytest.fixture
def refer(admin_team, person, gp_referrer):
    def make(received_at=None, person_details=None, **details):
        with time_machine.travel(received_at or monday(9), tick=False):
            return referral_log_written(actor=admin_team, person=person_details or person(),
                                        referrer=gp_referrer, reason="Low mood", **details)

    return make


def row_of(html: str, referral: Referral) -> str:
    match = re.search(rf'<tr [^>]*data-referral="{referral.reference}".*?</tr>', html, re.S)
    assert match, f"{referral.reference} is not on the page"
    return match.group(0)


def worklist(client, at=TUESDAY_0840, name="triage:worklist", **params):
    """The worklist (or the page `name`) at `at`, as the triage clinician signed in
    afresh there (a session idle since the last instant would have timed out)."""
    user = User.objects.get(username="triage.clinician")
    with time_machine.travel(at, tick=False):
        client.force_login(user)
        return client.get(reverse(name), params)


@pytest.mark.django_db
def test_a_row_shows_the_reference_name_formatted_nhs_number_age_and_the_target_due(
        refer, person, triage_clinician, client_for):
    referral = refer(monday(12), person(nhs_number="9434765919", given_name="Noor", family_name="Khan",
                                        date_of_birth=date(1990, 12, 2)))
    row = row_of(worklist(client_for(triage_clinician)).content.decode(), referral)
    assert referral.reference in row and "Noor Khan" in row
    assert "943 476 5919" in row
    assert 'aria-hidden="true">Age </span>35</td>' in row
    assert "Triage review within 1 working day" in row
    assert "Tue 24 Nov 2026, midday" in row and "3 h 20 min" in row


@pytest.mark.django_db
def test_a_row_is_tagged_at_risk_once_its_target_is_at_risk_and_breached_after_it_is_due(
        refer, triage_clinician, client_for):
    referral = refer(monday(12))
    target = WaitTarget.objects.get(referral=referral)
    assert target.at_risk_at is not None
    client = client_for(triage_clinician)
    before = row_of(worklist(client, at=target.at_risk_at - timedelta(minutes=1)).content.decode(), referral)
    assert "At risk" not in before and "Breached" not in before
    at_risk = row_of(worklist(client, at=target.at_risk_at).content.decode(), referral)
    assert '<strong class="nhsuk-tag nhsuk-tag--orange">At risk</strong>' in at_risk
    breached = row_of(worklist(client, at=target.due_at + timedelta(minutes=1)).content.decode(), referral)
    assert '<strong class="nhsuk-tag nhsuk-tag--red">Breached</strong>' in breached
    assert "Overdue by 1 min" in breached and "At risk" not in breached


@pytest.mark.django_db
def test_a_row_flags_crisis_identity_not_confirmed_reasonable_adjustments_and_vulnerable(
        refer, person, triage_clinician, admin_team, client_for):
    plain = refer(monday(9))
    crisis = refer(monday(9, 5), risk_indicators=["referrer_flagged_crisis"])
    unconfirmed = refer(monday(9, 10))
    ServiceUser.objects.filter(pk=unconfirmed.service_user_id).update(identity_confirmed=False)
    adjusted = refer(monday(9, 15), referrer_urgency="urgent")
    with time_machine.travel(monday(10), tick=False):
        services.triage_decision_record(actor=triage_clinician, referral=adjusted, urgency="urgent",
                                        outcome="assessment", stream="AMH", rationale="Crisis assessment.",
                                        requirements="Needs a British Sign Language interpreter")
    vulnerable = refer(monday(9, 20))
    service_user_vulnerable_set(actor=admin_team, service_user=vulnerable.service_user, vulnerable=True,
                                reason="Lives alone, missed two appointments")
    html = worklist(client_for(triage_clinician), at=monday(11)).content.decode()
    assert 'aria-hidden="true">Flags </span>None</td>' in row_of(html, plain)
    assert ">Crisis</strong>" in row_of(html, crisis)
    assert ">Identity not confirmed</strong>" in row_of(html, unconfirmed)
    assert ">Reasonable adjustments</strong>" in row_of(html, adjusted)
    assert ">Awaiting urgent assessment</strong>" in row_of(html, adjusted)
    assert ">Vulnerable</strong>" in row_of(html, vulnerable)
    assert "Reasonable adjustments" not in row_of(html, plain) + row_of(html, crisis)


@pytest.mark.django_db
def test_the_table_is_the_design_systems_responsive_table(refer, triage_clinician, client_for):
    refer(monday(9))
    html = worklist(client_for(triage_clinician)).content.decode()
    assert '<table class="nhsuk-table nhsuk-table--responsive cap-worklist" role="table"' in html
    assert '<th scope="col" class="nhsuk-table__header" role="columnheader">NHS number</th>' in html
    assert '<span class="nhsuk-table__heading" aria-hidden="true">Time left </span>' in html
    assert 'class="nhsuk-width-container-fluid"' in html


@pytest.mark.django_db
def test_the_worklist_is_due_first_by_default_and_sorts_by_received_or_name(
        refer, person, triage_clinician, client_for):
    later_due = refer(monday(11), person(family_name="Adams"))
    urgent = refer(monday(11, 30), person(family_name="Zane"), referrer_urgency="very_urgent")
    earliest = refer(monday(9), person(family_name="Brown"))
    client = client_for(triage_clinician)

    def order(**params):
        html = worklist(client, at=monday(12), **params).content.decode()
        return sorted((html.index(r.reference), r) for r in (later_due, urgent, earliest))

    assert [r for _, r in order()] == [urgent, earliest, later_due]  # 4 hours, then the next day
    assert [r for _, r in order(sort="received")] == [earliest, later_due, urgent]
    assert [r for _, r in order(sort="name")] == [later_due, earliest, urgent]


@pytest.mark.django_db
def test_the_worklist_filters_by_queue_and_state(refer, triage_clinician, client_for):
    routine = refer(monday(9))
    urgent = refer(monday(9, 5), referrer_urgency="urgent")
    decided = refer(monday(9, 10), referrer_urgency="urgent")
    with time_machine.travel(monday(10), tick=False):
        services.triage_decision_record(actor=triage_clinician, referral=decided, urgency="urgent",
                                        outcome="assessment", stream="AMH", rationale="Crisis assessment.")
    client = client_for(triage_clinician)
    html = worklist(client, at=monday(11), queue="urgent").content.decode()
    assert urgent.reference in html and decided.reference in html and routine.reference not in html
    html = worklist(client, at=monday(11), state="awaiting_urgent_assessment").content.decode()
    assert decided.reference in html and urgent.reference not in html and routine.reference not in html
    html = worklist(client, at=monday(11), queue="non-urgent").content.decode()
    assert routine.reference in html and urgent.reference not in html


@pytest.mark.django_db
def test_pages_of_the_worklist_keep_the_filters_in_their_links(refer, triage_clinician, client_for):
    for minute in range(27):
        refer(monday(9, minute))
    client = client_for(triage_clinician)
    first = worklist(client, at=monday(11), queue="non-urgent", sort="received").content.decode()
    assert first.count("data-referral=") == 25
    assert 'href="?queue=non-urgent&amp;sort=received&amp;page=2"' in first
    second = worklist(client, at=monday(11), queue="non-urgent", sort="received", page="2").content.decode()
    assert second.count("data-referral=") == 2 and "Page 1 of 2" in second


@pytest.mark.django_db
@pytest.mark.parametrize("params", [
    {"sort": "'; DROP TABLE cap_referral; --"}, {"queue": "nowhere"}, {"state": "closed"},
    {"page": "0"}, {"page": "-4"}, {"page": "99999999999999999999"}, {"page": "two"},
    {"sort": ["due", "name"], "page": ["1", "x"]}, {"queue": "eating-disorders"},
])
def test_a_bad_parameter_of_any_shape_is_ignored(refer, triage_clinician, client_for, params):
    referral = refer(monday(9))
    response = worklist(client_for(triage_clinician), at=monday(11), **params)
    assert response.status_code == 200 and referral.reference in response.content.decode()


@pytest.mark.django_db
def test_the_worklist_shows_the_servers_as_at_time_and_a_refresh_link(refer, triage_clinician, client_for):
    refer(monday(9))
    client = client_for(triage_clinician)
    html = worklist(client, at=monday(10, 32), queue="non-urgent").content.decode()
    assert "As at <time" in html and ">10:32am</time>" in html
    assert 'href="/triage/?queue=non-urgent" data-refresh-link>Refresh the list</a>' in html
    assert 'data-refresh-seconds="60"' in html and "Pause updates" in html
    with time_machine.travel(monday(10, 33), tick=False):
        fragment = client.get(reverse("triage:worklist"), {"queue": "non-urgent"},
                              headers={"X-Requested-With": "fetch"}).content.decode()
    assert ">10:33am</time>" in fragment and "<h1" not in fragment and "Pause updates" not in fragment


@pytest.mark.django_db
def test_the_worklist_costs_the_same_queries_with_1_and_with_30_rows(
        refer, person, triage_clinician, admin_team, client_for, django_assert_num_queries):
    def add(n):
        for i in range(n):
            referral = refer(monday(9, i % 60), risk_indicators=["referrer_flagged_crisis"] if i % 2 else [])
            if i % 3 == 0:
                service_user_vulnerable_set(actor=admin_team, service_user=referral.service_user,
                                            vulnerable=True, reason="Lives alone")

    client = client_for(triage_clinician)
    add(1)
    worklist(client)  # the session and permissions, as on any later visit
    with CaptureQueriesContext(connection) as home_with_one:
        assert worklist(client, sort="name").content.decode().count("data-referral=") == 1
    with CaptureQueriesContext(connection) as queue_with_one:
        assert worklist(client, name="queues:non_urgent").content.decode().count("data-referral=") == 1
    add(29)
    with django_assert_num_queries(len(home_with_one.captured_queries)):
        # A page of 25 of the 30.
        assert worklist(client, sort="name").content.decode().count("data-referral=") == 25
    # The crisis half went to the urgent queue; the others (16) are all on one page.
    waiting = Referral.objects.filter(triage_queue="non_urgent").count()
    assert waiting > 10
    with django_assert_num_queries(len(queue_with_one.captured_queries)):
        assert worklist(client, name="queues:non_urgent").content.decode().count("data-referral=") == waiting


@pytest.mark.django_db
def test_the_booking_queue_and_under_the_cap_show_the_nhs_number_target_due_tags_and_flags(
        refer, person, triage_clinician, admin_team, client_for):
    referral = refer(monday(9), person(nhs_number="9434765919"))
    with time_machine.travel(monday(10), tick=False):
        services.triage_decision_record(actor=triage_clinician, referral=referral, urgency="routine",
                                        outcome="assessment", stream="AMH", rationale="Routine assessment.",
                                        requirements="Step-free access to the clinic")
    first_due = WaitTarget.objects.running().filter(referral=referral).order_by("due_at").first()
    client = client_for(admin_team)
    for name in ("scheduling:booking_queue", "scheduling:under_cap"):
        with time_machine.travel(first_due.due_at + timedelta(minutes=5), tick=False):
            client.force_login(admin_team)
            row = row_of(client.get(reverse(name)).content.decode(), referral)
        assert "943 476 5919" in row and first_due.definition.name in row, name
        assert ">Breached</strong>" in row and ">Reasonable adjustments</strong>" in row, name
