"""Who looked at a person's record: one function writes the row, one selector reads it back."""

import os
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cap.models import RecordAccess
from cap.services import referral_log_written
from core.audit import record_access_log, record_accesses_for

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def referral(admin_team, person, gp_referrer):
    return referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                reason="Low mood for several months")


def test_a_read_is_logged_with_who_whose_record_what_was_shown_when_and_for_which_referral(
        triage_clinician, referral):
    with time_machine.travel(datetime(2026, 11, 23, 10, 15, tzinfo=LONDON), tick=False):
        access = record_access_log(actor=triage_clinician, service_user=referral.service_user,
                                   view="triage decision", referral=referral)

    stored = RecordAccess.objects.get()
    assert stored == access
    assert (stored.user, stored.service_user, stored.referral, stored.context) == (
        triage_clinician, referral.service_user, referral, "triage decision")
    assert stored.accessed_at == datetime(2026, 11, 23, 10, 15, tzinfo=LONDON)


def test_a_read_that_is_not_about_a_referral_has_none(triage_clinician, referral):
    record_access_log(actor=triage_clinician, service_user=referral.service_user, view="care plan")
    assert RecordAccess.objects.get().referral is None


def test_who_read_a_persons_record_comes_newest_first_and_only_theirs(
        triage_clinician, admin_team, referral, person, gp_referrer):
    someone_else = referral_log_written(actor=admin_team, person=person(given_name="Ben"),
                                        referrer=gp_referrer, reason="Anxiety").service_user
    asha = referral.service_user
    for hour, actor, whose, view in [(9, admin_team, asha, "referral page"),
                                     (10, triage_clinician, someone_else, "referral page"),
                                     (11, triage_clinician, asha, "triage decision")]:
        with time_machine.travel(datetime(2026, 11, 23, hour, tzinfo=LONDON), tick=False):
            record_access_log(actor=actor, service_user=whose, view=view)

    assert [(a.user, a.context, a.accessed_at.astimezone(LONDON).hour)
            for a in record_accesses_for(asha)] == [
        (triage_clinician, "triage decision", 11), (admin_team, "referral page", 9)]


# Writing the row anywhere else is how it came to be written three ways: a fourth
# would drift from the others (what it stores, whether it names the referral). Rows are
# never changed or removed either: a log that can be edited answers nothing.
WRITES = re.compile(r"RecordAccess\.(objects|_default_manager|_base_manager)\."
                    r"(create|bulk_create|get_or_create|update_or_create|update|bulk_update|delete)\b"
                    r"|RecordAccess\.objects\.[^\n]*\.(update|bulk_update|delete)\("
                    r"|(?<!class )\bRecordAccess\("
                    r"|\bcap_recordaccess\b")  # raw SQL
SKIPPED = {".git", ".venv", "node_modules", ".local", "tests", "migrations", "__pycache__"}


def test_record_access_rows_are_written_only_by_record_access_log():
    writers = []
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if name not in SKIPPED]
        for name in files:
            path = Path(folder, name)
            if name.endswith(".py") and WRITES.search(path.read_text(encoding="utf-8")):
                writers.append(str(path.relative_to(ROOT)))
    assert writers == ["core/audit.py"]


def test_a_list_is_logged_through_the_same_module_one_insert_for_all_its_people(
        triage_clinician, referral, django_assert_num_queries):
    from core.audit import record_access_log_many

    with django_assert_num_queries(1):
        written = record_access_log_many(actor=triage_clinician, view="urgent queue",
                                         service_users=[(referral.service_user, referral)])
    assert [(a.user, a.service_user, a.referral, a.context) for a in written] == [
        (triage_clinician, referral.service_user, referral, "urgent queue")]
