"""The NHS.UK back link of a page that is a step in a journey: `{% back_link fallback %}`
goes back to the page of this service the person came from, or else to `fallback`, the
page the step belongs to (a referral, a care plan). Load with `{% load navigation %}`."""

from urllib.parse import urlsplit

from django import template
from django.http import HttpRequest
from django.urls import Resolver404, resolve
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString

register = template.Library()

# Not pages to go back to: signing in (a step reached after it came from the sign-in page).
NOT_BACK_TO = {"accounts", "public"}


@register.simple_tag(takes_context=True)
def back_link(context: template.Context, fallback: str, text: str = "Back") -> SafeString:
    return format_html('<a class="nhsuk-back-link" href="{}">{}</a>',
                       came_from(context.get("request"), fallback), text)


def came_from(request: HttpRequest | None, fallback: str) -> str:
    """The same-site page in the Referer header, when it is another page of the staff
    service; the Referrer-Policy (same-origin) sends it only within the site. After a form
    is refused the Referer is the step itself, so the fallback is used."""
    referer = request.META.get("HTTP_REFERER", "") if request else ""
    if not request or not url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return fallback
    parts = urlsplit(referer)
    if parts.path == request.path:
        return fallback
    try:
        match = resolve(parts.path)
    except Resolver404:
        return fallback
    if match.namespace in NOT_BACK_TO or match.url_name in ("login", "logout"):
        return fallback
    return f"{parts.path}?{parts.query}" if parts.query else parts.path
