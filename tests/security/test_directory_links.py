"""The directory keeps and shows only http(s), tel and mailto links (directory.links):
an import drops any other with a line in its report, the form and the model refuse it, and
the templates never render another scheme."""

import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from core.errors import Invalid
from directory import services
from directory.links import is_allowed_link
from directory.models import CommunityService
from directory.openreferral import import_services
from directory.services import ServiceDetails
from tests.directory.test_officer import NEW_ENTRY

pytestmark = pytest.mark.django_db

UNSAFE = ["javascript:alert(document.cookie)", "JavaScript:alert(1)", " java\tscript:alert(1)",
          "\x01javascript:alert(1)", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
          "file:///etc/passwd", "vbscript:msgbox(1)", "www.example.org"]
SAFE = ["https://example.org/cafe", "http://example.org", "tel:+441164960002", "mailto:cafe@example.org", ""]


def record(identifier: str, url: str, organisation_url: str = "https://example.org") -> str:
    return json.dumps({
        "id": identifier, "name": f"Service {identifier}", "description": "Help.", "url": url,
        "organization": {"id": "org-1", "name": "Voluntary Action", "url": organisation_url},
        "service_taxonomys": [{"id": "t", "taxonomy": {"id": "cap-need:housing", "vocabulary": "cap-need"}}],
    })


@pytest.mark.parametrize("link", UNSAFE)
def test_links_of_another_scheme_are_not_allowed(link):
    assert not is_allowed_link(link)


@pytest.mark.parametrize("link", SAFE)
def test_http_https_tel_and_mailto_links_are_allowed(link):
    assert is_allowed_link(link)


def test_an_import_drops_an_unsafe_link_with_a_report_line_and_loads_the_rest(knowledge_officer):
    lines = [record("a1", "javascript:alert(1)"), record("b2", "https://example.org/b2"),
             record("c3", "https://example.org/c3", organisation_url="data:text/html,hi")]

    report = import_services(actor=knowledge_officer, text="\n".join(lines))

    assert report.created == 3 and report.problems == []
    assert [(p.where, p.record_id) for p in report.links_dropped] == [("line 1", "a1"), ("line 3", "c3")]
    assert "url 'javascript:alert(1)' left out" in str(report.links_dropped[0])
    assert "organization url 'data:text/html,hi' left out" in str(report.links_dropped[1])
    assert CommunityService.objects.get(identifier="a1").url == ""
    assert CommunityService.objects.get(identifier="b2").url == "https://example.org/b2"
    assert CommunityService.objects.get(identifier="c3").provider.url == ""


def test_the_import_page_and_command_show_the_links_left_out(client_for, knowledge_officer, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = record("a1", "file:///etc/passwd")
    page = client_for(knowledge_officer).post(reverse("directory:import"), {
        "file": SimpleUploadedFile("services.jsonl", text.encode())}).content.decode()
    assert "Links left out" in page and "file:///etc/passwd" in page
    path = tmp_path / "services.jsonl"
    path.write_text(record("b2", "javascript:alert(1)"))
    errors = StringIO()
    call_command("directory_import", str(path), stdout=StringIO(), stderr=errors)
    assert "line 1 (id b2): url 'javascript:alert(1)' left out" in errors.getvalue()


@pytest.mark.parametrize("link", ["javascript:alert(1)", "data:text/html,hi", "file:///etc/passwd"])
def test_the_entry_form_refuses_another_scheme(client_for, knowledge_officer, link):
    response = client_for(knowledge_officer).post(reverse("directory:service_new"),
                                                  {**NEW_ENTRY, "url": link})
    assert response.status_code == 200
    assert response.context["form"].errors["url"]
    assert not CommunityService.objects.exists()


def test_the_service_action_and_the_model_refuse_another_scheme(knowledge_officer):
    details = ServiceDetails(name="Cafe", organisation="Voluntary Action", description="Help.",
                             category="housing", url="javascript:alert(1)")
    with pytest.raises(Invalid):
        services.service_create(actor=knowledge_officer, details=details)
    entry = services.service_create(actor=knowledge_officer, details=ServiceDetails(
        name="Cafe", organisation="Voluntary Action", description="Help.", category="housing"))
    entry.url = "data:text/html,hi"
    with pytest.raises(ValidationError) as refused:
        entry.full_clean()
    assert "url" in refused.value.message_dict


def test_a_link_already_stored_is_never_rendered_with_another_scheme(client_for, knowledge_officer, client):
    entry = services.service_create(actor=knowledge_officer, details=ServiceDetails(
        name="Cafe", organisation="Voluntary Action", description="Help.", category="housing",
        url="https://example.org/cafe"))
    CommunityService.objects.filter(pk=entry.pk).update(url="javascript:alert(1)")  # as old data might be

    staff = client_for(knowledge_officer)
    staff_page = staff.get(reverse("directory:service", args=[entry.pk])).content.decode()
    client.logout()
    public_page = client.get(reverse("directory:public_service", args=[entry.identifier])).content.decode()
    for page in (staff_page, public_page):
        assert 'href="javascript:' not in page
        assert "javascript:alert(1)" not in page
