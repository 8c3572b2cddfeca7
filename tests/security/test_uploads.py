"""Uploads are checked by their real content (a PDF must parse; JavaScript, launch actions,
embedded files and encryption are refused), refused by size before the whole body is read,
and served as attachments, not inline."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.utils import timezone
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from cap.models import Referral
from core import uploads
from tests.factories import GPPracticeFactory

pytestmark = pytest.mark.django_db

NEW = "/referrals/new/"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def pdf(change=lambda writer: None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def with_javascript(writer):
    writer.add_open_action(JavaScript("app.alert('hello');"))


def with_document_javascript(writer):
    """Script in the document's name tree, run when it opens, not through an action."""
    script = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                               NameObject("/JS"): TextStringObject("app.alert('hello');")})
    names = ArrayObject([TextStringObject("hello"), writer._add_object(script)])
    writer._root_object[NameObject("/Names")] = DictionaryObject({
        NameObject("/JavaScript"): DictionaryObject({NameObject("/Names"): names})})


def with_launch_action(writer):
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")})


def with_embedded_file(writer):
    writer.add_attachment("notes.txt", b"not a letter")


def encrypted(writer):
    writer.encrypt("secret")


CLEAN = pdf()


def letter(**overrides):
    GPPracticeFactory(ods_code="C82001")
    form = {
        "nhs_number": "943 476 5919", "given_name": "Asha", "family_name": "Patel",
        "date_of_birth": "1984-03-15", "postcode": "LE2 7LX", "gp_practice_code": "C82001",
        "referrer_name": "Dr Helen Shaw", "reason": "Low mood since the summer",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }
    form.update(overrides)
    return form


def test_a_clean_pdf_made_by_a_pdf_writer_is_accepted_and_stored(client_for, admin_team, private_media):
    response = client_for(admin_team).post(NEW, letter(attachment=SimpleUploadedFile("letter.pdf", CLEAN)))
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (private_media / referral.attachment.name).read_bytes() == CLEAN


@pytest.mark.parametrize("content, message", [
    (pdf(with_javascript), "contains JavaScript"),
    (pdf(with_document_javascript), "contains JavaScript"),
    (pdf(with_launch_action), "contains a launch action"),
    (pdf(with_embedded_file), "contains an embedded file"),
    (pdf(encrypted), "password protected"),
    (b"<html><script>alert(1)</script></html>", "must be a PDF"),
    (b"%PDF-1.7\n" + b"\x00garbage" * 50, "damaged or is not a PDF"),
], ids=["javascript", "document-javascript", "launch-action", "embedded-file", "encrypted", "not-a-pdf",
        "damaged"])
def test_a_pdf_with_active_content_or_not_a_pdf_is_refused_and_the_form_is_kept(
        client_for, admin_team, content, message):
    response = client_for(admin_team).post(NEW, letter(attachment=SimpleUploadedFile("letter.pdf", content)))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["attachment"])
    page = response.content.decode()
    assert 'value="Low mood since the summer"' in page or "Low mood since the summer" in page
    assert 'value="Dr Helen Shaw"' in page
    assert not Referral.objects.exists()


def test_javascript_hidden_behind_an_escaped_name_is_found():
    def escaped(writer):
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
            NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")})

    content = pdf(escaped).replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")
    problem = uploads.pdf_problem(SimpleUploadedFile("letter.pdf", content))
    assert problem and "JavaScript" in problem


def test_an_oversized_letter_is_refused_before_the_rest_of_the_body_is_read(client_for, admin_team, settings):
    settings.UPLOAD_MAX_BYTES = settings.REFERRAL_ATTACHMENT_MAX_BYTES = 4096
    body = encode_multipart(BOUNDARY, letter(attachment=SimpleUploadedFile(
        "letter.pdf", CLEAN + b"%" + b"0" * 1_000_000)))
    stream = CountingStream(body)
    client = client_for(admin_team)
    response = client.generic("POST", NEW, b"", **{
        "wsgi.input": stream, "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": MULTIPART_CONTENT})
    assert response.status_code == 200
    assert "smaller than" in " ".join(response.context["form"].errors["attachment"])
    assert "Dr Helen Shaw" in response.content.decode()  # what came before the file is kept
    assert stream.read_bytes < 300_000  # stopped a chunk or two past the limit, long before the end
    assert not Referral.objects.exists()


def test_a_request_whose_length_says_it_is_too_big_is_not_read_at_all_past_the_fields(
        client_for, admin_team, settings):
    settings.UPLOAD_MAX_BYTES = 4096
    big = b"0" * (4096 + uploads.FORM_ALLOWANCE + 1)
    body = encode_multipart(BOUNDARY, letter(attachment=SimpleUploadedFile("letter.pdf", big)))
    stream = CountingStream(body)
    response = client_for(admin_team).generic("POST", NEW, b"", **{
        "wsgi.input": stream, "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": MULTIPART_CONTENT})
    assert response.status_code == 200
    assert "smaller than" in " ".join(response.context["form"].errors["attachment"])
    assert stream.read_bytes < 2 * 64 * 1024  # the parser's first chunks, not the file
    assert not Referral.objects.exists()


def test_a_directory_import_takes_the_bigger_file_its_page_declares(client_for, knowledge_officer, settings):
    settings.UPLOAD_MAX_BYTES = 4096
    lines = b"\n".join([b"{}"] * 4000)  # bigger than the default limit, smaller than 20 MB
    response = client_for(knowledge_officer).post(
        "/directory/import/", {"file": SimpleUploadedFile("services.jsonl", lines)})
    assert response.status_code == 200
    assert not response.context["form"].errors
    assert response.context["report"] is not None


def test_a_stored_letter_is_served_as_a_download_never_inline(client_for, admin_team):
    client = client_for(admin_team)
    client.post(NEW, letter(attachment=SimpleUploadedFile("letter.pdf", CLEAN)))
    served = client.get(f"/referrals/{Referral.objects.get().pk}/letter/")
    assert served.status_code == 200
    assert served["Content-Type"] == "application/pdf"
    assert served["Content-Disposition"].startswith("attachment;")
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == CLEAN


def test_downloads_of_the_directory_and_performance_are_attachments_too(client_for, knowledge_officer):
    served = client_for(knowledge_officer).get("/directory/export.jsonl")
    assert served["Content-Disposition"].startswith("attachment;")
    assert served["X-Content-Type-Options"] == "nosniff"


class CountingStream(io.BytesIO):
    """A request body that counts how much of it the server read."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.read_bytes = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.read_bytes += len(chunk)
        return chunk

    def readline(self, size=-1):
        line = super().readline(size)
        self.read_bytes += len(line)
        return line


def test_an_empty_post_is_a_form_error_not_a_server_error(client_for, admin_team):
    response = client_for(admin_team).generic("POST", NEW, b"")
    assert response.status_code == 200
    assert response.context["form"].errors
