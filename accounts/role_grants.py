"""Granting a role (a Django group) the permissions its work needs, from a data migration.

Data migrations call these with their own frozen `apps` and their own frozen list of
codenames, so what a migration grants never changes after it is written."""

from django.contrib.auth.management import create_permissions


def grant(apps, app_label: str, grants: dict[str, list[str]]) -> None:
    """Give each named group these permissions of app_label (groups not there are skipped)."""
    config = apps.get_app_config(app_label)
    # Permissions are normally created after all migrations; make sure they exist now.
    previous = getattr(config, "models_module", None)
    config.models_module = True
    create_permissions(config, verbosity=0)
    config.models_module = previous
    for group, permissions in _pairs(apps, app_label, grants):
        group.permissions.add(*permissions)


def revoke(apps, app_label: str, grants: dict[str, list[str]]) -> None:
    for group, permissions in _pairs(apps, app_label, grants):
        group.permissions.remove(*permissions)


def _pairs(apps, app_label, grants):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=grants):
        yield group, Permission.objects.filter(content_type__app_label=app_label,
                                               codename__in=grants[group.name])
