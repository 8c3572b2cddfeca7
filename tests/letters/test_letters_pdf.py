"""Letters as PDFs (issue 19): every booking letter downloads as a real PDF, stored once
against its booking; large print is at least 16pt on paper; the easy-read appointment
letter has a picture for each section and one short idea a line; the format falls back to
the person's own for any value it does not know; and only those who read the letter may
download it, and only the admin team marks it posted."""

import io
import re

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from core.formatting import day_date
from letters.formats import LetterFormat, LetterKind, letter_format
from letters.models import LetterCopy
from letters.pdf import StaticFilesFetcher

from .conftest import MONDAY_8

pytestmark = pytest.mark.django_db


def pdf_of(response) -> PdfReader:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response.content.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(response.content))


def text_of(reader: PdfReader) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def font_sizes(reader: PdfReader) -> dict[str, float]:
    """Each piece of text on the pages and the size it is printed at, in points."""
    sizes: dict[str, float] = {}

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            scale = abs(tm[3] * cm[3]) or 1
            sizes[text.strip()] = max(sizes.get(text.strip(), 0), font_size * scale)

    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    return sizes


def download(api, booking, name="letters:appointment_letter_pdf", **query):
    with time_machine.travel(MONDAY_8, tick=False):
        return api.get(reverse(name, args=[booking.pk]), query)


def test_the_appointment_letter_pdf_names_the_person_the_date_and_the_reference(booked):
    booking, api = booked
    response = download(api, booking)
    text = text_of(pdf_of(response))
    assert "Asha Patel" in text
    assert day_date(booking.starts_at, weekday=True) in text
    assert booking.referral.reference in text
    assert response["Content-Disposition"] == (
        f'attachment; filename="{booking.referral.reference}-appointment-letter.pdf"')


def test_the_gp_letter_downloads_as_a_pdf_too(booked):
    booking, api = booked
    text = text_of(pdf_of(download(api, booking, "letters:gp_letter_pdf")))
    assert booking.referral.reference in text
    assert LetterCopy.objects.get().kind == LetterKind.GP


def test_the_copy_is_stored_against_the_booking_with_its_hash_and_who_produced_it(booked, admin_team):
    booking, api = booked
    response = download(api, booking)
    copy = LetterCopy.objects.get()
    assert (copy.booking, copy.kind, copy.format) == (booking, LetterKind.APPOINTMENT, LetterFormat.STANDARD)
    assert bytes(copy.pdf) == response.content
    import hashlib

    assert copy.sha256 == hashlib.sha256(response.content).hexdigest()
    assert copy.produced_by == admin_team and copy.produced_at == MONDAY_8 and copy.sent_at is None
    assert copy.history.count() == 1


def test_a_second_download_of_an_unchanged_letter_is_the_stored_copy(booked):
    booking, api = booked
    first = download(api, booking)
    second = download(api, booking)
    assert LetterCopy.objects.count() == 1
    assert first.content == second.content


def test_each_format_is_its_own_copy(booked):
    booking, api = booked
    for fmt in LetterFormat.values:
        download(api, booking, format=fmt)
    assert sorted(LetterCopy.objects.values_list("format", flat=True)) == sorted(LetterFormat.values)


def test_large_print_in_the_pdf_is_at_least_16pt_and_headings_larger(booked):
    booking, api = booked
    sizes = font_sizes(pdf_of(download(api, booking, format="large_print")))
    heading = sizes["Your appointment"]
    body = {text: size for text, size in sizes.items() if text != "Your appointment"
            and not text.startswith("Page ")}
    assert min(body.values()) >= 16, {t: s for t, s in body.items() if s < 16}
    assert heading > max(size for text, size in body.items() if "Dear" in text)


def test_the_standard_letter_is_smaller_than_large_print(booked):
    booking, api = booked
    standard = font_sizes(pdf_of(download(api, booking)))
    dear = next(size for text, size in standard.items() if text.startswith("Dear"))
    assert dear < 16


def test_the_easy_read_letter_has_a_picture_for_each_section_and_one_short_idea_a_line(booked):
    booking, api = booked
    with time_machine.travel(MONDAY_8, tick=False):
        page = api.get(reverse("scheduling:letter", args=[booking.pk]), {"format": "easy_read"})
    html = page.content.decode()
    letter = html[html.index("<article"):html.index("</article>")]
    for picture in ("when", "where", "who", "contact", "questions"):
        assert f"images/letters/{picture}.svg" in letter
    headings = re.findall(r'<h2 class="cap-easy-read__heading"[^>]*>([^<]+)</h2>', letter)
    assert headings == ["When", "Where", "Who you will see", "How to contact us", "Your questions"]
    lines = [re.sub(r"<[^>]+>", "", line).strip()
             for line in re.findall(r'<p class="cap-easy-read__line[^"]*">(.*?)</p>', letter, re.S)]
    assert len(lines) > 15
    # One idea a line: a short sentence, at most one full stop or question mark inside it.
    for line in lines:
        assert len(line.split()) <= 12, line
        assert len(re.findall(r"[.?](?=\s)", line)) <= 1, line


def test_the_easy_read_pdf_draws_its_pictures(booked, monkeypatch):
    fetched = []
    fetch = StaticFilesFetcher.fetch

    def spy(self, url, headers=None):
        response = fetch(self, url, headers)
        fetched.append(url.rsplit("/", 1)[-1])
        return response

    monkeypatch.setattr(StaticFilesFetcher, "fetch", spy)
    booking, api = booked
    text = text_of(pdf_of(download(api, booking, format="easy_read")))
    assert "Your appointment is on " + day_date(booking.starts_at, weekday=True) in text
    assert "How to contact us" in text
    # Each picture read from the static files (a picture that could not be read is left
    # out of the PDF with only a warning in the log).
    assert {"when.svg", "where.svg", "who.svg", "contact.svg", "questions.svg"} <= set(fetched)


def test_a_letter_reads_no_address_but_the_static_files():
    fetcher = StaticFilesFetcher()
    for url in ("https://example.com/assets/css/cap.css", "https://letters.invalid/admin/",
                "file:///etc/passwd", "https://letters.invalid/assets/../config/settings.py"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.fetch("https://letters.invalid/assets/css/letters-print.css").status == 200


@pytest.mark.parametrize("value", ["", "huge", "easy_read'--", "LARGE_PRINT", "x" * 3000])
def test_a_format_it_does_not_know_shows_the_persons_own(booked, value):
    booking, api = booked
    with time_machine.travel(MONDAY_8, tick=False):
        page = api.get(reverse("scheduling:letter", args=[booking.pk]), {"format": value})
    assert page.status_code == 200
    assert 'value="standard" checked' in page.content.decode()
    assert download(api, booking, format=value).status_code == 200


def test_the_gp_letter_never_comes_in_easy_read(booked):
    booking, _ = booked
    person = booking.referral.service_user
    assert letter_format({"format": "easy_read"}, person, LetterKind.GP) == LetterFormat.STANDARD
    assert letter_format({"format": "large_print"}, person, LetterKind.GP) == LetterFormat.LARGE_PRINT
    assert letter_format({"large": "1"}, person, LetterKind.APPOINTMENT) == LetterFormat.LARGE_PRINT


def test_the_letter_page_offers_the_pdf_in_the_format_shown(booked):
    booking, api = booked
    with time_machine.travel(MONDAY_8, tick=False):
        page = api.get(reverse("scheduling:letter", args=[booking.pk]), {"format": "large_print"})
    html = page.content.decode()
    pdf = reverse("letters:appointment_letter_pdf", args=[booking.pk])
    assert f'href="{pdf}?format=large_print"' in html and "Download as PDF" in html
    assert "cap-large-print" in html


def test_downloading_the_pdf_is_logged_as_a_read_of_the_person(booked, admin_team):
    from cap.models import RecordAccess

    booking, api = booked
    download(api, booking)
    row = RecordAccess.objects.filter(user=admin_team).latest("id")
    assert row.service_user == booking.referral.service_user and row.referral == booking.referral
    assert "PDF" in row.context


def test_who_may_download_the_pdf(booked, client, call_handler, knowledge_officer):
    booking, _ = booked
    for user, status in ((call_handler, 403), (knowledge_officer, 403)):
        client.force_login(user)
        assert download(client, booking).status_code == status
    client.logout()
    assert download(client, booking).status_code == 302
    assert not LetterCopy.objects.exists()


def test_the_admin_team_marks_a_copy_posted_once(booked, admin_team):
    booking, api = booked
    download(api, booking, format="easy_read")
    copy = LetterCopy.objects.get()
    with time_machine.travel(MONDAY_8, tick=False):
        response = api.post(reverse("letters:copy_posted", args=[copy.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("scheduling:letter", args=[booking.pk]) + "?format=easy_read"
    copy.refresh_from_db()
    assert copy.sent_at == MONDAY_8 and copy.sent_by == admin_team
    assert copy.history.first().history_user == admin_team
    with time_machine.travel(MONDAY_8, tick=False):
        later = api.post(reverse("letters:copy_posted", args=[copy.pk]), follow=True)
    assert "already marked as posted" in later.content.decode()
    copy.refresh_from_db()
    assert copy.sent_at == MONDAY_8


def test_only_the_admin_team_marks_a_copy_posted(booked, client, triage_clinician):
    booking, api = booked
    download(api, booking)
    copy = LetterCopy.objects.get()
    client.force_login(triage_clinician)
    assert client.post(reverse("letters:copy_posted", args=[copy.pk])).status_code == 403
    assert client.get(reverse("letters:copy_posted", args=[copy.pk])).status_code in (403, 405)
    copy.refresh_from_db()
    assert copy.sent_at is None
