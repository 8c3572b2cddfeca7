"""Reasonable Adjustment flags for two of the demo people waiting to be booked (called once
by load_demo_data), so the booking page, the letters and the flag's own page show them."""

from cap.models import Referral, ReferralStatus

from . import services
from .models import AdjustmentFlag

FLAGS = (
    services.FlagDetails(status="needed", consent_to_share="yes", impairments=["sight", "cognitive"],
                         adjustments=["large_print", "carer_present"],
                         details="Her daughter comes to appointments and reads letters with her."),
    services.FlagDetails(status="needed", consent_to_share="yes", impairments=["hearing", "autism"],
                         adjustments=["bsl_interpreter", "quiet_room", "longer_appointment"],
                         details="Finds busy waiting rooms overwhelming; needs time to process questions."),
)


def load_demo_adjustments(*, actor) -> None:
    """Only for people with no flag yet, so a second run changes nothing."""
    waiting = (Referral.objects.filter(status=ReferralStatus.AWAITING_BOOKING)
               .select_related("service_user").order_by("received_at", "pk")[:len(FLAGS)])
    for referral, details in zip(waiting, FLAGS, strict=False):
        if not AdjustmentFlag.objects.filter(service_user=referral.service_user).exists():
            services.adjustment_flag_record(actor=actor, service_user=referral.service_user, details=details)
