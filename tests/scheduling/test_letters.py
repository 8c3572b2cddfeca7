"""Letters people can use: the letterhead, the person's and the GP practice's postal
addresses, the date of the letter, one time format, the NHS number in 3 3 4, and large
print that is larger than the normal letter on screen and at least 16pt on paper."""

import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from core.letterhead import LETTERHEAD
from scheduling import services
from scheduling.models import Booking

from .conftest import MONDAY_8

CSS = (Path(settings.BASE_DIR) / "static" / "css" / "cap.css").read_text()
NHSUK_CSS = (Path(settings.BASE_DIR) / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
             / "nhsuk-frontend.min.css").read_text()


@pytest.fixture
def booked(client_for, admin_team, triaged, staff, room):
    """A structured assessment booked for Asha Patel of Flat 2, 12 Church Lane, Leicester,
    whose GP is Granby Street Surgery, 24 Granby Street, Leicester."""

    def make():
        referral = triaged()
        person_record = referral.service_user
        person_record.address_line_1, person_record.address_line_2 = "Flat 2", "12 Church Lane"
        person_record.town = "Leicester"
        person_record.save()
        practice = person_record.gp_practice
        practice.name, practice.address_line_1 = "Granby Street Surgery", "24 Granby Street"
        practice.town = "Leicester"
        practice.save()
        api = client_for(admin_team)
        with time_machine.travel(MONDAY_8, tick=False):
            option = services.options_for(referral=referral, now=MONDAY_8).options[0]
            api.post(reverse("scheduling:book", args=[referral.pk]), {"option": option.id, "action": "book"})
        return Booking.objects.get(referral=referral), api

    return make


def text_of(response) -> str:
    """The letter's words (the article printed), without the page around it."""
    html = response.content.decode()
    letter = html[html.index("<article"):html.index("</article>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", letter))


@pytest.mark.django_db
def test_the_appointment_letter_is_addressed_to_the_person_under_the_letterhead(booked):
    booking, api = booked()
    with time_machine.travel(MONDAY_8, tick=False):
        page = text_of(api.get(reverse("scheduling:letter", args=[booking.pk])))
    assert LETTERHEAD.trust in page and LETTERHEAD.service in page
    assert " ".join(LETTERHEAD.address) in page and f"Phone {LETTERHEAD.phone}" in page
    assert "Asha Patel Flat 2 12 Church Lane Leicester LE2 7LX" in page
    assert "LE2 7LX 23 November 2026 Our reference" in page  # the date of the letter
    nhs = booking.referral.service_user.nhs_number
    assert f"NHS number: {nhs[:3]} {nhs[3:6]} {nhs[6:]}" in page


@pytest.mark.django_db
def test_the_gp_letter_is_addressed_to_the_practice_from_the_reference_data(booked):
    booking, api = booked()
    with time_machine.travel(MONDAY_8, tick=False):
        page = text_of(api.get(reverse("scheduling:gp_letter", args=[booking.pk])))
    assert "Granby Street Surgery 24 Granby Street Leicester LE1 6TP" in page
    assert LETTERHEAD.trust in page and f"ring {LETTERHEAD.phone}" in page
    nhs = booking.referral.service_user.nhs_number
    assert f"NHS number {nhs[:3]} {nhs[3:6]} {nhs[6:]}" in page


@pytest.mark.django_db
def test_the_person_and_the_gp_read_the_same_time_in_the_same_format(booked):
    booking, api = booked()
    with time_machine.travel(MONDAY_8, tick=False):
        letter = text_of(api.get(reverse("scheduling:letter", args=[booking.pk])))
        gp = text_of(api.get(reverse("scheduling:gp_letter", args=[booking.pk])))
    times = re.compile(r"\b\d{1,2}(?::\d\d)?(?:am|pm)\b|\bmidday\b|\b\d{1,2}:\d\d\b|a\.m\.|p\.m\.")
    assert set(times.findall(letter)) <= {"10am", "10:15am"} and "10am" in letter
    assert times.findall(gp) == ["10:15am"]


@pytest.mark.django_db
def test_large_print_is_asked_for_on_every_letter_and_marks_the_letter(booked):
    booking, api = booked()
    with time_machine.travel(MONDAY_8, tick=False):
        for name in ("scheduling:letter", "scheduling:gp_letter"):
            normal = api.get(reverse(name, args=[booking.pk])).content.decode()
            large = api.get(reverse(name, args=[booking.pk]), {"large": "1"}).content.decode()
            assert 'href="?large=1"' in normal and "cap-large-print" not in normal
            assert "cap-large-print" in large and "Normal print" in large


def rule_sizes(css: str, selector: str, *, media: str | None) -> list[str]:
    """Font sizes the stylesheet gives `selector`, outside any @media or inside `media`."""
    sizes = []
    blocks = [css] if media is None else re.findall(
        r"@media\s*" + re.escape(media) + r"\s*\{((?:[^{}]*\{[^{}]*\})*)\s*\}", css)
    for block in blocks:
        if media is None:
            block = re.sub(r"@media[^{]*\{(?:[^{}]*\{[^{}]*\})*\s*\}", "", block)
        for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", block):
            if selector in [s.strip() for s in selectors.split(",")]:
                sizes += re.findall(r"font-size:\s*([\d.]+(?:rem|pt|px))", body)
    return sizes


def in_px(size: str) -> float:
    value = float(re.match(r"[\d.]+", size).group())
    return value * {"rem": 16, "px": 1, "pt": 4 / 3}[re.search(r"rem|px|pt", size).group()]


def test_large_print_is_larger_on_screen_than_the_normal_letters_largest_body_text():
    # The normal letter's paragraphs are nhsuk-body-l: its desktop size is the one to beat.
    normal = max(in_px(s) for s in rule_sizes(NHSUK_CSS, ".nhsuk-body-l", media="(min-width:40.0625em)"))
    for selector in (".cap-large-print .nhsuk-body-l", ".cap-large-print .nhsuk-body",
                     ".cap-large-print p", ".cap-large-print .nhsuk-summary-list__value"):
        (size,) = rule_sizes(CSS, selector, media=None)
        assert in_px(size) > normal, selector


def test_large_print_on_paper_is_at_least_16pt():
    for selector in (".cap-large-print .nhsuk-body-l", ".cap-large-print .nhsuk-body",
                     ".cap-large-print p", ".cap-large-print li",
                     ".cap-large-print .nhsuk-summary-list__value"):
        sizes = rule_sizes(CSS, selector, media="print")
        assert sizes and all(s.endswith("pt") and float(s[:-2]) >= 16 for s in sizes), selector
