"""The duty rota (issue 18, deliverable 6): managers keep who is the duty manager when, one
at a time, with the gaps shown; a breach, and a referral not accounted for, are told to
the manager on duty at that instant, to every manager when nobody is, and once."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError
from django.urls import reverse

from cap.services import referral_log_written
from core.errors import Conflict, Invalid
from tests.factories import UserFactory
from triage import accounted, alerts, rota, services
from triage.models import BreachAlert, DutyShift, Notification

LONDON = ZoneInfo("Europe/London")
MONDAY_NOON = datetime(2026, 11, 23, 12, tzinfo=LONDON)
H = timedelta(hours=1)


@pytest.fixture
def decided(admin_team, triage_clinician, person, gp_referrer):
    """A referral received at MONDAY_NOON and decided very urgent at once: its 4-hour
    assessment target breaches at 16:00."""
    def make():
        with time_machine.travel(MONDAY_NOON, tick=False):
            referral = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                            reason="Low mood")
        with time_machine.travel(MONDAY_NOON + timedelta(minutes=1), tick=False):
            services.triage_decision_record(actor=triage_clinician, referral=referral, urgency="very_urgent",
                                            outcome="assessment", stream="AMH", rationale="Needs assessing")
        return referral
    return make


@pytest.fixture
def managers(manager):
    return {"early": manager, "late": UserFactory(username="late.manager", role="Manager"),
            "spare": UserFactory(username="spare.manager", role="Manager")}


def shift(actor, manager, starts_at, ends_at):
    return rota.duty_shift_add(actor=actor, manager=manager, starts_at=starts_at, ends_at=ends_at)


def managers_told_of_breaches():
    breached = BreachAlert.objects.filter(kind="breached").values_list("pk", flat=True)
    return sorted(Notification.objects.filter(user__isnull=False, alert_ids__overlap=list(breached))
                  .values_list("user__username", flat=True))


# --- Who is told --------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_breach_is_told_to_the_manager_on_duty_at_the_instant_it_is_found(decided, managers):
    shift(managers["early"], managers["early"], MONDAY_NOON - 4 * H, MONDAY_NOON + 3 * H)
    shift(managers["early"], managers["late"], MONDAY_NOON + 3 * H, MONDAY_NOON + 12 * H)
    decided()
    services.scan_breaches(now=MONDAY_NOON + 4 * H + timedelta(minutes=1))
    assert managers_told_of_breaches() == ["late.manager"]


@pytest.mark.django_db
def test_with_nobody_on_duty_at_that_instant_every_manager_is_told(decided, managers):
    shift(managers["early"], managers["early"], MONDAY_NOON - 4 * H, MONDAY_NOON + 3 * H)
    shift(managers["early"], managers["late"], MONDAY_NOON + 6 * H, MONDAY_NOON + 12 * H)
    decided()
    services.scan_breaches(now=MONDAY_NOON + 4 * H + timedelta(minutes=1))
    assert managers_told_of_breaches() == ["late.manager", "manager", "spare.manager"]


@pytest.mark.django_db
def test_a_breach_is_told_once_however_many_scans_find_it(decided, managers):
    shift(managers["early"], managers["late"], MONDAY_NOON, MONDAY_NOON + 12 * H)
    decided()
    for minutes in (1, 2, 3):
        services.scan_breaches(now=MONDAY_NOON + 4 * H + timedelta(minutes=minutes))
    assert managers_told_of_breaches() == ["late.manager"]
    assert BreachAlert.objects.filter(kind="breached").count() == 1


@pytest.mark.django_db
def test_a_duty_manager_no_longer_active_is_passed_over_for_every_manager(managers):
    shift(managers["early"], managers["late"], MONDAY_NOON, MONDAY_NOON + 12 * H)
    managers["late"].is_active = False
    managers["late"].save()
    assert sorted(alerts.duty_managers(MONDAY_NOON + H)) == sorted(
        [managers["early"].pk, managers["spare"].pk])


@pytest.mark.django_db
def test_the_not_accounted_for_watch_asks_the_same_rota(managers):
    # One choice of recipient for both watchers: the accounted-for watch imports it.
    assert accounted.duty_managers is alerts.duty_managers
    shift(managers["early"], managers["spare"], MONDAY_NOON, MONDAY_NOON + H)
    assert alerts.duty_managers(MONDAY_NOON) == [managers["spare"].pk]
    assert len(alerts.duty_managers(MONDAY_NOON + H)) == 3  # the shift has ended


# --- Keeping the rota ---------------------------------------------------------------------

@pytest.mark.django_db
def test_one_manager_is_on_duty_at_a_time(managers):
    shift(managers["early"], managers["early"], MONDAY_NOON, MONDAY_NOON + 8 * H)
    with pytest.raises(Conflict, match="one manager is on duty at a time"):
        shift(managers["early"], managers["late"], MONDAY_NOON + 7 * H, MONDAY_NOON + 10 * H)
    shift(managers["early"], managers["late"], MONDAY_NOON + 8 * H, MONDAY_NOON + 10 * H)  # touching is fine
    assert DutyShift.objects.count() == 2


@pytest.mark.django_db
def test_the_database_refuses_overlapping_shifts_whatever_the_code_did(managers):
    DutyShift.objects.create(manager=managers["early"], starts_at=MONDAY_NOON, ends_at=MONDAY_NOON + 8 * H)
    with pytest.raises(IntegrityError, match="one_duty_manager_at_a_time"):
        DutyShift.objects.create(manager=managers["late"], starts_at=MONDAY_NOON + H,
                                 ends_at=MONDAY_NOON + 2 * H)


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "hours", "says"), [
    ("admin", 8, "Choose a manager"),
    ("late", 0, "The end must be after the start"),
    ("late", -2, "The end must be after the start"),
    ("late", 24 * 7 + 1, "up to 7 days"),
])
def test_an_impossible_shift_is_refused_with_the_reason(managers, admin_team, who, hours, says):
    manager = admin_team if who == "admin" else managers[who]
    with pytest.raises(Invalid, match=says):
        shift(managers["early"], manager, MONDAY_NOON, MONDAY_NOON + hours * H)
    assert not DutyShift.objects.exists()


@pytest.mark.django_db
def test_changing_a_shift_is_checked_against_the_others_not_itself_and_kept_in_its_history(managers):
    first = shift(managers["early"], managers["early"], MONDAY_NOON, MONDAY_NOON + 8 * H)
    shift(managers["early"], managers["late"], MONDAY_NOON + 10 * H, MONDAY_NOON + 20 * H)
    rota.duty_shift_change(actor=managers["spare"], shift=first, manager=managers["spare"],
                           starts_at=MONDAY_NOON, ends_at=MONDAY_NOON + 10 * H)
    with pytest.raises(Conflict):
        rota.duty_shift_change(actor=managers["spare"], shift=first, manager=managers["spare"],
                               starts_at=MONDAY_NOON, ends_at=MONDAY_NOON + 11 * H)
    first_id = first.pk
    rota.duty_shift_remove(actor=managers["late"], shift=first)
    history = list(DutyShift.history.filter(id=first_id).order_by("history_date")
                   .values_list("history_type", "history_user__username"))
    assert history == [("+", "manager"), ("~", "spare.manager"), ("-", "late.manager")]


@pytest.mark.django_db
def test_gaps_in_the_rota_are_found_from_now(managers):
    shift(managers["early"], managers["early"], MONDAY_NOON - H, MONDAY_NOON + 2 * H)
    shift(managers["early"], managers["late"], MONDAY_NOON + 5 * H, MONDAY_NOON + 9 * H)
    found = rota.rota_now(MONDAY_NOON)
    assert found["on_duty"].manager == managers["early"]
    assert [(g.starts_at, g.ends_at) for g in found["gaps"]] == [
        (MONDAY_NOON + 2 * H, MONDAY_NOON + 5 * H), (MONDAY_NOON + 9 * H, MONDAY_NOON + rota.LOOK_AHEAD)]


# --- The page -----------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_manager_adds_a_shift_and_sees_who_is_on_duty_now_and_the_gaps(client_for, managers):
    client = client_for(managers["early"])
    with time_machine.travel(MONDAY_NOON, tick=False):
        page = client.get(reverse("triage:duty_rota")).content.decode()
        assert "Nobody is on duty now: breaches are told to every manager (3)" in page
        response = client.post(reverse("triage:duty_rota"), {
            "manager": managers["late"].pk, "starts_at": "2026-11-23T09:00", "ends_at": "2026-11-23T17:00"})
        assert response.status_code == 302
        page = client.get(reverse("triage:duty_rota")).content.decode()
    assert DutyShift.objects.get().manager == managers["late"]
    on_duty = page.split('id="on-duty-now"', 1)[1].split("</div>", 2)[0]
    assert managers["late"].get_full_name() in on_duty and "5pm" in on_duty
    assert "Nobody is on duty from Mon 23 Nov 2026, 5pm to" in page


@pytest.mark.django_db
def test_an_overlapping_shift_on_the_page_is_refused_keeping_what_was_typed(client_for, managers):
    shift(managers["early"], managers["early"], MONDAY_NOON, MONDAY_NOON + 8 * H)
    response = client_for(managers["early"]).post(reverse("triage:duty_rota"), {
        "manager": managers["late"].pk, "starts_at": "2026-11-23T18:00", "ends_at": "2026-11-23T22:00"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "one manager is on duty at a time" in page
    assert re.search(r'name="ends_at_hour"[^>]*value="22"', page)  # the end, kept in its boxes


@pytest.mark.django_db
@pytest.mark.parametrize("fields", [
    {}, {"manager": "x", "starts_at": "yesterday", "ends_at": "2026-13-45T99:99"},
    {"manager": "999999", "starts_at": "2026-11-23T09:00", "ends_at": "2026-11-23T08:00"},
])
def test_a_shift_form_of_any_shape_is_refused_with_a_message(client_for, managers, fields):
    response = client_for(managers["early"]).post(reverse("triage:duty_rota"), fields)
    assert response.status_code == 400
    assert 'class="nhsuk-error-summary' in response.content.decode()
    assert not DutyShift.objects.exists()


@pytest.mark.django_db
def test_a_manager_changes_and_removes_a_shift_on_its_page(client_for, managers):
    first = shift(managers["early"], managers["early"], MONDAY_NOON, MONDAY_NOON + 8 * H)
    client = client_for(managers["spare"])
    url = reverse("triage:duty_shift", args=[first.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": "change", "manager": managers["spare"].pk,
                                 "starts_at": "2026-11-23T12:00", "ends_at": "2026-11-23T22:00"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.manager, first.ends_at) == (managers["spare"], MONDAY_NOON + 10 * H)
    assert client.post(url, {"action": "remove"}).status_code == 302
    assert not DutyShift.objects.exists()


@pytest.mark.django_db
def test_only_managers_keep_the_rota(client_for, admin_team, managers):
    first = shift(managers["early"], managers["early"], MONDAY_NOON, MONDAY_NOON + 8 * H)
    client = client_for(admin_team)
    assert client.get(reverse("triage:duty_rota")).status_code == 403
    assert client.post(reverse("triage:duty_shift", args=[first.pk]), {"action": "remove"}).status_code == 403
    assert DutyShift.objects.count() == 1
