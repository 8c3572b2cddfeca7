"""What every API endpoint shares: domain errors translated into problem responses, once,
and the role permission check."""

from typing import Any

from rest_framework import status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import Conflict, DomainError, NotAllowed


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        code: int = status.HTTP_400_BAD_REQUEST
        if isinstance(exc, Conflict):
            code = status.HTTP_409_CONFLICT
        elif isinstance(exc, NotAllowed):
            code = status.HTTP_403_FORBIDDEN
        body: dict[str, str | list[str]] = {"detail": exc.message}
        if exc.field:
            body = {exc.field: [exc.message]}
        return Response(body, status=code)
    return drf_exception_handler(exc, context)


class RolePermission(BasePermission):
    """What every API view checks: signed in, and a role grants one of `perms`. Made by
    `requires`, the API's one role check (as core.permissions is the pages')."""

    perms: tuple[str, ...] = ()

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.user.is_authenticated and any(request.user.has_perm(p) for p in self.perms)


def requires(*perms: str) -> type[RolePermission]:
    """A DRF permission class: signed in, and the role grants any of `perms` (as the UI checks it)."""
    if not perms:
        raise TypeError("requires needs at least one permission")
    name = "Requires_" + "_or_".join(p.replace(".", "_") for p in perms)
    return type(name, (RolePermission,), {"perms": perms})

