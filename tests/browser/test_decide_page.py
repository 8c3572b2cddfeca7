"""The decide page helps decide, in headless Chromium: the clock and time left at its
top, only the chosen outcome's fields (the NHS.UK conditional reveal), and named
individuals chosen by team, then found by typing part of a name.

- triage clinician: assessment with a named individual chosen by team (triage:decide)
  -> test_clinician_sees_the_clock_and_only_the_chosen_outcomes_fields_and_names_an_individual_by_team
"""

import pytest
from django.urls import reverse

from cap.services import referral_log_written
from tests.browser.pages import assert_accessible, latest_history, sign_in
from tests.factories import PractitionerFactory, TeamFactory
from triage.models import DecisionOutcome, TriageDecision, Urgency

pytestmark = [pytest.mark.browser]


def test_clinician_sees_the_clock_and_only_the_chosen_outcomes_fields_and_names_an_individual_by_team(
        live_server, page, triage_clinician, password, admin_team, person, gp_referrer):
    north, south = TeamFactory(name="North Blaby CMHT"), TeamFactory(name="South Leicester CMHT")
    grace = PractitionerFactory(name="Grace Okafor", teams=[north])
    PractitionerFactory(name="Gareth Hollis", teams=[north])
    PractitionerFactory(name="Tom Baker", teams=[south])
    referral = referral_log_written(
        actor=admin_team, person=person(given_name="Noor", family_name="Hussain", nhs_number="9434765919"),
        referrer=gp_referrer, reason="Low mood and not sleeping")
    target = referral.targets.select_related("definition").get()
    sign_in(page, live_server.url, triage_clinician.username, password)
    page.goto(f"{live_server.url}{reverse('triage:decide', args=[referral.pk])}")

    clock = page.locator("#decide-clock")
    assert target.definition.name in clock.inner_text()
    assert " left" in page.locator("#decide-time-left").inner_text()
    assert page.locator("#person-nhs-number").inner_text() == "943 476 5919"

    # Nothing chosen: no outcome's fields show.
    assert not page.get_by_label("Specialty stream").is_visible()
    assert not page.get_by_label("The question for the huddle").is_visible()
    page.get_by_label("Take to the MDT huddle", exact=True).check()
    assert page.get_by_label("The question for the huddle").is_visible()
    assert not page.get_by_label("Specialty stream").is_visible()
    page.get_by_label("Stream for assessment", exact=True).check()
    assert page.get_by_label("Specialty stream").is_visible()
    assert not page.get_by_label("The question for the huddle").is_visible()
    assert page.get_by_label("Stream for assessment", exact=True).get_attribute(
        "aria-controls") == "id_outcome-assessment-reveal"

    page.get_by_label("Routine", exact=True).check()
    page.get_by_label("Specialty stream").select_option("AMH")
    # The team first: only its people show, then typing finds one of them.
    assert not page.get_by_label("Grace Okafor").is_visible()
    page.get_by_label("Team of the named individuals").select_option(label="North Blaby CMHT")
    assert page.get_by_label("Gareth Hollis").is_visible()
    assert not page.get_by_label("Tom Baker").is_visible()
    page.get_by_label("Find a person in the team by name").fill("okaf")
    assert not page.get_by_label("Gareth Hollis").is_visible()
    page.get_by_label("Grace Okafor").check()
    page.get_by_label("Clinical rationale").fill("Stable; Grace knows the family.")
    assert_accessible(page)
    page.get_by_role("button", name="Record decision").click()

    page.get_by_text(f"{referral.reference} streamed to Adult Mental Health for a routine "
                     "assessment").wait_for()
    decision = TriageDecision.objects.get(referral=referral)
    assert (decision.outcome, decision.urgency, decision.stream) == (
        DecisionOutcome.ASSESSMENT, Urgency.ROUTINE, "AMH")
    assert list(decision.named_practitioners.all()) == [grace]
    assert latest_history(decision, triage_clinician).history_type == "+"
