"""A learning disability team, a referral of someone with a learning disability, and the
same referral triaged for a learning disability assessment on Monday 23 November 2026."""

import pytest
import time_machine

from cap.services import referral_log_written
from tests.factories import GPPracticeFactory, PCNFactory, TeamFactory
from tests.scheduling.conftest import MONDAY_8, room, staff  # noqa: F401 (fixtures shared with booking)
from triage.services import triage_decision_record


@pytest.fixture
def team(reference_data):
    pcn = PCNFactory()
    team = TeamFactory(name="City LD Team", specialty="LD", pcns=[pcn])
    team.test_pcn = pcn
    return team


@pytest.fixture
def referral(admin_team, person, gp_referrer):
    return referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                reason="Learning disability; low mood and not sleeping")


@pytest.fixture
def ld_referral(admin_team, triage_clinician, person, gp_referrer, team):
    with time_machine.travel(MONDAY_8, tick=False):
        referral = referral_log_written(
            actor=admin_team, person=person(gp_practice=GPPracticeFactory(pcn=team.test_pcn)),
            referrer=gp_referrer, reason="Learning disability; low mood")
        triage_decision_record(actor=triage_clinician, referral=referral, urgency="routine",
                               outcome="assessment", stream="LD", rationale="LD assessment.")
    referral.refresh_from_db()
    return referral


