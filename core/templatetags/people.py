"""How the pages name the people and processes that did something."""

from datetime import date
from typing import Protocol

from django import template
from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import dateformat, timezone

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
    date_of_birth: date | None

    def age_on(self, day: date) -> int | None: ...


@register.filter
def age(person: _Person) -> int | None:
    """A person's age in whole years today (Europe/London), None while their date of
    birth is not known (a crisis call whose identity is not confirmed)."""
    return person.age_on(timezone.localdate())


@register.filter
def born(person: _Person, date_format: str = "j F Y") -> str:
    """A person's date of birth with their age, `12 March 2010 (age 16)`, or "Not known":
    shown wherever the person is, so a child is never streamed as an adult unnoticed."""
    if person.date_of_birth is None:
        return "Not known"
    return f"{dateformat.format(person.date_of_birth, date_format)} (age {age(person)})"
