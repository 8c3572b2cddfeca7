"""A practitioner writes a person's care plan with a goal and a safety plan, then prints
the person's copy."""

from datetime import date

import pytest

from careplans.models import Episode
from tests.factories import PractitionerFactory, ServiceUserFactory, TeamFactory

from .test_skeleton_journey import assert_accessible, sign_in

pytestmark = [pytest.mark.browser]


def test_practitioner_writes_a_plan_and_prints_the_persons_copy(live_server, page, practitioner_user,
                                                                 password):
    team = TeamFactory(name="City East CTR Team")
    PractitionerFactory(name="Grace Okafor", teams=[team], user=practitioner_user)
    person = ServiceUserFactory(given_name="Noor", family_name="Hussain")
    Episode.objects.create(service_user=person, team=team, opened_on=date(2026, 9, 1))
    base = live_server.url

    sign_in(page, base, practitioner_user.username, password)
    page.get_by_role("link", name="Noor Hussain").click()
    assert "Version 1" in page.locator("#plan-version").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Contribute to the plan").click()
    page.get_by_label("The person's goals, in their own words").fill("To sleep through the night")
    page.get_by_label("Safety and crisis plan").fill("Ring my sister Amira, then the crisis line")
    page.get_by_label("What you changed, and why").fill("First plan, written with Noor")
    assert_accessible(page)
    page.get_by_role("button", name="Save a new version").click()
    page.get_by_text("Saved as version 2.").wait_for()
    assert page.locator("#section-goals").inner_text() == "To sleep through the night"

    page.get_by_role("link", name="The person's and carer's copy").click()
    page.get_by_role("link", name="Large print").click()
    copy = page.locator("#copy")
    assert "To sleep through the night" in copy.inner_text()
    assert "Ring my sister Amira" in copy.inner_text()
    page.emulate_media(media="print")
    assert not page.locator("header.nhsuk-header").is_visible()
    page.emulate_media(media="screen")
    page.get_by_label("Shared with", exact=True).fill("Noor Hussain")
    page.get_by_label("How (optional)", exact=True).fill("Printed and handed over")
    page.get_by_role("button", name="Record as shared").click()
    page.get_by_text("Recorded as shared with Noor Hussain.").wait_for()
    assert "Version 2 shared with Noor Hussain" in page.locator("#shares").inner_text()
    assert_accessible(page)
