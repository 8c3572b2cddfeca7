"""Step up support: a reason from the seed's list, the reasons not to involve it confirmed,
a 6-week limit with a warning as it nears, and an end with one of the seed's end reasons."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError
from django.urls import reverse

from careplans import services
from careplans.models import StepUpEndReason, StepUpEpisode, StepUpNotReason, StepUpReason
from core.errors import Conflict, Invalid
from tests.factories import PractitionerFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 11, 2, 10, tzinfo=UTC)
ALL_CHECKS = list(StepUpNotReason.values)


@pytest.fixture
def step_up_worker(team):
    return PractitionerFactory(name="Lena Fox", teams=[team])


def start(clinician, person, worker, **overrides):
    values = {"reason": StepUpReason.CARER, "practitioners": [worker], "frequency": "Daily",
              "checks_confirmed": ALL_CHECKS, "now": MONDAY}
    values.update(overrides)
    return services.step_up_start(actor=clinician, service_user=person, **values)


def test_step_up_lasts_six_weeks_and_warns_in_the_last_week(clinician, known_person, step_up_worker):
    step_up = start(clinician, known_person, step_up_worker)
    assert step_up.limit_at == MONDAY + timedelta(weeks=6)
    assert step_up.state(MONDAY + timedelta(days=34)) == "running"
    assert step_up.state(MONDAY + timedelta(days=35)) == "nearing"
    assert step_up.state(MONDAY + timedelta(weeks=6)) == "over"


def test_every_reason_not_to_involve_step_up_must_be_confirmed(clinician, known_person, step_up_worker):
    with pytest.raises(Invalid) as error:
        start(clinician, known_person, step_up_worker, checks_confirmed=ALL_CHECKS[:-1])
    assert error.value.field == "checks_confirmed"
    assert not StepUpEpisode.objects.exists()


def test_a_reason_outside_the_seeds_list_is_refused(clinician, known_person, step_up_worker):
    with pytest.raises(Invalid):
        start(clinician, known_person, step_up_worker, reason="convenience")


def test_one_step_up_at_a_time(clinician, known_person, step_up_worker):
    start(clinician, known_person, step_up_worker)
    with pytest.raises(Conflict):
        start(clinician, known_person, step_up_worker)


def test_step_up_ends_with_one_of_the_seeds_end_reasons(clinician, known_person, step_up_worker):
    step_up = start(clinician, known_person, step_up_worker)
    with pytest.raises(Invalid):
        services.step_up_end(actor=clinician, step_up=step_up, end_reason="bored")
    ended = services.step_up_end(actor=clinician, step_up=step_up, end_reason=StepUpEndReason.BASELINE,
                                 now=MONDAY + timedelta(days=20))
    assert (ended.end_reason, ended.ended_by) == ("baseline", clinician)
    with pytest.raises(Conflict):
        services.step_up_end(actor=clinician, step_up=ended, end_reason=StepUpEndReason.REDUCE)
    # The database refuses an end without a reason, whatever writes it.
    with pytest.raises(IntegrityError):
        StepUpEpisode.objects.filter(pk=ended.pk).update(end_reason="")


def test_the_start_page_shows_the_reasons_not_to_involve_step_up_as_checks(
        clinician, known_person, step_up_worker, client_for):
    client = client_for(clinician)
    url = reverse("careplans:step_up_start", args=[known_person.pk])
    body = client.get(url).content.decode()
    for label in StepUpNotReason.labels:
        assert label[1:] in body.replace("&#x27;", "'")
    response = client.post(url, {"reason": "risk", "practitioners": [step_up_worker.pk], "frequency": "Daily",
                                 "checks_confirmed": ALL_CHECKS})
    assert response.status_code == 302
    page = client.get(reverse("careplans:person", args=[known_person.pk])).content.decode()
    assert "Increased risk of a service user harming themselves or others" in page
    listing = client.get(reverse("careplans:step_ups")).content.decode()
    assert known_person.family_name in listing


def test_the_list_warns_as_the_limit_nears(clinician, known_person, step_up_worker, client_for):
    start(clinician, known_person, step_up_worker, now=datetime.now(UTC) - timedelta(days=38))
    body = client_for(clinician).get(reverse("careplans:step_ups")).content.decode()
    assert "nhsuk-tag--orange" in body
