"""A practitioner writes a person's care plan with a goal and a safety plan, then prints
the person's copy."""

from datetime import date

import pytest

from careplans.models import Episode
from tests.factories import PractitionerFactory, ServiceUserFactory, TeamFactory

from .pages import assert_accessible, sign_in

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


def test_two_practitioners_editing_at_once_never_undo_each_other(live_server, browser, practitioner_user,
                                                                 password):
    """Two practitioners in two browsers open the plan at version 1; the first saves; the
    second's save is refused with both texts side by side and their text kept; they merge
    and save version 3, with the first's words in it."""
    from accounts import roles
    from careplans.models import CarePlan
    from tests.factories import UserFactory

    team = TeamFactory(name="City East CTR Team")
    PractitionerFactory(name="Grace Okafor", teams=[team], user=practitioner_user)
    colleague = UserFactory(username="dev.sharma", role=roles.PRACTITIONER)
    PractitionerFactory(name="Dev Sharma", teams=[team], user=colleague)
    person = ServiceUserFactory(given_name="Noor", family_name="Hussain")
    Episode.objects.create(service_user=person, team=team, opened_on=date(2026, 9, 1))
    base = live_server.url
    grace = browser.new_context(bypass_csp=True, locale="en-GB").new_page()
    dev = browser.new_context(bypass_csp=True, locale="en-GB").new_page()
    for page, user in ((grace, practitioner_user), (dev, colleague)):
        sign_in(page, base, user.username, password)
        page.get_by_role("link", name="Noor Hussain").click()
        page.get_by_role("link", name="Contribute to the plan").click()

    grace.get_by_label("Safety and crisis plan").fill("Ring my sister Amira")
    grace.get_by_label("What you changed, and why").fill("From the home visit")
    grace.get_by_role("button", name="Save a new version").click()
    grace.get_by_text("Saved as version 2.").wait_for()

    dev.get_by_label("Safety and crisis plan").fill("Ring the crisis line")
    dev.get_by_label("What you changed, and why").fill("From the phone call")
    dev.get_by_role("button", name="Save a new version").click()
    dev.get_by_role("heading", name="What changed while you were editing").wait_for()
    clash = dev.locator(".cap-side-by-side").inner_text()
    assert "Ring my sister Amira" in clash and "Ring the crisis line" in clash
    assert dev.get_by_label("Safety and crisis plan").input_value() == "Ring the crisis line"
    assert_accessible(dev)
    dev.get_by_label("Safety and crisis plan").fill("Ring my sister Amira, then the crisis line")
    dev.get_by_role("button", name="Save a new version").click()
    dev.get_by_text("Saved as version 3.").wait_for()
    plan = CarePlan.objects.get(service_user=person)
    assert (plan.version, plan.safety_plan) == (3, "Ring my sister Amira, then the crisis line")
    grace.context.close()
    dev.context.close()
