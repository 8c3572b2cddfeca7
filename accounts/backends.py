"""Signing in and the role check: Django's ModelBackend, with a person's permissions read
in one statement.

Every page and every API request asks `user.has_perm` (core.permissions, core.api,
access.rules); Django's ModelBackend answers the first ask of a request with two queries
(the person's own permissions, then their roles'), each built by the ORM. Here the two
are one statement, with the same answer: their own and their roles' permissions, every
permission for a superuser, none for an inactive or anonymous one. The answer is kept on
the user object, as Django keeps it, so it lasts one request: a role taken away counts
from the next request."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection

PERMISSIONS_SQL = """
SELECT ct.app_label, p.codename
  FROM {permission} p JOIN {content_type} ct ON ct.id = p.content_type_id
 WHERE p.id IN (SELECT up.permission_id FROM {user_permissions} up WHERE up.user_id = %(user)s
                UNION
                SELECT gp.permission_id FROM {group_permissions} gp
                  JOIN {user_groups} ug ON ug.group_id = gp.group_id
                 WHERE ug.user_id = %(user)s)
"""


def _permissions_sql() -> str:
    return PERMISSIONS_SQL.format(
        permission=Permission._meta.db_table, content_type=ContentType._meta.db_table,
        user_permissions=User.user_permissions.through._meta.db_table,
        group_permissions=Group.permissions.through._meta.db_table,
        user_groups=User.groups.through._meta.db_table)


class RoleBackend(ModelBackend):
    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:
            return super().get_all_permissions(user_obj)
        if not hasattr(user_obj, "_perm_cache"):
            with connection.cursor() as cursor:
                cursor.execute(_permissions_sql(), {"user": user_obj.pk})
                user_obj._perm_cache = {f"{app}.{codename}" for app, codename in cursor.fetchall()}
        return user_obj._perm_cache
