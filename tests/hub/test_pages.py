"""The Urgent Care Hub's pages: who may open them, an arrival and an assessment recorded
through them, what was typed kept on an error, input of any shape a 4xx or a form error."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import roles
from cap.models import RecordAccess
from hub import services
from hub.models import ArrivalRoute, HubArrival
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub_staff(reference_data):
    return UserFactory(username="hub.staff", role=roles.URGENT_CARE_HUB_STAFF)


def local(instant) -> str:
    return f"{timezone.localtime(instant):%Y-%m-%dT%H:%M}"


def arrival_form(**overrides) -> dict:
    form = {"action": "save", "arrived_at": local(timezone.now() - timedelta(minutes=20)),
            "route": ArrivalRoute.POLICE, "accompanied_by": "Two police officers",
            "presenting_concern": "Found on a bridge parapet", "given_name": "Ryan",
            "family_name": "Cooper"}
    return {**form, **overrides}


@pytest.fixture
def waiting(hub_staff, person):
    return services.hub_arrival_record(actor=hub_staff, person=person(), arrival=services.Arrival(
        arrived_at=timezone.now() - timedelta(minutes=30), route=ArrivalRoute.WALK_IN,
        presenting_concern="Overwhelmed")).arrival


def test_hub_staff_start_on_the_board(client_for, hub_staff):
    assert client_for(hub_staff).get("/")["Location"] == "/hub/"


def test_managers_read_the_board_but_cannot_record_an_arrival(client_for, manager, waiting):
    client = client_for(manager)
    board = client.get("/hub/")
    assert board.status_code == 200 and str(waiting.referral.service_user) in board.content.decode()
    assert "Start assessment" not in board.content.decode()
    assert client.get(f"/hub/arrivals/{waiting.pk}/").status_code == 200
    assert client.get("/hub/arrivals/new/").status_code == 403
    assert client.post(f"/hub/arrivals/{waiting.pk}/start/").status_code == 403


def test_a_triage_clinician_cannot_open_the_board(client_for, triage_clinician):
    assert client_for(triage_clinician).get("/hub/").status_code == 403


def test_recording_an_arrival_with_a_name_only_puts_the_person_on_the_board(client_for, hub_staff):
    client = client_for(hub_staff)
    response = client.post("/hub/arrivals/new/", arrival_form())
    assert response.status_code == 302 and response["Location"] == "/hub/"

    arrival = HubArrival.objects.get()
    assert arrival.referral.service_user.date_of_birth is None
    assert arrival.recorded_by == hub_staff
    board = client.get("/hub/").content.decode()
    assert "Ryan Cooper" in board and "Identity not confirmed" in board
    assert "1 h 40 min" in board or "1 h 39 min" in board  # time left of the 2 hours


def test_an_arrival_time_out_of_range_is_refused_and_what_was_typed_is_kept(client_for, hub_staff):
    response = client_for(hub_staff).post("/hub/arrivals/new/", arrival_form(
        arrived_at=local(timezone.now() - timedelta(hours=25))))
    assert response.status_code == 200
    page = response.content.decode()
    assert "The time of arrival must be within the last 24 hours." in page
    assert "Found on a bridge parapet" in page and "Two police officers" in page
    assert not HubArrival.objects.exists()


def test_an_arrival_without_a_name_asks_for_one(client_for, hub_staff):
    response = client_for(hub_staff).post("/hub/arrivals/new/", arrival_form(given_name="", family_name=""))
    assert response.status_code == 200
    assert "Enter their first name, or find the person above." in response.content.decode()


@pytest.mark.parametrize("odd", [
    {"arrived_at": "not a time"}, {"arrived_at": "2026-13-45T99:99"}, {"route": "teleported"},
    {"service_user": "99999999999999999999"}, {"service_user": "x"}, {"date_of_birth": "3000-01-01"},
    {"presenting_concern": "x" * 5000}, {"action": "choose:abc"}, {"arrived_at": "\x00"},
])
def test_odd_input_to_the_arrival_form_is_a_form_error_never_a_server_error(client_for, hub_staff, odd):
    response = client_for(hub_staff).post("/hub/arrivals/new/", arrival_form(**odd))
    assert response.status_code in (200, 400)
    assert not HubArrival.objects.exists()


def test_searching_for_the_person_keeps_what_was_typed_and_choosing_them_joins_their_referral(
        client_for, hub_staff, waiting):
    client = client_for(hub_staff)
    known = waiting.referral.service_user
    services.hub_assessment_complete(actor=hub_staff, arrival=waiting, completed_at=timezone.now(),
                                     outcome="safety_plan")
    typed = arrival_form(given_name="", family_name="", presenting_concern="Brought back by police")
    found = client.post("/hub/arrivals/new/", {**typed, "action": "search",
                                               "find-nhs_number": known.nhs_number})
    assert str(known) in found.content.decode() and "Brought back by police" in found.content.decode()

    chosen = client.post("/hub/arrivals/new/", {**typed, "action": f"choose:{known.pk}"})
    assert "Brought back by police" in chosen.content.decode()
    assert RecordAccess.objects.filter(user=hub_staff, service_user=known).exists()

    saved = client.post("/hub/arrivals/new/", {**typed, "service_user": known.pk})
    assert saved.status_code == 302
    assert HubArrival.objects.filter(referral__service_user=known).count() == 2


def test_the_board_refresh_returns_the_lists_alone(client_for, hub_staff, waiting):
    response = client_for(hub_staff).get("/hub/", headers={"X-Requested-With": "fetch"})
    page = response.content.decode()
    assert 'id="hub-waiting"' in page and "<h1" not in page


def test_starting_and_completing_an_assessment_through_the_pages(client_for, hub_staff, waiting):
    client = client_for(hub_staff)
    assert client.post(f"/hub/arrivals/{waiting.pk}/start/").status_code == 302
    waiting.refresh_from_db()
    assert waiting.assessment_started_by == hub_staff

    page = client.get(f"/hub/arrivals/{waiting.pk}/complete/")
    assert page.status_code == 200
    assert RecordAccess.objects.filter(user=hub_staff, referral=waiting.referral).exists()
    early = client.post(f"/hub/arrivals/{waiting.pk}/complete/", {
        "completed_at": local(waiting.arrived_at - timedelta(minutes=5)), "outcome": "home_treatment",
        "notes": "Home treatment team to visit tonight"})
    assert "cannot be completed before the person arrived" in early.content.decode()
    assert "Home treatment team to visit tonight" in early.content.decode()

    done = client.post(f"/hub/arrivals/{waiting.pk}/complete/", {
        "completed_at": local(timezone.now()), "outcome": "home_treatment", "notes": "Visit tonight"})
    assert done.status_code == 302
    waiting.refresh_from_db()
    assert (waiting.outcome, waiting.assessed_by) == ("home_treatment", hub_staff)
    board = client.get("/hub/").content.decode()
    assert "Crisis resolution and home treatment" in board


def test_the_wait_dashboard_shows_the_hubs_figures(client_for, manager, waiting):
    page = client_for(manager).get("/dashboard/").content.decode()
    assert "Urgent Care Hub" in page and 'data-hub-figure="arrivals_today"' in page
