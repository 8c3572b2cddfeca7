"""Every state-changing care plan action of a practitioner, through its page, asserting
what the practitioner sees and the row (and its history where it has one).

- practitioner: start a plan, by opening the person (careplans:index, careplans:person)
  -> test_practitioner_starts_the_plan_by_opening_the_person
- practitioner: contribute (careplans:contribute) -> test_care_plan.py
  test_practitioner_writes_a_plan_and_prints_the_persons_copy
- practitioner: share the person's copy (careplans:copy, careplans:share) -> test_care_plan.py
  test_practitioner_writes_a_plan_and_prints_the_persons_copy
- practitioner: share the GP's copy (careplans:copy, careplans:share) -> test_practitioner_shares_the_gps_copy
- practitioner: set the care coordinator (careplans:team) -> test_practitioner_sets_the_care_coordinator
- practitioner: add a member of the team around the person (careplans:team)
  -> test_practitioner_adds_then_removes_a_member_of_the_team_around_the_person
- practitioner: remove a member of the team around the person (careplans:team_around_end)
  -> test_practitioner_adds_then_removes_a_member_of_the_team_around_the_person
- practitioner: add an other need with directory entries (careplans:other_need_add)
  -> test_practitioner_adds_an_other_need_with_directory_entries
- practitioner: start step up support (careplans:step_up_start)
  -> test_practitioner_starts_then_ends_step_up_support
- practitioner: end step up support (careplans:step_up_end)
  -> test_practitioner_starts_then_ends_step_up_support
- practitioner: request expertise (careplans:expertise_request_new)
  -> test_practitioner_requests_expertise_and_the_expert_accepts_then_completes_it
- expert practitioner: accept a request (careplans:expertise_request_move)
  -> test_practitioner_requests_expertise_and_the_expert_accepts_then_completes_it
- expert practitioner: complete a request (careplans:expertise_request_move)
  -> test_practitioner_requests_expertise_and_the_expert_accepts_then_completes_it
- expert practitioner: decline a request (careplans:expertise_request_move) -> test_expert_declines_a_request
- practitioner: withdraw their request (careplans:expertise_request_move)
  -> test_requester_withdraws_their_request
- expert practitioner: add a support slot (careplans:support_slots)
  -> test_expert_offers_a_support_slot_and_the_requester_takes_it
- practitioner: take an expert's support slot (careplans:support_slot_take)
  -> test_expert_offers_a_support_slot_and_the_requester_takes_it
- practitioner: plan a transition between specialties (careplans:transition_new)
  -> test_practitioner_plans_a_transition_between_specialties
"""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from accounts import roles
from careplans import services
from careplans.models import (
    CarePlan,
    Episode,
    ExpertiseRequest,
    OtherNeed,
    PlanShare,
    RequestStatus,
    StepUpEpisode,
    SupportSlot,
    TeamAroundMember,
    Transition,
)
from directory import services as directory_services
from directory.services import ExpertiseDetails, ServiceDetails
from tests.factories import PractitionerFactory, ServiceUserFactory, TeamFactory, UserFactory

from .pages import assert_accessible, fill_date, fill_datetime, sign_in

pytestmark = [pytest.mark.browser]

PHONE_ADVICE = "Provide phone advice to practitioner"


@pytest.fixture
def team(reference_data):
    return TeamFactory(name="City East CTR Team")


@pytest.fixture
def grace(practitioner_user, team):
    """The signed-in practitioner, a nurse in the person's team."""
    return PractitionerFactory(name="Grace Okafor", teams=[team], user=practitioner_user)


@pytest.fixture
def noor(team, grace):
    """A person open to Grace's team, with no care plan yet."""
    person = ServiceUserFactory(given_name="Noor", family_name="Hussain")
    Episode.objects.create(service_user=person, team=team, opened_on=date(2026, 9, 1))
    return person


@pytest.fixture
def plan(noor, practitioner_user):
    return services.care_plan_start(actor=practitioner_user, service_user=noor)


@pytest.fixture
def expert(reference_data):
    """Priya Shah, in another team, listed in the directory of expertise for eating
    disorders (phone advice), with her own sign-in."""
    user = UserFactory(username="priya.shah", role=roles.PRACTITIONER)
    practitioner = PractitionerFactory(name="Priya Shah", teams=[TeamFactory(name="Eating Disorders Team")],
                                       user=user)
    directory_services.expertise_save(actor=None, practitioner=practitioner, details=ExpertiseDetails(
        specialty="eating_disorders", skills="ARFID, family work"))
    return user


def new_page(browser):
    page = browser.new_context(bypass_csp=True, locale="en-GB", timezone_id="Europe/London").new_page()
    page.set_default_timeout(15_000)
    return page


def open_plan(page, live_server, user, password, name="Noor Hussain"):
    """Sign in and open the person from the care plans list, as a practitioner does."""
    sign_in(page, live_server.url, user.username, password)
    page.goto(f"{live_server.url}/care-plans/")
    page.locator("#people").get_by_role("link", name=name).click()


def choose(select, text):
    """Choose the option naming text: practitioners are listed with their discipline."""
    select.select_option(select.locator("option", has_text=text).get_attribute("value"))


def request_made(requester, person, expert_user):
    expertise = expert_user.practitioner.expertise.get()
    return services.expertise_request_create(actor=requester, service_user=person, expertise=expertise,
                                             level="phone_advice", question="Restrictive eating, advice?")


def test_practitioner_starts_the_plan_by_opening_the_person(live_server, page, practitioner_user, password,
                                                           noor):
    sign_in(page, live_server.url, practitioner_user.username, password)
    page.goto(f"{live_server.url}/care-plans/")
    assert "Noor Hussain, no plan yet" in page.locator("#people").inner_text()
    assert not CarePlan.objects.filter(service_user=noor).exists()
    page.locator("#people").get_by_role("link", name="Noor Hussain").click()

    assert "Version 1" in page.locator("#plan-version").inner_text()
    assert "Version 1: Plan started" in page.locator("#contributions").inner_text()
    plan = CarePlan.objects.get(service_user=noor)
    assert (plan.version, plan.created_by) == (1, practitioner_user)
    assert plan.versions.get().summary == "Plan started"
    assert plan.history.get().history_user == practitioner_user


def test_practitioner_sets_the_care_coordinator(live_server, page, practitioner_user, password, plan, team):
    PractitionerFactory(name="Dev Sharma", teams=[team])
    open_plan(page, live_server, practitioner_user, password)
    assert page.locator("#care-coordinator").inner_text() == "not named yet"
    page.get_by_role("link", name="Care coordinator and team around the person").click()
    assert_accessible(page)
    choose(page.get_by_label("Care coordinator (lead professional)"), "Dev Sharma")
    page.get_by_role("button", name="Save care coordinator").click()

    page.get_by_text("Saved.").wait_for()
    assert page.get_by_label("Care coordinator (lead professional)").locator(
        "option:checked").inner_text().startswith("Dev Sharma")
    page.get_by_role("link", name="Back to the care plan").click()
    assert page.locator("#care-coordinator").inner_text().startswith("Dev Sharma")
    plan.refresh_from_db()
    assert plan.care_coordinator.name == "Dev Sharma"
    latest = plan.history.order_by("-history_date").first()
    assert (latest.care_coordinator.name, latest.history_user) == ("Dev Sharma", practitioner_user)


def test_practitioner_adds_then_removes_a_member_of_the_team_around_the_person(
        live_server, page, practitioner_user, password, plan):
    PractitionerFactory(name="Tom Reid", teams=[TeamFactory(name="Dietetics")])
    open_plan(page, live_server, practitioner_user, password)
    page.get_by_role("link", name="Care coordinator and team around the person").click()
    choose(page.get_by_label("Expert"), "Tom Reid")
    page.get_by_label("What they bring to the person's care").fill("Eating disorder dietetics")
    page.get_by_role("button", name="Add to the team around the person").click()

    page.get_by_text("Saved.").wait_for()
    members = page.locator("#team-around").inner_text()
    assert "Tom Reid" in members and "Eating disorder dietetics" in members
    assert_accessible(page)
    member = TeamAroundMember.objects.get(care_plan=plan)
    assert (member.practitioner.name, member.added_by) == ("Tom Reid", practitioner_user)
    assert member.ended_at is None

    tom = page.locator("#team-around li", has_text="Tom Reid")
    tom.get_by_role("button", name="No longer involved").click()
    page.get_by_text("(until ").wait_for()
    assert page.get_by_role("button", name="No longer involved").count() == 0
    member.refresh_from_db()
    assert member.ended_at is not None
    assert member.history.order_by("-history_date").first().history_user == practitioner_user
    page.get_by_role("link", name="Back to the care plan").click()
    assert "Tom Reid" not in page.locator("main").inner_text()


def test_practitioner_shares_the_gps_copy(live_server, page, practitioner_user, password, plan, noor):
    open_plan(page, live_server, practitioner_user, password)
    page.get_by_role("link", name="The GP's copy").click()
    assert page.locator("#copy address").inner_text().startswith(noor.gp_practice.name)
    assert_accessible(page)
    shared_with = page.get_by_label("Shared with", exact=True)
    assert shared_with.input_value() == str(noor.gp_practice)
    page.get_by_label("How (optional)", exact=True).fill("Sent securely by NHSmail")
    page.get_by_role("button", name="Record as shared").click()

    page.get_by_text(f"Recorded as shared with {noor.gp_practice}.").wait_for()
    assert f"Version 1 shared with {noor.gp_practice}" in page.locator("#shares").inner_text()
    share = PlanShare.objects.get(care_plan=plan)
    assert (share.audience, share.shared_with, share.method, share.version.number, share.shared_by) == (
        "gp", str(noor.gp_practice), "Sent securely by NHSmail", 1, practitioner_user)


def test_practitioner_adds_an_other_need_with_directory_entries(live_server, page, practitioner_user,
                                                               password, plan):
    advice = directory_services.service_create(actor=practitioner_user, details=ServiceDetails(
        name="Benefits advice line", organisation="Citizens Advice LeicesterShire",
        description="Help with benefit claims and appeals.", category="community_activity"))
    open_plan(page, live_server, practitioner_user, password)
    page.get_by_text("Add another need").click()
    page.get_by_label("Other need").fill("Benefits")
    page.get_by_label("Needing help", exact=True).check()
    page.get_by_label("Directory entries offered").fill(str(advice.pk))
    page.get_by_role("button", name="Add need").click()

    page.get_by_text("Other need added to the plan.").wait_for()
    assert page.locator("#other-needs").inner_text() == (
        "Benefits: needing help. Offered: Benefits advice line (Citizens Advice LeicesterShire)")
    need = OtherNeed.objects.get(care_plan=plan)
    assert (need.need, need.level, need.added_by) == ("Benefits", "help", practitioner_user)
    assert list(need.services.all()) == [advice]


def test_practitioner_starts_then_ends_step_up_support(live_server, page, practitioner_user, password,
                                                       plan, noor):
    open_plan(page, live_server, practitioner_user, password)
    page.get_by_role("link", name="Start step up support").click()
    page.get_by_label("Deterioration or relapse in a service user's mental health").check()
    page.get_by_label("What has changed").fill("Not sleeping, stopped eating")
    choose(page.get_by_label("Step up practitioners"), "Grace Okafor")
    page.get_by_label("Frequency of contact").fill("Daily")
    for box in page.locator("input[name=checks_confirmed]").all():
        box.check()
    assert_accessible(page)
    page.get_by_role("button", name="Start step up").click()

    page.get_by_text("Step up support started, for not more than 6 weeks.").wait_for()
    assert "contact Daily; 6 weeks on" in page.locator("#step-ups").inner_text()
    step_up = StepUpEpisode.objects.get(service_user=noor)
    assert (step_up.reason, step_up.frequency, step_up.started_by, step_up.ended_at) == (
        "deterioration", "Daily", practitioner_user, None)
    assert [p.name for p in step_up.practitioners.all()] == ["Grace Okafor"]

    page.locator("#step-ups").get_by_role("link", name="End step up").click()
    page.get_by_label("When the service user has returned back to their baseline state", exact=False).check()
    assert_accessible(page)
    page.get_by_role("button", name="End step up").click()
    page.get_by_text("Step up support ended.").wait_for()
    assert "ended " in page.locator("#step-ups").inner_text()
    step_up.refresh_from_db()
    assert (step_up.end_reason, step_up.ended_by) == ("baseline", practitioner_user)
    assert step_up.ended_at is not None
    assert step_up.history.order_by("-history_date").first().history_user == practitioner_user


def test_practitioner_requests_expertise_and_the_expert_accepts_then_completes_it(
        live_server, page, browser, practitioner_user, password, plan, noor, expert):
    open_plan(page, live_server, practitioner_user, password)
    page.get_by_role("link", name="Ask for additional support and expertise").click()
    choose(page.get_by_label("Expert, from the directory of expertise"), "Priya Shah")
    page.get_by_label("Provide phone advice to practitioner").check()
    page.get_by_label("What you need help with").fill("Restrictive eating: what to ask at review?")
    assert_accessible(page)
    page.get_by_role("button", name="Send request").click()

    page.get_by_text("Request sent to Priya Shah").wait_for()
    assert page.locator("#request-status").inner_text() == "Requested"
    made = ExpertiseRequest.objects.get(service_user=noor)
    assert (made.status, made.expert.name) == ("requested", "Priya Shah")
    assert made.requested_by == practitioner_user
    assert_accessible(page)

    priya = new_page(browser)
    sign_in(priya, live_server.url, expert.username, password)
    priya.goto(f"{live_server.url}/care-plans/")
    priya.locator("#incoming-requests").get_by_role("link", name=PHONE_ADVICE).click()
    assert_accessible(priya)
    priya.get_by_label("Note").fill("Happy to help; ring me Thursday")
    priya.get_by_role("button", name="Accept").click()
    priya.get_by_text("Accepted by").wait_for()
    assert priya.locator("#request-status").inner_text() == "Accepted"
    made.refresh_from_db()
    assert made.status == RequestStatus.ACCEPTED
    assert made.history.order_by("-history_date").first().history_user == expert

    priya.get_by_role("button", name="Completed").click()
    priya.get_by_text("Completed by").wait_for()
    assert priya.locator("#request-status").inner_text() == "Completed"
    assert priya.get_by_role("button", name="Decline").count() == 0
    made.refresh_from_db()
    assert made.status == RequestStatus.COMPLETED
    assert [(e.from_status, e.to_status, e.by) for e in made.events.all()] == [
        ("", "requested", practitioner_user), ("requested", "accepted", expert),
        ("accepted", "completed", expert)]
    assert made.events.get(to_status="accepted").note == "Happy to help; ring me Thursday"
    priya.context.close()


def test_expert_declines_a_request(live_server, page, practitioner_user, password, plan, noor, expert):
    made = request_made(practitioner_user, noor, expert)
    sign_in(page, live_server.url, expert.username, password)
    page.goto(f"{live_server.url}/care-plans/")
    page.locator("#incoming-requests").get_by_role("link", name=PHONE_ADVICE).click()
    page.get_by_label("Note").fill("Outside what I can advise on")
    page.get_by_role("button", name="Decline").click()

    page.get_by_text("Declined by").wait_for()
    assert page.locator("#request-status").inner_text() == "Declined"
    assert "Outside what I can advise on" in page.locator("#request-events").inner_text()
    made.refresh_from_db()
    assert made.status == RequestStatus.DECLINED
    event = made.events.get(to_status="declined")
    assert (event.by, event.note) == (expert, "Outside what I can advise on")


def test_requester_withdraws_their_request(live_server, page, practitioner_user, password, plan, noor,
                                           expert):
    made = request_made(practitioner_user, noor, expert)
    open_plan(page, live_server, practitioner_user, password)
    page.locator("#expertise-requests").get_by_role("link", name=PHONE_ADVICE).click()
    page.get_by_role("button", name="Withdraw the request").click()

    page.get_by_text("Declined by").wait_for()
    assert page.locator("#request-status").inner_text() == "Declined"
    assert page.get_by_role("button", name="Withdraw the request").count() == 0
    made.refresh_from_db()
    assert made.status == RequestStatus.DECLINED
    assert made.events.get(to_status="declined").by == practitioner_user


def test_expert_offers_a_support_slot_and_the_requester_takes_it(live_server, page, browser,
                                                                 practitioner_user, password, plan, noor,
                                                                 expert):
    made = request_made(practitioner_user, noor, expert)
    day = timezone.localdate() + timedelta(days=7)
    priya = new_page(browser)
    sign_in(priya, live_server.url, expert.username, password)
    priya.goto(f"{live_server.url}/care-plans/")
    priya.get_by_role("link", name="Your practitioner support slots").click()
    fill_datetime(priya, "Starts", datetime.combine(day, time(14, 0)))
    fill_datetime(priya, "Ends", datetime.combine(day, time(14, 30)))
    assert_accessible(priya)
    priya.get_by_role("button", name="Offer slot").click()

    priya.get_by_text("Slot offered.").wait_for()
    assert priya.locator("#slots").inner_text().endswith("2pm to 2:30pm: free")
    assert_accessible(priya)
    slot = SupportSlot.objects.get(practitioner__name="Priya Shah")
    assert (timezone.localtime(slot.starts_at).date(), timezone.localtime(slot.starts_at).hour,
            slot.taken_by) == (day, 14, None)

    open_plan(page, live_server, practitioner_user, password)
    page.locator("#expertise-requests").get_by_role("link", name=PHONE_ADVICE).click()
    page.locator("#free-slots").get_by_role("button", name="Take").click()
    page.get_by_text("Support slot").wait_for()
    assert page.locator("#free-slots").count() == 0
    slot.refresh_from_db()
    assert slot.taken_by == made
    priya.reload()
    assert "taken, for Noor Hussain" in priya.locator("#slots").inner_text()
    priya.context.close()


def test_practitioner_plans_a_transition_between_specialties(live_server, page, practitioner_user, password,
                                                            plan, noor):
    TeamFactory(name="Older People's CTR Team", specialty="MHSOP")
    open_plan(page, live_server, practitioner_user, password)
    page.get_by_role("link", name="Plan a transition between specialties").click()
    page.get_by_label("From team").select_option(label="City East CTR Team")
    page.get_by_label("To team").select_option(label="Older People's CTR Team")
    page.get_by_label("The person's needs that call for the move").fill(
        "Memory problems now lead her care; both teams agreed at the joint review")
    fill_date(page, "Planned date", date(2027, 2, 1))
    assert_accessible(page)
    page.get_by_role("button", name="Plan transition").click()

    page.get_by_text("Transition planned: the receiving team agrees it next.").wait_for()
    assert page.locator("#transition [data-status]").inner_text() == "Planned"
    page.get_by_role("link", name="The person's care plan").click()
    assert page.locator("#transitions").inner_text().startswith(
        "Adult Mental Health (City East CTR Team) to Older People (Older People's CTR Team) "
        "on 1 February 2027")
    transition = Transition.objects.get(service_user=noor)
    assert (transition.from_specialty, transition.to_specialty, transition.planned_for,
            transition.recorded_by) == ("AMH", "MHSOP", date(2027, 2, 1), practitioner_user)
    assert transition.history.get().history_user == practitioner_user
