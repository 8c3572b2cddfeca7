"""Reading a person's record through a care relationship, and breaking the glass without
one, through the pages: what the reader sees, the grant and the access log's rows.

- practitioner: read the referral and care plan of a person in their care (cap:referral, careplans:person)
  -> test_practitioner_in_care_reads_the_referral_and_the_care_plan
- practitioner: break the glass with a reason (access:break_glass)
  -> test_practitioner_not_in_care_breaks_the_glass_and_reads_the_referral
- practitioner: break the glass with no reason, refused (access:break_glass)
  -> test_practitioner_without_a_reason_is_refused_and_keeps_what_they_typed
- manager: see the week's break-glass reads and the report (triage:dashboard, access:break_glass_report)
  -> test_manager_sees_the_break_glass_read_on_the_dashboard_and_the_report
- caldicott guardian: filter the break-glass reads by date (access:break_glass_report)
  -> test_caldicott_guardian_filters_the_report_by_date
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from access.models import BreakGlassGrant
from accounts import roles
from cap.models import RecordAccess
from cap.services import referral_log_written
from careplans.models import Episode
from tests.factories import PractitionerFactory, TeamFactory, UserFactory

from .pages import assert_accessible, fill_date, latest_history, open_from_menu, sign_in

pytestmark = [pytest.mark.browser]

REASON = "The emergency department rang: the person is there now and names our team"


@pytest.fixture
def team(reference_data):
    return TeamFactory(name="City East CTR Team")


@pytest.fixture
def referral(admin_team, person, gp_referrer, team):
    made = referral_log_written(actor=admin_team, person=person(given_name="Noor", family_name="Hussain"),
                                referrer=gp_referrer, reason="Low mood since the summer")
    Episode.objects.create(service_user=made.service_user, team=team, opened_on=date(2026, 9, 1))
    return made


@pytest.fixture
def in_care(practitioner_user, team):
    PractitionerFactory(name="Grace Okafor", teams=[team], user=practitioner_user)
    return practitioner_user


@pytest.fixture
def not_in_care(reference_data):
    user = UserFactory(username="tom.reid", role=roles.PRACTITIONER)
    PractitionerFactory(name="Tom Reid", teams=[TeamFactory(name="County West CTR Team")], user=user)
    return user


def test_practitioner_in_care_reads_the_referral_and_the_care_plan(live_server, page, in_care, password,
                                                                   referral):
    sign_in(page, live_server.url, in_care.username, password)
    page.goto(f"{live_server.url}/referrals/{referral.pk}/")
    assert "Noor Hussain" in page.get_by_role("heading", level=1).inner_text()
    page.goto(f"{live_server.url}/care-plans/people/{referral.service_user.pk}/")
    assert "Noor Hussain" in page.content()
    assert_accessible(page)
    reads = RecordAccess.objects.filter(user=in_care, service_user=referral.service_user)
    assert {r.context for r in reads} >= {"referral page", "care plan"}
    assert not reads.exclude(break_glass_reason="").exists()


def test_practitioner_not_in_care_breaks_the_glass_and_reads_the_referral(live_server, page, not_in_care,
                                                                          password, referral):
    sign_in(page, live_server.url, not_in_care.username, password)
    page.goto(f"{live_server.url}/referrals/{referral.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "You are not involved in this person's care"
    assert "Hussain" not in page.content()
    assert_accessible(page)
    page.get_by_label("Why do you need to see this record?").fill(REASON)
    page.get_by_role("button", name="See this record").click()
    page.wait_for_url(f"**/referrals/{referral.pk}/")
    assert "Hussain" in page.content()
    grant = BreakGlassGrant.objects.get(user=not_in_care)
    assert grant.reason == REASON and grant.expires_at > timezone.now()
    assert latest_history(grant, not_in_care).reason == REASON
    read = RecordAccess.objects.get(user=not_in_care, context="referral page")
    assert read.break_glass_reason == REASON


def test_practitioner_without_a_reason_is_refused_and_keeps_what_they_typed(live_server, page, not_in_care,
                                                                            password, referral):
    sign_in(page, live_server.url, not_in_care.username, password)
    page.goto(f"{live_server.url}/care-plans/people/{referral.service_user.pk}/")
    page.get_by_label("Why do you need to see this record?").fill("urgent")
    page.get_by_role("button", name="See this record").click()
    summary = page.locator(".nhsuk-error-summary")
    assert "Say why you need to see this record, in at least 10 characters" in summary.inner_text()
    assert page.get_by_label("Why do you need to see this record?").input_value() == "urgent"
    assert_accessible(page)
    assert not BreakGlassGrant.objects.exists()
    assert not RecordAccess.objects.filter(user=not_in_care).exists()


def test_manager_sees_the_break_glass_read_on_the_dashboard_and_the_report(live_server, page, manager,
                                                                            not_in_care, password, referral):
    now = timezone.now()
    BreakGlassGrant.objects.create(user=not_in_care, service_user=referral.service_user, reason=REASON,
                                   granted_at=now, expires_at=now + timedelta(minutes=30))
    sign_in(page, live_server.url, manager.username, password)
    page.goto(f"{live_server.url}/")
    figure = page.locator("#break-glass-reads")
    assert figure.get_attribute("data-break-glass") == "1"
    figure.get_by_role("link").click()
    page.wait_for_url("**/access/break-glass/")
    row = page.locator("#grants tbody tr").first
    assert REASON in row.inner_text() and "Noor Hussain" in row.inner_text()
    assert_accessible(page)


def test_caldicott_guardian_filters_the_report_by_date(live_server, page, not_in_care, password, referral):
    guardian = UserFactory(username="caldicott.guardian", role=roles.CALDICOTT_GUARDIAN)
    now = timezone.now()
    last_month = now - timedelta(days=40)
    BreakGlassGrant.objects.create(user=not_in_care, service_user=referral.service_user, reason=REASON,
                                   granted_at=now, expires_at=now + timedelta(minutes=30))
    BreakGlassGrant.objects.create(user=not_in_care, service_user=referral.service_user,
                                   reason="Checking an address for a letter last month",
                                   granted_at=last_month, expires_at=last_month + timedelta(minutes=30))
    sign_in(page, live_server.url, guardian.username, password)
    page.wait_for_url("**/access/break-glass/")
    open_from_menu(page, "Break-glass reads")
    assert page.locator("#grants tbody tr").count() == 2
    fill_date(page, "From (optional)", timezone.localdate() - timedelta(days=7))
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**granted_from_day=*")
    rows = page.locator("#grants tbody tr")
    assert rows.count() == 1 and REASON in rows.first.inner_text()
    assert_accessible(page)
