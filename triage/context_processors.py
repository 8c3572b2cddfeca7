from . import alerts


def unread_alerts(request):
    """The unread count in the header: the person's own and their queues' notifications."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_alerts": alerts.unread_count(user)}
