"""The breach watcher: at risk and breached at exact instants, each alert once, the
people told, repeats of unacknowledged 24/7 breaches, acknowledging, email, heartbeat."""

import re
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from cap.services import referral_log_written
from tests.factories import UserFactory
from triage import alerts, services
from triage.models import (
    AlertRepeat,
    AlertSchedule,
    BreachAlert,
    CrisisOutcome,
    DutyShift,
    Notification,
    TargetDefinition,
    WaitTarget,
)

LONDON = ZoneInfo("Europe/London")


def told(alert):
    """The notifications that told an alert."""
    return Notification.objects.filter(alert_ids__contains=[alert.pk])

MONDAY_NOON = datetime(2026, 11, 23, 12, tzinfo=LONDON)
H = timedelta(hours=1)


@pytest.fixture
def refer(admin_team, person, gp_referrer):
    def make(at=MONDAY_NOON, **details):
        with time_machine.travel(at, tick=False):
            return referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                        reason="Low mood", **details)
    return make


@pytest.fixture
def decided(refer, triage_clinician):
    """A referral received at MONDAY_NOON and decided at once with the given urgency."""
    def make(urgency, at=MONDAY_NOON):
        referral = refer(at)
        with time_machine.travel(at + timedelta(minutes=1), tick=False):
            services.triage_decision_record(actor=triage_clinician, referral=referral, urgency=urgency,
                                            outcome="assessment", stream="AMH", rationale="Needs assessing")
        return referral
    return make


def alerts_of(referral, code):
    return {a.kind: a for a in BreachAlert.objects.filter(target__referral=referral,
                                                          target__definition__code=code)}


@pytest.mark.django_db
def test_very_urgent_target_is_at_risk_three_hours_after_first_contact_not_a_second_before(decided):
    referral = decided("very_urgent")
    services.scan_breaches(now=MONDAY_NOON + 3 * H - timedelta(seconds=1))
    assert alerts_of(referral, "assessment_4h") == {}
    services.scan_breaches(now=MONDAY_NOON + 3 * H)
    alert = alerts_of(referral, "assessment_4h")["at_risk"]
    assert alert.occurred_at == MONDAY_NOON + 3 * H
    assert alert.queue == "urgent"


@pytest.mark.django_db
def test_urgent_target_is_at_risk_when_three_quarters_of_its_24_hours_have_passed(decided):
    referral = decided("urgent")
    services.scan_breaches(now=MONDAY_NOON + 18 * H - timedelta(seconds=1))
    assert alerts_of(referral, "assessment_24h") == {}
    services.scan_breaches(now=MONDAY_NOON + 18 * H)
    assert alerts_of(referral, "assessment_24h")["at_risk"].occurred_at == MONDAY_NOON + 18 * H


@pytest.mark.django_db
def test_two_hour_target_is_at_risk_with_an_hour_left_before_three_quarters_elapsed():
    definition = TargetDefinition.objects.get(code="hub_assessment_2h")
    start = MONDAY_NOON
    assert definition.at_risk_at(start, start + 2 * H) == start + H


@pytest.mark.django_db
def test_manager_changes_the_share_for_targets_started_afterwards(decided):
    TargetDefinition.objects.filter(code="assessment_24h").update(at_risk_share=50, at_risk_minutes_left=None)
    referral = decided("urgent")
    services.scan_breaches(now=MONDAY_NOON + 12 * H)
    assert alerts_of(referral, "assessment_24h")["at_risk"].occurred_at == MONDAY_NOON + 12 * H


@pytest.mark.django_db
def test_breached_one_second_after_the_due_instant_and_not_at_it(decided):
    referral = decided("very_urgent")
    services.scan_breaches(now=MONDAY_NOON + 4 * H)
    assert "breached" not in alerts_of(referral, "assessment_4h")
    services.scan_breaches(now=MONDAY_NOON + 4 * H + timedelta(seconds=1))
    assert alerts_of(referral, "assessment_4h")["breached"].occurred_at == MONDAY_NOON + 4 * H


@pytest.mark.django_db
def test_a_breach_while_every_worker_was_down_is_found_by_the_next_scan_with_both_events(decided):
    referral = decided("very_urgent")
    services.scan_breaches(now=MONDAY_NOON + 9 * H)  # the first scan since the decision
    found = alerts_of(referral, "assessment_4h")
    assert (found["at_risk"].occurred_at, found["breached"].occurred_at) == (
        MONDAY_NOON + 3 * H, MONDAY_NOON + 4 * H)
    # The breach supersedes the at-risk alert: only the breach is told.
    assert not told(found["at_risk"]).exists()
    assert told(found["breached"]).exists()


@pytest.mark.django_db
def test_a_met_target_raises_nothing_more(decided, triage_clinician):
    from triage.models import UrgentAction

    referral = decided("very_urgent")
    with time_machine.travel(MONDAY_NOON + 2 * H, tick=False):
        services.urgent_action_record(actor=triage_clinician, referral=referral,
                                      kind=UrgentAction.Kind.ASSESSMENT_COMPLETED,
                                      outcome=services.Outcome(CrisisOutcome.HOME_TREATMENT))
    services.scan_breaches(now=MONDAY_NOON + 10 * H)
    assert alerts_of(referral, "assessment_4h") == {}


@pytest.mark.django_db
def test_scanning_again_raises_no_second_alert_and_tells_nobody_twice(decided, manager):
    decided("very_urgent")
    later = MONDAY_NOON + 5 * H
    first = services.scan_breaches(now=later)
    told = Notification.objects.count()
    assert services.scan_breaches(now=later) == 0
    assert services.scan_breaches(now=later + timedelta(minutes=1)) == 0
    assert (first, Notification.objects.count()) == (2, told)


@pytest.mark.django_db(transaction=True)
def test_two_scanners_at_once_raise_each_alert_once(refer, reference_data):
    for _ in range(30):
        refer()
    results, errors = [], []

    def scan():
        try:
            results.append(services.scan_breaches(now=MONDAY_NOON + 48 * H, batch_size=7))
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(results) == 60  # 30 at risk and 30 breached, shared between the two
    assert BreachAlert.objects.count() == 60
    # Each scanner told the queue once about the alerts it raised: 30 breaches in all.
    queue_told = Notification.objects.filter(queue="non_urgent").values_list("alert_ids", flat=True)
    breached = set(BreachAlert.objects.filter(kind="breached").values_list("pk", flat=True))
    told_breaches = [pk for ids in queue_told for pk in ids if pk in breached]
    assert sorted(told_breaches) == sorted(breached)


@pytest.mark.django_db
def test_a_target_with_alerts_cannot_be_deleted(decided):
    from django.db.models import ProtectedError

    referral = decided("very_urgent")
    services.scan_breaches(now=MONDAY_NOON + 5 * H)
    alert = alerts_of(referral, "assessment_4h")["breached"]
    with pytest.raises(ProtectedError):
        alert.target.delete()
    assert WaitTarget.objects.filter(pk=alert.target_id).exists()


@pytest.mark.django_db(transaction=True)
def test_a_burst_shared_among_three_connections_raises_every_alert_once(refer, reference_data):
    for _ in range(30):
        refer()
    raised = services.scan_breaches(now=MONDAY_NOON + 48 * H, batch_size=4, connections=3)
    assert raised == BreachAlert.objects.count() == 60  # 30 at risk and 30 breached
    assert not AlertSchedule.objects.exists()
    assert services.scan_breaches(now=MONDAY_NOON + 48 * H, batch_size=4, connections=3) == 0


# --- Who is told --------------------------------------------------------------------------

@pytest.mark.django_db
def test_at_risk_is_told_to_the_queue_that_owns_the_next_step_only(decided, manager):
    referral = decided("very_urgent")
    services.scan_breaches(now=MONDAY_NOON + 3 * H)
    alert = alerts_of(referral, "assessment_4h")["at_risk"]
    assert list(told(alert).values_list("queue", "user")) == [("urgent", None)]


@pytest.mark.django_db
def test_a_breach_is_told_to_the_queue_and_the_duty_manager_on_the_rota(decided, manager):
    other = UserFactory(username="other.manager", role="Manager")
    DutyShift.objects.create(manager=other, starts_at=MONDAY_NOON, ends_at=MONDAY_NOON + 12 * H)
    referral = decided("very_urgent")
    services.scan_breaches(now=MONDAY_NOON + 5 * H)
    alert = alerts_of(referral, "assessment_4h")["breached"]
    assert set(told(alert).values_list("queue", "user")) == {("urgent", None), ("", other.pk)}


@pytest.mark.django_db
def test_with_nobody_on_the_rota_every_manager_is_told_of_a_breach(decided, manager):
    other = UserFactory(username="other.manager", role="Manager")
    referral = decided("very_urgent")
    services.scan_breaches(now=MONDAY_NOON + 5 * H)
    alert = alerts_of(referral, "assessment_4h")["breached"]
    managers_told = told(alert).filter(user__isnull=False).values_list("user", flat=True)
    assert set(managers_told) == {manager.pk, other.pk}


@pytest.mark.django_db
def test_a_routine_booking_breach_is_told_to_the_admin_teams_booking_queue(decided, manager):
    referral = decided("routine")
    services.scan_breaches(now=MONDAY_NOON + 72 * H)
    assert alerts_of(referral, "booking")["breached"].queue == "booking"


# --- Repeats --------------------------------------------------------------------------------

@pytest.fixture
def breach(decided, manager):
    referral = decided("very_urgent")
    raised_at = MONDAY_NOON + 5 * H
    services.scan_breaches(now=raised_at)
    return alerts_of(referral, "assessment_4h")["breached"], raised_at


@pytest.mark.django_db
@override_settings(ALERT_REPEAT_MINUTES=15)
def test_an_unacknowledged_24_7_breach_repeats_each_interval_exactly_once(breach):
    alert, raised_at = breach
    services.scan_breaches(now=raised_at + timedelta(minutes=15) - timedelta(seconds=1))
    assert not AlertRepeat.objects.exists()
    services.scan_breaches(now=raised_at + timedelta(minutes=15))
    services.scan_breaches(now=raised_at + timedelta(minutes=16))
    assert list(AlertRepeat.objects.values_list("number", flat=True)) == [1]
    reminders = told(alert).filter(reminder=True)
    assert set(reminders.values_list("queue", flat=True)) == {"urgent", ""}
    services.scan_breaches(now=raised_at + timedelta(minutes=30))
    assert sorted(AlertRepeat.objects.values_list("number", flat=True)) == [1, 2]


@pytest.mark.django_db
@override_settings(ALERT_REPEAT_MINUTES=15)
def test_after_the_watcher_was_down_a_breach_repeats_once_not_once_per_missed_interval(breach):
    alert, raised_at = breach
    services.scan_breaches(now=raised_at + timedelta(minutes=50))
    assert list(AlertRepeat.objects.values_list("number", flat=True)) == [3]
    alert.refresh_from_db()
    assert alert.next_repeat_at == raised_at + timedelta(minutes=60)


@pytest.mark.django_db
@override_settings(ALERT_REPEAT_MINUTES=15)
def test_an_acknowledged_breach_stops_repeating(breach, triage_clinician):
    alert, raised_at = breach
    alerts.alert_acknowledge(actor=triage_clinician, alert=alert)
    services.scan_breaches(now=raised_at + 2 * H)
    assert not AlertRepeat.objects.exists()
    assert not told(alert).filter(read_at__isnull=True).exists()


@pytest.mark.django_db
@override_settings(ALERT_REPEAT_MINUTES=15)
def test_a_breach_met_late_stops_repeating(breach, triage_clinician):
    from triage.models import UrgentAction

    alert, raised_at = breach
    with time_machine.travel(raised_at + timedelta(minutes=5), tick=False):
        services.urgent_action_record(actor=triage_clinician, referral=alert.target.referral,
                                      kind=UrgentAction.Kind.ASSESSMENT_COMPLETED,
                                      outcome=services.Outcome(CrisisOutcome.HOME_TREATMENT))
    services.scan_breaches(now=raised_at + 2 * H)
    assert not AlertRepeat.objects.exists()
    alert.refresh_from_db()
    assert alert.next_repeat_at is None


@pytest.mark.django_db
def test_a_working_day_target_breach_does_not_repeat(refer, manager):
    referral = refer()
    services.scan_breaches(now=MONDAY_NOON + 25 * H)
    services.scan_breaches(now=MONDAY_NOON + 50 * H)
    assert alerts_of(referral, "triage_review")["breached"].next_repeat_at is None
    assert not AlertRepeat.objects.exists()


# --- Acknowledging, the notification centre, email -------------------------------------

@pytest.mark.django_db
def test_acknowledging_twice_names_who_did_it_first(breach, triage_clinician, manager):
    from core.errors import Conflict

    alert, _ = breach
    alerts.alert_acknowledge(actor=triage_clinician, alert=alert)
    with pytest.raises(Conflict, match="acknowledged this alert"):
        alerts.alert_acknowledge(actor=manager, alert=alert)


@pytest.mark.django_db
def test_a_queue_member_sees_the_unread_count_in_the_header_and_acknowledges(breach, client_for,
                                                                             triage_clinician):
    alert, _ = breach
    client = client_for(triage_clinician)
    page = client.get(reverse("alerts:index")).content.decode()
    assert '<span data-count="unread-alerts">1</span>' in page
    response = client.post(reverse("alerts:acknowledge", args=[alert.pk]))
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == triage_clinician
    page = client.get(reverse("alerts:index")).content.decode()
    assert '<span data-count="unread-alerts">0</span>' in page


@pytest.mark.django_db
def test_someone_the_alert_was_not_told_to_cannot_acknowledge_it(breach, client_for, admin_team):
    alert, _ = breach  # told to the urgent queue and the managers, not the admin team
    assert client_for(admin_team).post(reverse("alerts:acknowledge", args=[alert.pk])).status_code == 403
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


@pytest.mark.django_db
def test_a_call_handler_may_not_acknowledge(breach, client_for, call_handler):
    alert, _ = breach
    assert client_for(call_handler).post(reverse("alerts:acknowledge", args=[alert.pk])).status_code == 403


@pytest.mark.django_db
def test_each_notification_is_emailed_once_to_its_people(decided, manager, triage_clinician):
    manager.email, triage_clinician.email = "manager@nhs.test", "clinician@nhs.test"
    manager.save()
    triage_clinician.save()
    decided("very_urgent")
    services.scan_breaches(now=MONDAY_NOON + 5 * H)
    alerts.notification_emails_send(now=MONDAY_NOON + 5 * H)
    alerts.notification_emails_send(now=MONDAY_NOON + 5 * H)
    recipients = sorted(tuple(m.to) for m in mail.outbox)
    # The 4-hour breach, to the urgent queue's clinicians and to the duty manager.
    assert recipients == [("clinician@nhs.test",), ("manager@nhs.test",)]
    assert all("Asha" not in m.body and "Patel" not in m.body for m in mail.outbox)
    assert not Notification.objects.filter(email_sent_at__isnull=True).exists()


@pytest.mark.django_db
def test_an_email_claimed_by_a_relay_that_died_is_sent_when_its_lease_ends(decided, manager):
    manager.email = "manager@nhs.test"
    manager.save()
    decided("very_urgent")
    services.scan_breaches(now=MONDAY_NOON + 5 * H)
    Notification.objects.update(email_claimed_until=MONDAY_NOON + 5 * H + alerts.EMAIL_LEASE)
    assert alerts.notification_emails_send(now=MONDAY_NOON + 5 * H + timedelta(minutes=1)) == 0
    assert alerts.notification_emails_send(now=MONDAY_NOON + 5 * H + timedelta(minutes=6)) == 1


# --- A burst: one notification and one email per recipient ---------------------------

@pytest.fixture
def burst(decided, manager):
    """Twelve very urgent referrals decided a minute apart, all breached by one scan."""
    referrals = [decided("very_urgent", at=MONDAY_NOON + n * timedelta(minutes=1)) for n in range(12)]
    services.scan_breaches(now=MONDAY_NOON + 5 * H)
    return [alerts_of(referral, "assessment_4h")["breached"] for referral in referrals]


@pytest.mark.django_db
def test_a_burst_of_breaches_is_one_notification_to_the_queue_and_one_to_the_duty_manager(burst, manager):
    queue, to_manager = (Notification.objects.get(queue="urgent"), Notification.objects.get(user=manager))
    assert sorted(queue.alert_ids) == sorted(to_manager.alert_ids) == sorted(a.pk for a in burst)
    assert Notification.objects.count() == 2


@pytest.mark.django_db
def test_a_burst_is_one_email_per_recipient_listing_every_referral(burst, manager, triage_clinician):
    manager.email, triage_clinician.email = "manager@nhs.test", "clinician@nhs.test"
    manager.save()
    triage_clinician.save()
    assert alerts.notification_emails_send(now=MONDAY_NOON + 5 * H) == 2
    assert sorted(m.subject for m in mail.outbox) == ["12 wait alerts", "12 wait alerts"]
    for message in mail.outbox:
        references = [line.split(":")[0] for line in message.body.splitlines() if line.startswith("REF")]
        assert references == [a.target.referral.reference for a in burst]  # earliest due first


@pytest.mark.django_db
def test_the_centre_lists_a_bursts_first_ten_most_at_risk_and_links_to_all_of_them(burst, client_for,
                                                                                   triage_clinician):
    client = client_for(triage_clinician)
    page = client.get(reverse("alerts:index")).content.decode()
    listed = [int(pk) for pk in re.findall(r'data-alert="(\d+)"', page)]
    assert listed == [a.pk for a in burst[:10]]  # decided first, due first
    notification = Notification.objects.get(queue="urgent")
    assert f'href="{reverse("alerts:notification", args=[notification.pk])}"' in page
    whole = client.get(reverse("alerts:notification", args=[notification.pk])).content.decode()
    assert [int(pk) for pk in re.findall(r'data-alert="(\d+)"', whole)] == [a.pk for a in burst]


@pytest.mark.django_db
def test_a_notification_of_several_alerts_is_read_once_every_one_is_acknowledged(burst, triage_clinician):
    notification = Notification.objects.get(queue="urgent")
    for alert in burst[:-1]:
        alerts.alert_acknowledge(actor=triage_clinician, alert=alert)
    notification.refresh_from_db()
    assert notification.read_at is None
    alerts.alert_acknowledge(actor=triage_clinician, alert=burst[-1])
    notification.refresh_from_db()
    assert (notification.read_at is not None, notification.read_by) == (True, triage_clinician)


@pytest.mark.django_db
def test_someone_outside_the_queue_cannot_open_its_notification(burst, client_for, admin_team):
    notification = Notification.objects.get(queue="urgent")
    response = client_for(admin_team).get(reverse("alerts:notification", args=[notification.pk]))
    assert response.status_code == 404


# --- The heartbeat ---------------------------------------------------------------------------

@pytest.mark.django_db
def test_dashboard_shows_the_last_scan_and_turns_red_when_overdue(client_for, manager):
    client = client_for(manager)
    with time_machine.travel(MONDAY_NOON, tick=False):
        page = client.get(reverse("triage:dashboard")).content.decode()
        assert 'data-overdue="true"' in page and "has not run yet" in page
        services.scan_breaches()
        page = client.get(reverse("triage:dashboard")).content.decode()
        assert 'data-overdue="false"' in page and "12:00:00" in page
    with time_machine.travel(MONDAY_NOON + timedelta(seconds=180), tick=False):
        assert 'data-overdue="false"' in client.get(reverse("triage:dashboard")).content.decode()
    with time_machine.travel(MONDAY_NOON + timedelta(seconds=181), tick=False):
        page = client.get(reverse("triage:dashboard")).content.decode()
        assert 'data-overdue="true"' in page and "nhsuk-tag--red" in page


@pytest.mark.django_db
def test_existing_running_targets_get_their_alert_instants_from_the_backfill(refer):
    from importlib import import_module

    referral = refer()
    WaitTarget.objects.filter(referral=referral).update(at_risk_at=None)
    AlertSchedule.objects.all().delete()
    from django.apps import apps

    import_module("triage.migrations.0009_alert_thresholds_backfill").forwards(apps, None)
    import_module("triage.migrations.0013_alert_schedule_backfill").forwards(apps, None)
    target = WaitTarget.objects.get(referral=referral)
    assert target.at_risk_at == MONDAY_NOON + 18 * H  # 75% of the 24 hours to Tuesday noon
    assert target.alert_schedule.next_alert_at == target.at_risk_at


@pytest.mark.django_db
def test_the_backfill_schedules_the_breach_after_a_raised_at_risk_alert_and_nothing_after_it(refer):
    from importlib import import_module

    from django.apps import apps

    at_risk, _breached = refer(), refer()
    services.scan_breaches(now=MONDAY_NOON + 18 * H)  # both at risk
    services.scan_breaches(now=MONDAY_NOON + 25 * H)  # both breached
    BreachAlert.objects.filter(target__referral=at_risk, kind="breached").delete()
    assert not AlertSchedule.objects.exists()
    import_module("triage.migrations.0013_alert_schedule_backfill").forwards(apps, None)
    assert list(AlertSchedule.objects.values_list("target__referral", "next_alert_at")) == [
        (at_risk.pk, MONDAY_NOON + 24 * H)]


# --- The watcher's own rows (triage_alertschedule, ADR 0005) -------------------------------

@pytest.mark.django_db
def test_starting_a_target_schedules_its_at_risk_alert_and_the_scan_then_its_breach(refer):
    target = WaitTarget.objects.get(referral=refer())
    assert target.alert_schedule.next_alert_at == MONDAY_NOON + 18 * H
    services.scan_breaches(now=MONDAY_NOON + 18 * H)
    assert AlertSchedule.objects.get(target=target).next_alert_at == target.due_at
    services.scan_breaches(now=target.due_at + timedelta(seconds=1))
    assert not AlertSchedule.objects.filter(target=target).exists()


@pytest.mark.django_db
def test_meeting_a_target_removes_its_row_in_the_same_transaction(refer, triage_clinician):
    referral = refer()
    with time_machine.travel(MONDAY_NOON + H, tick=False):
        services.triage_decision_record(actor=triage_clinician, referral=referral, urgency="routine",
                                        outcome="route_external", rationale="GP care",
                                        external_agency="The person's GP")
    assert not AlertSchedule.objects.filter(target__referral=referral).exists()


@pytest.mark.django_db
def test_a_row_whose_target_was_stopped_by_another_path_raises_nothing_and_goes(refer):
    referral = refer()
    WaitTarget.objects.filter(referral=referral).update(cancelled_at=MONDAY_NOON + H)
    assert services.scan_breaches(now=MONDAY_NOON + 48 * H) == 0
    assert not BreachAlert.objects.exists()
    assert not AlertSchedule.objects.exists()
