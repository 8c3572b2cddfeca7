"""Reading a person's Reasonable Adjustment flag: whether it exists is shown to everyone
who sees the person; what it says only to those whose work acts on it (clinical roles,
and the admin team who book and write to the person)."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User

from cap.models import Referral, ServiceUser

from .models import Adjustment, AdjustmentFlag, FlagStatus, InformationFormat, ShareConsent

VIEW = "adjustments.view_adjustmentflag"
# The stream whose referrals cannot be booked before the flag is recorded or confirmed.
LEARNING_DISABILITIES = "LD"


def flag_of(service_user: ServiceUser) -> AdjustmentFlag | None:
    return (AdjustmentFlag.objects.select_related("recorded_by", "confirmed_by")
            .filter(service_user=service_user).first())


def may_read_flag(user: User | AnonymousUser) -> bool:
    return user.has_perm(VIEW)


@dataclass(frozen=True)
class FlagSummary:
    """What a page about the person says of their flag, to this user."""

    flag: AdjustmentFlag | None
    readable: bool  # the user may read what it says

    @property
    def exists(self) -> bool:
        return self.flag is not None

    @property
    def needed(self) -> bool:
        return self.flag is not None and self.flag.status == FlagStatus.NEEDED


def flag_summary(user: User | AnonymousUser, service_user: ServiceUser) -> FlagSummary:
    return FlagSummary(flag=flag_of(service_user), readable=may_read_flag(user))


def confirmed_for(referral: Referral, flag: AdjustmentFlag | None) -> bool:
    """The flag was recorded or confirmed since the referral came in: it speaks for now."""
    return flag is not None and flag.confirmed_at >= referral.received_at


def booking_blocked_reason(referral: Referral, stream: str) -> str:
    """Why a referral may not be booked yet for want of its flag ("" when it may): a
    learning disability referral waits until the flag is confirmed or recorded as no
    adjustments needed (the CAP must know what adjustments a person needs before it books)."""
    if stream != LEARNING_DISABILITIES:
        return ""
    if confirmed_for(referral, flag_of(referral.service_user)):
        return ""
    return (f"{referral.reference} is a learning disability referral: record or confirm the person's "
            "reasonable adjustments (or that none are needed) before booking.")


def wants(flag: AdjustmentFlag | None, adjustment: Adjustment) -> bool:
    return flag is not None and flag.status == FlagStatus.NEEDED and adjustment in flag.adjustments


def letter_format(service_user: ServiceUser) -> str:
    """The format the person's letters and messages come in: easy read or large print
    where the flag asks for it, standard otherwise (easy read first: it is large too)."""
    flag = flag_of(service_user)
    if wants(flag, Adjustment.EASY_READ):
        return InformationFormat.EASY_READ
    if wants(flag, Adjustment.LARGE_PRINT):
        return InformationFormat.LARGE_PRINT
    return InformationFormat.STANDARD


def interpreter_needed(service_user: ServiceUser) -> str:
    """The interpreter a booking for the person must have ("" when none): British Sign
    Language, or the spoken language the flag names."""
    flag = flag_of(service_user)
    if wants(flag, Adjustment.BSL_INTERPRETER):
        return "British Sign Language"
    if flag is not None and wants(flag, Adjustment.LANGUAGE_INTERPRETER):
        return flag.interpreter_language or "A spoken language (ask the person which)"
    return ""


# Who reads a letter or a copy: the person themselves, or their GP (letters.formats).
SHARED_WITH_CONSENT = (ShareConsent.YES, ShareConsent.BEST_INTERESTS)


def adjustments_in_letter(service_user: ServiceUser, audience: str) -> list[str]:
    """The adjustments a letter or copy names: to the person, all of theirs, so they can
    tell us if one is wrong; to their GP, only where the person agreed to share the flag
    (or it is shared in their best interests). None recorded, or none needed: nothing."""
    flag = flag_of(service_user)
    if flag is None or flag.status != FlagStatus.NEEDED:
        return []
    if audience != "person" and flag.consent_to_share not in SHARED_WITH_CONSENT:
        return []
    return flag.adjustment_labels()
