"""The care plan's copies (for the person, for the GP) as PDFs, stored against the plan's
version they print, once for each version and format."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from careplans import services
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
    response = client.get(reverse("careplans:copy_pdf", args=[person, "person"]), {"format": "easy_read"})
    assert response.status_code == 200
    assert LetterCopy.objects.get().format == LetterFormat.STANDARD


def test_the_admin_team_cannot_download_a_care_plan(admin_team, written_plan, client_for):
    url = reverse("careplans:copy_pdf", args=[written_plan.service_user_id, "gp"])
    response = client_for(admin_team).get(url)
    assert response.status_code == 403
    assert not LetterCopy.objects.exists()
