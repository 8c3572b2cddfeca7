"""How the pages name the people and processes that did something."""

from datetime import date
from typing import Protocol

from django import template
from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone

register = template.Library()


@register.filter
def done_by(user: AbstractBaseUser | None, nobody: str = "the system") -> str:
    """A history row's or an action's user by full name, else username; `nobody` when no
    signed-in user made the change (an import, the demo data, a scheduled task)."""
    if user is None:
        return nobody
    full_name = getattr(user, "get_full_name", lambda: "")()
    return full_name or user.get_username()


class _Person(Protocol):
    def age_on(self, day: date) -> int: ...


@register.filter
def age(person: _Person) -> int:
    """A person's age in whole years today (Europe/London): `(age {{ person|age }})`,
    shown wherever the person is, so a child is never streamed as an adult unnoticed."""
    return person.age_on(timezone.localdate())
