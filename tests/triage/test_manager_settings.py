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
