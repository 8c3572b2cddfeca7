"""Translate domain errors into API problem responses, once, for every endpoint."""

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from cap.errors import Conflict, DomainError, NotAllowed


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        code = status.HTTP_400_BAD_REQUEST
        if isinstance(exc, Conflict):
            code = status.HTTP_409_CONFLICT
        elif isinstance(exc, NotAllowed):
            code = status.HTTP_403_FORBIDDEN
        body = {"detail": exc.message}
        if exc.field:
            body = {exc.field: [exc.message]}
        return Response(body, status=code)
    return drf_exception_handler(exc, context)
