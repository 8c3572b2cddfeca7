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


def requires(perm: str) -> type[BasePermission]:
    """A DRF permission class: signed in, and the role grants `perm` (as the UI checks it)."""
    class HasPermission(BasePermission):
        def has_permission(self, request: Request, view: APIView) -> bool:
            return request.user.is_authenticated and request.user.has_perm(perm)

    HasPermission.__name__ = f"Requires_{perm.replace('.', '_')}"
    return HasPermission
