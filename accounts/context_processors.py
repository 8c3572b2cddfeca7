from django.conf import settings
from django.urls import reverse

from .roles import roles_of
from .two_factor import needs_second_step


def navigation(request):
    """Role-aware navigation: the union of the pages of the user's roles; none until the
    session has passed the second step of sign-in (every page would send them back to it)."""
    items, seen = [], set()
    user = getattr(request, "user", None)
    pending = user is not None and needs_second_step(user)
    for role in [] if user is None or pending else roles_of(user):
        for label, name in role.nav:
            if name not in seen:
                seen.add(name)
                items.append({"label": label, "url": reverse(name), "current": False})
    # The current page is the item with the longest address the path starts with, so
    # /triage/huddle/ marks "MDT huddle", not also "Triage worklist" (/triage/).
    matching = [item for item in items if request.path.startswith(item["url"])]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["current"] = True
    return {"nav_items": items, "session_idle_seconds": settings.SESSION_COOKIE_AGE,
            "second_step_pending": pending}
