"""Open Referral UK import and export: a round trip gives the same entries; each bad
record is reported with its line or id and the good ones are all loaded."""

import json
from datetime import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from directory.models import CommunityService, Location
from directory.openreferral import export_services, import_services
from tests.factories import PCNFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(make_service):
    pcn = PCNFactory(code="U60112", name="Carillon PCN")
    full = make_service(
        "Loughborough crisis cafe", organisation="Loughborough Wellbeing", category="crisis",
        needs=("emotional_support", "peer_support"), description="Evening drop-in; a quiet room.",
        area="Charnwood", postcode_districts=("LE11", "LE12"), pcn_codes=(pcn.code,),
        contact_name="Duty worker", phone="0116 496 0002", email="cafe@example.org",
        url="https://example.org/cafe", access="drop-in", how_to_access="Just turn up.",
        eligibility="Adults in emotional distress.", minimum_age=18, cost="Free", postcode="LE11 3TU",
        openings=[(4, time(18), time(23)), (5, time(18), time(2))])
    make_service("Phone befriending", category="loneliness", free=False, cost="£2 a call")
    return full


def exported() -> list[dict]:
    return [json.loads(line) for line in export_services()]


def test_export_then_import_gives_the_same_entries(directory, officer):
    before = exported()
    CommunityService.objects.all().delete()

    report = import_services(actor=officer, text="".join(json.dumps(r) + "\n" for r in before))

    assert (report.created, report.problems) == (2, [])
    assert exported() == before
    cafe = CommunityService.objects.get(name="Loughborough crisis cafe")
    assert cafe.needs == ["crisis", "emotional_support", "peer_support"]
    assert cafe.postcode_districts == ["LE11", "LE12"]
    assert [p.code for p in cafe.pcns.all()] == ["U60112"]
    assert cafe.locations.get().latitude == pytest.approx(52.772)
    assert [str(s) for s in cafe.schedules.all()] == ["Friday 18:00 to 23:00", "Saturday 18:00 to 02:00"]


def test_importing_an_export_again_changes_nothing(directory, officer):
    text = "".join(export_services())
    history = directory.history.count()

    report = import_services(actor=officer, text=text)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert directory.history.count() == history


def test_an_import_updates_an_entry_by_its_id_with_history(directory, officer):
    record = exported()[0]
    record["name"] = "Loughborough crisis cafe and safe space"

    report = import_services(actor=officer, text=json.dumps(record))

    assert report.updated == 1
    directory.refresh_from_db()
    assert directory.name == "Loughborough crisis cafe and safe space"
    assert directory.history.first().history_user == officer


def good(identifier, **changes):
    record = {
        "id": identifier, "name": f"Service {identifier}", "description": "Help.",
        "organization": {"id": "org-1", "name": "Voluntary Action"},
        "service_taxonomys": [{"id": "t", "taxonomy": {"id": "cap-need:housing", "vocabulary": "cap-need"}}],
        "service_at_locations": [{"location": {"id": f"{identifier}-loc", "physical_addresses": [
            {"address_1": "1 High Street", "postal_code": "LE10 1DS"}]}}],
    }
    record.update(changes)
    return json.dumps(record)


def test_each_bad_record_is_reported_with_its_line_and_id_and_the_good_ones_load(officer, reference_data):
    lines = [
        good("a1"),
        '{"id": "b2", "name": "Broken", ',
        good("c3", status="closed for good"),
        good("d4", service_at_locations=[{"location": {"id": "x", "physical_addresses": [
            {"postal_code": "NOT A CODE"}]}}]),
        good("a1"),
        "",
        good("e5"),
        good("f6", name=""),
    ]

    report = import_services(actor=officer, text="\n".join(lines))

    assert report.created == 3
    assert set(CommunityService.objects.values_list("identifier", flat=True)) == {"a1", "d4", "e5"}
    problems = [(p.where, p.record_id) for p in report.problems]
    assert problems == [("line 2", ""), ("line 3", "c3"), ("line 5", "a1"), ("line 8", "f6")]
    messages = [str(p) for p in report.problems]
    assert "not valid JSON" in messages[0]
    assert "unknown status 'closed for good'" in messages[1]
    assert "also at line 1" in messages[2]
    assert "name is missing" in messages[3]
    # A venue without a UK postcode is left out of an entry that is loaded, with a note.
    assert [str(n) for n in report.notes] == [
        "line 4 (id d4): the venue x left out: 'NOT A CODE' is not a UK postcode"]
    assert not CommunityService.objects.get(identifier="d4").locations.exists()


def test_a_json_list_and_an_open_referral_page_are_read_too(officer, reference_data):
    page = json.dumps({"totalElements": 2, "content": [json.loads(good("p1")), json.loads(good("p2", id=7))]},
                      indent=2)
    listed = "[" + good("l1") + ", 42]"

    assert import_services(actor=officer, text=page).created == 2
    report = import_services(actor=officer, text=listed)
    assert report.created == 1
    assert [str(p) for p in report.problems] == ["record 2: a service record should be a JSON object"]


def test_a_malformed_json_list_is_reported_and_loads_nothing(officer, reference_data):
    report = import_services(actor=officer, text='[\n{"id": "x",\n')

    assert report.loaded == 0
    assert report.problems[0].where.startswith("line ")


def test_imported_locations_get_coordinates_from_their_district(officer, reference_data):
    import_services(actor=officer, text=good("g1"))

    location = Location.objects.get()
    assert (location.postcode, location.latitude) == ("LE10 1DS", pytest.approx(52.54))


def test_the_commands_export_and_import(directory, tmp_path):
    path = tmp_path / "directory.jsonl"
    call_command("directory_export", "-o", str(path))
    CommunityService.objects.all().delete()
    out = StringIO()

    call_command("directory_import", str(path), stdout=out)

    assert "2 added, 0 updated, 0 unchanged, 0 not loaded." in out.getvalue()


def test_the_import_command_fails_when_a_record_is_bad(tmp_path, reference_data):
    path = tmp_path / "bad.jsonl"
    path.write_text(good("ok") + "\n{oops\n")
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("directory_import", str(path), stdout=StringIO(), stderr=err)

    assert "line 2" in err.getvalue()
    assert CommunityService.objects.filter(identifier="ok").exists()
