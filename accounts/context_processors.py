from django.conf import settings
from django.urls import reverse

from .roles import roles_of


def navigation(request):
    """Role-aware navigation: the union of the pages of the user's roles."""
    items, seen = [], set()
    for role in roles_of(getattr(request, "user", None)) if hasattr(request, "user") else []:
        for label, name in role.nav:
            if name not in seen:
                seen.add(name)
                items.append({"label": label, "url": reverse(name), "current": False})
    # The current page is the item with the longest address the path starts with, so
    # /triage/huddle/ marks "MDT huddle", not also "Triage worklist" (/triage/).
    matching = [item for item in items if request.path.startswith(item["url"])]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["current"] = True
    return {"nav_items": items, "session_idle_seconds": settings.SESSION_COOKIE_AGE}
