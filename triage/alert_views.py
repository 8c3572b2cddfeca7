"""The notification centre: each person's and their queues' alerts, read and acknowledged."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cap.errors import DomainError

from . import alerts
from .alerts import QUEUE_LABELS
from .dashboard import time_left_text
from .models import BreachAlert, Notification

CENTRE_LIMIT = 100


def index(request):
    now = timezone.now()
    show = request.GET.get("show", "unread")
    notifications = alerts.notifications_for(request.user)
    if show == "unread":
        notifications = notifications.filter(read_at__isnull=True)
    rows = list(notifications[:CENTRE_LIMIT])
    for n in rows:
        target = n.alert.target
        n.time_left, n.overdue = time_left_text(target.due_at, now)
        n.running = target.met_at is None and target.cancelled_at is None
        n.audience = QUEUE_LABELS.get(n.queue, n.queue) if n.queue else "You (duty manager)"
    return render(request, "triage/alerts.html", {
        "notifications": rows, "show": show, "limit": CENTRE_LIMIT,
        "can_acknowledge": request.user.has_perm("triage.acknowledge_alert"),
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
@permission_required("triage.acknowledge_alert", raise_exception=True)
def acknowledge(request, pk):
    """Object level: the alert must have been told to the person or one of their queues;
    a manager may acknowledge any."""
    alert = get_object_or_404(BreachAlert.objects.select_related("target__referral"), pk=pk)
    if not request.user.has_perm("triage.view_wait_dashboard"):
        told = Notification.objects.filter(alert=alert).filter(
            Q(user=request.user) | Q(user__isnull=True, queue__in=alerts.queues_of(request.user)))
        if not told.exists():
            raise PermissionDenied
    try:
        alerts.alert_acknowledge(actor=request.user, alert=alert)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Alert acknowledged: {alert.target.referral.reference} "
                                  f"{alert.get_kind_display().lower()}.")
    return _back(request)
