"""Who has looked at this record: the managers' pages per person and per user, their
CSV, the API, and the bulk writer lists use (issue 17, deliverable 4)."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts import roles
from cap.models import RecordAccess
from cap.services import referral_log_written
from core.audit import record_access_log, record_access_log_many
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def referral(admin_team, person, gp_referrer):
    return referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                reason="Low mood for several months")


@pytest.fixture
def reads(referral, triage_clinician, admin_team):
    """Three reads of Asha's record on three days, one of them breaking the glass."""
    asha = referral.service_user
    for day, actor, view, reason in [
            (20, admin_team, "referral page", ""), (22, triage_clinician, "triage decision", ""),
            (24, triage_clinician, "referral page", "Covering the duty rota tonight")]:
        with time_machine.travel(datetime(2026, 11, day, 10, 15, tzinfo=LONDON), tick=False):
            record_access_log(actor=actor, service_user=asha, view=view, referral=referral,
                              break_glass_reason=reason)
    return asha


def rows_shown(response) -> list[str]:
    rows = response.content.decode().split('<tr class="nhsuk-table__row"')[1:]
    return [row.split("</tr>")[0] for row in rows]


# --- The bulk writer -------------------------------------------------------------------

def test_a_list_logs_one_row_per_person_and_referral_shown_in_one_insert(
        triage_clinician, referral, person, admin_team, gp_referrer, django_assert_num_queries):
    other = referral_log_written(actor=admin_team, person=person(given_name="Ben"), referrer=gp_referrer,
                                 reason="Anxiety")
    with django_assert_num_queries(1):
        record_access_log_many(actor=triage_clinician, view="urgent queue", service_users=[
            (referral.service_user, referral), (other.service_user, other),
            (referral.service_user, referral)])  # shown twice on one page: one row
    assert sorted(RecordAccess.objects.values_list("service_user", "referral", "context")) == sorted([
        (referral.service_user_id, referral.pk, "urgent queue"),
        (other.service_user_id, other.pk, "urgent queue")])


def test_an_empty_list_writes_nothing(triage_clinician, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert record_access_log_many(actor=triage_clinician, view="urgent queue", service_users=[]) == []


# --- A person's log ------------------------------------------------------------------

def test_a_manager_reads_who_looked_at_a_record_newest_first_with_roles_and_break_glass(
        client_for, manager, reads, triage_clinician, referral):
    response = client_for(manager).get(reverse("cap:record_access_log", args=[reads.pk]))

    assert response.status_code == 200
    rows = rows_shown(response)
    # The manager's own read of the log comes first: reading the log is a read too.
    assert "record access log" in rows[0] and "manager" in rows[0]
    assert "Tue 24 Nov 2026 10:15:00" in rows[1] and "Covering the duty rota tonight" in rows[1]
    assert triage_clinician.username in rows[1] and "Triage clinician" in rows[1]
    assert referral.reference in rows[1]
    assert "admin.team" in rows[3] and "Admin team" in rows[3] and "Fri 20 Nov 2026" in rows[3]
    assert RecordAccess.objects.filter(user=manager, service_user=reads,
                                       context="record access log").count() == 1


def test_the_log_is_filtered_by_date_both_ends_included(client_for, manager, reads):
    response = client_for(manager).get(reverse("cap:record_access_log", args=[reads.pk]),
                                       {"start": "2026-11-21", "end": "2026-11-22"})
    rows = rows_shown(response)
    assert len(rows) == 1 and "triage decision" in rows[0]
    page = response.content.decode()
    assert 'name="start_day" type="text" inputmode="numeric" value="21"' in page
    assert 'name="start_year" type="text" inputmode="numeric" value="2026"' in page


@pytest.mark.parametrize("dates, message", [
    ({"start": "2026-11-31"}, "The first day must be a real date"),
    ({"start_day": "31", "start_month": "11", "start_year": "2026"}, "The first day must be a real date"),
    ({"start_day": "21", "start_month": "", "start_year": "2026"}, "The first day must include a month"),
    ({"start": "2026-11-22", "end": "2026-11-21"}, "The last day must be the same as or after the first day"),
])
def test_wrong_dates_are_refused_with_a_clear_message_and_kept(client_for, manager, reads, dates, message):
    response = client_for(manager).get(reverse("cap:record_access_log", args=[reads.pk]), dates)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and 'name="start_day" type="text" inputmode="numeric" value="' in page
    assert rows_shown(response) == []


def test_the_log_comes_a_page_at_a_time(client_for, manager, referral, triage_clinician):
    for _ in range(61):
        record_access_log(actor=triage_clinician, service_user=referral.service_user, view="urgent queue")
    url = reverse("cap:record_access_log", args=[referral.service_user.pk])
    first = client_for(manager).get(url)
    assert len(rows_shown(first)) == 50 and "Page 2 of 2" in first.content.decode()
    assert len(rows_shown(client_for(manager).get(url, {"page": "2"}))) == 13  # 61 reads and 2 of the log


def test_the_csv_export_streams_the_same_filtered_rows_safe_for_a_spreadsheet(
        client_for, manager, reads, admin_team):
    record_access_log(actor=admin_team, service_user=reads, view="=HYPERLINK(\"http://x\")")
    response = client_for(manager).get(reverse("cap:record_access_log", args=[reads.pk]),
                                       {"start": "2026-11-21", "end": "2026-11-24", "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert lines[0][:4] == ["when", "who", "username", "roles"]
    assert [(line[2], line[6], line[8]) for line in lines[1:]] == [
        ("triage.clinician", "referral page", "Covering the duty rota tonight"),
        ("triage.clinician", "triage decision", "")]
    assert lines[1][0] == "2026-11-24T10:15:00+00:00"
    assert RecordAccess.objects.filter(user=manager, context="record access log CSV").count() == 1

    everything = client_for(manager).get(reverse("cap:record_access_log", args=[reads.pk]), {"format": "csv"})
    cells = b"".join(everything.streaming_content).decode()
    assert "'=HYPERLINK" in cells and ",=HYPERLINK" not in cells


def test_only_managers_read_the_access_log(client_for, triage_clinician, practitioner_user, reads):
    for user in (triage_clinician, practitioner_user):
        assert client_for(user).get(reverse("cap:record_access_log", args=[reads.pk])).status_code == 403
        assert client_for(user).get(reverse("cap:record_access")).status_code == 403


def test_an_unknown_person_is_not_found(client_for, manager):
    assert client_for(manager).get(reverse("cap:record_access_log", args=[999999])).status_code == 404


def test_the_referral_page_links_managers_to_the_persons_access_log(client_for, manager, triage_clinician,
                                                                   referral):
    link = reverse("cap:record_access_log", args=[referral.service_user.pk])
    page = reverse("cap:referral", args=[referral.pk])
    assert link in client_for(manager).get(page).content.decode()
    assert link not in client_for(triage_clinician).get(page).content.decode()


# --- A user's log --------------------------------------------------------------------

def test_a_users_log_shows_whose_records_they_read_and_logs_those_people_as_read(
        client_for, manager, reads, triage_clinician):
    response = client_for(manager).get(reverse("cap:user_access_log", args=[triage_clinician.pk]))
    assert response.status_code == 200
    rows = rows_shown(response)
    assert len(rows) == 2 and all("Asha Patel" in row for row in rows)
    assert list(RecordAccess.objects.filter(user=manager).values_list("service_user", "context")) == [
        (reads.pk, "user access log")]


# --- Finding a person or a user ------------------------------------------------------

def test_record_access_finds_a_person_and_a_user(client_for, manager, reads, triage_clinician):
    client = client_for(manager)
    found = client.get(reverse("cap:record_access"), {"person-search": "1", "find-family_name": "Patel",
                                                       "find-date_of_birth": "1984-03-15"})
    assert reverse("cap:record_access_log", args=[reads.pk]) in found.content.decode()
    assert RecordAccess.objects.filter(user=manager, context="record access: search results").count() == 1
    users = client.get(reverse("cap:record_access"), {"user-search": "1", "user-q": "triage"})
    assert reverse("cap:user_access_log", args=[triage_clinician.pk]) in users.content.decode()


def test_a_search_without_a_key_says_what_to_enter(client_for, manager):
    response = client_for(manager).get(reverse("cap:record_access"), {"person-search": "1",
                                                                       "find-family_name": "Patel"})
    assert response.status_code == 400
    assert "Enter an NHS number, or a last name and date of birth." in response.content.decode()
    assert 'value="Patel"' in response.content.decode()


def test_record_access_is_in_the_managers_menu():
    manager_role = next(r for r in roles.ROLES if r.group == roles.MANAGER)
    assert ("Record access", "cap:record_access") in manager_role.nav


# --- The API -------------------------------------------------------------------------

def test_the_access_log_api_answers_who_role_when_what_referral_and_break_glass(
        client_for, manager, reads, referral):
    response = client_for(manager).get(reverse("api:access_log", args=[reads.pk]), {"limit": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4 and body["next"]  # three reads, and this one
    assert body["results"][0]["what"] == "record access log API"
    read = body["results"][1]
    assert read == {"id": read["id"], "who": "triage.clinician", "who_name": read["who_name"],
                    "roles": ["Triage clinician"], "when": "2026-11-24T10:15:00Z", "what": "referral page",
                    "referral": referral.pk, "break_glass_reason": "Covering the duty rota tonight"}


def test_the_access_log_api_is_for_managers_and_404_for_an_unknown_person(client_for, manager,
                                                                          triage_clinician, reads):
    assert client_for(triage_clinician).get(reverse("api:access_log", args=[reads.pk])).status_code == 403
    assert client_for(manager).get(reverse("api:access_log", args=[999999])).status_code == 404
    assert not RecordAccess.objects.filter(user__in=[manager, triage_clinician],
                                           context__contains="API").exists()


def test_the_access_log_api_is_in_the_openapi_schema(client_for, manager):
    schema = client_for(manager).get(reverse("schema"), {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/service-users/{id}/access-log/"]["get"]
    assert "break_glass_reason" in str(schema["components"]["schemas"]["RecordAccessOutput"])
    assert operation["responses"]["200"]


def test_recording_a_decision_through_the_api_logs_the_person_its_answer_shows(
        client_for, triage_clinician, referral):
    response = client_for(triage_clinician).post(
        reverse("api:triage", args=[referral.pk]),
        {"urgency": "routine", "outcome": "assessment", "stream": "AMH", "rationale": "Routine assessment"},
        content_type="application/json")
    assert response.status_code == 201, response.content
    assert list(RecordAccess.objects.values_list("user", "service_user", "referral", "context")) == [
        (triage_clinician.pk, referral.service_user_id, referral.pk, "referral API")]


def test_a_reader_with_several_roles_shows_each(client_for, manager, referral):
    reader = UserFactory(username="two.roles", role=roles.TRIAGE_CLINICIAN)
    reader.groups.add(Group.objects.get(name=roles.EATING_DISORDERS_TRIAGE))
    record_access_log(actor=reader, service_user=referral.service_user, view="eating disorders queue")
    url = reverse("cap:record_access_log", args=[referral.service_user.pk])
    rows = rows_shown(client_for(manager).get(url))
    assert "Triage clinician, Eating disorders triage" in rows[1]

