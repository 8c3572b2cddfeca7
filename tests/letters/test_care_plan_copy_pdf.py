"""The care plan's copies (for the person, for the GP) as PDFs, stored against the plan's
version they print, once for each version and format."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from adjustments import services as adjustments
from careplans import services
from core.templatetags.letters import one_idea_a_line
from letters.formats import LetterFormat, LetterKind
from letters.models import LetterCopy
from tests.careplans.conftest import clinician, known_person, team  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def written_plan(clinician, known_person):  # noqa: F811
    plan = services.care_plan_start(actor=clinician, service_user=known_person)
    services.care_plan_contribute(actor=clinician, care_plan=plan, summary="First plan",
                                  sections={"goals": "Walk to the park with my daughter"})
    plan.refresh_from_db()
    return plan


def text_of(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_the_persons_copy_downloads_as_a_pdf_stored_against_its_version(
        clinician, written_plan, client_for):  # noqa: F811
    client = client_for(clinician)
    url = reverse("careplans:copy_pdf", args=[written_plan.service_user_id, "person"])
    response = client.get(url)
    text = text_of(response)
    assert "Noor Hussain" in text and "Walk to the park with my daughter" in text
    number = written_plan.version
    assert response["Content-Disposition"] == f'attachment; filename="care-plan-version-{number}.pdf"'
    copy = LetterCopy.objects.get()
    assert copy.care_plan_version == written_plan.versions.get(number=number) and copy.booking is None
    assert (copy.kind, copy.format) == (LetterKind.CARE_PLAN, LetterFormat.STANDARD)
    assert copy.produced_by == clinician
    client.get(url)
    assert LetterCopy.objects.count() == 1


def test_the_gp_copy_in_large_print(clinician, written_plan, client_for):  # noqa: F811
    client = client_for(clinician)
    page = client.get(reverse("careplans:copy", args=[written_plan.service_user_id, "gp"]), {"large": "1"})
    pdf = reverse("careplans:copy_pdf", args=[written_plan.service_user_id, "gp"])
    assert f'href="{pdf}?format=large_print"' in page.content.decode()
    text_of(client.get(pdf, {"format": "large_print"}))
    copy = LetterCopy.objects.get()
    assert (copy.kind, copy.format) == (LetterKind.CARE_PLAN_GP, LetterFormat.LARGE_PRINT)


def test_an_unknown_audience_or_format(clinician, written_plan, client_for):  # noqa: F811
    client = client_for(clinician)
    person = written_plan.service_user_id
    assert client.get(reverse("careplans:copy_pdf", args=[person, "neighbour"])).status_code == 403
    response = client.get(reverse("careplans:copy_pdf", args=[person, "person"]), {"format": "braille"})
    assert response.status_code == 200
    assert LetterCopy.objects.get().format == LetterFormat.STANDARD


def test_the_admin_team_cannot_download_a_care_plan(admin_team, written_plan, client_for):
    url = reverse("careplans:copy_pdf", args=[written_plan.service_user_id, "gp"])
    response = client_for(admin_team).get(url)
    assert response.status_code == 403
    assert not LetterCopy.objects.exists()


def _easy_read_flag(actor, person):
    adjustments.adjustment_flag_record(actor=actor, service_user=person, details=adjustments.FlagDetails(
        status="needed", consent_to_share="yes", adjustments=["easy_read"]))


def test_one_idea_a_line_splits_the_words_as_written_into_sentences():
    assert one_idea_a_line("Walk to the park. See my daughter!\nSleep better?  Yes") == [
        "Walk to the park.", "See my daughter!", "Sleep better?", "Yes"]
    assert one_idea_a_line("") == [] and one_idea_a_line(None) == []


def test_the_persons_copy_comes_in_easy_read_when_their_flag_asks(clinician, written_plan, client_for):  # noqa: F811
    person = written_plan.service_user
    _easy_read_flag(clinician, person)
    page = client_for(clinician).get(reverse("careplans:copy", args=[person.pk, "person"])).content.decode()
    copy = page[page.index("<article"):page.index("</article>")]
    assert "cap-easy-read" in copy
    headings = re.findall(r'<h2 class="cap-easy-read__heading"[^>]*>([^<]+)</h2>', copy)
    assert headings[0] == "What matters to you" and headings[-2:] == ["Who helps you", "Need help now?"]
    assert "Keeping safe" in headings
    assert copy.count('class="cap-easy-read__picture"') == len(headings)
    assert "Walk to the park with my daughter" in copy
    assert '<strong aria-current="page">Easy read</strong>' in page


def test_the_gps_copy_never_comes_in_easy_read(clinician, written_plan, client_for):  # noqa: F811
    person = written_plan.service_user
    _easy_read_flag(clinician, person)
    page = client_for(clinician).get(reverse("careplans:copy", args=[person.pk, "gp"]),
                                     {"format": "easy_read"}).content.decode()
    assert "cap-easy-read" not in page and "?format=easy_read" not in page


def test_the_easy_read_copy_downloads_as_a_pdf_stored_against_the_version(clinician, written_plan,  # noqa: F811
                                                                          client_for):
    person = written_plan.service_user
    text = text_of(client_for(clinician).get(reverse("careplans:copy_pdf", args=[person.pk, "person"]),
                                             {"format": "easy_read"}))
    assert "Your care plan" in text and "Need help now?" in text
    copy = LetterCopy.objects.get()
    assert (copy.kind, copy.format) == (LetterKind.CARE_PLAN, LetterFormat.EASY_READ)


def test_the_persons_copy_names_their_adjustments_and_the_gps_only_with_consent(clinician, written_plan,  # noqa: F811
                                                                               client_for):
    person = written_plan.service_user
    adjustments.adjustment_flag_record(actor=clinician, service_user=person, details=adjustments.FlagDetails(
        status="needed", consent_to_share="no", adjustments=["carer_present"]))
    client = client_for(clinician)
    theirs = client.get(reverse("careplans:copy", args=[person.pk, "person"])).content.decode()
    gps = client.get(reverse("careplans:copy", args=[person.pk, "gp"])).content.decode()
    assert "A carer or family member present" in theirs
    assert "A carer or family member present" not in gps
