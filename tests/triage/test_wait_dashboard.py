"""The managers' live wait dashboard and its API, every figure against a hand-counted
fixture, each drilled into; managers only."""

import csv
import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from cap.services import referral_log_written
from triage import services

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 24, 10, tzinfo=LONDON)  # Tuesday 10:00


def at(day, hour, minute=0):
    return datetime(2026, 11, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def waits(admin_team, triage_clinician, person, gp_referrer):
    """Five open referrals, hand placed:

    A  non-urgent triage, received Mon 12:00, review due Tue 12:00: 2 hours left (1-4 h)
    B  non-urgent triage, received Mon 09:30, review due Tue 09:30 (8 open hours): breached at 09:30
    C  very urgent, received Tue 06:30, 4-hour assessment due 10:30: 30 minutes left (under 1 h)
    D  routine, received Mon 12:00, booking due Tue 12:00: 2 hours left (1-4 h), a slot issue
    E  eating disorders triage, received Tue 09:30, review due Wed 09:30: 23 h 30 left (4-24 h)
    """
    def refer(when, **details):
        with time_machine.travel(when, tick=False):
            return referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                        reason="Low mood", **details)

    def decide(referral, when, urgency):
        with time_machine.travel(when, tick=False):
            services.triage_decision_record(actor=triage_clinician, referral=referral, urgency=urgency,
                                            outcome="assessment", stream="AMH", rationale="Assess")

    made = {"A": refer(at(23, 12)), "B": refer(at(23, 9, 30)), "C": refer(at(24, 6, 30)),
            "D": refer(at(23, 12)), "E": refer(at(24, 9, 30), specific_queue="eating_disorders")}
    decide(made["C"], at(24, 6, 31), "very_urgent")
    decide(made["D"], at(23, 12, 1), "routine")
    from scheduling.models import SlotIssue

    SlotIssue.objects.create(referral=made["D"], target_due_at=at(24, 12), first_option_at=at(25, 9))
    with time_machine.travel(NOW, tick=False):
        services.scan_breaches()
    return made


@pytest.fixture
def dashboard(client_for, manager, waits):
    with time_machine.travel(NOW, tick=False):
        yield client_for(manager)


def cell(page, queue, band):
    row = re.search(rf'<tr class="nhsuk-table__row" data-queue="{queue}">(.*?)</tr>', page, re.S).group(1)
    value = re.search(rf'data-band="{band}">(.*?)</td>', row, re.S).group(1)
    return int(re.match(r"(?:<a[^>]*>)?(\d+)", value).group(1))


@pytest.mark.django_db
def test_open_referrals_by_queue_and_time_left_match_the_hand_count(dashboard):
    page = dashboard.get(reverse("triage:dashboard")).content.decode()
    assert (cell(page, "non_urgent", "breached"), cell(page, "non_urgent", "lt_4h"),
            cell(page, "non_urgent", "all")) == (1, 1, 2)
    assert (cell(page, "urgent", "lt_1h"), cell(page, "urgent", "all")) == (1, 1)
    assert (cell(page, "booking", "lt_4h"), cell(page, "booking", "all")) == (1, 1)
    assert (cell(page, "eating_disorders", "lt_24h"), cell(page, "eating_disorders", "all")) == (1, 1)
    assert cell(page, "nursing_home_in_reach", "all") == 0
    assert cell(page, "booked", "all") == 0


@pytest.mark.django_db
def test_the_other_live_figures_match_the_hand_count(dashboard, waits):
    page = dashboard.get(reverse("triage:dashboard")).content.decode()
    counts = dict(re.findall(r'data-count="(\w+)">(?:<a[^>]*>)?(\d+)', page))
    # D waits for booking in a stream no team serves, on the slot issues list: accounted for.
    assert counts == {"urgent_waiting": "1", "breaches_today": "1", "slot_issues": "1", "never_lost": "2",
                      "not_accounted_for": "0"}
    assert "30 min" in page  # C's time left
    assert waits["B"].reference in page.split('id="breaches"')[1].split("</table>")[0]


@pytest.mark.django_db
def test_a_cell_drills_down_to_exactly_the_referrals_behind_it(dashboard, waits):
    url = reverse("triage:figure", args=["open"]) + "?queue=non_urgent&band=breached"
    page = dashboard.get(url).content.decode()
    assert waits["B"].reference in page and waits["A"].reference not in page
    assert '<span data-count="rows">1</span>' in page
    response = dashboard.get(url + "&format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert [r[0] for r in rows] == ["reference", waits["B"].reference]


@pytest.mark.django_db
@pytest.mark.parametrize("figure, expected", [
    ("breaches_today", {"B"}), ("urgent_waiting", {"C"}), ("open", {"A", "B", "C", "D", "E"})])
def test_every_figure_drills_down(dashboard, waits, figure, expected):
    page = dashboard.get(reverse("triage:figure", args=[figure])).content.decode()
    shown = {key for key, referral in waits.items() if referral.reference in page}
    assert shown == expected


@pytest.mark.django_db
def test_an_unknown_figure_is_not_found(dashboard):
    assert dashboard.get(reverse("triage:figure", args=["nonsense"])).status_code == 404
    assert dashboard.get(reverse("triage:figure", args=["open"]) + "?band=x").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["call_handler", "triage_clinician", "admin_team", "practitioner_user"])
def test_only_managers_see_the_dashboard_its_figures_and_its_api(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("triage:dashboard")).status_code == 403
    assert client.get(reverse("triage:figure", args=["open"])).status_code == 403
    assert client.get(reverse("api:breaches")).status_code == 403
    assert client.get(reverse("api:dashboard")).status_code == 403


# --- The API -----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_breaches_api_lists_each_alert_event_with_its_fields(dashboard, waits):
    body = dashboard.get(reverse("api:breaches")).json()
    assert body["count"] == 5  # at risk: A, B, C, D's booking; breached: B
    breached = [r for r in body["results"] if r["kind"] == "breached"]
    assert breached == [{"id": breached[0]["id"], "referral": waits["B"].pk, "target": "triage_review",
                         "kind": "breached", "occurred_at": "2026-11-24T09:30:00Z", "acknowledged_at": None}]


@pytest.mark.django_db
@pytest.mark.parametrize("query, expected", [
    ("kind=breached", 1), ("kind=at_risk", 4), ("target=booking", 1), ("target=assessment_4h", 1),
    ("occurred_at=2026-11-24", 5), ("occurred_at=2026-11-23", 0),
    ("occurred_after=2026-11-24T09:00:00Z", 2), ("occurred_before=2026-11-24T09:00:00Z", 3),
    ("acknowledged=false", 5), ("acknowledged=true", 0), ("acknowledged_at=2026-11-24", 0)])
def test_breaches_api_filters_by_each_field(dashboard, query, expected):
    assert dashboard.get(reverse("api:breaches") + "?" + query).json()["count"] == expected


@pytest.mark.django_db
def test_breaches_api_filters_by_referral(dashboard, waits):
    body = dashboard.get(reverse("api:breaches") + f"?referral={waits['C'].pk}").json()
    assert [(r["target"], r["kind"]) for r in body["results"]] == [("assessment_4h", "at_risk")]


@pytest.mark.django_db
def test_breaches_api_refuses_a_bad_filter(dashboard):
    assert dashboard.get(reverse("api:breaches") + "?kind=late").status_code == 400


@pytest.mark.django_db
def test_dashboard_api_gives_the_live_figures(dashboard):
    body = dashboard.get(reverse("api:dashboard")).json()
    by_queue = {q["queue"]: q for q in body["open_by_queue"]}
    assert (body["open_total"], body["urgent_waiting"], body["breaches_today"]) == (5, 1, 1)
    assert by_queue["non_urgent"]["by_time_left"]["breached"] == 1
    assert by_queue["urgent"]["by_time_left"]["lt_1h"] == 1
    assert body["watcher_overdue"] is False


@pytest.mark.django_db
def test_the_schema_documents_the_monitoring_endpoints(client_for, manager):
    schema = client_for(manager).get(reverse("schema")).content.decode()
    assert "/api/v1/breaches/" in schema and "/api/v1/dashboard/" in schema
    assert "occurred_after" in schema


def test_today_is_25_hours_long_when_the_clocks_go_back():
    from triage.dashboard import today_bounds

    start, end = today_bounds(datetime(2026, 10, 25, 12, tzinfo=LONDON))  # the clocks go back
    assert end - start == timedelta(hours=25)
