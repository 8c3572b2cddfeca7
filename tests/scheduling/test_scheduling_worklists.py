"""The booking queue, everyone under the CAP and the appointment slot issues work as the
triage worklist does: every worklist's columns, sort, stream and urgency filters kept in
the pagination links, an "as at" time with a refresh, and a bad parameter ignored."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scheduling import tasks

from .conftest import MONDAY_8

LISTS = ["scheduling:booking_queue", "scheduling:under_cap", "scheduling:slot_issues"]


def page(client, name, **params):
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return response.content.decode()


def rows(html: str) -> int:
    return html.count("data-referral=")


def slot_issue_for(triaged, **decision):
    """A referral of a stream no team provides: the background search lists it."""
    referral = triaged(stream="MIXED", **decision)
    tasks.find_slot_issues_task()
    return referral


@pytest.mark.django_db
@pytest.mark.parametrize("name", LISTS)
def test_every_row_shows_the_worklist_columns_in_a_responsive_table(name, triaged, client_for, admin_team):
    referral = slot_issue_for(triaged)
    html = page(client_for(admin_team), name)
    assert rows(html) == 1
    assert referral.reference in html
    assert "nhsuk-table--responsive" in html
    for header in ("Reference", "Name", "NHS number", "Age", "Target due", "Due", "Time left", "Flags"):
        assert f'role="columnheader">{header}</th>' in html
    for cell in ("data-nhs-number", "data-age", "data-target", "data-due", "data-time-left", "data-flags"):
        assert cell in html
    assert "Breached" in html  # received 23 November: its target has passed
    assert "data-as-at" in html and "data-refresh-link" in html and "data-refresh-seconds" in html


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["scheduling:booking_queue", "scheduling:under_cap"])
def test_the_lists_filter_by_stream_and_urgency(name, triaged, client_for, admin_team):
    amh = triaged()
    older = triaged(stream="MHSOP")
    client = client_for(admin_team)
    assert rows(page(client, name)) == 2
    only_older = page(client, name, stream="MHSOP")
    assert older.reference in only_older and amh.reference not in only_older
    assert rows(page(client, name, urgency="routine")) == 2
    assert rows(page(client, name, urgency="very_urgent")) == 0


@pytest.mark.django_db
def test_the_booking_queue_is_due_first_by_default_and_sorts_by_received(triaged, client_for, admin_team):
    from datetime import timedelta

    first = triaged(received=MONDAY_8)
    second = triaged(received=MONDAY_8 + timedelta(hours=1))
    client = client_for(admin_team)
    for params in ({}, {"sort": "received"}):
        html = page(client, "scheduling:booking_queue", **params)
        assert html.index(first.reference) < html.index(second.reference)


@pytest.mark.django_db
def test_pages_keep_the_filters_in_their_links(triaged, client_for, admin_team, monkeypatch):
    monkeypatch.setattr("scheduling.views.LIST_PAGE", 2)
    for _ in range(3):
        triaged()
    client = client_for(admin_team)
    first = page(client, "scheduling:booking_queue", stream="AMH", sort="received")
    assert rows(first) == 2
    assert "?stream=AMH&amp;sort=received&amp;page=2" in first
    assert rows(page(client, "scheduling:booking_queue", stream="AMH", sort="received", page="2")) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("params", [
    {"sort": "nonsense"}, {"stream": "'; drop table"}, {"urgency": ["a", "b"]}, {"page": "-1"},
    {"page": "99999999999999999999"}, {"page": "x"}, {"stream": "\x00"},
])
def test_a_bad_parameter_of_any_shape_is_ignored(name, params, triaged, client_for, admin_team):
    slot_issue_for(triaged)
    assert rows(page(client_for(admin_team), name, **params)) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("name", LISTS)
def test_the_refresh_answers_with_the_table_alone_keeping_the_filters(name, triaged, client_for, admin_team):
    referral = slot_issue_for(triaged)
    response = client_for(admin_team).get(reverse(name), {"stream": "MIXED"},
                                          headers={"X-Requested-With": "fetch"})
    html = response.content.decode()
    assert response.status_code == 200
    assert referral.reference in html and "data-as-at" in html
    assert "<html" not in html and "data-queue-refresh" not in html


@pytest.mark.django_db
def test_the_slot_issues_list_costs_the_same_queries_with_1_and_with_20_rows(
        triaged, client_for, admin_team, django_assert_num_queries):
    client = client_for(admin_team)
    slot_issue_for(triaged)
    page(client, "scheduling:slot_issues")  # the session and permissions, as on any later visit
    with CaptureQueriesContext(connection) as with_one:
        assert rows(page(client, "scheduling:slot_issues")) == 1
    for _ in range(19):
        triaged(stream="MIXED")
    tasks.find_slot_issues_task()
    with django_assert_num_queries(len(with_one.captured_queries)):
        assert rows(page(client, "scheduling:slot_issues")) == 20
