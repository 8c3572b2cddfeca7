"""Recording and confirming a person's Reasonable Adjustment flag: each change is saved
with who made it (its history), under a lock on the person, so two people recording at
once never lose one another's change silently."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from cap.models import ServiceUser
from core.errors import Invalid, NotAllowed
from core.history import save_as

from .models import Adjustment, AdjustmentFlag, FlagStatus, Impairment, ShareConsent

# The standard asks that a flag be reviewed with the person; a year unless a sooner date is set.
REVIEW_AFTER = timedelta(days=365)
RECORD = "adjustments.record_adjustment_flag"


@dataclass(frozen=True)
class FlagDetails:
    status: str
    consent_to_share: str
    impairments: list[str] = field(default_factory=list)
    adjustments: list[str] = field(default_factory=list)
    interpreter_language: str = ""
    details: str = ""
    review_on: date | None = None


def _checked(d: FlagDetails, today: date) -> FlagDetails:
    """The flag's rules, whatever sends it (a page or the API)."""
    if d.status not in FlagStatus.values:
        raise Invalid("Select whether the person needs adjustments", field="status")
    if d.consent_to_share not in ShareConsent.values:
        raise Invalid("Select whether the person agreed to share the flag", field="consent_to_share")
    if unknown := [i for i in d.impairments if i not in Impairment.values]:
        raise Invalid(f"Unknown impairment: {', '.join(unknown)}", field="impairments")
    if unknown := [a for a in d.adjustments if a not in Adjustment.values]:
        raise Invalid(f"Unknown adjustment: {', '.join(unknown)}", field="adjustments")
    language = d.interpreter_language.strip() if Adjustment.LANGUAGE_INTERPRETER in d.adjustments else ""
    details = d.details.strip()
    if d.status == FlagStatus.NONE_NEEDED and d.adjustments:
        raise Invalid("Untick the adjustments, or say the person needs adjustments", field="adjustments")
    if d.status == FlagStatus.NEEDED:
        if not d.adjustments:
            raise Invalid("Select the adjustments the person needs", field="adjustments")
        if Adjustment.LANGUAGE_INTERPRETER in d.adjustments and not language:
            raise Invalid("Enter the language the interpreter speaks", field="interpreter_language")
        if Adjustment.OTHER in d.adjustments and not details:
            raise Invalid("Describe the other adjustment", field="details")
    if d.review_on is not None and d.review_on <= today:
        raise Invalid("The review date must be in the future", field="review_on")
    return FlagDetails(status=d.status, consent_to_share=d.consent_to_share,
                       impairments=sorted(set(d.impairments), key=Impairment.values.index),
                       adjustments=sorted(set(d.adjustments), key=Adjustment.values.index),
                       interpreter_language=language, details=details, review_on=d.review_on)


def adjustment_flag_record(*, actor: User, service_user: ServiceUser, details: FlagDetails,
                           now: datetime | None = None) -> AdjustmentFlag:
    """Record the person's flag, or change it: recording it confirms it (it was checked
    with the person now). Locks the person."""
    if not actor.has_perm(RECORD):
        raise NotAllowed("Your role does not record Reasonable Adjustment flags.")
    now = now or timezone.now()
    d = _checked(details, timezone.localdate(now))
    with transaction.atomic():
        ServiceUser.objects.select_for_update().filter(pk=service_user.pk).first()
        flag = AdjustmentFlag.objects.filter(service_user=service_user).first() or AdjustmentFlag(
            service_user=service_user)
        flag.status, flag.consent_to_share = d.status, d.consent_to_share
        flag.impairments, flag.adjustments = d.impairments, d.adjustments
        flag.interpreter_language, flag.details = d.interpreter_language, d.details
        flag.recorded_by = flag.confirmed_by = actor
        flag.recorded_at = flag.confirmed_at = now
        flag.review_on = d.review_on or timezone.localdate(now + REVIEW_AFTER)
        return save_as(flag, actor)


def adjustment_flag_confirm(*, actor: User, flag: AdjustmentFlag,
                            now: datetime | None = None) -> AdjustmentFlag:
    """Confirm the flag is still right, as it stands (checked with the person or their
    carer). Locks the person."""
    if not actor.has_perm(RECORD):
        raise NotAllowed("Your role does not confirm Reasonable Adjustment flags.")
    now = now or timezone.now()
    with transaction.atomic():
        ServiceUser.objects.select_for_update().filter(pk=flag.service_user_id).first()
        current = AdjustmentFlag.objects.get(pk=flag.pk)
        current.confirmed_by, current.confirmed_at = actor, now
        if current.review_on <= timezone.localdate(now):
            current.review_on = timezone.localdate(now + REVIEW_AFTER)
        return save_as(current, actor)
