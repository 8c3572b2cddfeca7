"""A referral's status changes only through one table (cap.referral_status): every
allowed transition is recorded in the history with who and why, every other one is
refused and changes nothing, and nothing else in the code writes the status."""

import ast
from pathlib import Path

import pytest
from django.db import transaction

from cap.models import Referral, ReferralStatus
from cap.referral_status import TRANSITIONS, referral_initial_status, referral_status_set
from cap.services import referral_log_written
from core.errors import Conflict, Invalid
from core.locks import lock_referral

ROOT = Path(__file__).resolve().parents[2]
APPS = ["accounts", "cap", "careplans", "config", "core", "directory", "scheduling", "triage"]
STATUS_MODULE = ROOT / "cap" / "referral_status.py"
ILLEGAL = [(before, after) for before in ReferralStatus.values for after in ReferralStatus.values
           if (before, after) not in TRANSITIONS]


@pytest.fixture
def referral_in(admin_team, person, gp_referrer):
    """A referral with the given status, put there directly: the arrangement, not a
    transition under test."""

    def make(status):
        referral = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                        reason="Low mood for several months")
        Referral.objects.filter(pk=referral.pk).update(status=status)
        return Referral.objects.get(pk=referral.pk)

    return make


def status_set(referral, to, actor, reason=""):
    with transaction.atomic():
        locked = lock_referral(referral.pk)
        return referral_status_set(referral=locked, to=to, actor=actor, reason=reason)


@pytest.mark.django_db
@pytest.mark.parametrize(("before", "after"), sorted(TRANSITIONS))
def test_every_allowed_transition_moves_the_referral_and_records_who_and_why(
        referral_in, triage_clinician, before, after):
    referral = referral_in(before)
    moved = status_set(referral, after, triage_clinician, reason="Decided at the huddle")
    assert Referral.objects.get(pk=referral.pk).status == moved.status == after
    latest = referral.history.first()
    assert (latest.status, latest.history_user, latest.history_change_reason) == (
        after, triage_clinician, "Decided at the huddle")
    # The triage queue is worked out by the database from the status; the instance agrees.
    assert moved.triage_queue == Referral.objects.values_list("triage_queue", flat=True).get(pk=referral.pk)
    # The reason belongs to this change only, not to the next save of the instance.
    assert not hasattr(moved, "_change_reason")


@pytest.mark.django_db
def test_a_transition_without_a_reason_is_recorded_under_its_name_in_the_table(
        referral_in, triage_clinician):
    referral = referral_in(ReferralStatus.BOOKED)
    status_set(referral, ReferralStatus.ASSESSED, triage_clinician)
    assert referral.history.first().history_change_reason == "Attended the assessment"


@pytest.mark.django_db
def test_a_long_reason_is_cut_to_the_history_column(referral_in, admin_team):
    referral = referral_in(ReferralStatus.BOOKED)
    status_set(referral, ReferralStatus.AWAITING_BOOKING, admin_team, reason="x" * 300)
    assert referral.history.first().history_change_reason == "x" * 100


@pytest.mark.django_db
def test_leaving_the_urgent_assessment_takes_the_referral_off_the_urgent_queue(
        referral_in, triage_clinician):
    referral = referral_in(ReferralStatus.AWAITING_URGENT_ASSESSMENT)
    assert referral.triage_queue == "urgent"
    assert status_set(referral, ReferralStatus.ASSESSED, triage_clinician).triage_queue is None


@pytest.mark.django_db
@pytest.mark.parametrize(("before", "after"), ILLEGAL)
def test_every_other_transition_is_a_conflict_and_changes_nothing(referral_in, triage_clinician,
                                                                  before, after):
    referral = referral_in(before)
    history = referral.history.count()
    with pytest.raises(Conflict, match=f"{referral.reference} is .*: it cannot become"):
        status_set(referral, after, triage_clinician, reason="Trying")
    assert Referral.objects.get(pk=referral.pk).status == before
    assert referral.history.count() == history


@pytest.mark.django_db
def test_a_status_that_does_not_exist_is_invalid(referral_in, triage_clinician):
    referral = referral_in(ReferralStatus.AWAITING_TRIAGE)
    with pytest.raises(Invalid):
        status_set(referral, "lost", triage_clinician)
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.AWAITING_TRIAGE


@pytest.mark.django_db
def test_a_first_status_is_set_only_on_a_new_referral(referral_in):
    referral = referral_in(ReferralStatus.AWAITING_TRIAGE)
    with pytest.raises(ValueError, match="before it is saved"):
        referral_initial_status(referral=referral, to_children_hub=True, now=referral.received_at)


# --- Nothing else writes the status ----------------------------------------------------

def _assigned_attributes(node):
    targets = {ast.Assign: lambda n: n.targets, ast.AugAssign: lambda n: [n.target],
               ast.AnnAssign: lambda n: [n.target]}.get(type(node), lambda n: [])(node)
    for target in targets:
        yield from target.elts if isinstance(target, ast.Tuple | ast.List) else [target]


def referral_status_writes(path: Path) -> list[int]:
    """Lines that set a referral's status: `referral.status = ...` (or any `.status`
    given a ReferralStatus), `Referral(status=...)`, and a create or update with a
    ReferralStatus."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        value = getattr(node, "value", None)
        for target in _assigned_attributes(node):
            if isinstance(target, ast.Attribute) and target.attr == "status" and (
                    "referral" in ast.unparse(target.value).lower()
                    or value is not None and "ReferralStatus" in ast.unparse(value)):
                lines.append(node.lineno)
        if isinstance(node, ast.Call):
            status = next((k.value for k in node.keywords if k.arg == "status"), None)
            func = ast.unparse(node.func)
            writes = func.rsplit(".", 1)[-1] in {"create", "update", "get_or_create", "update_or_create"}
            if status is not None and (func == "Referral" or writes and (
                    "ReferralStatus" in ast.unparse(status) or "referral" in func.lower())):
                lines.append(node.lineno)
    return lines


def test_only_the_status_module_writes_a_referrals_status():
    assert referral_status_writes(STATUS_MODULE), "the check finds the status module's own writes"
    elsewhere = {str(path.relative_to(ROOT)): lines
                 for app in APPS for path in sorted((ROOT / app).rglob("*.py"))
                 if "migrations" not in path.parts and path != STATUS_MODULE
                 and (lines := referral_status_writes(path))}
    assert elsewhere == {}
