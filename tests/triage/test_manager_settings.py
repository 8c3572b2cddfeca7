"""Wait targets are data a manager can change; closure days move the business clock."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cap.services import referral_log_written
from triage.models import TargetDefinition

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def staff_manager(manager):
    manager.is_staff = True
    manager.save()
    return manager


@pytest.mark.django_db
def test_manager_changes_a_targets_duration_and_new_referrals_follow_it(client_for, staff_manager,
                                                                       admin_team, person, gp_referrer):
    review = TargetDefinition.objects.get(code="triage_review")
    client = client_for(staff_manager)
    response = client.post(f"/admin/triage/targetdefinition/{review.pk}/change/",
                           {"name": review.name, "amount": 2})
    assert response.status_code == 302
    with time_machine.travel(datetime(2026, 11, 23, 12, tzinfo=LONDON), tick=False):
        referral = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                        reason="Low mood")
    assert referral.targets.get().due_at == datetime(2026, 11, 25, 12, tzinfo=LONDON)
    assert review.history.first().history_user == staff_manager


@pytest.mark.django_db
def test_an_extra_closure_day_added_by_a_manager_moves_due_times(client_for, staff_manager, admin_team,
                                                                 person, gp_referrer):
    client_for(staff_manager).post("/admin/triage/closureday/add/",
                                   {"day": "2026-11-24", "reason": "Service training day"})
    with time_machine.travel(datetime(2026, 11, 23, 12, tzinfo=LONDON), tick=False):
        referral = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                        reason="Low mood")
    assert referral.targets.get().due_at == datetime(2026, 11, 25, 12, tzinfo=LONDON)


@pytest.mark.django_db
def test_a_call_handler_cannot_open_the_admin_site(client_for, call_handler):
    response = client_for(call_handler).get("/admin/triage/targetdefinition/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# --- The wait targets page ------------------------------------------------------------------

TARGETS = "/dashboard/targets/"


def change_page(definition) -> str:
    return f"{TARGETS}{definition.pk}/"


def settings_form(client, definition, **typed):
    form = client.get(change_page(definition)).context["form"]
    return {**{name: "" if value is None else value for name, value in form.initial.items()}, **typed}


@pytest.mark.django_db
def test_the_page_lists_every_target_with_its_time_and_at_risk_thresholds(client_for, manager):
    html = client_for(manager).get(TARGETS).content.decode()
    urgent = html.split('data-target="urgent_triage_response"')[1].split("</tr>")[0]
    assert "Urgent triage: a clinician acts within 1 hour" in urgent and "1 hour<" in urgent
    assert "75%" in urgent and "15 min" in urgent
    assert "A change applies to targets started after it" in html
    assert set(TargetDefinition.objects.values_list("code", flat=True)) <= set(
        code.split('"')[0] for code in html.split('data-target="')[1:])


@pytest.mark.django_db
def test_a_manager_changes_the_urgent_triage_response_and_only_later_contacts_follow_it(
        client_for, manager, admin_team, person, gp_referrer):
    def contact(at):
        with time_machine.travel(at, tick=False):
            return referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                        reason="Crisis", referrer_urgency="urgent")

    before = contact(datetime(2026, 11, 23, 9, tzinfo=LONDON))
    urgent = TargetDefinition.objects.get(code="urgent_triage_response")
    with time_machine.travel(datetime(2026, 11, 23, 9, 30, tzinfo=LONDON), tick=False):
        client = client_for(manager)
        response = client.post(change_page(urgent), settings_form(
            client, urgent, amount=2, at_risk_share="", at_risk_minutes_left=30))
        assert response.status_code == 302 and response.url == TARGETS
        history = client.get(change_page(urgent)).content.decode().split('id="target-history"')[1]
    after = contact(datetime(2026, 11, 23, 10, tzinfo=LONDON))
    due = {r: r.targets.get(definition__code="urgent_triage_response").due_at for r in (before, after)}
    assert due[before] == datetime(2026, 11, 23, 10, tzinfo=LONDON)  # kept the hour it started with
    assert due[after] == datetime(2026, 11, 23, 12, tzinfo=LONDON)
    assert after.targets.get(definition__code="urgent_triage_response").at_risk_at == datetime(
        2026, 11, 23, 11, 30, tzinfo=LONDON)
    urgent.refresh_from_db()
    assert (urgent.amount, urgent.at_risk_share, urgent.at_risk_minutes_left) == (2, None, 30)
    latest = urgent.history.first()
    assert latest.history_user == manager
    assert "Mon 23 Nov 2026, 9:30am" in history and "time 1 hour to 2 hours" in history
    assert "at risk at share elapsed 75% to none" in history and "15 min to 30 min" in history
    assert "As set up: time 1 hour, at risk at share elapsed 75%, at risk with minutes left 15 min" in history


@pytest.mark.django_db
@pytest.mark.parametrize("code, typed, field, message", [
    ("urgent_triage_response", {"amount": 0}, "amount", "greater than or equal to 1"),
    ("urgent_triage_response", {"amount": 400}, "amount", "between 1 and 72 hours"),
    ("routine_assessment", {"amount": 4000}, "amount", "between 1 and 365 days"),
    ("urgent_triage_response", {"amount": "an hour"}, "amount", "Enter a whole number"),
    ("urgent_triage_response", {"at_risk_share": 100}, "at_risk_share", "less than or equal to 99"),
    ("urgent_triage_response", {"at_risk_minutes_left": 60}, "at_risk_minutes_left",
     "less than the whole target (60 minutes)"),
    ("urgent_triage_response", {"amount": ""}, "amount", "Enter the time in hours"),
    ("urgent_triage_response", {"amount": "9" * 40}, "amount", "less than or equal to"),
])
def test_a_bad_setting_names_the_field_keeps_what_was_typed_and_changes_nothing(
        client_for, manager, code, typed, field, message):
    definition = TargetDefinition.objects.get(code=code)
    client = client_for(manager)
    response = client.post(change_page(definition), settings_form(client, definition, **typed))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert f'href="#id_{field}"' in response.content.decode()
    assert response.context["form"].data[field] == str(typed[field])
    assert definition.history.count() == TargetDefinition.objects.get(code=code).history.count()
    assert TargetDefinition.objects.get(code=code).amount == definition.amount


@pytest.mark.django_db
def test_a_change_made_from_an_older_version_is_refused_keeping_what_was_typed(client_for, manager):
    urgent = TargetDefinition.objects.get(code="urgent_triage_response")
    client = client_for(manager)
    stale = settings_form(client, urgent, amount=3)
    client.post(change_page(urgent), settings_form(client, urgent, amount=2))  # another manager
    response = client.post(change_page(urgent), stale)
    assert response.status_code == 200
    assert "Someone else changed" in response.content.decode()
    assert response.context["form"].data["amount"] == "3"
    assert TargetDefinition.objects.get(pk=urgent.pk).amount == 2


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["call_handler", "triage_clinician", "admin_team", "practitioner_user"])
def test_only_managers_may_change_wait_targets(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    urgent = TargetDefinition.objects.get(code="urgent_triage_response")
    assert client.get(TARGETS).status_code == 403
    assert client.post(change_page(urgent), {"amount": 9, "version": 0}).status_code == 403
    assert TargetDefinition.objects.get(pk=urgent.pk).amount == 1


@pytest.mark.django_db
def test_the_performance_page_and_the_managers_navigation_link_to_the_wait_targets(client_for, manager):
    client = client_for(manager)
    assert f'href="{TARGETS}"' in client.get("/dashboard/performance/").content.decode()
    assert f'href="{TARGETS}"' in client.get("/dashboard/").content.decode()
    assert client.get(f"{TARGETS}999999/").status_code == 404
