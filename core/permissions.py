"""The one role check of the pages: which permission a view needs, declared on the view.

Signing in is checked before any view, by LoginRequiredMiddleware; the API's check is
core.api.requires. What each role holds is accounts/roles.py. Checks that depend on the
record (an alert told to the user, a queue chosen by the address, the practitioners
involved in a person's care) stay in the views and services they belong to."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


def permission_required(*perms: str) -> Callable[[View], View]:
    """Let the view run for a user whose roles grant any of `perms`; refuse anyone else
    with 403 Forbidden, naming what is needed."""
    if not perms:
        raise TypeError("permission_required needs at least one permission")

    def decorator(view: View) -> View:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not any(request.user.has_perm(perm) for perm in perms):
                raise PermissionDenied(f"This page needs the permission {' or '.join(perms)}.")
            return view(request, *args, **kwargs)

        checked.required_permissions = perms  # type: ignore[attr-defined]  # read by a test
        return checked

    return decorator
