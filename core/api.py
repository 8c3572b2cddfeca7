"""What every API endpoint shares: domain errors translated into problem responses, once,
and the role permission check."""

from typing import Any

from rest_framework import serializers, status
from rest_framework.pagination import LimitOffsetPagination
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



MAX_PAGE_SIZE = 100  # rows per page of a paginated list, whatever a client asks for


def page_size_from(request: Request, *, default: int, maximum: int,
                   names: tuple[str, ...] = ("page_size",)) -> int:
    """The rows a client asked for, in the first of `names` it sent; `default` when it sent
    none. A number above `maximum`, or not a positive whole number, is a 400 naming the
    maximum: a list that quietly returned fewer rows than asked could hide a person who is
    waiting, so a bigger page is refused, never cut short (the one rule for every list)."""
    for name in names:
        if name in request.query_params:
            raw = request.query_params[name]
            break
    else:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise serializers.ValidationError(
            {name: [f"Ask for between 1 and {maximum} rows."]})
    return int(raw)


class Pagination(LimitOffsetPagination):
    """Every paginated list: `limit` (or `page_size`, the same) up to MAX_PAGE_SIZE rows
    from `offset`, 100 by default."""

    max_limit = MAX_PAGE_SIZE

    def get_limit(self, request: Request) -> int:
        return page_size_from(request, default=self.default_limit or MAX_PAGE_SIZE,
                              maximum=MAX_PAGE_SIZE, names=(self.limit_query_param, "page_size"))

    def get_schema_operation_parameters(self, view: APIView) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.limit_query_param:
                parameter["schema"]["maximum"] = MAX_PAGE_SIZE
        return [*parameters, {
            "name": "page_size", "required": False, "in": "query",
            "description": f"The same as limit: rows per page, at most {MAX_PAGE_SIZE}.",
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
        }]
