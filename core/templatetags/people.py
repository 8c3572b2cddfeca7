"""How the pages name the people and processes that did something."""

from django import template
from django.contrib.auth.base_user import AbstractBaseUser

register = template.Library()


@register.filter
def done_by(user: AbstractBaseUser | None, nobody: str = "the system") -> str:
    """A history row's or an action's user by full name, else username; `nobody` when no
    signed-in user made the change (an import, the demo data, a scheduled task)."""
    if user is None:
        return nobody
    full_name = getattr(user, "get_full_name", lambda: "")()
    return full_name or user.get_username()
