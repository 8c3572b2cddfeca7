"""A triage clinician triages one urgent and one routine referral through the UI."""

import pytest
from django.urls import reverse

from cap.models import Referral, ReferralStatus
from cap.services import referral_log_written

from .pages import assert_accessible, sign_in

pytestmark = [pytest.mark.browser]


def test_triage_clinician_triages_one_urgent_and_one_routine_referral(
        live_server, page, admin_team, triage_clinician, password, person, gp_referrer):
    urgent = referral_log_written(
        actor=admin_team, person=person(given_name="Noor", family_name="Hussain"),
        referrer=gp_referrer, reason="Says she cannot keep herself safe tonight",
        risk_indicators=["referrer_flagged_crisis"])
    routine = referral_log_written(
        actor=admin_team, person=person(given_name="Tom", family_name="Barker"),
        referrer=gp_referrer, reason="Low mood for several months",
        risk_indicators=["no_risk_indicated"])
    base = live_server.url
    sign_in(page, base, triage_clinician.username, password)

    # Straight to each decision form: which worklist or queue lists a referral is not
    # what this journey tests.
    # The urgent one: the rules' suggestion is shown and pre-selected.
    page.goto(f"{base}{reverse('triage:decide', args=[urgent.pk])}")
    page.get_by_text("Referrer says the person is in crisis").wait_for()
    assert "The urgency rules suggest: Urgent" in page.locator("#suggested-urgency").inner_text()
    assert page.get_by_label("Urgent", exact=True).is_checked()
    page.get_by_label("Stream for assessment").check()
    page.get_by_label("Specialty stream").select_option("AMH")
    page.get_by_label("Home visit").check()
    page.get_by_label("Clinical rationale").fill("Crisis described by the GP; seen within 24 hours.")
    assert_accessible(page)
    page.get_by_role("button", name="Record decision").click()
    page.get_by_text(f"{urgent.reference} streamed to Adult Mental Health for an urgent "
                     "assessment").wait_for()

    # The routine one, after an error the form shows and recovers from.
    page.goto(f"{base}{reverse('triage:decide', args=[routine.pk])}")
    assert page.get_by_label("Routine", exact=True).is_checked()
    page.get_by_label("Stream for assessment").check()
    page.get_by_role("button", name="Record decision").click()
    page.locator(".nhsuk-error-summary").get_by_text("Enter clinical rationale").wait_for()
    assert_accessible(page)
    assert page.get_by_label("Stream for assessment").is_checked()
    page.get_by_label("Specialty stream").select_option("AMH")
    page.get_by_label("Clinical rationale").fill("Stable; needs a routine adult assessment.")
    page.get_by_role("button", name="Record decision").click()
    page.get_by_text(f"{routine.reference} streamed to Adult Mental Health for a routine "
                     "assessment").wait_for()

    statuses = dict(Referral.objects.filter(pk__in=[urgent.pk, routine.pk])
                    .values_list("reference", "status"))
    assert statuses == {urgent.reference: ReferralStatus.AWAITING_URGENT_ASSESSMENT,
                        routine.reference: ReferralStatus.AWAITING_BOOKING}
