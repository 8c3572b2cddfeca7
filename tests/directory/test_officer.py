"""The Community Knowledge Officer's work through the pages, role checks, the public
search without a login, and signposting shown on the person's referral."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from directory.models import CommunityService
from directory.openreferral import import_services
from directory.selectors import services_to_check

pytestmark = pytest.mark.django_db

NEW_ENTRY = {
    "name": "Syston men's shed", "organisation": "Syston Men's Shed", "description": "Make and mend.",
    "category": "community_activity", "needs": ["loneliness"], "access": "drop-in", "free": "on",
    "postcode_districts": "LE7, le4", "location_name": "The Shed", "address": "1 High Street",
    "town": "Syston", "postcode": "le7 2eq", "openings": "Tuesday 10:00-15:00\nFri 10.00 to 15.00",
}


def test_officer_adds_an_entry_with_history(client_for, officer):
    response = client_for(officer).post(reverse("directory:service_new"), NEW_ENTRY, follow=True)

    assert response.status_code == 200
    entry = CommunityService.objects.get()
    assert entry.needs == ["community_activity", "loneliness"]
    assert entry.postcode_districts == ["LE7", "LE4"]
    assert entry.locations.get().postcode == "LE7 2EQ"
    assert [str(s) for s in entry.schedules.all()] == ["Tuesday 10:00 to 15:00", "Friday 10:00 to 15:00"]
    assert entry.history.get().history_user == officer
    assert entry.provider.name == "Syston Men's Shed"


@pytest.mark.parametrize("field, value, message", [
    ("postcode", "LE7", b"Enter a full UK postcode"),
    ("postcode_districts", "LE7, Syston", b"Not a postcode district: SYSTON"),
    ("openings", "Someday 10:00-12:00", b"Line 1: write a day and times"),
    ("name", "", b"Enter name"),
])
def test_the_entry_form_validates(client_for, officer, field, value, message):
    response = client_for(officer).post(reverse("directory:service_new"), {**NEW_ENTRY, field: value})

    assert response.status_code == 200
    assert message in response.content
    assert not CommunityService.objects.exists()


def test_officer_edits_retires_reinstates_and_verifies_with_history(client_for, officer, make_service):
    entry = make_service("Old name", postcode="LE11 3TU")
    client = client_for(officer)
    edit = client.get(reverse("directory:service_edit", args=[entry.pk]))
    form = {k: v for k, v in edit.context["form"].initial.items() if v is not None}
    form |= {"name": "New name", "pcns": [], "free": "on"}

    client.post(reverse("directory:service_edit", args=[entry.pk]), form)
    client.post(reverse("directory:service_retire", args=[entry.pk]))
    entry.refresh_from_db()
    assert entry.name == "New name" and entry.retired_at is not None
    client.post(reverse("directory:service_reinstate", args=[entry.pk]))
    client.post(reverse("directory:service_verify", args=[entry.pk]))

    entry.refresh_from_db()
    assert entry.retired_at is None and entry.last_checked_by == officer
    assert entry.history.filter(history_user=officer).count() == 4
    page = client.get(reverse("directory:service", args=[entry.pk]))
    assert b"Changed: last checked at, last checked by" in page.content
    assert b"Changed: name" in page.content


def test_entries_not_checked_for_six_months_oldest_first(make_service):
    now = timezone.now()
    recent = make_service("Recent")
    old = make_service("Old")
    older = make_service("Older")
    retired = make_service("Retired")
    for entry, days in ((recent, 30), (old, 200), (older, 400), (retired, 500)):
        entry.last_checked_at = now - timedelta(days=days)
        entry.save()
    retired.retired_at = now
    retired.save()

    assert list(services_to_check(now=now)) == [older, old]


def test_to_check_page_verifies_from_the_list(client_for, officer, make_service):
    entry = make_service("Old")
    CommunityService.objects.filter(pk=entry.pk).update(last_checked_at=timezone.now() - timedelta(days=300))
    client = client_for(officer)
    assert b"Old" in client.get(reverse("directory:to_check")).content

    response = client.post(reverse("directory:service_verify", args=[entry.pk]), {"next": "to_check"})

    assert response["Location"] == reverse("directory:to_check")
    assert b"Every entry has been checked" in client.get(reverse("directory:to_check")).content


def test_the_import_page_reports_bad_records(client_for, officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("d.jsonl", b'{"id": "x1"}\nnot json\n')
    response = client_for(officer).post(reverse("directory:import"), {"file": upload})

    assert b"0 added" in response.content
    assert b"line 1 (id x1): name is missing" in response.content
    assert b"line 2: not valid JSON" in response.content


@pytest.mark.parametrize("persona", ["triage_clinician", "practitioner_user", "call_handler"])
def test_staff_who_signpost_can_search_but_not_edit(client_for, request, persona, make_service):
    entry = make_service("Debt advice", category="benefits")
    client = client_for(request.getfixturevalue(persona))

    assert b"Debt advice" in client.get(reverse("directory:index"), {"need": "benefits"}).content
    assert client.get(reverse("directory:service_edit", args=[entry.pk])).status_code == 403
    assert client.post(reverse("directory:service_retire", args=[entry.pk])).status_code == 403
    assert client.get(reverse("directory:helpline")).status_code == 403
    assert client.get(reverse("directory:import")).status_code == 403
    assert client.get(reverse("directory:export")).status_code == 403


@pytest.mark.parametrize("persona, url, status", [
    ("admin_team", "directory:index", 403),
    ("call_handler", "directory:unmet_needs", 403),
    ("triage_clinician", "directory:unmet_needs", 403),
    ("manager", "directory:unmet_needs", 200),
    ("manager", "directory:helpline", 403),
    ("call_handler", "directory:expertise", 403),
    ("triage_clinician", "directory:expertise", 200),
    ("triage_clinician", "directory:expertise_new", 403),
    ("manager", "directory:expertise_new", 200),
    ("knowledge_officer", "directory:to_check", 200),
])
def test_role_checks(client_for, request, persona, url, status):
    assert client_for(request.getfixturevalue(persona)).get(reverse(url)).status_code == status


@pytest.mark.parametrize("url", ["directory:index", "directory:helpline", "directory:unmet_needs",
                                 "directory:expertise", "directory:to_check"])
def test_staff_pages_need_a_login(client, url):
    response = client.get(reverse(url))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_public_page_needs_no_login_and_shows_only_active_entries(client, make_service):
    make_service("Crisis cafe", category="crisis", postcode="LE11 3TU")
    retired = make_service("Closed cafe", category="crisis")
    retired.retired_at = timezone.now()
    retired.save()

    response = client.get(reverse("directory:public_search"), {"need": "crisis", "postcode": "LE11"})

    assert response.status_code == 200
    assert b"Crisis cafe" in response.content
    assert b"Closed cafe" not in response.content
    assert b"Last checked" not in response.content  # the staff detail stays off the public list
    assert b"If you need help now" in response.content


def test_the_public_entry_page_needs_no_login_and_hides_retired_entries(client, make_service):
    entry = make_service("Crisis cafe")
    assert client.get(reverse("directory:public_service", args=[entry.identifier])).status_code == 200
    entry.retired_at = timezone.now()
    entry.save()
    assert client.get(reverse("directory:public_service", args=[entry.identifier])).status_code == 404


def test_the_public_page_answers_odd_input(client):
    response = client.get(reverse("directory:public_search"),
                          {"q": "<b>help</b> ' OR 1=1 --", "postcode": "ZZ99 9ZZ", "need": "nonsense"})

    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"<b>help</b>" not in response.content


def test_the_referral_shows_the_service_the_person_was_signposted_to(client_for, triage_clinician,
                                                                     admin_team, person, gp_referrer,
                                                                     make_service):
    from cap.services import referral_log_written
    from triage import services as triage_services
    from triage.services import Decision

    cafe = make_service("Loughborough crisis cafe", phone="0116 496 0002", category="crisis")
    referral = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                    reason="Low mood")
    triage_services.triage_decision_record(actor=triage_clinician, referral=referral, decision=Decision(
        urgency="routine", outcome="route_external", external_service=cafe, rationale="Community support."))

    response = client_for(triage_clinician).get(reverse("cap:referral", args=[referral.pk]))

    assert b"Signposted to Loughborough crisis cafe" in response.content
    assert b"0116 496 0002" in response.content


def test_the_officer_opens_an_imported_entry_whose_history_names_no_one(client_for, officer):
    """Imported and demo entries are written by no signed-in user: their history rows have
    no user, and the page says the system made them."""
    record = {"id": "imported-shed", "name": "Imported shed", "description": "Make and mend.",
              "organization": {"name": "Sheds UK"},
              "service_taxonomys": [{"taxonomy": {"id": "cap-need:loneliness", "vocabulary": "cap-need"}}]}
    report = import_services(actor=None, text=json.dumps(record) + "\n")
    assert report.created == 1, report.problems
    entry = CommunityService.objects.get(name="Imported shed")
    assert entry.history.filter(history_user__isnull=True).exists()
    response = client_for(officer).get(reverse("directory:service", args=[entry.pk]))
    assert response.status_code == 200
    assert "System" in response.content.decode()


def test_the_officer_categorises_an_imported_entry_from_the_list(client_for, officer):
    record = {"id": "shed-1", "name": "Town shed", "description": "Make and mend.", "status": "active",
              "organization": {"name": "Sheds UK", "description": ""},
              "attributes": [{"id": "a", "taxonomy_term": {"id": "t", "name": "Sheds", "description": "",
                                                           "taxonomy": "esd"}}]}
    import_services(actor=None, text=json.dumps(record))
    entry = CommunityService.objects.get(identifier="shed-1")
    client = client_for(officer)

    listed = client.get(reverse("directory:to_categorise"))
    assert b"Town shed" in listed.content and b"Sheds" in listed.content
    refused = client.post(reverse("directory:service_categorise", args=[entry.pk]), {"category": "nonsense"})
    assert refused.status_code == 200 and b"Select a valid choice" in refused.content
    done = client.post(reverse("directory:service_categorise", args=[entry.pk]),
                       {"category": "loneliness", "needs": ["community_activity"], "remember": ["0"]})

    assert done.status_code == 302
    entry.refresh_from_db()
    assert (entry.category, entry.needs) == ("loneliness", ["loneliness", "community_activity"])
    waiting = client.get(reverse("directory:to_categorise")).content.decode()
    assert "Town shed categorised." in waiting
    assert reverse("directory:service_categorise", args=[entry.pk]) not in waiting
