"""The notification centre: each person's and their queues' alerts, read and acknowledged."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.permissions import permission_required

from .. import alerts
from ..alerts import QUEUE_LABELS
from ..dashboard import time_left_text
from ..models import BreachAlert

CENTRE_LIMIT = 100  # notifications on the page
SHOWN_PER_NOTIFICATION = 10  # alerts listed under each; the rest on the notification's page
ALERTS_PER_PAGE = 100


def _describe(notification, told: list, now) -> None:
    """What the page shows of a notification and its alerts."""
    for alert in told:
        target = alert.target
        alert.time_left, alert.overdue = time_left_text(target.due_at, now)
        alert.running = target.met_at is None and target.cancelled_at is None
    notification.told = told
    notification.total = len(notification.alert_ids) + len(notification.unaccounted_ids)
    notification.more = len(notification.alert_ids) - len(told)
    notification.audience = (QUEUE_LABELS.get(notification.queue, notification.queue) if notification.queue
                             else "You (duty manager)")


def index(request):
    now = timezone.now()
    show = request.GET.get("show", "unread")
    notifications = alerts.notifications_for(request.user)
    if show == "unread":
        notifications = notifications.filter(read_at__isnull=True)
    rows = list(notifications[:CENTRE_LIMIT])
    first = alerts.first_alerts_told(rows, SHOWN_PER_NOTIFICATION)
    unaccounted = alerts.unaccounted_told(rows)
    for n in rows:
        _describe(n, first[n.pk], now)
        n.unaccounted = unaccounted[n.pk]
    return render(request, "triage/alerts.html", {
        "notifications": rows, "show": show, "limit": CENTRE_LIMIT,
        "can_acknowledge": request.user.has_perm("triage.acknowledge_alert"),
    })


def notification(request, pk):
    """Every alert one notification told (a burst can tell thousands), a page at a time."""
    told = get_object_or_404(alerts.notifications_for(request.user), pk=pk)
    page = Paginator(alerts.alerts_told(told), ALERTS_PER_PAGE).get_page(request.GET.get("page"))
    _describe(told, list(page.object_list), timezone.now())
    told.unaccounted = alerts.unaccounted_told([told])[told.pk]
    return render(request, "triage/notification.html", {
        "n": told, "page": page, "can_acknowledge": request.user.has_perm("triage.acknowledge_alert"),
    })


def _back(request):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("alerts:index")


@require_POST
def read(request, pk):
    notification = get_object_or_404(alerts.notifications_for(request.user), pk=pk)
    alerts.notification_read(actor=request.user, notification=notification)
    return _back(request)


@require_POST
@permission_required("triage.acknowledge_alert")
def acknowledge(request, pk):
    """Object level: the alert must have been told to the person or one of their queues;
    a manager may acknowledge any."""
    alert = get_object_or_404(BreachAlert.objects.select_related("target__referral"), pk=pk)
    if not request.user.has_perm("triage.view_wait_dashboard") and not alerts.told_to(request.user, alert):
        raise PermissionDenied
    try:
        alerts.alert_acknowledge(actor=request.user, alert=alert)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Alert acknowledged: {alert.target.referral.reference} "
                                  f"{alert.get_kind_display().lower()}.")
    return _back(request)
