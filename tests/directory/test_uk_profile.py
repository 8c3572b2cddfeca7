"""Open Referral UK's UK profile (HSDS 3.0): a real record from the profile's own
examples loads; another directory's taxonomy terms are mapped to the categories of need,
and an entry with none known waits on the officer's list to categorise; every record the
export writes validates against the profile's compiled JSON Schema."""

import json
from pathlib import Path

import jsonschema
import pytest
from jsonschema import FormatChecker

from directory import services
from directory.models import CommunityService, TermMapping
from directory.openreferral import export_services, import_services

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "oruk"


def example() -> dict:
    return json.loads((FIXTURES / "service_full.json").read_text())


def validator():
    schema = json.loads((FIXTURES / "service.schema.json").read_text())
    return jsonschema.Draft202012Validator(schema, format_checker=FormatChecker())


def record(identifier: str, *terms: tuple[str, str], **changes) -> dict:
    service = {"id": identifier, "name": f"Service {identifier}", "status": "active",
               "organization": {"id": "org-2", "name": "County Council", "description": ""},
               "attributes": [{"id": f"{identifier}-{n}", "taxonomy_term": {
                   "id": f"t{n}", "name": name, "description": name, "taxonomy": vocabulary}}
                   for n, (vocabulary, name) in enumerate(terms)]}
    return service | changes


def load(officer, *records: dict):
    return import_services(actor=officer, text="\n".join(json.dumps(r) for r in records))


def test_the_uk_profile_example_service_loads_and_waits_to_be_categorised(officer, reference_data):
    report = load(officer, example())

    assert (report.created, report.problems, report.to_categorise) == (1, [], 1)
    entry = CommunityService.objects.get(identifier="ac148810-d857-441c-9679-408f346de14b")
    assert (entry.name, entry.category, entry.needs) == ("Community Counselling", "", [])
    assert entry.terms_to_categorise == [{"vocabulary": "taxonomy", "id": "name", "name": "name"}]
    assert (entry.minimum_age, entry.maximum_age, entry.free) == (12, 100, False)
    assert entry.organisation == "Example Organization Inc."
    assert entry.provider.url == "http://example.com"
    assert entry.area.startswith("The service is available to all residents of the MyCity area.")
    assert [str(s) for s in entry.schedules.all()] == ["Thursday 10:00 to 18:00", "Friday 10:00 to 18:00"]
    # Its venue is abroad ("ABC 1234", US): left out of the entry, and said so.
    assert not entry.locations.exists()
    assert [n.message for n in report.notes] == [
        "the venue MyCity Civic Center left out: 'ABC 1234' is not a UK postcode"]
    assert entry in services_to_categorise()


def test_the_example_file_as_published_loads(officer, reference_data):
    """The profile's example is one service set out on many lines, not JSON Lines."""
    report = import_services(actor=officer, text=(FIXTURES / "service_full.json").read_text())

    assert (report.created, report.problems) == (1, [])


def services_to_categorise():
    from directory.selectors import services_to_categorise as waiting
    return list(waiting())


def test_another_directorys_terms_are_mapped_by_their_names(officer, reference_data):
    report = load(officer, record("s1", ("esd", "Debt advice")),
                  record("s2", ("lga", "Food banks"), ("lga", "Widgets")))

    assert (report.created, report.to_categorise) == (2, 0)
    assert CommunityService.objects.get(identifier="s1").needs == ["benefits"]
    assert CommunityService.objects.get(identifier="s2").needs == ["food"]


def test_an_entry_with_no_terms_waits_to_be_categorised_and_is_found_by_its_words(officer, reference_data):
    from directory.selectors import Search, services_search

    load(officer, record("s3", description="Allotment gardening for wellbeing"))

    assert CommunityService.objects.get(identifier="s3").category == ""
    assert [s.identifier for s in services_search(Search(words="allotment")).services] == ["s3"]
    assert services_search(Search(words="allotment", need="healthy_lifestyles")).services == []


def test_a_remembered_term_categorises_the_others_waiting_and_later_imports(officer, reference_data):
    load(officer, record("w1", ("esd", "Men's sheds")), record("w2", ("esd", "Men's sheds")))
    first = CommunityService.objects.get(identifier="w1")
    term = first.terms_to_categorise[0]

    done = services.service_categorise(actor=officer, service=first, category="loneliness",
                                       needs=["community_activity"], remember=[term])

    assert [s.identifier for s in done] == ["w1", "w2"]
    first.refresh_from_db()
    assert (first.category, first.needs, first.terms_to_categorise) == (
        "loneliness", ["loneliness", "community_activity"], [])
    assert CommunityService.objects.get(identifier="w2").needs == ["loneliness"]
    assert TermMapping.objects.get(vocabulary="esd", term="Men's sheds").need == "loneliness"
    assert first.history.first().history_user == officer
    load(officer, record("w3", ("ESD", "men's sheds")))
    assert CommunityService.objects.get(identifier="w3").needs == ["loneliness"]


def test_a_categorised_entry_keeps_its_categories_when_imported_again(officer, reference_data):
    load(officer, record("k1", ("esd", "Widgets")))
    services.service_categorise(actor=officer, service=CommunityService.objects.get(identifier="k1"),
                                category="housing")

    report = load(officer, record("k1", ("esd", "Widgets"), name="Service k1 renamed"))

    entry = CommunityService.objects.get(identifier="k1")
    assert (report.updated, entry.name, entry.category, entry.terms_to_categorise) == (
        1, "Service k1 renamed", "housing", [])


def test_only_an_entrys_own_terms_can_be_remembered(officer, reference_data):
    from core.errors import Invalid

    load(officer, record("o1", ("esd", "Widgets")))

    with pytest.raises(Invalid):
        services.service_categorise(actor=officer, service=CommunityService.objects.get(identifier="o1"),
                                    category="housing",
                                    remember=[{"vocabulary": "x", "id": "y", "name": "z"}])


def test_every_exported_record_validates_against_the_uk_profile_schema(make_service, officer, reference_data):
    from datetime import time

    from tests.factories import PCNFactory

    pcn = PCNFactory(code="U60113", name="Soar Valley PCN")
    make_service("Crisis cafe", category="crisis", needs=("peer_support",), postcode="LE11 3TU",
                 area="Charnwood", postcode_districts=("LE11",), pcn_codes=(pcn.code,), phone="0116 496 0002",
                 url="https://example.org/cafe", email="cafe@example.org", minimum_age=18,
                 openings=[(4, time(18), time(23))])
    make_service("Phone befriending", category="loneliness", free=False, cost="£2 a call")
    load(officer, example(), record("not-a-uuid", ("esd", "Debt advice")))
    lines = list(export_services())

    check = validator()
    assert len(lines) == 4
    for line in lines:
        exported = json.loads(line)
        assert list(check.iter_errors(exported)) == [], exported["name"]
    # The schema is really checked: the first version's record, with ids that are not
    # UUIDs, does not pass.
    assert list(check.iter_errors({"id": "a1", "name": "x", "status": "active"}))


def test_an_export_read_back_finds_entries_whose_ids_are_not_uuids(officer, reference_data):
    load(officer, record("not-a-uuid", ("esd", "Debt advice"), service_at_locations=[{"location": {
        "id": "venue-1", "location_type": "physical",
        "addresses": [{"address_1": "1 High Street", "city": "Hinckley", "postal_code": "LE10 1DS"}]}}]))
    text = "".join(export_services())

    report = import_services(actor=officer, text=text)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert CommunityService.objects.get().locations.get().identifier == "venue-1"
