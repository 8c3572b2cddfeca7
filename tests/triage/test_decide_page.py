"""The decide page helps decide: the clock at its top, who the person is (NHS number,
date of birth and age, identity), whether services know them, the call that brought them
and their earlier contacts, read in a fixed number of queries; only the chosen outcome's
fields count, those it needs are required, and named individuals come from the team
chosen."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cap.models import CallOutcome
from cap.services import Call, Caller, call_log, referral_log_written
from careplans.models import Episode
from tests.factories import PractitionerFactory, ServiceUserFactory, TeamFactory
from triage.models import HuddleItem, TriageDecision

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def new_referral(admin_team, person, gp_referrer):
    def make(**details):
        details.setdefault("reason", "Low mood for several months")
        return referral_log_written(actor=admin_team, person=person(**details.pop("who", {})),
                                    referrer=gp_referrer, **details)

    return make


@pytest.fixture
def crisis_call(call_handler):
    """A call passed to urgent triage about a person whose identity is not confirmed."""
    def make(person, **fields):
        values = {"caller_type": "carer", "nature": "clinical", "details": "Has a plan tonight",
                  "outcome_kind": CallOutcome.PASSED_TO_TRIAGE, "outcome": "Gave the crisis line"}
        values.update(fields)
        return call_log(actor=call_handler, service_user=person, call=Call(
            started_at=timezone.now() - timedelta(minutes=10),
            caller=Caller(name="Maya Okafor", relationship="Sister", callback_number="07700 900 982"),
            **values)).enquiry

    return make


def earlier_calls(call_handler, person, count):
    for minutes in range(count):
        call_log(actor=call_handler, service_user=person, call=Call(
            started_at=timezone.now() - timedelta(days=30, minutes=minutes), caller_type="service_user",
            nature="general_information", outcome_kind=CallOutcome.RESOLVED, outcome="Opening times"))


def decide_url(referral):
    return reverse("triage:decide", args=[referral.pk])


def page_of(client, referral) -> str:
    return client.get(decide_url(referral)).content.decode()


def test_the_top_shows_the_running_clock_its_due_instant_and_the_time_left(client_for, triage_clinician,
                                                                        new_referral):
    with time_machine.travel(datetime(2026, 11, 30, 9, 0, tzinfo=LONDON), tick=False):
        referral = new_referral()
        target = referral.targets.get()
    with time_machine.travel(target.due_at - timedelta(hours=3, minutes=20), tick=False):
        page = page_of(client_for(triage_clinician), referral)
    clock = page[page.index('id="decide-clock"'):page.index('id="person-summary"')]
    assert target.definition.name in clock
    assert "3 h 20 min left" in clock
    assert f"Due <time datetime=\"{timezone.localtime(target.due_at).isoformat()}\">" in clock
    local = timezone.localtime(target.due_at)
    assert f"{local:%a} {local.day} {local:%b %Y}" in clock
    assert "Breached" not in clock


def test_the_clock_says_overdue_by_and_tags_a_breach(client_for, triage_clinician, new_referral):
    referral = new_referral()
    target = referral.targets.get()
    with time_machine.travel(target.due_at + timedelta(minutes=25), tick=False):
        page = page_of(client_for(triage_clinician), referral)
    clock = page[page.index('id="decide-clock"'):page.index('id="person-summary"')]
    assert "Overdue by 25 min" in clock
    assert '<strong class="nhsuk-tag nhsuk-tag--red">Breached</strong>' in clock


def test_the_clock_tags_a_target_at_risk(client_for, triage_clinician, new_referral):
    referral = new_referral()
    target = referral.targets.get()
    target.at_risk_at = target.due_at - timedelta(hours=1)
    target.save()
    with time_machine.travel(target.due_at - timedelta(minutes=30), tick=False):
        page = page_of(client_for(triage_clinician), referral)
    assert '<strong class="nhsuk-tag nhsuk-tag--orange">At risk</strong>' in page


def test_the_top_shows_the_nhs_number_formatted_the_date_of_birth_with_the_age_and_the_identity(
        client_for, triage_clinician, new_referral):
    referral = new_referral(who={"nhs_number": "9434765919", "date_of_birth": date(2009, 6, 2)})
    with time_machine.travel(datetime(2026, 12, 1, 12, 0, tzinfo=LONDON), tick=False):
        page = page_of(client_for(triage_clinician), referral)
    assert '<dd class="nhsuk-summary-list__value" id="person-nhs-number">943 476 5919</dd>' in page
    assert '<dd class="nhsuk-summary-list__value" id="person-born">2 June 2009 (age 17)</dd>' in page
    assert '<dd class="nhsuk-summary-list__value" id="person-identity">Confirmed</dd>' in page


def test_the_top_says_the_identity_is_not_confirmed_for_a_crisis_call(client_for, triage_clinician,
                                                                      crisis_call):
    person = ServiceUserFactory(identity_confirmed=False, date_of_birth=None, postcode="")
    referral = crisis_call(person).referral
    page = page_of(client_for(triage_clinician), referral)
    identity = page[page.index('id="person-identity"'):page.index('id="known-to-services"')]
    assert "Identity not confirmed" in identity
    assert 'id="person-born">Not known</dd>' in page


def test_the_top_shows_an_open_episode_and_another_open_referral_as_known_to_services(
        client_for, triage_clinician, new_referral):
    referral = new_referral()
    person = referral.service_user
    team = TeamFactory(name="Charnwood Community Mental Health Team")
    Episode.objects.create(service_user=person, team=team, opened_on=date(2026, 3, 2))
    page = page_of(client_for(triage_clinician), referral)
    known = page[page.index('id="known-to-services"'):page.index('id="adjustment-flag"')]
    assert "Open episode</strong> with Charnwood Community Mental Health Team since 2 March 2026" in known
    assert referral.reference not in known  # this referral is not "another" open one


def test_a_person_with_no_open_care_is_not_known_to_services(client_for, triage_clinician, new_referral):
    page = page_of(client_for(triage_clinician), new_referral())
    assert "No: no open episode with a team and no other open referral." in page


def test_the_call_that_brought_the_referral_is_shown_with_its_callback_number(
        client_for, triage_clinician, crisis_call):
    call = crisis_call(ServiceUserFactory())
    page = page_of(client_for(triage_clinician), call.referral)
    calls = page[page.index('id="calls"'):page.index("Earlier contacts")]
    for shown in (call.reference, "Maya Okafor (Sister)", "07700 900 982", "Has a plan tonight"):
        assert shown in calls, shown


def test_earlier_contacts_list_the_persons_other_referrals_and_calls_newest_first(
        client_for, triage_clinician, call_handler, new_referral):
    with time_machine.travel(datetime(2026, 10, 1, 9, 0, tzinfo=LONDON)):
        first = new_referral(who={"nhs_number": "9434765919"})
    with time_machine.travel(datetime(2026, 11, 1, 9, 0, tzinfo=LONDON)):
        earlier_calls(call_handler, first.service_user, 1)
    referral = new_referral(who={"nhs_number": "9434765919"})
    assert referral.service_user == first.service_user
    page = page_of(client_for(triage_clinician), referral)
    contacts = page[page.index('id="earlier-contacts"'):page.index("Read the whole referral")]
    call = first.service_user.enquiry_set.get()
    assert contacts.index(call.reference) < contacts.index(first.reference)
    assert f'href="/referrals/{first.pk}/"' in contacts and f'href="/calls/{call.pk}/"' in contacts
    assert referral.reference not in contacts
    # The first referral, still open, is also what makes the person known to services.
    known = page[page.index('id="known-to-services"'):page.index('id="referral-summary"')]
    assert f"Open referral</strong> <a href=\"/referrals/{first.pk}/\">{first.reference}</a>" in known


def test_the_first_contact_says_so(client_for, triage_clinician, new_referral):
    page = page_of(client_for(triage_clinician), new_referral())
    assert "None: this is the person's first contact." in page


def test_the_top_is_read_in_the_same_number_of_queries_for_1_and_10_earlier_contacts(
        client_for, triage_clinician, call_handler, new_referral):
    client = client_for(triage_clinician)
    counts = []
    for earlier in (1, 10):
        referral = new_referral()
        earlier_calls(call_handler, referral.service_user, earlier)
        page_of(client, referral)  # the session's first request writes it
        with CaptureQueriesContext(connection) as queries:
            page = page_of(client, referral)
        assert page.count("data-contact=") == earlier
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- The form: only the chosen outcome's fields ----------------------------------------

def test_every_outcome_reveals_only_its_own_fields_under_its_radio(client_for, triage_clinician,
                                                                   new_referral):
    page = page_of(client_for(triage_clinician), new_referral())
    assert 'data-module="nhsuk-radios"' in page
    assert 'data-aria-controls="id_outcome-assessment-reveal"' in page
    reveal = page[page.index('id="id_outcome-huddle-reveal"'):]
    reveal = reveal[:reveal.index("</fieldset>")]
    assert 'name="huddle_question"' in reveal and 'name="stream"' not in reveal
    assess = page[page.index('id="id_outcome-assessment-reveal"'):page.index('value="route_external"')]
    assert 'name="stream"' in assess and 'name="named_team"' in assess
    # The emergency has no fields of its own: nothing to reveal.
    assert 'data-aria-controls="id_outcome-emergency_services-reveal"' not in page


def test_fields_typed_under_another_outcome_are_ignored(client_for, triage_clinician, new_referral):
    referral = new_referral()
    response = client_for(triage_clinician).post(decide_url(referral), {
        "urgency": "routine", "outcome": "huddle", "huddle_question": "Which stream?",
        "rationale": "Unclear.",
        # Typed under the assessment before the clinician changed their mind, one of them wrong.
        "stream": "AMH", "target_timescale": "soon", "requirements": "Interpreter",
        "information_from": "nobody"})
    assert response.status_code == 302
    record = TriageDecision.objects.get()
    assert (record.outcome, record.stream, record.requirements) == ("huddle", "", "")
    assert HuddleItem.objects.filter(referral=referral).exists()


def test_a_field_the_chosen_outcome_needs_is_required_and_what_was_typed_stays(
        client_for, triage_clinician, new_referral):
    referral = new_referral()
    response = client_for(triage_clinician).post(decide_url(referral), {
        "urgency": "routine", "outcome": "information_request", "information_from": "gp",
        "rationale": "Medication not listed.", "huddle_question": "Kept?"})
    page = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_information_needed">Enter what information is needed</a>' in page
    assert "Medication not listed." in page and "Kept?" in page
    assert 'value="information_request" checked' in page
    assert not TriageDecision.objects.exists()


@pytest.mark.parametrize("body", [
    {"outcome": ["assessment", "huddle"]}, {"outcome": "x" * 5000}, {"named_team": "not-a-team"},
    {"named_practitioners": ["1", "abc"]}, {"named_team": "987654", "named_practitioners": "987654"},
])
def test_odd_input_is_a_form_error_never_a_server_error(client_for, triage_clinician, new_referral, body):
    referral = new_referral()
    base = {"urgency": "routine", "outcome": "assessment", "stream": "AMH", "rationale": "x"}
    response = client_for(triage_clinician).post(decide_url(referral), base | body)
    assert response.status_code == 200
    assert not TriageDecision.objects.exists()


# --- Named individuals, by team ---------------------------------------------------------

def test_named_individuals_are_grouped_under_their_teams(client_for, triage_clinician, new_referral):
    north, south = TeamFactory(name="North Blaby CMHT"), TeamFactory(name="South Leicester CMHT")
    grace = PractitionerFactory(name="Grace Okafor", teams=[north])
    PractitionerFactory(name="Tom Baker", teams=[south])
    page = page_of(client_for(triage_clinician), new_referral())
    group = page[page.index(f'data-team="{north.pk}"'):page.index(f'data-team="{south.pk}"')]
    assert "Grace Okafor" in group and "Tom Baker" not in group
    assert f'id="id_named_practitioners_{north.pk}_{grace.pk}"' in group


def test_named_individuals_from_the_team_chosen_are_recorded(client_for, triage_clinician, new_referral):
    team = TeamFactory()
    grace = PractitionerFactory(name="Grace Okafor", teams=[team])
    referral = new_referral()
    response = client_for(triage_clinician).post(decide_url(referral), {
        "urgency": "routine", "outcome": "assessment", "stream": "AMH", "rationale": "Stable.",
        "named_team": team.pk, "named_practitioners": [grace.pk]})
    assert response.status_code == 302
    assert list(TriageDecision.objects.get().named_practitioners.all()) == [grace]


def test_a_named_individual_outside_the_team_chosen_is_refused(client_for, triage_clinician, new_referral):
    north, south = TeamFactory(name="North Blaby CMHT"), TeamFactory(name="South Leicester CMHT")
    PractitionerFactory(name="Grace Okafor", teams=[north])
    tom = PractitionerFactory(name="Tom Baker", teams=[south])
    response = client_for(triage_clinician).post(decide_url(new_referral()), {
        "urgency": "routine", "outcome": "assessment", "stream": "AMH", "rationale": "Stable.",
        "named_team": north.pk, "named_practitioners": [tom.pk]})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Tom Baker is not in North Blaby CMHT: choose people from the team chosen" in page
    assert f'id="id_named_practitioners_{south.pk}_{tom.pk}" name="named_practitioners" type="checkbox" ' \
           f'value="{tom.pk}" checked' in page
    assert not TriageDecision.objects.exists()


def test_named_individuals_without_a_team_ask_for_the_team(client_for, triage_clinician, new_referral):
    grace = PractitionerFactory(name="Grace Okafor", teams=[TeamFactory()])
    response = client_for(triage_clinician).post(decide_url(new_referral()), {
        "urgency": "routine", "outcome": "assessment", "stream": "AMH", "rationale": "Stable.",
        "named_practitioners": [grace.pk]})
    page = response.content.decode()
    assert '<a href="#id_named_team">Choose the team of the named individuals</a>' in page
    assert not TriageDecision.objects.exists()
