"""With no children's hub, an under-18 is triaged by the CAP: their age is shown wherever
they are, and streaming them to an adult or older people's stream (Adult Mental Health,
Older People, Older People: memory assessment) is recorded only once the clinician
confirms it, on the decide page and through the API alike. Learning disabilities,
specialist and mixed streams serve all ages and ask nothing."""

from datetime import date

import pytest
from django.utils import timezone

from cap.services import referral_log_written
from core.errors import Invalid
from tests.factories import api_token
from triage import services
from triage.models import TriageDecision
from triage.services import Decision

pytestmark = pytest.mark.django_db


def years_ago(years: int, days_later: int = 0) -> date:
    today = timezone.localdate()
    born = today.replace(year=today.year - years) if (today.month, today.day) != (2, 29) \
        else today.replace(year=today.year - years, day=28)
    return born.fromordinal(born.toordinal() + days_later)


@pytest.fixture
def refer(admin_team, person, gp_referrer, settings):
    settings.CHILDREN_HUB_ENABLED = False

    def make(born: date):
        return referral_log_written(actor=admin_team, person=person(given_name="Maya", family_name="Khan",
                                                                    date_of_birth=born),
                                    referrer=gp_referrer, reason="Low mood")

    return make


def assessment(stream: str, **more) -> Decision:
    return Decision(urgency="routine", outcome="assessment", stream=stream, rationale="Needs assessing.",
                    **more)


def test_streaming_a_sixteen_year_old_to_adult_mental_health_needs_confirming(refer, triage_clinician):
    referral = refer(years_ago(16))
    with pytest.raises(Invalid, match="Maya Khan is 16: confirm streaming to Adult Mental Health") as refused:
        services.triage_decision_record(actor=triage_clinician, referral=referral, decision=assessment("AMH"))
    assert refused.value.field == "confirm_age_stream"
    assert not TriageDecision.objects.exists()

    record = services.triage_decision_record(actor=triage_clinician, referral=referral,
                                             decision=assessment("AMH", confirm_age_stream=True))
    assert (record.stream, record.referral.status) == ("AMH", "awaiting_booking")


@pytest.mark.parametrize("stream", ["MHSOP", "MHSOP_MEMORY"])
def test_older_peoples_streams_need_confirming_for_a_child(refer, triage_clinician, stream):
    referral = refer(years_ago(17))
    with pytest.raises(Invalid, match="is 17: confirm streaming to Older People"):
        services.triage_decision_record(actor=triage_clinician, referral=referral,
                                        decision=assessment(stream))


@pytest.mark.parametrize("stream", ["CAMHS", "LD", "SPECIALIST", "MIXED"])
def test_streams_for_children_or_all_ages_ask_nothing(refer, triage_clinician, stream):
    referral = refer(years_ago(16))
    record = services.triage_decision_record(actor=triage_clinician, referral=referral,
                                             decision=assessment(stream))
    assert record.stream == stream


def test_an_eighteen_year_old_is_an_adult_from_their_birthday(refer, triage_clinician):
    assert services.triage_decision_record(actor=triage_clinician, referral=refer(years_ago(18)),
                                           decision=assessment("AMH")).stream == "AMH"
    with pytest.raises(Invalid, match="is 17"):  # 18 tomorrow
        services.triage_decision_record(actor=triage_clinician, referral=refer(years_ago(18, days_later=1)),
                                        decision=assessment("AMH"))


def test_the_decide_page_asks_for_confirmation_and_keeps_what_was_typed(refer, client_for, triage_clinician):
    referral = refer(years_ago(16))
    client = client_for(triage_clinician)
    url = f"/triage/referrals/{referral.pk}/decide/"
    shown = client.get(url).content.decode()
    assert "(age 16)" in shown and 'name="confirm_age_stream"' in shown

    form = {"urgency": "routine", "outcome": "assessment", "stream": "AMH",
            "rationale": "Presents as an adult; family agree."}
    refused = client.post(url, form)
    page = refused.content.decode()
    assert refused.status_code == 200
    assert 'href="#id_confirm_age_stream">Maya Khan is 16: confirm streaming to Adult Mental Health' in page
    assert "Presents as an adult; family agree." in page
    assert not TriageDecision.objects.exists()

    assert client.post(url, {**form, "confirm_age_stream": "on"}).status_code == 302
    assert TriageDecision.objects.get().stream == "AMH"


def test_an_adults_decide_page_has_no_age_confirmation(refer, client_for, triage_clinician):
    referral = refer(date(1980, 1, 1))
    page = client_for(triage_clinician).get(f"/triage/referrals/{referral.pk}/decide/").content.decode()
    assert 'name="confirm_age_stream"' not in page


def test_the_api_refuses_the_stream_until_confirmed(refer, client, triage_clinician):
    referral = refer(years_ago(15))
    token = api_token(triage_clinician)
    url = f"/api/v1/referrals/{referral.pk}/triage/"
    body = {"urgency": "routine", "outcome": "assessment", "stream": "AMH", "rationale": "Adult needs."}
    refused = client.post(url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}")
    assert refused.status_code == 400
    assert refused.json()["confirm_age_stream"] == [
        "Maya Khan is 15: confirm streaming to Adult Mental Health"]
    accepted = client.post(url, {**body, "confirm_age_stream": True}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Token {token}")
    assert accepted.status_code == 201 and accepted.json()["stream"] == "AMH"


def test_the_persons_age_is_shown_on_the_referral_and_the_queue(refer, client_for, triage_clinician):
    referral = refer(years_ago(16))
    client = client_for(triage_clinician)
    assert "(age 16)" in client.get(f"/referrals/{referral.pk}/").content.decode()
    queue = client.get("/triage/non-urgent/").content.decode()
    assert "Maya Khan" in queue
    assert '<span class="nhsuk-table__heading" aria-hidden="true">Age </span>16<' in queue
