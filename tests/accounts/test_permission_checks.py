"""Views check a role's permission one way (core.permissions.permission_required), the API
one way (core.api.requires), and only accounts/roles.py grants a group a permission."""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver

from accounts import roles
from core.api import RolePermission
from core.permissions import permission_required
from tests.factories import UserFactory

# Pages whose check depends on the record or the address, not on a role alone: the home
# page sends each role to its own, a queue's page needs that queue's permission, and the
# notification centre shows each person what was told to them or their queues. "Stay
# signed in", the second step of sign-in, recovery codes and changing one's own password are
# for everyone signed in.
CHECKED_PER_RECORD = {
    "accounts.views.home", "accounts.views.session_keep_alive",
    "accounts.views.two_factor_verify", "accounts.views.two_factor_setup", "accounts.views.recovery_codes",
    "accounts.views.password_change", "accounts.views.password_change_done",
    "django.contrib.auth.views.view",  # logout
    "triage.views.queues.urgent", "triage.views.queues.non_urgent",
    "triage.views.queues.eating_disorders", "triage.views.queues.nursing_home_in_reach",
    "triage.views.alerts.index", "triage.views.alerts.notification", "triage.views.alerts.read",
}
SOURCE_SKIPPED = {".venv", "node_modules", ".local", ".git"}


def _routes(patterns=None, prefix=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern) != "admin/":
                yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def _api_view_class(view):
    return getattr(view, "cls", None)


def _granted_by_the_table() -> set[str]:
    return set().union(*roles.group_permissions().values())


def test_every_staff_page_declares_the_permission_it_needs_unless_it_checks_per_record():
    undeclared = []
    for route, view in _routes():
        if _api_view_class(view) or not getattr(view, "login_required", True):
            continue  # the API (below) and the public pages
        if f"{view.__module__}.{view.__name__}" in CHECKED_PER_RECORD:
            continue
        if not getattr(view, "required_permissions", ()):
            undeclared.append(route)
    assert undeclared == []


def test_every_permission_a_page_needs_is_granted_by_some_role():
    needed = {perm for _, view in _routes() for perm in getattr(view, "required_permissions", ())}
    assert needed and needed <= _granted_by_the_table()


# API endpoints for anyone signed in, whatever their role: they show nothing of anyone.
OPEN_TO_ANY_SIGNED_IN = {
    "fhir_api.views.MetadataApi": "the FHIR server's CapabilityStatement: what it can do",
}


def test_every_api_endpoint_checks_a_role_permission_the_table_grants():
    unchecked = []
    for route, view in _routes():
        cls = _api_view_class(view)
        if cls is None or cls.__module__.startswith("drf_spectacular"):
            continue  # not the API, or its published schema
        if f"{cls.__module__}.{cls.__name__}" in OPEN_TO_ANY_SIGNED_IN:
            continue
        checks = [p for p in cls.permission_classes if issubclass(p, RolePermission)]
        if not checks or not all(set(p.perms) <= _granted_by_the_table() for p in checks):
            unchecked.append(route)
    assert unchecked == []


def _source_files():
    root = settings.BASE_DIR
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [name for name in subfolders if name not in SOURCE_SKIPPED]
        for name in files:
            if name.endswith(".py"):
                path = Path(folder, name)
                yield path.relative_to(root).as_posix(), path.read_text()


def test_no_view_uses_djangos_permission_required():
    djangos = re.compile(r"from django\.contrib\.auth\.decorators import [^\n]*\bpermission_required")
    assert [name for name, text in _source_files() if djangos.search(text)] == []


def test_only_the_roles_table_grants_a_group_or_user_a_permission():
    granting = re.compile(r"[._]permissions\.(add|set|remove)\(")
    found = [name for name, text in _source_files() if granting.search(text)]
    assert found == ["accounts/roles.py"]


@pytest.mark.django_db
def test_permission_required_lets_in_a_user_with_any_of_the_permissions(reference_data):
    @permission_required("scheduling.book_assessment", "scheduling.view_booking")
    def lists(request):
        return "shown"

    request = RequestFactory().get("/")
    for role in (roles.ADMIN_TEAM, roles.MANAGER):  # one books, the other sees bookings
        request.user = UserFactory(role=role)
        assert lists(request) == "shown"


@pytest.mark.django_db
def test_permission_required_refuses_anyone_else_naming_what_is_needed(reference_data):
    @permission_required("scheduling.book_assessment", "scheduling.view_booking")
    def lists(request):
        return "shown"

    request = RequestFactory().get("/")
    request.user = UserFactory(role=roles.CALL_HANDLER)
    with pytest.raises(PermissionDenied, match="scheduling.book_assessment or scheduling.view_booking"):
        lists(request)
