from django.urls import reverse

from .roles import roles_of


def navigation(request):
    """Role-aware navigation: the union of the pages of the user's roles."""
    items, seen = [], set()
    for role in roles_of(getattr(request, "user", None)) if hasattr(request, "user") else []:
        for label, name in role.nav:
            if name not in seen:
                seen.add(name)
                url = reverse(name)
                items.append({"label": label, "url": url,
                              "current": request.path.startswith(url)})
    return {"nav_items": items}
