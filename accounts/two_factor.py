"""Two-factor sign-in: after the password, a code from an authenticator app (TOTP), or
one of ten recovery codes, each good once (django-otp's TOTP and static devices).

Who needs it is decided here, once (`two_factor_required`): every member of staff who
signs in. Every role but the community knowledge officer reads people's records, and the
officer's helpline log and unmet needs record what callers said about themselves; one
rule with no exceptions cannot be left off by a wrong group. There is no setting that
turns it off (docs/adr/0013).

Wrong codes are slowed and then locked out twice over: django-otp throttles the device
(1, 2, 4, 8 ... seconds before the next try is even checked), and each wrong code counts
as a failed sign-in for django-axes, so the fifth locks the username from that address
exactly as five wrong passwords do."""

import base64
from dataclasses import dataclass

import segno
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
# The name the device is given; a user has one authenticator app at a time.
AUTHENTICATOR = "Authenticator app"
RECOVERY_CODES = "Recovery codes"
# The recovery codes just made, shown once on the recovery codes page and then forgotten.
FRESH_CODES_SESSION_KEY = "fresh_recovery_codes"
QR_CODE_LABEL = "QR code for your authenticator app"


def two_factor_required(user) -> bool:
    """Whether this signed-in user must pass the second step: everyone (see the module)."""
    return bool(user.is_authenticated)


def is_verified(user) -> bool:
    """Whether this request's session passed the second step (django-otp's middleware)."""
    verified = getattr(user, "is_verified", None)
    return bool(verified and verified())


def needs_second_step(user) -> bool:
    return two_factor_required(user) and not is_verified(user)


def authenticator_of(user) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


@dataclass(frozen=True)
class CodeResult:
    device: Device | None
    throttled: bool = False
    locked_out: bool = False


def code_check(request: HttpRequest, code: str) -> CodeResult:
    """Check a code the signed-in user typed at the second step: six digits against their
    authenticator app, anything else against their recovery codes (so a mistyped code
    slows only the device it was meant for). A code that passes verifies the session; a
    wrong one counts for django-axes, and the lockout it causes signs the user out."""
    user = request.user
    code = "".join(code.split()).lower()
    with transaction.atomic():
        device = _device_for_code(user, code)
        if device is None:
            result = CodeResult(None)
        elif not device.verify_is_allowed()[0]:
            result = CodeResult(None, throttled=True)
        elif device.verify_token(code):
            result = CodeResult(device)
        else:
            result = CodeResult(None)
    if result.device is not None:
        otp_login(request, result.device)
        return result
    if result.throttled:
        return result
    # The failed attempt counts towards the same lockout as a wrong password; axes marks
    # the request when this one reaches the limit.
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)
    if getattr(request, "axes_locked_out", False):
        logout(request)
        return CodeResult(None, locked_out=True)
    return result


def _device_for_code(user, code: str) -> Device | None:
    if code.isdigit() and len(code) == 6:
        found: Device | None = TOTPDevice.objects.select_for_update().filter(
            user=user, confirmed=True).order_by("-pk").first()
    else:
        found = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    return found


def setup_start(user) -> TOTPDevice:
    """The unconfirmed authenticator app being set up for the user: the same secret on
    every visit until it is confirmed, so reloading the page does not change the QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)
    return device


def setup_confirm(request: HttpRequest, code: str) -> list[str] | None:
    """Confirm the authenticator app being set up with a code from it: it replaces any
    earlier one, verifies this session, and ten new recovery codes replace any earlier
    ones. Answers the recovery codes (to show once), or None when the code is wrong."""
    user = request.user
    with transaction.atomic():
        device = (TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False)
                  .order_by("-pk").first())
        code = "".join(code.split())
        if device is None or not device.verify_is_allowed()[0] or not device.verify_token(code):
            return None
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = recovery_codes_replace(user)
    otp_login(request, device)
    return codes


def recovery_codes_replace(user) -> list[str]:
    """Ten new recovery codes for the user; the earlier ones stop working."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_CODES,
                                                       defaults={"confirmed": True})
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
        device.throttle_reset()
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def secret_text(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it typed in: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code (no image request, no data: URL)."""
    svg = segno.make(device.config_url, error="m").svg_inline(scale=5, title=QR_CODE_LABEL)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{QR_CODE_LABEL}" ', 1)


def demo_key() -> str:
    """The published demo secret as django-otp stores a key (hex)."""
    from accounts.demo_data import DEMO_TOTP_SECRET

    return base64.b32decode(DEMO_TOTP_SECRET).hex()

