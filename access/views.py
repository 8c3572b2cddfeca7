"""Applying the read rule (access.rules) to pages, the break-glass page, and the managers'
report of who broke the glass."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.request import Request

from cap.models import ServiceUser
from core.audit import record_access_log_many
from core.errors import DomainError
from core.permissions import permission_required

from . import rules, services
from .forms import BreakGlassForm, ReportFilterForm
from .models import BreakGlassGrant

BREAK_GLASS = "access.read_in_care"
REPORT = "access.view_break_glass_report"
GRANTS_PER_PAGE = 50


class BreakGlassRequired(PermissionDenied):
    """The reader has no care relationship with the person: answered with the break-glass
    page, 403 (access.middleware)."""

    def __init__(self, person: ServiceUser, next_url: str):
        super().__init__("You are not involved in this person's care.")
        self.person = person
        self.next_url = next_url


def person_read_or_break_glass(request: HttpRequest, person: ServiceUser, *,
                               record: rules.Record) -> rules.ReadAccess:
    """The read rule for a page: the access (its break-glass reason goes into the access
    log), or the break-glass page instead of the page."""
    access = rules.read_access(request.user, person, now=timezone.now(), record=record)
    if not access.allowed:
        raise BreakGlassRequired(person, request.get_full_path())
    return access


def person_read_or_403(request: Request, person: ServiceUser, *, record: rules.Record) -> rules.ReadAccess:
    """The read rule for the API: the access, or 403 saying how to break the glass."""
    access = rules.read_access(request.user, person, now=timezone.now(), record=record)
    if not access.allowed:
        page = request.build_absolute_uri(reverse("access:break_glass", args=[person.pk]))
        raise ApiPermissionDenied({
            "detail": "You have no care relationship with this person. To read their record "
                      f"without one, state your reason on the break-glass page: {page}",
            "break_glass": page})
    return access


def break_glass_page(request: HttpRequest, person: ServiceUser, form: BreakGlassForm, *,
                     status: int = 200) -> HttpResponse:
    return render(request, "access/break_glass.html",
                  {"person": person, "form": form,
                   "minutes": settings.ACCESS_BREAK_GLASS_MINUTES}, status=status)


@permission_required(BREAK_GLASS)
def break_glass(request, service_user_id):
    person = get_object_or_404(ServiceUser, pk=service_user_id)
    form = BreakGlassForm(request.POST or None, initial={"next": request.GET.get("next", "")})
    if request.method == "POST" and form.is_valid():
        try:
            services.break_glass_grant(actor=request.user, service_user=person,
                                       reason=form.cleaned_data["reason"])
        except DomainError as error:
            form.add_domain_error(error)
        else:
            return redirect(_next(request, form.cleaned_data["next"]))
    return break_glass_page(request, person, form)


def _next(request, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse("home")


@permission_required(REPORT)
def break_glass_report(request):
    """Every break-glass grant, newest first: who read whose record, why, when and until when."""
    form = ReportFilterForm(request.GET or None)
    grants = BreakGlassGrant.objects.select_related("user", "service_user").order_by("-granted_at", "-pk")
    if form.is_bound and form.is_valid():
        grants = _between(grants, form.cleaned_data["granted_from"], form.cleaned_data["granted_to"])
    page = Paginator(grants, GRANTS_PER_PAGE).get_page(request.GET.get("page"))
    # The report names the people whose records were read: itself a read of them.
    record_access_log_many(actor=request.user, view="break-glass report",
                           service_users=[grant.service_user for grant in page])
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "access/break_glass_report.html",
                  {"form": form, "page": page, "query": query.urlencode()})


def _between(grants, start, end):
    # Days are Europe/London days.
    zone = timezone.get_current_timezone()
    if start:
        grants = grants.filter(granted_at__gte=datetime.combine(start, time.min, zone))
    if end:
        grants = grants.filter(granted_at__lt=datetime.combine(end + timedelta(days=1), time.min, zone))
    return grants
