"""Performance over time: every figure against a hand-counted fixture, drilled into, the
daily summaries kept correct incrementally, the XmR chart's limits and special causes."""

import csv
import io
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from cap.services import referral_log_written
from triage import performance, services
from triage.models import OutcomeDay, TargetDay

LONDON = ZoneInfo("Europe/London")


def at(day, hour, minute=0):
    return datetime(2026, 11, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def history(admin_team, triage_clinician, person, gp_referrer):
    """Three referrals in the fortnight from Monday 2 November:

    R1 received Mon 2 Nov 10:00, signposted at 10:50: review met in time after 50 minutes
    R2 received Tue 3 Nov 10:00 (review due Wed 10:00), streamed for a routine assessment
       Thu 5 Nov 09:30: review met late after 47 h 30; booking and 28-day targets running
    R3 received Mon 9 Nov 10:00, not yet triaged: review running
    """
    def refer(when):
        with time_machine.travel(when, tick=False):
            return referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                        reason="Low mood")

    def decide(referral, when, **decision):
        with time_machine.travel(when, tick=False):
            services.triage_decision_record(actor=triage_clinician, referral=referral,
                                            rationale="Decided", **decision)

    made = {"R1": refer(at(2, 10)), "R2": refer(at(3, 10)), "R3": refer(at(9, 10))}
    decide(made["R1"], at(2, 10, 50), urgency="routine", outcome="route_external",
           external_agency="Talking therapies")
    decide(made["R2"], at(5, 9, 30), urgency="routine", outcome="assessment", stream="AMH")
    with time_machine.travel(at(16, 8), tick=False):
        performance.performance_refresh()
    return made


FORTNIGHT = performance.Filters(start=date(2026, 11, 2), end=date(2026, 11, 15))


def series(code, filters=FORTNIGHT):
    return {t["code"]: t for t in performance.target_figures(filters)}[code]["series"]


@pytest.mark.django_db
def test_share_met_in_time_and_waits_by_week_match_the_hand_count(history):
    first, second = series("triage_review")
    assert (first["period"], first["met"], first["met_in_time"], first["share_in_time"]) == (
        date(2026, 11, 2), 2, 1, 50.0)
    assert (first["median_wait"], first["p90_wait"]) == (60, 2 * 1440)  # within 1 hour; within 2 days
    assert (second["met"], second["share_in_time"], second["median_wait"]) == (0, None, None)


@pytest.mark.django_db
def test_waiting_list_at_the_end_of_each_week_matches_the_hand_count(history):
    assert [p["waiting"] for p in series("triage_review")] == [0, 1]  # R3 from 9 Nov
    assert [p["waiting"] for p in series("booking")] == [1, 1]  # R2's, never booked
    assert [p["waiting"] for p in series("routine_assessment")] == [1, 1]


@pytest.mark.django_db
def test_a_range_starting_later_carries_the_waiting_list_in(history):
    later = performance.Filters(start=date(2026, 11, 9), end=date(2026, 11, 15))
    assert [p["waiting"] for p in series("triage_review", later)] == [1]
    assert [p["waiting"] for p in series("booking", later)] == [1]


@pytest.mark.django_db
def test_by_month(history):
    month = performance.Filters(start=date(2026, 11, 1), end=date(2026, 11, 30), period="month")
    (november,) = series("triage_review", month)
    assert (november["period"], november["met"], november["met_in_time"]) == (date(2026, 11, 1), 2, 1)


@pytest.mark.django_db
def test_filters_by_stream_and_channel(history):
    amh = performance.Filters(start=date(2026, 11, 2), end=date(2026, 11, 15), stream="AMH")
    assert series("triage_review", amh)[0]["met"] == 1  # R2 only
    phone = performance.Filters(start=date(2026, 11, 2), end=date(2026, 11, 15), channel="phone")
    assert all(t["series"][0]["met"] == 0 for t in performance.target_figures(phone))


@pytest.mark.django_db
def test_cap_outcomes_match_the_hand_count(history):
    figures = performance.outcome_figures(FORTNIGHT)
    by = {o["outcome"]: o["contacts"] for o in figures["by_outcome"]}
    assert (by["signposted"], by["assessment"], by["awaiting"]) == (1, 1, 1)
    assert (figures["decided"], figures["share_without_secondary_care"],
            figures["passed_to_community_teams"]) == (2, 50.0, 1)


@pytest.mark.django_db
def test_a_later_change_is_taken_in_by_the_next_refresh_as_a_rebuild_would(history, triage_clinician):
    with time_machine.travel(at(17, 9), tick=False):
        services.triage_decision_record(actor=triage_clinician, referral=history["R3"], urgency="routine",
                                        outcome="route_external", rationale="GP", external_agency="GP")
    with time_machine.travel(at(17, 9, 5), tick=False):
        assert performance.performance_refresh() >= 2  # 9 Nov (received) and 17 Nov (met)
    incremental = sorted(TargetDay.objects.values_list("day", "definition", "stream", "channel", "started",
                                                       "stopped", "met", "met_in_time", "waits"))
    outcomes = sorted(OutcomeDay.objects.values_list("day", "channel", "stream", "outcome", "contacts"))
    with time_machine.travel(at(17, 9, 10), tick=False):
        performance.performance_refresh(rebuild=True)
    assert incremental == sorted(TargetDay.objects.values_list(
        "day", "definition", "stream", "channel", "started", "stopped", "met", "met_in_time", "waits"))
    assert outcomes == sorted(OutcomeDay.objects.values_list("day", "channel", "stream", "outcome",
                                                             "contacts"))
    assert performance.outcome_figures(FORTNIGHT)["decided"] == 3


def test_xmr_limits_are_the_mean_plus_or_minus_2_66_mean_moving_ranges():
    spc = performance.xmr([50, 60, 50, 60])
    assert (spc["mean"], spc["upper"], spc["lower"], spc["special"]) == (55, 81.6, 28.4, [])


def test_xmr_marks_a_point_outside_the_limits_and_a_run_of_seven():
    assert performance.xmr([50, 60] * 6 + [100])["special"] == [12]
    run = [40, 60] * 4 + [61] * 7
    assert performance.xmr(run)["special"] == list(range(7, 15))  # 60 is above the mean too


def test_xmr_marks_a_trend_of_six_and_skips_empty_periods():
    assert performance.xmr([50, 51, 52, 53, 54, 55, 54])["special"] == [0, 1, 2, 3, 4, 5]
    assert performance.xmr([None, 50, None, 60])["mean"] == 55


# --- The page -----------------------------------------------------------------------------------

@pytest.fixture
def page(client_for, manager, history):
    with time_machine.travel(at(16, 9), tick=False):
        yield client_for(manager)


URL = reverse("triage:performance") + "?start=2026-11-02&end=2026-11-15&period=week"


@pytest.mark.django_db
def test_the_page_shows_each_figure_with_its_table_and_chart(page):
    html = page.get(URL).content.decode()
    review = html.split('data-target="triage_review"')[1].split("</table>")[0]
    first = review.split('data-period="2026-11-02"')[1].split("</tr>")[0]
    assert re.search(r'data-measure="met"><a [^>]*>2<', first)
    assert re.search(r'data-measure="share">50.0%', first)
    assert '<canvas data-chart="triage_review">' in html and "chartjs/chart.umd.min.js" in html
    assert 'data-figure="share-without-secondary-care">50.0%' in html


@pytest.mark.django_db
def test_a_figure_drills_down_to_its_referrals(page, history):
    base = reverse("triage:performance_figure") + "?start=2026-11-02&end=2026-11-15&period=week"
    met = page.get(base + "&target=triage_review&at=2026-11-02&measure=met").content.decode()
    assert history["R1"].reference in met and history["R2"].reference in met
    in_time = page.get(base + "&target=triage_review&at=2026-11-02&measure=met_in_time").content.decode()
    assert history["R1"].reference in in_time and history["R2"].reference not in in_time
    waiting = page.get(base + "&target=triage_review&at=2026-11-09&measure=waiting").content.decode()
    assert '<span data-count="rows">1</span>' in waiting and history["R3"].reference in waiting
    signposted = page.get(base + "&outcome=signposted").content.decode()
    assert '<span data-count="rows">1</span>' in signposted and history["R1"].reference in signposted


@pytest.mark.django_db
def test_the_calls_resolved_by_the_call_handler_drill_down_to_no_referrals(page):
    base = reverse("triage:performance_figure") + "?start=2026-11-02&end=2026-11-15&period=week"
    resolved = page.get(base + "&outcome=resolved")
    assert resolved.status_code == 200 and '<span data-count="rows">0</span>' in resolved.content.decode()


@pytest.mark.django_db
def test_every_table_downloads_as_csv(page):
    rows = list(csv.reader(io.StringIO(page.get(URL + "&csv=triage_review").content.decode())))
    assert rows[0][:4] == ["period", "met", "met_in_time", "share_in_time"]
    assert rows[1][:4] == ["2026-11-02", "2", "1", "50.0"]
    outcomes = dict(csv.reader(io.StringIO(page.get(URL + "&csv=outcomes").content.decode())))
    assert outcomes["signposted"] == "1"


@pytest.mark.django_db
def test_a_bad_range_is_an_error_on_the_form(page):
    html = page.get(reverse("triage:performance") + "?start=2026-11-15&end=2026-11-02").content.decode()
    assert "The start must be on or before the end." in html


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["call_handler", "triage_clinician", "admin_team"])
def test_only_managers_see_performance(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("triage:performance")).status_code == 403
    assert client.get(reverse("triage:performance_figure")).status_code == 403
    assert client.get(reverse("api:performance")).status_code == 403


@pytest.mark.django_db
def test_the_performance_figures_as_json(page):
    body = page.get(reverse("api:performance") + "?start=2026-11-02&end=2026-11-15&period=week").json()
    review = next(t for t in body["targets"] if t["code"] == "triage_review")
    assert review["series"][0]["met_in_time"] == 1
    assert body["outcomes"]["share_without_secondary_care"] == 50.0


# --- Targets stopped by triage ------------------------------------------------------------------

@pytest.fixture
def downgraded(admin_team, triage_clinician, person, gp_referrer):
    """R4 sent very urgent Mon 9 Nov 09:00 (a provisional 4-hour clock from first contact),
    downgraded by triage at 15:00, two hours after that clock would have breached."""
    with time_machine.travel(at(9, 9), tick=False):
        referral = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                        reason="Crisis", referrer_urgency="very_urgent")
    with time_machine.travel(at(9, 15), tick=False):
        services.triage_decision_record(actor=triage_clinician, referral=referral, urgency="urgent",
                                        outcome="assessment", stream="AMH", rationale="Safe tonight.")
    with time_machine.travel(at(16, 8), tick=False):
        performance.performance_refresh()
    return referral


@pytest.mark.django_db
def test_a_clock_stopped_by_triage_counts_apart_neither_met_nor_breached(downgraded):
    first, second = series("assessment_4h")
    assert (first["stopped_by_triage"], second["stopped_by_triage"]) == (0, 1)
    assert (second["met"], second["met_in_time"], second["share_in_time"], second["waiting"]) == (
        0, 0, None, 0)
    urgent = series("assessment_24h")[1]
    assert (urgent["stopped_by_triage"], urgent["waiting"]) == (0, 1)  # confirmed, still running


@pytest.mark.django_db
def test_the_page_its_csv_and_drill_down_show_the_targets_stopped_by_triage(client_for, manager,
                                                                             downgraded):
    client = client_for(manager)
    html = client.get(URL).content.decode()
    four = html.split('data-target="assessment_4h"')[1].split("</table>")[0]
    week = four.split('data-period="2026-11-09"')[1].split("</tr>")[0]
    assert "Stopped by triage" in four and re.search(r'data-measure="stopped_by_triage"><a [^>]*>1<', week)
    assert re.search(r'data-measure="met">0<', week)
    rows = list(csv.DictReader(io.StringIO(client.get(URL + "&csv=assessment_4h").content.decode())))
    assert [(r["period"], r["stopped_by_triage"], r["met"]) for r in rows] == [
        ("2026-11-02", "0", "0"), ("2026-11-09", "1", "0")]
    base = reverse("triage:performance_figure") + "?start=2026-11-02&end=2026-11-15&period=week"
    stopped = client.get(base + "&target=assessment_4h&at=2026-11-09&measure=stopped_by_triage")
    assert "stopped by triage" in stopped.content.decode()
    assert downgraded.reference in stopped.content.decode()
    missed = client.get(base + "&target=assessment_4h&at=2026-11-09&measure=missed").content.decode()
    assert downgraded.reference not in missed
    body = client.get(reverse("api:performance") + "?start=2026-11-02&end=2026-11-15&period=week").json()
    assert next(t for t in body["targets"] if t["code"] == "assessment_4h")["series"][1][
        "stopped_by_triage"] == 1
