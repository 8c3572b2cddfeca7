"""Every Urgent Care Hub action, through the UI in headless Chromium: each test signs in as
the role, does the action on its page, and checks what the user is told and the row (and
its history row) in the database, with an axe check of each hub page.

- hub staff: record an arrival brought by the police, with a name only (hub:arrival_new)
  -> test_hub_staff_record_a_police_arrival_and_assess_it_within_2_hours
- hub staff: record the assessment completed with its outcome (hub:assessment_complete)
  -> test_hub_staff_record_a_police_arrival_and_assess_it_within_2_hours
- hub staff: record an arrival of someone found by the search, joining their open referral
  (hub:arrival_new)
  -> test_hub_staff_record_the_arrival_of_someone_found_by_the_search
- hub staff: start an assessment from the board (hub:assessment_start, on hub:board)
  -> test_hub_staff_start_an_assessment_from_the_board
- hub staff: an arrival more than a day ago is refused, keeping what was typed (hub:arrival_new)
  -> test_an_arrival_more_than_a_day_ago_is_refused_keeping_what_was_typed
- hub staff: a completion before the arrival is refused, keeping what was typed (hub:assessment_complete)
  -> test_a_completion_before_the_arrival_is_refused_keeping_what_was_typed
- manager: read the board and an arrival (hub:board, hub:arrival)
  -> test_manager_reads_the_board_and_an_arrival
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import roles
from cap.models import Channel, ReferralStatus
from cap.services import referral_log_written
from hub import services
from hub.models import ArrivalRoute, HubArrival, HubOutcome
from tests.browser.pages import (
    assert_accessible,
    fill_datetime,
    latest_history,
    open_from_menu,
    sign_in,
    sign_out,
)
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser]


@pytest.fixture
def hub_staff(reference_data):
    return UserFactory(username="hub.staff", role=roles.URGENT_CARE_HUB_STAFF)


def fill_arrival(page, *, minutes_ago: int, route: str, with_them: str, concern: str):
    fill_datetime(page, "Time of arrival", timezone.now() - timedelta(minutes=minutes_ago))
    page.get_by_label(route, exact=True).check()
    page.get_by_label("Who is with them").fill(with_them)
    page.get_by_label("Presenting concern").fill(concern)


def arrived(staff, person, minutes_ago=30):
    return services.hub_arrival_record(actor=staff, person=person(), arrival=services.Arrival(
        arrived_at=timezone.now() - timedelta(minutes=minutes_ago), route=ArrivalRoute.AMBULANCE,
        presenting_concern="Took an overdose; medically cleared by the crew")).arrival


def test_hub_staff_record_a_police_arrival_and_assess_it_within_2_hours(
        live_server, page, hub_staff, manager, password):
    sign_in(page, live_server.url, hub_staff.username, password)
    page.get_by_role("heading", name="Urgent Care Hub", level=1).wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Record an arrival").first.click()
    assert_accessible(page)
    fill_arrival(page, minutes_ago=30, route="Brought by the police", with_them="Two police officers",
                 concern="Found on a bridge parapet; agreed to come to the hub")
    who = page.get_by_role("group", name="Who arrived")
    who.get_by_label("First name").fill("Ryan")
    who.get_by_label("Last name").fill("Cooper")
    page.get_by_role("button", name="Record arrival").click()

    arrival = HubArrival.objects.select_related("referral", "target").get()
    page.get_by_text(f"Arrival of Ryan Cooper recorded (referral {arrival.referral.reference})").wait_for()
    assert (arrival.route, arrival.accompanied_by) == (ArrivalRoute.POLICE, "Two police officers")
    assert (arrival.referral.channel, arrival.referral.status) == (
        Channel.HUB, ReferralStatus.AWAITING_URGENT_ASSESSMENT)
    assert arrival.target.due_at == arrival.arrived_at + timedelta(hours=2)
    assert latest_history(arrival, hub_staff).history_type == "+"
    row = page.locator("#hub-waiting tr", has_text="Ryan Cooper")
    assert re.search(r"1 h (29|30) min", row.locator("[data-time-left]").inner_text())
    assert "Two police officers" in row.inner_text()

    row.get_by_role("link", name="Record completed assessment of Ryan Cooper").click()
    page.get_by_role("heading", name="Record the assessment of Ryan Cooper").wait_for()
    assert_accessible(page)
    page.get_by_label("Discharged home with a safety plan").check()
    page.get_by_label("Notes").fill("Safety plan agreed; crisis line number given")
    page.get_by_role("button", name="Record assessment completed").click()

    page.get_by_text("Assessment of Ryan Cooper completed, within the 2-hour target.").wait_for()
    arrival.refresh_from_db()
    arrival.target.refresh_from_db()
    assert (arrival.outcome, arrival.assessed_by) == (HubOutcome.SAFETY_PLAN, hub_staff)
    assert arrival.target.state(timezone.now()) == "met"
    assert latest_history(arrival, hub_staff).assessed_at == arrival.assessed_at
    done = page.locator("#hub-assessed tr", has_text="Ryan Cooper")
    assert "Met" in done.inner_text() and "Discharged home with a safety plan" in done.inner_text()
    assert page.locator("#hub-waiting").count() == 0
    sign_out(page)

    sign_in(page, live_server.url, manager.username, password)
    figures = page.locator("#hub-figures")
    # 0 only when run in the half hour after midnight: the arrival was yesterday.
    assert figures.locator('[data-hub-figure="arrivals_today"]').inner_text() in ("1", "0")
    assert figures.locator('[data-hub-figure="assessed_in_time"]').inner_text().startswith("100% (1 of 1")
    assert figures.locator('[data-hub-figure="diverted_from_ae"]').inner_text().startswith("1 ")
    assert_accessible(page)


def test_hub_staff_record_the_arrival_of_someone_found_by_the_search(
        live_server, page, hub_staff, admin_team, person, gp_referrer, password):
    referral = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                    reason="Low mood")
    known = referral.service_user
    sign_in(page, live_server.url, hub_staff.username, password)
    page.get_by_role("link", name="Record an arrival").first.click()
    fill_arrival(page, minutes_ago=10, route="Walked in", with_them="Her partner",
                 concern="Says she cannot keep herself safe tonight")
    page.locator("#person-search").get_by_label("NHS number").fill(known.nhs_number)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("button", name=f"Choose {known}").click()
    page.locator("#chosen-person").wait_for()
    concern = page.get_by_label("Presenting concern").input_value()
    assert concern == "Says she cannot keep herself safe tonight"
    page.get_by_role("button", name="Record arrival").click()

    page.get_by_text(f"added to their open referral {referral.reference}").wait_for()
    arrival = HubArrival.objects.get()
    assert arrival.referral == referral and arrival.route == ArrivalRoute.WALK_IN
    assert latest_history(arrival, hub_staff).history_type == "+"
    assert page.locator("#hub-waiting tr", has_text=str(known)).count() == 1


def test_hub_staff_start_an_assessment_from_the_board(live_server, page, hub_staff, person, password):
    arrival = arrived(hub_staff, person)
    name = str(arrival.referral.service_user)
    sign_in(page, live_server.url, hub_staff.username, password)
    page.get_by_role("button", name=f"Start assessment of {name}").click()

    page.get_by_text(f"Assessment of {name} started.").wait_for()
    arrival.refresh_from_db()
    assert arrival.assessment_started_by == hub_staff
    assert latest_history(arrival, hub_staff).assessment_started_at == arrival.assessment_started_at
    assert page.locator("#hub-being-assessed tr", has_text=name).count() == 1


def test_an_arrival_more_than_a_day_ago_is_refused_keeping_what_was_typed(live_server, page, hub_staff,
                                                                          password):
    sign_in(page, live_server.url, hub_staff.username, password)
    page.get_by_role("link", name="Record an arrival").first.click()
    fill_arrival(page, minutes_ago=25 * 60, route="Brought by ambulance", with_them="Paramedic",
                 concern="Distressed, shouting in the street")
    who = page.get_by_role("group", name="Who arrived")
    who.get_by_label("First name").fill("Unknown")
    who.get_by_label("Last name").fill("Unknown")
    page.get_by_role("button", name="Record arrival").click()

    summary = page.locator(".nhsuk-error-summary")
    summary.get_by_text("The time of arrival must be within the last 24 hours.").wait_for()
    assert page.get_by_label("Presenting concern").input_value() == "Distressed, shouting in the street"
    assert page.get_by_label("Who is with them").input_value() == "Paramedic"
    assert not HubArrival.objects.exists()
    assert_accessible(page)


def test_a_completion_before_the_arrival_is_refused_keeping_what_was_typed(live_server, page, hub_staff,
                                                                           person, password):
    arrival = arrived(hub_staff, person, minutes_ago=20)
    sign_in(page, live_server.url, hub_staff.username, password)
    page.goto(f"{live_server.url}/hub/arrivals/{arrival.pk}/complete/")
    fill_datetime(page, "Assessment completed at", arrival.arrived_at - timedelta(minutes=10))
    page.get_by_label("Admitted to a mental health ward").check()
    page.get_by_label("Notes").fill("Bed found on the acute ward")
    page.get_by_role("button", name="Record assessment completed").click()

    summary = page.locator(".nhsuk-error-summary")
    summary.get_by_text("cannot be completed before the person arrived").wait_for()
    assert page.get_by_label("Notes").input_value() == "Bed found on the acute ward"
    arrival.refresh_from_db()
    assert arrival.assessed_at is None
    assert_accessible(page)


def test_manager_reads_the_board_and_an_arrival(live_server, page, hub_staff, manager, person, password):
    arrival = arrived(hub_staff, person)
    sign_in(page, live_server.url, manager.username, password)
    open_from_menu(page, "Urgent Care Hub")
    page.get_by_role("heading", name="Urgent Care Hub", level=1).wait_for()
    assert page.get_by_role("button", name=re.compile("Start assessment")).count() == 0
    page.get_by_role("link", name=arrival.referral.reference).click()
    page.get_by_text("Took an overdose; medically cleared by the crew").wait_for()
    assert_accessible(page)
