"""A legitimate relationship decides who reads a person's record (access.rules); anyone
else breaks the glass with a reason, for a short time, reported to the managers."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from access import rules
from access.models import BreakGlassGrant
from accounts import roles
from cap.models import RecordAccess
from cap.services import referral_log_written
from careplans import services as careplans_services
from careplans.models import Episode
from tests.factories import PractitionerFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

REASON = "Called by the emergency department: the person is there now and names us as their team"


@pytest.fixture
def team(reference_data):
    return TeamFactory(name="City East CTR Team")


@pytest.fixture
def in_care(practitioner_user, team):
    """The practitioner, a nurse in the team of the person's open episode."""
    PractitionerFactory(name="Grace Okafor", teams=[team], user=practitioner_user)
    return practitioner_user


@pytest.fixture
def not_in_care(reference_data):
    user = UserFactory(username="other.practitioner", role=roles.PRACTITIONER)
    PractitionerFactory(name="Tom Reid", teams=[TeamFactory(name="County West CTR Team")], user=user)
    return user


@pytest.fixture
def referral(admin_team, person, gp_referrer, team, in_care):
    """A referral of a person with an open episode of the team, and their care plan."""
    made = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer, reason="Low mood")
    Episode.objects.create(service_user=made.service_user, team=team, opened_on=date(2026, 9, 1))
    careplans_services.care_plan_start(actor=in_care, service_user=made.service_user)
    return made


def _pages(referral):
    person = referral.service_user.pk
    return {"referral page": reverse("cap:referral", args=[referral.pk]),
            "care plan": reverse("careplans:person", args=[person]),
            "care plan versions": reverse("careplans:versions", args=[person]),
            "care plan copy for gp": reverse("careplans:copy", args=[person, "gp"])}


def _api(referral):
    return reverse("api:care_plan", args=[referral.service_user.pk])


def test_a_practitioner_in_the_persons_care_reads_the_referral_care_plan_and_api(
        in_care, referral, client_for):
    client = client_for(in_care)
    for context, url in _pages(referral).items():
        assert client.get(url).status_code == 200, url
        assert RecordAccess.objects.filter(user=in_care, context=context).count() == 1, context
    assert client.get(_api(referral)).status_code == 200
    reads = RecordAccess.objects.filter(user=in_care, service_user=referral.service_user)
    assert reads.filter(context="care plan API").count() == 1
    assert not reads.exclude(break_glass_reason="").exists()


def test_a_practitioner_not_in_their_care_gets_the_break_glass_page_and_reads_nothing(
        not_in_care, referral, client_for):
    client = client_for(not_in_care)
    for url in _pages(referral).values():
        page = client.get(url)
        body = page.content.decode()
        assert page.status_code == 403, url
        assert "Why do you need to see this record?" in body
        assert reverse("access:break_glass", args=[referral.service_user.pk]) in body
        assert referral.service_user.family_name not in body  # who the person is stays unshown
    api = client.get(_api(referral))
    assert api.status_code == 403
    assert "no care relationship" in api.json()["detail"]
    assert api.json()["break_glass"].endswith(reverse("access:break_glass", args=[referral.service_user.pk]))
    assert not RecordAccess.objects.filter(user=not_in_care).exists()


def test_breaking_the_glass_with_a_reason_grants_the_read_for_the_set_time_and_logs_the_reason(
        not_in_care, referral, client_for, settings):
    settings.ACCESS_BREAK_GLASS_MINUTES = 30
    client = client_for(not_in_care)
    url = reverse("cap:referral", args=[referral.pk])
    before = timezone.now()
    answer = client.post(reverse("access:break_glass", args=[referral.service_user.pk]),
                         {"reason": REASON, "next": url})
    assert answer.status_code == 302 and answer.url == url
    grant = BreakGlassGrant.objects.get(user=not_in_care, service_user=referral.service_user)
    assert grant.reason == REASON
    assert grant.expires_at - grant.granted_at == timedelta(minutes=30) and grant.granted_at >= before
    assert grant.history.get().history_user == not_in_care

    assert client.get(url).status_code == 200
    assert client.get(_api(referral)).status_code == 200
    reads = RecordAccess.objects.filter(user=not_in_care).order_by("id")
    assert [(r.context, r.break_glass_reason) for r in reads] == [
        ("referral page", REASON), ("care plan API", REASON)]


def test_breaking_the_glass_lets_read_the_plan_but_not_change_it(not_in_care, referral, client_for):
    client = client_for(not_in_care)
    client.post(reverse("access:break_glass", args=[referral.service_user.pk]), {"reason": REASON})
    plan = client.get(reverse("careplans:person", args=[referral.service_user.pk]))
    assert plan.status_code == 200
    assert client.get(reverse("careplans:contribute", args=[referral.service_user.pk])).status_code == 403


def test_an_empty_or_too_short_reason_is_refused_with_a_message_and_nothing_granted(
        not_in_care, referral, client_for):
    client = client_for(not_in_care)
    address = reverse("access:break_glass", args=[referral.service_user.pk])
    for reason in ("", "   ", "need it"):
        page = client.post(address, {"reason": reason, "next": "/"})
        body = page.content.decode()
        assert page.status_code == 200
        assert "There is a problem" in body
        assert "Say why you need to see this record" in body or "Enter why" in body
        assert reason.strip() in body  # what was typed survives the error
    assert not BreakGlassGrant.objects.exists()
    assert client.get(reverse("cap:referral", args=[referral.pk])).status_code == 403


def test_the_grant_expires_after_the_set_time(not_in_care, referral, client_for, settings):
    settings.ACCESS_BREAK_GLASS_MINUTES = 30
    url = reverse("cap:referral", args=[referral.pk])
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = client_for(not_in_care)
        client.post(reverse("access:break_glass", args=[referral.service_user.pk]), {"reason": REASON})
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert client.get(url).status_code == 200
    with time_machine.travel(start + timedelta(minutes=30), tick=False):
        assert client.get(url).status_code == 403


def test_a_next_address_off_the_site_is_not_followed(not_in_care, referral, client_for):
    answer = client_for(not_in_care).post(reverse("access:break_glass", args=[referral.service_user.pk]),
                                          {"reason": REASON, "next": "https://evil.example/steal"})
    assert answer.status_code == 302 and answer.url == reverse("home")


def test_the_grant_shows_on_the_managers_and_caldicott_guardians_report_newest_first(
        not_in_care, referral, manager, client_for):
    guardian = UserFactory(username="caldicott.guardian", role=roles.CALDICOTT_GUARDIAN)
    last_month = timezone.now() - timedelta(days=40)
    older = BreakGlassGrant.objects.create(user=not_in_care, service_user=referral.service_user,
                                           reason="An older reason, last month", granted_at=last_month,
                                           expires_at=last_month + timedelta(minutes=30))
    client_for(not_in_care).post(reverse("access:break_glass", args=[referral.service_user.pk]),
                                 {"reason": REASON})
    for reader in (manager, guardian):
        body = client_for(reader).get(reverse("access:break_glass_report")).content.decode()
        assert body.index(REASON) < body.index(older.reason)
        assert str(referral.service_user) in body
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    recent = client_for(manager).get(reverse("access:break_glass_report"), {"granted_from": since})
    assert REASON in recent.content.decode() and older.reason not in recent.content.decode()
    dashboard = client_for(manager).get(reverse("triage:dashboard")).content.decode()
    assert 'data-break-glass="1"' in dashboard


def test_reading_the_report_is_logged_as_a_read_of_each_person_it_names(
        not_in_care, referral, manager, client_for):
    client_for(not_in_care).post(reverse("access:break_glass", args=[referral.service_user.pk]),
                                 {"reason": REASON})
    client_for(manager).get(reverse("access:break_glass_report"))
    read = RecordAccess.objects.get(user=manager, context="break-glass report")
    assert read.service_user == referral.service_user


def test_the_report_is_for_managers_and_the_caldicott_guardian_only(not_in_care, admin_team, client_for):
    for user in (not_in_care, admin_team):
        assert client_for(user).get(reverse("access:break_glass_report")).status_code == 403


def test_a_bad_date_on_the_report_is_a_message_not_an_error(manager, client_for):
    page = client_for(manager).get(reverse("access:break_glass_report"), {"granted_from": "31/02/x"})
    assert page.status_code == 200 and "There is a problem" in page.content.decode()


def test_the_triage_worklist_api_is_refused_to_practitioners_and_the_admin_team(
        in_care, admin_team, triage_clinician, client_for):
    for user in (in_care, admin_team):
        assert client_for(user).get(reverse("api:worklist")).status_code == 403
    assert client_for(triage_clinician).get(reverse("api:worklist")).status_code == 200


def test_the_triage_queues_are_refused_to_the_admin_team_and_practitioners(
        in_care, admin_team, triage_clinician, manager, client_for):
    queues = [reverse(name) for name in ("triage:worklist", "queues:urgent", "queues:non_urgent")]
    for user in (admin_team, in_care):
        for url in queues:
            assert client_for(user).get(url).status_code == 403, (user, url)
    for user in (triage_clinician, manager):
        for url in queues:
            assert client_for(user).get(url).status_code == 200, (user, url)


def test_roles_that_work_referrals_read_them_role_wide(referral, triage_clinician, admin_team, client_for):
    for user in (triage_clinician, admin_team):
        assert client_for(user).get(reverse("cap:referral", args=[referral.pk])).status_code == 200


def test_the_referral_api_follows_the_same_rule(in_care, not_in_care, referral, client_for):
    url = reverse("api:referral", args=[referral.pk])
    assert client_for(in_care).get(url).status_code == 200
    assert client_for(not_in_care).get(url).status_code == 403


def test_each_care_relationship_is_named(in_care, not_in_care, referral):
    now = timezone.now()
    assert rules.care_relationship(in_care, referral.service_user, now=now) == "their team's open episode"
    assert rules.care_relationship(not_in_care, referral.service_user, now=now) is None
    access = rules.read_access(not_in_care, referral.service_user, now=now, record=rules.Record.REFERRAL)
    assert not access.allowed


def test_the_relationship_is_decided_in_two_queries_however_much_history(
        in_care, referral, django_assert_num_queries):
    with django_assert_num_queries(2):  # the practitioner, and every relationship at once
        rules.care_relationship(in_care, referral.service_user, now=timezone.now())
