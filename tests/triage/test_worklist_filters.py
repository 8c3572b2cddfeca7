"""The triage worklist filtered by stream and by team from its address: a referral with
no stream or team is left out when one is chosen; a bad value is ignored."""

import pytest
import time_machine

from cap.services import referral_log_written
from tests.triage.test_worklist_columns import monday, row_of, worklist

pytestmark = pytest.mark.django_db


@pytest.fixture
def refer(admin_team, person, gp_referrer):
    def make(received_at):
        with time_machine.travel(received_at, tick=False):
            return referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                        reason="Low mood")

    return make


def test_the_worklist_offers_stream_and_team_filters(refer, triage_clinician, client_for):
    refer(monday(9))
    page = worklist(client_for(triage_clinician)).content.decode()
    assert 'id="filter-stream"' in page and 'id="filter-team"' in page
    assert "Adult Mental Health" in page


def test_a_referral_not_yet_streamed_is_left_out_when_a_stream_is_chosen(refer, triage_clinician, client_for):
    referral = refer(monday(9))
    client = client_for(triage_clinician)
    assert referral.reference not in worklist(client, stream="AMH").content.decode()
    row_of(worklist(client).content.decode(), referral)


@pytest.mark.parametrize("params", [
    {"stream": "nonsense"}, {"team": "x' OR 1=1"}, {"team": "99999999999999999999"}])
def test_a_bad_stream_or_team_is_ignored(refer, triage_clinician, client_for, params):
    referral = refer(monday(9))
    response = worklist(client_for(triage_clinician), **params)
    assert response.status_code == 200
    row_of(response.content.decode(), referral)
