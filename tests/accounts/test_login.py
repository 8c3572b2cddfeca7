import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_repeated_wrong_passwords_lock_that_username_from_that_address(client, call_handler, password):
    for _ in range(5):
        client.post(reverse("login"), {"username": call_handler.username, "password": "wrong"})
    locked = client.post(reverse("login"), {"username": call_handler.username, "password": password})
    assert locked.status_code == 429
    assert b"Too many failed sign-in attempts" in locked.content


@pytest.mark.django_db
def test_lockout_of_one_username_does_not_lock_another(client, call_handler, triage_clinician,
                                                        password):
    for _ in range(5):
        client.post(reverse("login"), {"username": call_handler.username, "password": "wrong"})
    response = client.post(reverse("login"),
                           {"username": triage_clinician.username, "password": password})
    assert response.status_code == 302


@pytest.mark.django_db
def test_session_ends_after_the_absolute_limit_however_active(client_for, call_handler, settings):
    import time_machine

    step = 25 * 60  # inside the 30-minute idle timeout
    with time_machine.travel("2026-11-23 08:00Z", tick=False) as traveller:
        client = client_for(call_handler)
        assert client.get("/calls/new/").status_code == 200
        elapsed = 0
        while elapsed + step <= settings.SESSION_ABSOLUTE_SECONDS:
            traveller.shift(step)
            elapsed += step
            assert client.get("/calls/new/").status_code == 200
        traveller.shift(step)
        response = client.get("/calls/new/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.django_db
def test_session_ends_after_thirty_idle_minutes(client_for, call_handler):
    import time_machine

    with time_machine.travel("2026-11-23 08:00Z", tick=False) as traveller:
        client = client_for(call_handler)
        assert client.get("/calls/new/").status_code == 200
        traveller.shift(31 * 60)
        response = client.get("/calls/new/")
    assert response.status_code == 302
