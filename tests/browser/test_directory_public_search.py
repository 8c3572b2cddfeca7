"""A member of the public searches the directory of community support with no login,
in headless Chromium, each page ending in an axe-core accessibility check."""

from datetime import time

import pytest

from directory import services
from directory.services import LocationDetails, Opening, ServiceDetails
from tests.browser.pages import assert_accessible
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser]


@pytest.fixture
def directory(db):
    officer = UserFactory(username="directory.officer")
    for name, postcode, description in (
        ("Hinckley counselling service", "LE10 1DS", "Low-cost counselling for adults."),
        ("Loughborough counselling service", "LE11 3TU", "Low-cost counselling for adults."),
        ("Loughborough food bank", "LE11 1AA", "Emergency food."),
    ):
        category = "food" if "food" in name else "emotional_support"
        services.service_create(actor=officer, details=ServiceDetails(
            name=name, organisation="Voluntary Action", description=description, category=category,
            phone="0116 496 0123", locations=(LocationDetails(postcode=postcode, town=name.split()[0]),),
            schedules=(Opening(0, time(9), time(17)),)))


def test_member_of_the_public_finds_counselling_near_them(live_server, page, directory):
    page.goto(f"{live_server.url}/find-support/")
    assert "call 999" in page.locator("#crisis").inner_text()
    assert_accessible(page)

    page.get_by_label("Postcode or town area").fill("XYZ")
    page.get_by_role("button", name="Search").click()
    page.get_by_text("There is a problem").wait_for()
    assert_accessible(page)

    page.get_by_label("Search words").fill("councelling")
    page.get_by_label("What kind of help").select_option(label="Talking therapies and emotional support")
    page.get_by_label("Postcode or town area").fill("LE11 2AB")
    page.get_by_role("button", name="Search").click()

    page.get_by_role("heading", name="2 services found").wait_for()
    results = page.locator(".directory-results h3").all_inner_texts()
    assert results == ["Loughborough counselling service", "Hinckley counselling service"]
    assert page.get_by_text("you typed councelling").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Loughborough counselling service").click()
    page.get_by_role("heading", name="Loughborough counselling service").wait_for()
    assert "0116 496 0123" in page.content()
    assert_accessible(page)
