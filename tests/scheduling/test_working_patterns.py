"""Working patterns edited on a page (issue 18, deliverable 6): weekly sessions (day,
start, end) added and removed by the admin team and managers, with history, never ending
before they start or overlapping another session that day; a practitioner sees their own."""

from datetime import time

import pytest
from django.urls import reverse

from core.errors import Invalid
from scheduling import services
from scheduling.models import WorkingPattern
from tests.factories import PractitionerFactory


@pytest.fixture
def nurse(reference_data):
    nurse = PractitionerFactory(name="Alex Nurse")
    nurse.working_pattern.all().delete()
    return nurse


def sessions(practitioner):
    return list(practitioner.working_pattern.values_list("weekday", "starts", "ends"))


@pytest.mark.django_db
def test_a_session_is_added_with_who_added_it(admin_team, nurse):
    session = services.working_session_add(actor=admin_team, practitioner=nurse, weekday=0, starts=time(9),
                                           ends=time(13))
    assert sessions(nurse) == [(0, time(9), time(13))]
    assert session.history.get().history_user == admin_team


@pytest.mark.django_db
@pytest.mark.parametrize(("weekday", "starts", "ends", "says"), [
    (0, time(12), time(12), "The end must be after the start"),
    (0, time(14), time(10), "The end must be after the start"),
    (0, time(12), time(15), "already works 9am to 1pm that day"),
    (0, time(8), time(18), "already works 9am to 1pm that day"),
    (7, time(9), time(10), "Choose a day"),
])
def test_a_session_ending_before_it_starts_or_overlapping_another_that_day_is_refused(
        admin_team, nurse, weekday, starts, ends, says):
    services.working_session_add(actor=admin_team, practitioner=nurse, weekday=0, starts=time(9),
                                 ends=time(13))
    with pytest.raises(Invalid, match=says):
        services.working_session_add(actor=admin_team, practitioner=nurse, weekday=weekday, starts=starts,
                                     ends=ends)
    assert sessions(nurse) == [(0, time(9), time(13))]


@pytest.mark.django_db
def test_sessions_that_touch_or_fall_on_another_day_are_allowed(admin_team, nurse):
    for weekday, starts, ends in ((0, time(9), time(13)), (0, time(13), time(17)), (1, time(9), time(13))):
        services.working_session_add(actor=admin_team, practitioner=nurse, weekday=weekday, starts=starts,
                                     ends=ends)
    assert len(sessions(nurse)) == 3


@pytest.mark.django_db
def test_a_manager_adds_a_session_on_the_page_and_removes_it(client_for, manager, nurse):
    client = client_for(manager)
    url = reverse("scheduling:working_pattern", args=[nurse.pk])
    response = client.post(url, {"weekday": "2", "starts": "09:30", "ends": "16:00"})
    assert response.status_code == 302
    assert sessions(nurse) == [(2, time(9, 30), time(16))]
    page = client.get(url).content.decode()
    assert "Wednesday" in page and "9:30am" in page and "4pm" in page
    session = WorkingPattern.objects.get()
    session_id = session.pk
    assert client.post(reverse("scheduling:working_session_remove", args=[session.pk])).status_code == 302
    assert sessions(nurse) == []
    history = WorkingPattern.history.filter(id=session_id).order_by("history_date")
    assert [(h.history_type, h.history_user) for h in history] == [("+", manager), ("-", manager)]


@pytest.mark.django_db
@pytest.mark.parametrize("fields", [
    {}, {"weekday": "9", "starts": "25:00", "ends": "x"},
    {"weekday": "1", "starts": "17:00", "ends": "09:00"},
    {"weekday": ["1", "2"], "starts": "", "ends": "09:00" * 100},
])
def test_a_session_form_of_any_shape_is_refused_with_a_message(client_for, admin_team, nurse, fields):
    response = client_for(admin_team).post(reverse("scheduling:working_pattern", args=[nurse.pk]), fields)
    assert response.status_code == 400
    assert 'class="nhsuk-error-summary' in response.content.decode()
    assert sessions(nurse) == []


@pytest.mark.django_db
def test_an_overlap_on_the_page_keeps_what_was_typed(client_for, admin_team, nurse):
    services.working_session_add(actor=admin_team, practitioner=nurse, weekday=0, starts=time(9),
                                 ends=time(13))
    response = client_for(admin_team).post(reverse("scheduling:working_pattern", args=[nurse.pk]),
                                           {"weekday": "0", "starts": "12:00", "ends": "15:00"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "already works 9am to 1pm that day" in page and 'value="15:00"' in page


@pytest.mark.django_db
def test_a_practitioner_sees_their_own_pattern_and_cannot_change_it(client_for, practitioner_user, nurse):
    own = PractitionerFactory(name="Pat Practitioner", user=practitioner_user)
    client = client_for(practitioner_user)
    url = reverse("scheduling:working_pattern", args=[own.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Monday" in page.content.decode()
    assert "Add a session" not in page.content.decode()
    assert client.post(url, {"weekday": "5", "starts": "09:00", "ends": "10:00"}).status_code == 403
    session = own.working_pattern.first()
    assert client.post(reverse("scheduling:working_session_remove", args=[session.pk])).status_code == 403
    assert client.get(reverse("scheduling:working_pattern", args=[nurse.pk])).status_code == 403
    assert len(sessions(own)) == 5
