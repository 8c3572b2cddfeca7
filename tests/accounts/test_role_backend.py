"""The role check reads a person's permissions in one statement, and answers exactly as
Django's ModelBackend does: their own and their roles' permissions, all for a superuser,
none once inactive; a role taken away counts from the next request."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import roles
from accounts.backends import RoleBackend
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # a new request's user: nothing cached


def _both(user: User) -> tuple[set[str], set[str]]:
    return RoleBackend().get_all_permissions(_fresh(user)), ModelBackend().get_all_permissions(_fresh(user))


@pytest.mark.parametrize("role", sorted(roles.group_permissions()))
def test_each_role_has_exactly_the_permissions_djangos_backend_gives(role):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=role))
    ours, django = _both(user)
    assert ours == django
    assert ours == set(roles.group_permissions()[role])


def test_a_persons_own_permissions_and_two_roles_together_count_once_each():
    user = UserFactory()
    user.groups.add(Group.objects.get(name=roles.CALL_HANDLER), Group.objects.get(name=roles.MANAGER))
    # Granted to the person alone, as an administrator might (never by the roles table).
    User.user_permissions.through.objects.create(
        user=user, permission=Permission.objects.get(codename="view_break_glass_report"))
    ours, django = _both(user)
    assert ours == django
    assert "access.view_break_glass_report" in ours


def test_no_role_no_permission_and_an_inactive_person_has_none():
    user = UserFactory()
    assert _both(user) == (set(), set())
    user.groups.add(Group.objects.get(name=roles.MANAGER))
    user.is_active = False
    user.save()
    assert _both(user) == (set(), set())


def test_a_superuser_has_every_permission():
    user = UserFactory(is_superuser=True)
    ours, django = _both(user)
    assert ours == django == {f"{p.content_type.app_label}.{p.codename}"
                              for p in Permission.objects.select_related("content_type")}


def test_the_permissions_are_read_in_one_statement_once_a_request():
    user = UserFactory()
    user.groups.add(Group.objects.get(name=roles.TRIAGE_CLINICIAN))
    user = _fresh(user)
    with CaptureQueriesContext(connection) as queries:
        assert user.has_perm("cap.view_referral")
        assert not user.has_perm("directory.change_communityservice")
    assert len(queries) == 1


def test_a_role_taken_away_counts_from_the_next_request(client):
    user = UserFactory()
    group = Group.objects.get(name=roles.MANAGER)
    user.groups.add(group)
    permission = next(iter(roles.group_permissions()[roles.MANAGER]))
    assert _fresh(user).has_perm(permission)
    user.groups.remove(group)
    assert not _fresh(user).has_perm(permission)
