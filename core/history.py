"""Saving clinical records with their history user set from the acting user.

django-simple-history takes the user from the request when there is one; a
service may run from a Celery task or a command, so services name the actor."""

from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.db.models import Model

M = TypeVar("M", bound=Model)


def history_user_set(instance: Model, actor: User | None) -> None:
    """Name the actor on the history row the next save, delete or many-to-many change of
    `instance` writes (None: a system change, such as a scan or an import)."""
    # django-simple-history reads this private attribute; it is set in this one place.
    instance._history_user = actor  # type: ignore[attr-defined]


def save_as(instance: M, actor: User | None, **kwargs: Any) -> M:
    history_user_set(instance, actor)
    instance.save(**kwargs)
    return instance
