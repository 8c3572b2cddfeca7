"""A small Adult Mental Health team with the disciplines of the structured assessment,
everyone working Monday to Friday 09:00-17:00, and one clinic room."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cap.services import referral_log_written
from scheduling.models import ClinicRoom, Discipline
from tests.factories import PCNFactory, PractitionerFactory, TeamFactory
from triage.services import triage_decision_record

LONDON = ZoneInfo("Europe/London")
# Monday 23 November 2026, 08:00: no bank holiday near it, GMT.
MONDAY_8 = datetime(2026, 11, 23, 8, 0, tzinfo=LONDON)


def at(day_offset: int, hour: int, minute: int = 0) -> datetime:
    """Wall time in London, day_offset days after Monday 23 November 2026."""
    day = date(2026, 11, 23) + timedelta(days=day_offset)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def team(reference_data):
    pcn = PCNFactory()
    team = TeamFactory(name="City East CTR Team", pcns=[pcn])
    team.test_pcn = pcn
    return team


@pytest.fixture
def staff(team):
    def make(name, discipline):
        return PractitionerFactory(name=name, teams=[team],
                                   discipline=Discipline.objects.get(code=discipline))

    return {
        "support": make("Sam Support", "support_worker"),
        "nurse_a": make("Alex Nurse", "nurse"),
        "nurse_b": make("Bea Nurse", "nurse"),
        "consultant": make("Dr Cara Consultant", "consultant_psychiatrist"),
        "hcsw": make("Hari Healthcare", "healthcare_support_worker"),
    }


@pytest.fixture
def room(team):
    room = ClinicRoom.objects.create(name="Room 1", site="Neville Centre, Leicester LE5 4QG")
    room.teams.add(team)
    return room


@pytest.fixture
def triaged(admin_team, triage_clinician, person, gp_referrer, team):
    """A referral received and triaged routine for AMH assessment on Monday 23 November
    2026 at 08:00, the person's GP in the team's PCN."""

    def make(received=MONDAY_8, **decision):
        from tests.factories import GPPracticeFactory

        with time_machine.travel(received, tick=False):
            referral = referral_log_written(
                actor=admin_team, person=person(gp_practice=GPPracticeFactory(pcn=team.test_pcn)),
                referrer=gp_referrer, reason="Low mood for several months")
            fields = {"urgency": "routine", "outcome": "assessment", "stream": "AMH",
                      "rationale": "Routine assessment."}
            fields.update(decision)
            triage_decision_record(actor=triage_clinician, referral=referral, **fields)
        referral.refresh_from_db()
        return referral

    return make
