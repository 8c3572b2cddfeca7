"""The MHSDS-shaped export: `manage.py mhsds_export --month YYYY-MM --by USERNAME`
writes the month's tables as CSV files, run here on referrals made and triaged through
the services."""

import csv
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cap.models import CallOutcome, Channel, RecordAccess
from cap.services import Call, Referrer, call_log, referral_log_written, referral_receive
from reporting import mhsds
from scheduling.models import Booking
from triage import services
from triage.models import TriageDecision, WaitTarget
from triage.services import Decision

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
JUNE = "2026-06"  # British Summer Time: London is UTC+1


def london(*args):
    return datetime(*args, tzinfo=LONDON)


@pytest.fixture
def refer(admin_team, person, gp_referrer):
    def make(received_at, **details):
        details.setdefault("reason", "Low mood for several months")
        return referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                    received_at=received_at, **details)

    return make


def decide(actor, referral, **fields):
    fields.setdefault("rationale", "Clinical reasoning.")
    return services.triage_decision_record(actor=actor, referral=referral, decision=Decision(**fields))


@pytest.fixture
def export(tmp_path, manager):
    def run(month=JUNE):
        call_command("mhsds_export", month=month, out=str(tmp_path), by=manager.username, stdout=StringIO())
        return {name: read(tmp_path / f"{name}.csv") for name in mhsds.HEADERS}

    return run


def read(path):
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def headers(path):
    with path.open(newline="", encoding="utf-8") as f:
        return next(csv.reader(f))


def by_reference(rows):
    return {row["ServiceRequestId"]: row for row in rows}


def test_every_triaged_referral_has_a_clinical_response_priority(triage_clinician, refer, export):
    day = london(2026, 6, 10, 9, 0)
    decided = {
        "1": decide(triage_clinician, refer(day), urgency="emergency", outcome="emergency_services"),
        "4": decide(triage_clinician, refer(day), urgency="very_urgent", outcome="assessment", stream="AMH"),
        "2": decide(triage_clinician, refer(day), urgency="urgent", outcome="assessment", stream="MHSOP"),
        "3": decide(triage_clinician, refer(day), urgency="routine", outcome="route_external",
                    external_agency="Talking therapies"),
    }
    asked = decide(triage_clinician, refer(day), urgency="routine", outcome="information_request",
                   information_from="referrer", information_needed="Current medication")
    untriaged = refer(day)

    rows = by_reference(export()[mhsds.REFERRALS])

    triaged = set(TriageDecision.objects.values_list("referral__reference", flat=True))
    assert [ref for ref in triaged if not rows[ref]["ClinRespPriorityType"]] == []
    assert {code: rows[d.referral.reference]["ClinRespPriorityType"] for code, d in decided.items()} == {
        "1": "1", "4": "4", "2": "2", "3": "3"}
    assert rows[asked.referral.reference]["ClinRespPriorityType"] == "3"
    assert rows[untriaged.reference]["ClinRespPriorityType"] == ""  # nothing urgent said at intake


def test_a_referral_streamed_for_assessment_is_to_the_streams_team_and_others_to_the_cap(
        triage_clinician, refer, export):
    day = london(2026, 6, 10, 9, 0)
    streamed = decide(triage_clinician, refer(day), urgency="routine", outcome="assessment", stream="LD")
    routed = decide(triage_clinician, refer(day), urgency="routine", outcome="route_external",
                    external_agency="Talking therapies")

    rows = by_reference(export()[mhsds.REFERRALS])

    assert rows[streamed.referral.reference]["ServTeamTypeRefToMH"] == "E01"
    assert rows[routed.referral.reference]["ServTeamTypeRefToMH"] == mhsds.SINGLE_POINT_OF_ACCESS
    assert rows[routed.referral.reference]["ServDischDate"] != ""
    assert rows[streamed.referral.reference]["ServDischDate"] == ""


def test_a_referral_at_half_past_midnight_summer_time_on_the_first_is_in_that_month(refer, export):
    first_of_june = refer(london(2026, 6, 1, 0, 30))  # 23:30 UTC on 31 May
    last_of_june = refer(london(2026, 6, 30, 23, 59))
    first_of_july = refer(london(2026, 7, 1, 0, 5))

    june = by_reference(export(JUNE)[mhsds.REFERRALS])
    may = by_reference(export("2026-05")[mhsds.REFERRALS])

    assert set(june) == {first_of_june.reference, last_of_june.reference}
    assert first_of_june.reference not in may and first_of_july.reference not in june
    assert (june[first_of_june.reference]["ReferralRequestReceivedDate"],
            june[first_of_june.reference]["ReferralRequestReceivedTime"]) == ("2026-06-01", "00:30:00")


def test_the_source_of_referral_is_the_gp_for_a_gp_letter_and_self_for_an_online_self_referral(
        refer, person, export):
    letter = refer(london(2026, 6, 3, 10, 0))
    online = referral_receive(actor=None, channel=Channel.ONLINE, person=person(), reason="Panic attacks",
                              received_at=london(2026, 6, 3, 11, 0),
                              referrer=Referrer(name="Asha Patel", role="Self-referral")).referral

    rows = by_reference(export()[mhsds.REFERRALS])

    assert rows[letter.reference]["SourceOfReferralMH"] == mhsds.GP
    assert rows[online.reference]["SourceOfReferralMH"] == mhsds.SELF


def test_a_call_passed_to_urgent_triage_is_from_its_caller_and_urgent_before_any_decision(
        call_handler, person, export):
    call = Call(started_at=london(2026, 6, 12, 22, 15), caller_type="carer", nature="clinical",
                outcome_kind=CallOutcome.PASSED_TO_TRIAGE, outcome="Passed to urgent triage",
                details="Has stopped eating and drinking")
    referral = call_log(actor=call_handler, call=call, person=person()).enquiry.referral

    row = by_reference(export()[mhsds.REFERRALS])[referral.reference]

    assert (row["SourceOfReferralMH"], row["ClinRespPriorityType"]) == (mhsds.CARER, "2")
    assert (row["ReferralRequestReceivedDate"], row["ReferralRequestReceivedTime"]) == ("2026-06-12",
                                                                                       "22:15:00")


def test_the_export_reads_in_the_same_number_of_queries_for_one_referral_or_many(
        triage_clinician, refer, tmp_path, manager):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            call_command("mhsds_export", month=JUNE, out=str(tmp_path), by=manager.username,
                         stdout=StringIO())
        return len(captured)

    decide(triage_clinician, refer(london(2026, 6, 2, 9, 0)), urgency="routine", outcome="route_external",
           external_agency="GP")
    one = queries()
    for day in range(3, 8):
        decide(triage_clinician, refer(london(2026, 6, day, 9, 0)), urgency="urgent", outcome="assessment",
               stream="AMH")

    assert queries() == one


def test_each_file_is_named_after_its_mhsds_table_with_mhsds_item_names_as_headers(tmp_path, manager):
    call_command("mhsds_export", month=JUNE, out=str(tmp_path), by=manager.username, stdout=StringIO())

    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{name}.csv" for name in mhsds.HEADERS)
    assert headers(tmp_path / "MHS101ServiceOrTeamReferral.csv")[:7] == [
        "ServiceRequestId", "LocalPatientId", "ReferralRequestReceivedDate", "ReferralRequestReceivedTime",
        "SourceOfReferralMH", "ServTeamTypeRefToMH", "ClinRespPriorityType"]
    assert headers(tmp_path / "MHS201CareContact.csv")[:2] == ["CareContactId", "ServiceRequestId"]
    assert {name: headers(tmp_path / f"{name}.csv") for name in mhsds.HEADERS} == mhsds.HEADERS


def test_the_wait_targets_run_in_the_month_are_exported_with_their_start_due_and_outcome(
        triage_clinician, refer, export):
    referral = refer(london(2026, 6, 10, 9, 0))
    decide(triage_clinician, referral, urgency="routine", outcome="route_external", external_agency="GP")

    rows = [r for r in export()[mhsds.WAIT_PERIODS] if r["ServiceRequestId"] == referral.reference]

    review = WaitTarget.objects.get(referral=referral, definition__code="triage_review")
    assert [(r["CapWaitTargetCode"], r["ReferToTreatPeriodStartDate"], r["ReferToTreatPeriodStartTime"])
            for r in rows] == [("triage_review", "2026-06-10", "09:00:00")]
    # Triaged months later: at the end of June it was unmet and past due.
    assert (rows[0]["CapWaitTargetOutcome"], rows[0]["ReferToTreatPeriodEndDate"]) == ("breached", "")
    assert rows[0]["CapWaitTargetDueDate"] == mhsds.local_date(review.due_at)


def test_each_person_exported_is_logged_as_read_by_whoever_ran_it(refer, export, manager):
    referral = refer(london(2026, 6, 10, 9, 0))

    patients = export()[mhsds.PATIENTS]

    assert [p["NHSNumber"] for p in patients] == [referral.service_user.nhs_number]
    assert list(RecordAccess.objects.values_list("user", "service_user", "context")) == [
        (manager.pk, referral.service_user_id, "MHSDS export 2026-06")]


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "November", "2026-11-01", "0000-01", "9999-12"])
def test_a_month_not_written_yyyy_mm_is_refused_with_the_format_to_use(month, tmp_path, manager):
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("mhsds_export", month=month, out=str(tmp_path), by=manager.username)
    assert list(tmp_path.iterdir()) == []


def test_an_export_without_a_known_user_running_it_is_refused(tmp_path, reference_data):
    with pytest.raises(CommandError, match="--by"):
        call_command("mhsds_export", month=JUNE, out=str(tmp_path), by="nobody")


# --- The mapping, without the database ----------------------------------------------------

def test_a_booking_maps_to_the_attendance_codes():
    def code(status, cancelled_by=""):
        return mhsds.attendance(Booking(status=status, cancelled_by=cancelled_by))

    assert [code("attended"), code("did_not_attend"), code("was_not_brought"), code("booked"),
            code("cancelled", "person"), code("cancelled", "service")] == ["5", "3", "3", "", "2", "4"]


def test_the_month_runs_from_london_midnight_on_the_first_in_utc():
    june = mhsds.month_of(mhsds.month_parse("2026-06"))
    december = mhsds.month_of(mhsds.month_parse("2026-12"))

    assert (june.starts_at.isoformat(), june.ends_at.isoformat()) == (
        "2026-05-31T23:00:00+00:00", "2026-06-30T23:00:00+00:00")
    assert (december.starts_at.isoformat(), december.ends_at.isoformat()) == (
        "2026-12-01T00:00:00+00:00", "2027-01-01T00:00:00+00:00")


@pytest.mark.django_db
def test_the_monthly_command_without_by_runs_and_logs_the_reads_as_the_export_account(
        reference_data, tmp_path, monkeypatch):
    from django.contrib.auth.models import User

    monkeypatch.chdir(tmp_path)
    call_command("mhsds_export", "--month", "2026-11", stdout=StringIO())
    assert (tmp_path / "MHS101ServiceOrTeamReferral.csv").exists()
    account = User.objects.get(username="mhsds.export")
    assert not account.is_active and not account.has_usable_password()
