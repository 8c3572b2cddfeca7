"""Every state-changing action of the Community Knowledge Officer on the directory, and
of who keeps the directory of expertise, through its page, asserting what they see and
the row and its history.

- knowledge officer: add an entry (directory:service_new) -> test_officer_adds_an_entry_then_edits_it
- knowledge officer: edit an entry (directory:service_edit) -> test_officer_adds_an_entry_then_edits_it
- knowledge officer: retire an entry (directory:service_retire)
  -> test_officer_retires_an_entry_then_reinstates_it
- knowledge officer: reinstate an entry (directory:service_reinstate)
  -> test_officer_retires_an_entry_then_reinstates_it
- knowledge officer: mark checked today, from the entry (directory:service_verify)
  -> test_officer_marks_an_entry_checked_today_from_the_entry
- knowledge officer: mark checked today, from the to check list (directory:to_check,
  directory:service_verify)
  -> test_officer_marks_an_entry_checked_today_from_the_to_check_list
- knowledge officer: import a file with a bad record (directory:import)
  -> test_officer_imports_a_file_and_is_told_of_the_bad_record
- knowledge officer: import the UK profile's example service, then categorise it from the
  list to categorise, remembering its term (directory:import, directory:to_categorise,
  directory:service_categorise)
  -> test_officer_imports_a_uk_profile_service_and_categorises_it_from_the_list
- knowledge officer: log a helpline query (directory:helpline) -> test_officer_logs_a_helpline_query
- knowledge officer: log an unmet need (directory:unmet_need_new) -> test_officer_logs_an_unmet_need
- knowledge officer or manager: add an entry of the directory of expertise (directory:expertise_new)
  -> test_expertise_is_added_then_edited_by[knowledge_officer|manager]
- knowledge officer or manager: edit an entry of the directory of expertise (directory:expertise_edit)
  -> test_expertise_is_added_then_edited_by[knowledge_officer|manager]
"""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from directory import openreferral, services
from directory.models import CommunityService, Expertise, HelplineQuery, UnmetNeed
from directory.services import ServiceDetails
from tests.factories import PractitionerFactory, TeamFactory

from .pages import assert_accessible, latest_history, sign_in

pytestmark = [pytest.mark.browser]


def entry(actor, name="Benefits advice line", **fields):
    fields.setdefault("organisation", "Citizens Advice LeicesterShire")
    fields.setdefault("description", "Help with benefit claims and appeals.")
    fields.setdefault("category", "benefits")
    return services.service_create(actor=actor, details=ServiceDetails(name=name, **fields))


def open_entry(page, live_server, officer, password, service):
    sign_in(page, live_server.url, officer.username, password)
    page.goto(f"{live_server.url}/directory/services/{service.pk}/")


def test_officer_adds_an_entry_then_edits_it(live_server, page, knowledge_officer, password):
    sign_in(page, live_server.url, knowledge_officer.username, password)
    page.goto(f"{live_server.url}/directory/")
    page.get_by_role("link", name="Add a directory entry").click()
    page.get_by_label("Name", exact=True).fill("Loughborough carers group")
    page.get_by_label("Organisation that runs it").fill("Carers Trust")
    page.get_by_label("Description").fill("A monthly group for unpaid carers.")
    page.get_by_label("Main category of need").select_option("carers")
    page.get_by_label("Cost").fill("Free")
    page.get_by_label("Venue").fill("Charnwood Community Hall")
    page.get_by_label("Town or city").fill("Loughborough")
    page.get_by_label("Postcode (optional)", exact=True).fill("LE11 3TU")
    page.get_by_label("Opening times").fill("Tuesday 10:00-12:00")
    assert_accessible(page)
    page.get_by_role("button", name="Save entry").click()

    page.get_by_text("Loughborough carers group added to the directory.").wait_for()
    assert page.get_by_role("heading", name="Loughborough carers group").is_visible()
    service = CommunityService.objects.get(name="Loughborough carers group")
    assert (service.category, service.organisation) == ("carers", "Carers Trust")
    assert [(s.weekday, f"{s.opens_at:%H:%M}") for s in service.schedules.all()] == [(1, "10:00")]
    assert service.locations.get().postcode == "LE11 3TU"
    assert latest_history(service).history_user == knowledge_officer
    assert_accessible(page)

    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Phone").fill("0116 496 0123")
    page.get_by_label("Opening times").fill("Tuesday 10:00-12:00\nThursday 18:00-20:00")
    page.get_by_role("button", name="Save entry").click()
    page.get_by_text("Loughborough carers group saved.").wait_for()
    assert "0116 496 0123" in page.locator("main").inner_text()
    service.refresh_from_db()
    assert service.phone == "0116 496 0123"
    assert [s.weekday for s in service.schedules.all()] == [1, 3]
    assert (latest_history(service).phone, latest_history(service).history_user) == (
        "0116 496 0123", knowledge_officer)


def test_officer_retires_an_entry_then_reinstates_it(live_server, page, knowledge_officer, password):
    service = entry(knowledge_officer)
    open_entry(page, live_server, knowledge_officer, password, service)
    page.get_by_role("button", name="Retire").click()

    page.get_by_text("Benefits advice line retired: it no longer shows in searches.").wait_for()
    assert page.get_by_role("heading", name="Benefits advice line (retired)").is_visible()
    assert_accessible(page)
    service.refresh_from_db()
    assert service.retired_at is not None
    assert not CommunityService.objects.active().filter(pk=service.pk).exists()
    assert latest_history(service).history_user == knowledge_officer

    page.get_by_role("button", name="Reinstate").click()
    page.get_by_text("Benefits advice line reinstated.").wait_for()
    assert page.get_by_role("heading", name="Benefits advice line", exact=True).is_visible()
    service.refresh_from_db()
    assert service.retired_at is None
    assert latest_history(service).retired_at is None
    assert latest_history(service).history_user == knowledge_officer


def _unchecked_for_a_year(service):
    a_year_ago = timezone.now() - timedelta(days=365)
    CommunityService.objects.filter(pk=service.pk).update(last_checked_at=a_year_ago)


def test_officer_marks_an_entry_checked_today_from_the_entry(live_server, page, knowledge_officer, password):
    service = entry(knowledge_officer)
    _unchecked_for_a_year(service)
    open_entry(page, live_server, knowledge_officer, password, service)
    page.get_by_role("button", name="Mark as checked today").click()

    page.get_by_text("Benefits advice line checked today.").wait_for()
    today = timezone.localdate()
    assert f"Last checked {today.day} {today:%B %Y}" in page.locator("main").inner_text()
    service.refresh_from_db()
    assert timezone.localtime(service.last_checked_at).date() == today
    assert service.last_checked_by == knowledge_officer
    assert latest_history(service).history_user == knowledge_officer


def test_officer_marks_an_entry_checked_today_from_the_to_check_list(live_server, page, knowledge_officer,
                                                                    password):
    service = entry(knowledge_officer)
    _unchecked_for_a_year(service)
    sign_in(page, live_server.url, knowledge_officer.username, password)
    page.goto(f"{live_server.url}/directory/")
    page.get_by_role("link", name="Entries not checked for 6 months").click()
    assert_accessible(page)
    page.locator("tr", has_text="Benefits advice line").get_by_role("button", name="Checked today").click()

    page.get_by_text("Benefits advice line checked today.").wait_for()
    assert page.get_by_text("Every entry has been checked in the last 6 months.").is_visible()
    service.refresh_from_db()
    assert timezone.localtime(service.last_checked_at).date() == timezone.localdate()
    assert service.last_checked_by == knowledge_officer


def test_officer_imports_a_file_and_is_told_of_the_bad_record(live_server, page, knowledge_officer,
                                                              password, tmp_path):
    record = json.loads(next(openreferral.export_services(
        CommunityService.objects.filter(pk=entry(knowledge_officer).pk))))
    CommunityService.objects.all().delete()
    record |= {"id": "imported-food-bank", "name": "Melton food bank"}
    upload = tmp_path / "directory.jsonl"
    upload.write_text(json.dumps(record) + "\n" + '{"id": "x1"}\n', encoding="utf-8")
    sign_in(page, live_server.url, knowledge_officer.username, password)
    page.goto(f"{live_server.url}/directory/")
    page.get_by_role("link", name="Import from Open Referral UK").click()
    page.get_by_label("Open Referral UK JSON file").set_input_files(str(upload))
    page.get_by_role("button", name="Import").click()

    report = page.locator("#import-report")
    report.wait_for()
    assert "1 added, 0 updated, 0 unchanged, 1 not loaded." in report.inner_text()
    assert "line 2 (id x1): name is missing" in report.inner_text()
    assert_accessible(page)
    imported = CommunityService.objects.get(identifier="imported-food-bank")
    assert imported.name == "Melton food bank"
    assert imported.history.exists()


def test_officer_imports_a_uk_profile_service_and_categorises_it_from_the_list(
        live_server, page, knowledge_officer, password):
    from pathlib import Path

    from directory.models import TermMapping

    example = Path(__file__).resolve().parent.parent / "fixtures" / "oruk" / "service_full.json"
    sign_in(page, live_server.url, knowledge_officer.username, password)
    page.goto(f"{live_server.url}/directory/import/")
    page.get_by_label("Open Referral UK JSON file").set_input_files(str(example))
    page.get_by_role("button", name="Import").click()

    report = page.locator("#import-report")
    report.wait_for()
    assert "1 added, 0 updated, 0 unchanged, 0 not loaded." in report.inner_text()
    assert "'ABC 1234' is not a UK postcode" in page.locator("#import-notes").inner_text()
    assert_accessible(page)
    page.locator("#to-categorise-count").get_by_role("link", name="categorise them").click()

    row = page.get_by_role("row").filter(has_text="Community Counselling")
    assert "name (taxonomy)" in " ".join(row.inner_text().split())
    assert_accessible(page)
    row.get_by_role("link", name="Categorise").click()
    page.get_by_role("button", name="Save categories").click()
    page.locator(".nhsuk-error-summary").wait_for()  # no category chosen yet
    page.get_by_label("Talking therapies and emotional support").first.check()
    page.get_by_label("name (taxonomy)").check()
    page.get_by_role("button", name="Save categories").click()

    page.get_by_text("Community Counselling categorised.").wait_for()
    assert "Every entry has a category of need." in page.locator("main").inner_text()
    entry = CommunityService.objects.get(name="Community Counselling")
    assert (entry.category, entry.terms_to_categorise) == ("emotional_support", [])
    assert latest_history(entry).history_user == knowledge_officer
    assert TermMapping.objects.get(vocabulary="taxonomy", term="name").need == "emotional_support"


def test_officer_logs_a_helpline_query(live_server, page, knowledge_officer, password):
    service = entry(knowledge_officer)
    sign_in(page, live_server.url, knowledge_officer.username, password)
    page.goto(f"{live_server.url}/directory/helpline/")
    page.get_by_label("Who asked").fill("Dev Sharma")
    page.get_by_label("Their team").fill("City East CTR Team")
    page.get_by_label("Category of need").select_option("benefits")
    page.get_by_label("Area", exact=True).fill("LE11")
    page.get_by_label("What they asked").fill("Where can someone get help appealing a PIP decision?")
    page.get_by_label("Answer given").fill("The benefits advice line")
    page.get_by_label("Entries suggested").select_option(str(service.pk))
    assert_accessible(page)
    page.get_by_role("button", name="Log query").click()

    page.get_by_text("Query logged.").wait_for()
    assert "Where can someone get help appealing a PIP decision?" in page.locator("main").inner_text()
    query = HelplineQuery.objects.get()
    assert (query.asked_by, query.need, query.postcode_district, query.logged_by) == (
        "Dev Sharma", "benefits", "LE11", knowledge_officer)
    assert list(query.suggested.all()) == [service]
    assert {h.history_user for h in query.history.all()} == {knowledge_officer}


def test_officer_logs_an_unmet_need(live_server, page, knowledge_officer, password):
    sign_in(page, live_server.url, knowledge_officer.username, password)
    page.goto(f"{live_server.url}/directory/unmet-needs/")
    page.get_by_role("link", name="Log an unmet need").click()
    page.get_by_label("Category of need").select_option("loneliness")
    page.get_by_label("Area").fill("LE13")
    page.get_by_label("What was needed").fill("An evening group for young men in Melton")
    assert_accessible(page)
    page.get_by_role("button", name="Log unmet need").click()

    page.get_by_text("Unmet need logged.").wait_for()
    assert "LE13" in page.locator("main").inner_text()
    need = UnmetNeed.objects.get()
    assert (need.need, need.postcode_district, need.description, need.logged_by) == (
        "loneliness", "LE13", "An evening group for young men in Melton", knowledge_officer)
    assert need.history.get().history_user == knowledge_officer


@pytest.mark.parametrize("persona", ["knowledge_officer", "manager"])
def test_expertise_is_added_then_edited_by(live_server, page, request, password, persona):
    """The directory of expertise is kept by the officer and by managers (both roles hold
    directory.manage_expertise); practitioners only search it."""
    user = request.getfixturevalue(persona)
    PractitionerFactory(name="Priya Shah", teams=[TeamFactory(name="Eating Disorders Team")])
    sign_in(page, live_server.url, user.username, password)
    page.goto(f"{live_server.url}/directory/expertise/")
    page.get_by_role("link", name="Add expertise").click()
    page.get_by_label("Practitioner").select_option(label="Priya Shah (Nurse)")
    page.get_by_label("Specialty").select_option("eating_disorders")
    page.get_by_label("Skills").fill("ARFID, family work")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()

    page.get_by_text("Expertise saved.").wait_for()
    assert "ARFID, family work" in page.locator("#expertise").inner_text()
    expertise = Expertise.objects.get(practitioner__name="Priya Shah")
    assert (expertise.specialty, expertise.skills, expertise.phone_advice) == (
        "eating_disorders", "ARFID, family work", True)
    assert expertise.history.get().history_user == user

    page.locator("#expertise").get_by_role("link", name="Edit").click()
    page.get_by_label("Offers supervision").check()
    page.get_by_label("Notes").fill("Best on Thursdays")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Expertise saved.").wait_for()
    assert "Phone advice, supervision" in page.locator("#expertise").inner_text()
    expertise.refresh_from_db()
    assert (expertise.supervision, expertise.notes) == (True, "Best on Thursdays")
    assert expertise.history.order_by("-history_date").first().history_user == user
