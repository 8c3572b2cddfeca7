import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import roles
from accounts.demo_data import DEMO_USERS
from tests.factories import api_token
from tests.sign_in import sign_in_with_code
from triage.models import TriageDecision

HOMES = [
    ("call_handler", "/calls/new/"),
    ("triage_clinician", "/triage/"),
    ("admin_team", "/scheduling/booking-queue/"),
    ("manager", "/dashboard/"),
    ("practitioner_user", "/care-plans/"),
    ("knowledge_officer", "/directory/"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("persona, home", HOMES)
def test_each_role_signs_in_and_lands_on_its_own_home(client, request, persona, home, password):
    user = request.getfixturevalue(persona)
    response = sign_in_with_code(client, user, password)
    assert response.redirect_chain[-1][0] == home
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/calls/new/", "/triage/", "/scheduling/booking-queue/",
                                 "/dashboard/", "/care-plans/", "/directory/", "/referrals/new/"])
def test_every_staff_page_needs_a_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("persona, forbidden", [
    ("call_handler", "/triage/"),
    ("call_handler", "/dashboard/"),
    ("call_handler", "/referrals/new/"),
    ("triage_clinician", "/scheduling/booking-queue/"),
    ("admin_team", "/dashboard/"),
    ("practitioner_user", "/calls/new/"),
    ("knowledge_officer", "/triage/"),
])
def test_a_role_cannot_open_another_roles_pages(client_for, request, persona, forbidden):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(forbidden).status_code == 403


@pytest.mark.django_db
def test_user_without_a_role_is_told_so(client_for):
    from tests.factories import UserFactory

    response = client_for(UserFactory()).get("/")
    assert response.status_code == 403
    assert b"no role" in response.content


@pytest.mark.django_db
def test_call_handler_cannot_record_a_triage_decision_in_the_ui(client_for, call_handler, admin_team,
                                                               person, gp_referrer):
    from cap.services import referral_log_written

    referral = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                    reason="Low mood")
    response = client_for(call_handler).post(
        reverse("triage:decide", args=[referral.pk]),
        {"urgency": "routine", "outcome": "assessment", "stream": "AMH", "rationale": "x"})
    assert response.status_code == 403
    assert not TriageDecision.objects.exists()


@pytest.mark.django_db
def test_api_refuses_a_call_handler_and_accepts_a_triage_clinician(client, call_handler,
                                                                   triage_clinician, admin_team,
                                                                   person, gp_referrer):
    from cap.services import referral_log_written

    referral = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                    reason="Low mood")
    url = reverse("api:triage", args=[referral.pk])
    body = {"urgency": "routine", "outcome": "assessment", "stream": "AMH", "rationale": "Stable"}
    handler_token = api_token(call_handler)
    refused = client.post(url, body, content_type="application/json",
                          HTTP_AUTHORIZATION=f"Token {handler_token}")
    assert refused.status_code == 403
    assert not TriageDecision.objects.exists()

    clinician_token = api_token(triage_clinician)
    accepted = client.post(url, body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Token {clinician_token}")
    assert accepted.status_code == 201
    body = accepted.json()
    assert (body["status"], body["urgency"], body["stream"]) == ("awaiting_booking", "routine", "AMH")
    assert {t["code"]: t["state"] for t in body["targets"]} == {
        "triage_review": "met", "booking": "running", "routine_assessment": "running"}


@pytest.mark.django_db
def test_api_without_credentials_answers_401_not_a_login_redirect(client):
    assert client.get("/api/v1/triage/worklist/").status_code == 401


@pytest.mark.django_db
def test_openapi_schema_is_published(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/referrals/{id}/triage/" in response.content


# --- The one table of who may do what (accounts/roles.py) ------------------------------

def _groups_in_the_database() -> dict[str, set[str]]:
    return {group.name: {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
            for group in Group.objects.prefetch_related("permissions__content_type")}


def _the_table() -> dict[str, set[str]]:
    return {name: set(perms) for name, perms in roles.group_permissions().items()}


@pytest.mark.django_db
def test_migrate_leaves_the_groups_and_their_permissions_equal_to_the_roles_table():
    assert _groups_in_the_database() == _the_table()


@pytest.mark.django_db
def test_roles_sync_twice_writes_nothing_the_second_time(reference_data):
    roles.roles_sync()
    with CaptureQueriesContext(connection) as queries:
        roles.roles_sync()
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []
    assert _groups_in_the_database() == _the_table()


@pytest.mark.django_db
def test_roles_sync_puts_back_a_permission_removed_by_hand_and_takes_away_one_added(reference_data):
    manager = Group.objects.get(name=roles.MANAGER)
    dashboard = Permission.objects.get(content_type__app_label="triage", codename="view_wait_dashboard")
    decide = Permission.objects.get(content_type__app_label="triage", codename="record_triage_decision")
    # As someone editing the group in the admin site would.
    Group.permissions.through.objects.filter(group=manager, permission=dashboard).delete()
    Group.permissions.through.objects.create(group=manager, permission=decide)

    roles.roles_sync()

    assert _groups_in_the_database()[roles.MANAGER] == _the_table()[roles.MANAGER]


@pytest.mark.django_db
def test_roles_sync_creates_a_group_that_was_deleted(reference_data):
    Group.objects.filter(name=roles.EATING_DISORDERS_TRIAGE).delete()

    roles.roles_sync()

    assert _groups_in_the_database() == _the_table()


@pytest.mark.django_db
def test_migrate_puts_the_table_back_with_no_migration_to_apply(reference_data):
    Group.permissions.through.objects.filter(group__name=roles.CALL_HANDLER).delete()

    call_command("migrate", verbosity=0)

    assert _groups_in_the_database() == _the_table()


@pytest.mark.django_db
def test_roles_sync_refuses_a_table_naming_a_permission_no_model_has(reference_data, monkeypatch):
    typo = roles.QueueGroup("Typo", frozenset({"triage.record_triage_decisoin"}))
    monkeypatch.setattr(roles, "QUEUE_GROUPS", (*roles.QUEUE_GROUPS, typo))

    with pytest.raises(LookupError, match="record_triage_decisoin"):
        roles.roles_sync()


def _readme_roles_table() -> list[list[str]]:
    readme = (settings.BASE_DIR / "README.md").read_text()
    section = readme.split("## Roles and demo logins", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    assert rows[0] == "| Role | Demo login | Home page |"
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]]


def test_the_readmes_roles_table_shows_each_role_its_demo_login_and_its_home_page():
    logins = {group: username for group, username, *_ in DEMO_USERS}
    homes = {role.group: dict((url, label) for label, url in role.nav)[role.home] for role in roles.ROLES}
    shown = {role: (login.strip("`"), home) for role, login, home in _readme_roles_table()}

    assert shown.keys() == homes.keys()
    for role, (login, home) in shown.items():
        assert login == logins[role], role
        assert home.startswith(homes[role]), role


def test_the_readme_names_the_groups_of_the_specific_triage_queues():
    readme = (settings.BASE_DIR / "README.md").read_text()
    section = readme.split("## Roles and demo logins", 1)[1].split("\n## ", 1)[0]
    for group in roles.QUEUE_GROUPS:
        assert f"`{group.group}`" in section


def test_the_readme_names_the_roles_of_systems_that_call_the_api():
    readme = (settings.BASE_DIR / "README.md").read_text()
    section = readme.split("## Roles and demo logins", 1)[1].split("\n## ", 1)[0]
    for system in roles.SYSTEM_ROLES:
        assert f"`{system.group}`" in section
