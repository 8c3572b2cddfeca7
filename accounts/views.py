from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from . import two_factor
from .forms import CodeForm, PasswordChangeForm, SetupCodeForm
from .roles import roles_of


def home(request):
    """Each role lands on its own home; the first of the user's roles wins."""
    roles = roles_of(request.user)
    if not roles:
        return render(request, "accounts/no_role.html", status=403)
    return redirect(roles[0].home)


def two_factor_exempt(view):
    """A page of the second step of sign-in, open before the session has passed it."""
    view.two_factor_exempt = True
    return view


# "Stay signed in" on the timeout warning works on the code's page too.
@two_factor_exempt
@require_POST
def session_keep_alive(request):
    """"Stay signed in" on the timeout warning: any signed-in request renews the idle
    timeout (SESSION_SAVE_EVERY_REQUEST); this one does nothing else. Says how long the
    session now has, for the page's timer."""
    return JsonResponse({"idle_seconds": settings.SESSION_COOKIE_AGE})


def _next_url(request) -> str:
    """Where the user was going when sent to the second step (this site only)."""
    wanted = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or ""
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return wanted
    return reverse("home")


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({REDIRECT_FIELD_NAME: next_url})}"


WRONG_CODE = ("The security code is not right. Enter the 6-digit code your authenticator app shows now, "
              "or one of your recovery codes")
THROTTLED = "Too many wrong codes in a row. Wait a few seconds, then enter the code your app shows now"


@two_factor_exempt
def two_factor_verify(request):
    """The second step of sign-in: a code from the authenticator app, or a recovery code."""
    next_url = _next_url(request)
    if not two_factor.needs_second_step(request.user):
        return redirect(next_url)
    if two_factor.authenticator_of(request.user) is None:
        return redirect(_with_next("accounts:two_factor_setup", next_url))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = two_factor.code_check(request, form.cleaned_data["code"])
        if result.locked_out:
            return render(request, "registration/locked_out.html", status=429)
        if result.device is not None:
            return redirect(next_url)
        form.add_error("code", THROTTLED if result.throttled else WRONG_CODE)
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url})


@two_factor_exempt
def two_factor_setup(request):
    """Set up an authenticator app: the QR code and the secret to type in, confirmed with a
    code from the app. Replacing one needs the session to have passed the second step with
    the one it replaces (or a recovery code)."""
    next_url = _next_url(request)
    replacing = two_factor.authenticator_of(request.user) is not None
    if replacing and not two_factor.is_verified(request.user):
        return redirect(_with_next("accounts:two_factor_verify", next_url))
    device = two_factor.setup_start(request.user)
    form = SetupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.setup_confirm(request, form.cleaned_data["code"])
        if codes is not None:
            request.session[two_factor.FRESH_CODES_SESSION_KEY] = codes
            messages.success(request, "Your authenticator app is set up.")
            return redirect(_with_next("accounts:recovery_codes", next_url))
        form.add_error("code", "The security code is not right. Enter the 6-digit code your authenticator "
                               "app shows now for the Central Access Point")
    return render(request, "accounts/two_factor_setup.html", {
        "form": form, "next": next_url, "replacing": replacing,
        "qr_code": mark_safe(two_factor.qr_code_svg(device)),  # noqa: S308  # segno's own SVG markup
        "secret": two_factor.secret_text(device),
    })


def recovery_codes(request):
    """New recovery codes are shown once, just after they are made; making new ones (which
    stops the old ones working) needs a code again, so a session left open cannot take them."""
    next_url = _next_url(request)
    codes = request.session.pop(two_factor.FRESH_CODES_SESSION_KEY, None)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = two_factor.code_check(request, form.cleaned_data["code"])
        if result.locked_out:
            return render(request, "registration/locked_out.html", status=429)
        if result.device is not None:
            codes = two_factor.recovery_codes_replace(request.user)
            request.session[two_factor.FRESH_CODES_SESSION_KEY] = codes
            return redirect(_with_next("accounts:recovery_codes", next_url))
        form.add_error("code", THROTTLED if result.throttled else WRONG_CODE)
    return render(request, "accounts/recovery_codes.html", {
        "form": form, "codes": codes, "next": next_url,
        "left": two_factor.recovery_codes_left(request.user),
    })


class _PasswordChange(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("accounts:password_change_done")


def password_change(request):
    """Anyone signed in changes their own password, giving the current one first."""
    return _PasswordChange.as_view()(request)


def password_change_done(request):
    return render(request, "accounts/password_change_done.html")
