"""The logged calls: a list newest first, searched by reference, name, number and day,
and each call's page; who may see them, and each person shown logged as a read."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cap.models import CallOutcome, Enquiry, RecordAccess
from cap.services import Call, Caller, call_log
from tests.factories import ServiceUserFactory

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def log(call_handler):
    def make(*, started_at=None, person=None, **fields):
        values = {"caller_type": "carer", "nature": "general_information",
                  "outcome_kind": CallOutcome.RESOLVED, "outcome": "Gave the opening times"}
        caller = Caller(name=fields.pop("caller_name", ""), relationship=fields.pop("relationship", ""),
                        callback_number=fields.pop("callback_number", ""))
        values.update(fields)
        started_at = started_at or timezone.now() - timedelta(minutes=5)
        return call_log(actor=call_handler, call=Call(started_at=started_at, caller=caller, **values),
                        service_user=person).enquiry

    return make


@pytest.mark.django_db
def test_the_call_list_shows_the_newest_call_first(client_for, call_handler, log):
    older = log(started_at=timezone.now() - timedelta(hours=3))
    newer = log(started_at=timezone.now() - timedelta(minutes=2))
    page = client_for(call_handler).get("/calls/")
    assert list(page.context["page"]) == [newer, older]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["{reference}", "maya", "Okafor", "07700900982", "07700 900 982",
                                   "Whitmore", "peter whitmore"])
def test_the_call_list_finds_a_call_by_reference_caller_person_or_number(client_for, call_handler, log,
                                                                         query):
    person = ServiceUserFactory(given_name="Peter", family_name="Whitmore")
    wanted = log(caller_name="Maya Okafor", callback_number="07700 900 982", person=person)
    log(caller_name="Someone Else", callback_number="0116 496 0000")
    response = client_for(call_handler).get("/calls/", {"q": query.format(reference=wanted.reference)})
    assert list(response.context["page"]) == [wanted]


@pytest.mark.django_db
def test_the_call_list_finds_the_calls_of_a_day_in_london_time(client_for, call_handler, log):
    # 00:30 BST on 2 July is 23:30 UTC on 1 July: the call belongs to 2 July.
    late = log(started_at=datetime(2025, 7, 2, 0, 30, tzinfo=LONDON))
    log(started_at=datetime(2025, 7, 1, 12, 0, tzinfo=LONDON))
    response = client_for(call_handler).get("/calls/", {"day": "2025-07-02"})
    assert list(response.context["page"]) == [late]


@pytest.mark.django_db
def test_the_call_search_keeps_what_was_typed_and_says_when_nothing_matches(client_for, call_handler, log):
    log(caller_name="Maya Okafor")
    page = client_for(call_handler).get("/calls/", {"q": "Nobody Here", "day": "2025-07-02"}).content.decode()
    assert 'value="Nobody Here"' in page
    assert 'name="day_day" type="text" inputmode="numeric" value="2"' in page
    assert "No calls match" in page


@pytest.mark.django_db
def test_a_bad_date_in_the_call_search_is_a_message_not_an_error(client_for, call_handler):
    response = client_for(call_handler).get("/calls/", {"day": "2025-02-31"})
    assert response.status_code == 200
    assert "Date of the call must be a real date" in response.content.decode()


@pytest.mark.django_db
def test_the_call_list_is_paginated_and_keeps_the_search_on_the_next_page(client_for, call_handler, log):
    for minutes in range(27):
        log(caller_name="Maya Okafor", started_at=timezone.now() - timedelta(minutes=minutes + 1))
    client = client_for(call_handler)
    first = client.get("/calls/", {"q": "maya"})
    assert len(first.context["page"]) == 25
    assert "q=maya&amp;page=2" in first.content.decode()
    second = client.get("/calls/", {"q": "maya", "page": 2})
    assert len(second.context["page"]) == 2


@pytest.mark.django_db
def test_each_person_the_call_list_shows_is_logged_as_a_read_of_their_record(client_for, triage_clinician,
                                                                            log):
    first, second = ServiceUserFactory(), ServiceUserFactory()
    log(person=first)
    log(person=first)
    log(person=second)
    log()
    client_for(triage_clinician).get("/calls/")
    reads = RecordAccess.objects.filter(user=triage_clinician, context="call list")
    assert sorted(r.service_user_id for r in reads) == sorted([first.pk, second.pk])


@pytest.mark.django_db
def test_the_call_page_shows_every_field_and_the_referral_it_created(client_for, call_handler,
                                                                    triage_clinician):
    enquiry = call_log(actor=call_handler, call=Call(
        started_at=timezone.now() - timedelta(minutes=10), caller_type="carer", nature="clinical",
        outcome_kind=CallOutcome.PASSED_TO_TRIAGE, outcome="Gave the crisis line number",
        details="Has a plan tonight", emergency_advised=True, risk_indicators=("intent_with_plan",),
        caller=Caller(name="Maya Okafor", relationship="Sister", callback_number="07700 900 982")),
        person=None, service_user=ServiceUserFactory(date_of_birth=date(1990, 1, 1))).enquiry
    page = client_for(triage_clinician).get(f"/calls/{enquiry.pk}/").content.decode()
    for shown in ("Maya Okafor", "Sister", "07700 900 982", "Has a plan tonight",
                  "Gave the crisis line number", "999 advised", "Current intent to end life, with a plan",
                  f'href="/referrals/{enquiry.referral.pk}/"', "Passed to urgent clinical triage"):
        assert shown in page, shown
    assert RecordAccess.objects.filter(user=triage_clinician, service_user=enquiry.service_user,
                                       referral=enquiry.referral, context="call page").exists()


@pytest.mark.django_db
def test_a_call_handler_sees_the_call_page_without_a_link_to_the_referral(client_for, call_handler):
    enquiry = call_log(actor=call_handler, call=Call(
        started_at=timezone.now() - timedelta(minutes=10), caller_type="carer", nature="clinical",
        outcome_kind=CallOutcome.PASSED_TO_TRIAGE, outcome="Transferred"),
        service_user=ServiceUserFactory()).enquiry
    page = client_for(call_handler).get(f"/calls/{enquiry.pk}/").content.decode()
    assert f"referral {enquiry.referral.reference}" in page
    assert f'href="/referrals/{enquiry.referral.pk}/"' not in page


@pytest.mark.django_db
@pytest.mark.parametrize("role, status", [("call_handler", 200), ("triage_clinician", 200), ("manager", 200),
                                          ("admin_team", 403), ("practitioner_user", 403)])
def test_the_calls_are_for_call_handlers_triage_clinicians_and_managers(request, client_for, role, status):
    user = request.getfixturevalue(role)
    assert client_for(user).get("/calls/").status_code == status


@pytest.mark.django_db
def test_the_calls_are_in_the_navigation_of_the_roles_that_see_them(client_for, call_handler,
                                                                   triage_clinician, manager):
    for user in (call_handler, triage_clinician, manager):
        assert 'href="/calls/"' in client_for(user).get("/calls/").content.decode()


@pytest.mark.django_db
def test_a_call_page_of_odd_shape_is_not_found(client_for, call_handler):
    assert client_for(call_handler).get("/calls/99999999/").status_code == 404
    assert not Enquiry.objects.exists()
