"""The duty managers' rota: who is the duty manager when. A breach and a referral found not
accounted for are told to the manager on duty at that instant (alerts.duty_managers), and
to every manager when nobody is, so an alert never reaches no one.

Managers keep it on the duty rota page. One duty manager at a time: the database's
exclusion constraint (one_duty_manager_at_a_time) is the guarantee, checked here first
for a message that names the clash. Gaps are allowed, and shown."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts import roles
from core.errors import Conflict, Invalid
from core.formatting import date_and_time
from core.history import history_user_set, save_as

from .models import DutyShift

# A shift longer than a week is a typing mistake more often than a plan.
LONGEST_SHIFT = timedelta(days=7)
# How far ahead the page looks for times with nobody on duty.
LOOK_AHEAD = timedelta(days=14)
OVERLAP = "one_duty_manager_at_a_time"


def on_duty(now: datetime) -> QuerySet[DutyShift]:
    """The shift of the manager on duty at `now` (none, or one: shifts never overlap)."""
    return DutyShift.objects.filter(starts_at__lte=now, ends_at__gt=now, manager__is_active=True)


def managers() -> QuerySet[User]:
    return (User.objects.filter(is_active=True, groups__name=roles.MANAGER).distinct()
            .order_by("first_name", "last_name", "username"))


def rota_ahead(now: datetime) -> QuerySet[DutyShift]:
    """The shift on now and those to come, the soonest first."""
    return DutyShift.objects.filter(ends_at__gt=now).select_related("manager").order_by("starts_at")


@dataclass(frozen=True)
class Gap:
    starts_at: datetime
    ends_at: datetime


def gaps(shifts: list[DutyShift], now: datetime, until: datetime) -> list[Gap]:
    """The times from `now` to `until` with nobody on the rota, `shifts` in start order."""
    found, covered_to = [], now
    for shift in shifts:
        if shift.starts_at > covered_to:
            found.append(Gap(covered_to, min(shift.starts_at, until)))
        covered_to = max(covered_to, shift.ends_at)
        if covered_to >= until:
            break
    if covered_to < until:
        found.append(Gap(covered_to, until))
    return [g for g in found if g.starts_at < g.ends_at]


def _check(manager: User, starts_at: datetime, ends_at: datetime, exclude: int | None) -> None:
    if not managers().filter(pk=manager.pk).exists():
        raise Invalid("Choose a manager: the duty manager is told of every breach.", field="manager")
    if ends_at <= starts_at:
        raise Invalid("The end must be after the start.", field="ends_at")
    if ends_at - starts_at > LONGEST_SHIFT:
        raise Invalid("A shift can be up to 7 days: add the next one as its own shift.", field="ends_at")
    clash = (DutyShift.objects.filter(starts_at__lt=ends_at, ends_at__gt=starts_at).exclude(pk=exclude or 0)
             .select_related("manager").first())
    if clash:
        raise Conflict(_clash_message(clash), field="starts_at")


def _clash_message(clash: DutyShift) -> str:
    who = clash.manager.get_full_name() or clash.manager.username
    return (f"{who} is on duty from {date_and_time(clash.starts_at)} to {date_and_time(clash.ends_at)}: "
            "one manager is on duty at a time. Change that shift first.")


def _save(actor: User, shift: DutyShift) -> DutyShift:
    try:
        with transaction.atomic():
            return save_as(shift, actor)
    except IntegrityError as error:
        if OVERLAP in str(error):
            # Another manager saved an overlapping shift meanwhile.
            raise Conflict("Another shift was saved over that time meanwhile: look at the rota again.",
                           field="starts_at") from None
        raise


def duty_shift_add(*, actor: User, manager: User, starts_at: datetime, ends_at: datetime) -> DutyShift:
    _check(manager, starts_at, ends_at, exclude=None)
    return _save(actor, DutyShift(manager=manager, starts_at=starts_at, ends_at=ends_at))


def duty_shift_change(*, actor: User, shift: DutyShift, manager: User, starts_at: datetime,
                      ends_at: datetime) -> DutyShift:
    _check(manager, starts_at, ends_at, exclude=shift.pk)
    shift.manager, shift.starts_at, shift.ends_at = manager, starts_at, ends_at
    return _save(actor, shift)


def duty_shift_remove(*, actor: User, shift: DutyShift) -> None:
    """Its history keeps who was on the rota and who removed them."""
    history_user_set(shift, actor)
    shift.delete()


def rota_now(now: datetime | None = None) -> dict:
    """What the rota page shows: who is on duty now, the shifts to come, and the gaps."""
    now = now or timezone.now()
    shifts = list(rota_ahead(now))
    current = next((s for s in shifts if s.starts_at <= now and s.manager.is_active), None)
    return {"now": now, "on_duty": current, "shifts": shifts, "gaps": gaps(shifts, now, now + LOOK_AHEAD),
            "look_ahead_days": LOOK_AHEAD.days, "managers": list(managers())}
