"""Rows are locked in one order (core.locks): a rebook and a cancel of the same booking
at the same moment queue up on the referral, so one succeeds and the other is told
clearly what happened, never a deadlock or a server error."""

import ast
import re
import threading
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from cap.models import Referral, ReferralStatus
from core.errors import Conflict
from scheduling import services
from scheduling.models import Booking, BookingStatus, DiaryEntry

from .conftest import MONDAY_8

ROOT = Path(__file__).resolve().parents[2]
APPS = ["accounts", "cap", "careplans", "config", "core", "directory", "scheduling", "triage"]
LOCKS_MODULE = ROOT / "core" / "locks.py"
RUNS = 20
REFUSED = r"This booking has been (cancelled|rebooked)"


def booked(admin_team, triaged):
    referral = triaged()
    option = services.options_for(referral=referral, now=MONDAY_8).options[0]
    return services.booking_create(actor=admin_team, referral=referral, option_id=option.id, now=MONDAY_8)


def at_once(*actions) -> list:
    """Run the actions in threads released together, each on its own database
    connection; the outcome of each, in order: "done", a Conflict, or any other error."""
    barrier = threading.Barrier(len(actions))
    outcomes: list = [None] * len(actions)

    def run(i, action):
        try:
            barrier.wait()
            action()
            outcomes[i] = "done"
        except Exception as error:  # noqa: BLE001 - any other error is what the test looks for
            outcomes[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_a_rebook_and_a_cancel_of_one_booking_at_once_end_in_one_success_and_one_clear_refusal(
        reference_data, admin_team, triaged, staff, room):
    for run in range(RUNS):
        booking = booked(admin_team, triaged)
        later = services.options_for(referral=booking.referral, now=MONDAY_8).options[0]

        def rebook(booking=booking, later=later):
            services.booking_rebook(actor=admin_team, booking=booking, option_id=later.id, by="person",
                                    reason="Cannot make that day", now=MONDAY_8)

        def cancel(booking=booking):
            services.booking_cancel(actor=admin_team, booking=booking, by="person",
                                    reason="No longer wants it", now=MONDAY_8)

        rebooked, cancelled = at_once(rebook, cancel)
        outcomes = {rebooked, cancelled}
        assert "done" in outcomes, f"run {run}: {rebooked!r}, {cancelled!r}"
        refusal = (outcomes - {"done"}).pop()
        assert isinstance(refusal, Conflict), f"run {run}: {refusal!r}"
        assert re.match(REFUSED, refusal.message), refusal.message
        referral = Referral.objects.get(pk=booking.referral_id)
        live = Booking.objects.filter(referral=referral, status=BookingStatus.BOOKED)
        if rebooked == "done":
            assert referral.status == ReferralStatus.BOOKED and live.get().starts_at == later.starts_at
        else:
            assert referral.status == ReferralStatus.AWAITING_BOOKING and not live.exists()
        assert not DiaryEntry.objects.filter(booking=booking, live=True).exists()


@pytest.mark.django_db(transaction=True)
def test_confirming_and_releasing_one_hold_at_once_end_in_one_success_and_one_clear_refusal(
        reference_data, admin_team, triaged, staff, room):
    referral = triaged()
    option = services.options_for(referral=referral, now=MONDAY_8).options[0]
    hold = services.booking_hold(actor=admin_team, referral=referral, option_id=option.id, now=MONDAY_8)

    outcomes = at_once(lambda: services.booking_confirm(actor=admin_team, booking=hold, now=MONDAY_8),
                       lambda: services.booking_release(actor=admin_team, booking=hold, now=MONDAY_8))
    assert "done" in outcomes
    refusal = next(o for o in outcomes if o != "done")
    assert isinstance(refusal, Conflict), repr(refusal)


@pytest.mark.django_db
def test_rebooking_from_the_page_moves_the_booking(client_for, admin_team, triaged, staff, room):
    old = booked(admin_team, triaged)
    later = services.options_for(referral=old.referral, now=MONDAY_8).options[0]
    with time_machine.travel(MONDAY_8, tick=False):
        response = client_for(admin_team).post(reverse("scheduling:rebook", args=[old.pk]), {
            "option": later.id, "by": "person", "reason": "Cannot make that day"})
    new = Booking.objects.get(rebooked_from=old)
    assert response.status_code == 302 and response.url == reverse("scheduling:booking", args=[new.pk])
    assert new.status == BookingStatus.BOOKED and new.starts_at == later.starts_at
    old.refresh_from_db()
    assert (old.status, old.cancel_reason) == (BookingStatus.CANCELLED, "Rebooked: Cannot make that day")


@pytest.mark.django_db
def test_cancelling_a_booking_rebooked_meanwhile_from_the_page_says_it_was_rebooked(
        client_for, admin_team, triaged, staff, room):
    old = booked(admin_team, triaged)
    later = services.options_for(referral=old.referral, now=MONDAY_8).options[0]
    services.booking_rebook(actor=admin_team, booking=old, option_id=later.id, by="person",
                            reason="Cannot make that day", now=MONDAY_8)
    with time_machine.travel(MONDAY_8, tick=False):
        response = client_for(admin_team).post(
            reverse("scheduling:booking", args=[old.pk]),
            {"action": "cancel", "by": "person", "reason": "No longer wants it"}, follow=True)
    assert "This booking has been rebooked" in response.content.decode()
    assert Referral.objects.get(pk=old.referral_id).status == ReferralStatus.BOOKED


@pytest.mark.django_db
def test_rebooking_a_booking_cancelled_meanwhile_from_the_page_says_it_was_cancelled(
        client_for, admin_team, triaged, staff, room):
    old = booked(admin_team, triaged)
    later = services.options_for(referral=old.referral, now=MONDAY_8).options[0]
    services.booking_cancel(actor=admin_team, booking=old, by="person", reason="No longer wants it",
                            now=MONDAY_8)
    with time_machine.travel(MONDAY_8, tick=False):
        response = client_for(admin_team).post(reverse("scheduling:rebook", args=[old.pk]), {
            "option": later.id, "by": "person", "reason": "Cannot make that day"})
    assert response.status_code == 409
    assert "This booking has been cancelled" in response.content.decode()
    assert not Booking.objects.filter(rebooked_from=old).exists()


def referral_and_booking_locks(path: Path) -> list[int]:
    """Lines that lock referrals or bookings: a select_for_update on a query of either."""
    return [node.lineno for node in ast.walk(ast.parse(path.read_text(), filename=str(path)))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "select_for_update"
            and re.search(r"referral|booking", ast.unparse(node.func.value), re.IGNORECASE)]


def test_referrals_and_bookings_are_locked_only_in_the_lock_order_module():
    assert referral_and_booking_locks(LOCKS_MODULE), "the check finds the lock module's own locks"
    elsewhere = {str(path.relative_to(ROOT)): lines
                 for app in APPS for path in sorted((ROOT / app).rglob("*.py"))
                 if "migrations" not in path.parts and path != LOCKS_MODULE
                 and (lines := referral_and_booking_locks(path))}
    assert elsewhere == {}
