"""Who uses the directory: staff who signpost search it, the Community Knowledge
Officer keeps it and answers the helpline, managers read the unmet needs report and
keep the directory of expertise with the officer.

Frozen here, like accounts/0001, so the migration means the same whenever it runs."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "Call handler": ["directory.view_communityservice"],
    "Triage clinician": ["directory.view_communityservice", "directory.view_expertise"],
    "Practitioner": ["directory.view_communityservice", "directory.view_expertise"],
    "Manager": ["directory.view_communityservice", "directory.view_expertise",
                "directory.manage_expertise", "directory.view_unmet_need_report"],
    "Community knowledge officer": ["directory.view_communityservice", "directory.manage_directory",
                                    "directory.log_helpline_query", "directory.view_unmet_need_report",
                                    "directory.view_expertise", "directory.manage_expertise"],
}

# What the officer had before this migration, kept when it is reversed.
GIVEN_BY_ACCOUNTS_0001 = {
    "Community knowledge officer": {"directory.view_communityservice", "directory.manage_directory"},
}


def add_permissions(apps, schema_editor):
    app_config = apps.get_app_config("directory")
    previous = getattr(app_config, "models_module", None)
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = previous
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLE_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLE_PERMISSIONS.items():
        kept = GIVEN_BY_ACCOUNTS_0001.get(name, set())
        codenames = [p.split(".")[1] for p in perms if p not in kept]
        for group in Group.objects.filter(name=name):
            group.permissions.remove(*Permission.objects.filter(
                content_type__app_label="directory", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_roles"),
        ("directory", "0005_service_identifier_unique"),
    ]

    operations = [migrations.RunPython(add_permissions, remove_permissions)]
