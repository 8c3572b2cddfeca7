"""What each role may do with care plans beyond reading and contributing (accounts 0001):
practitioners and managers see the step-up list and the expertise requests."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {"Practitioner": ["view_stepupepisode", "view_expertiserequest"],
          "Manager": ["view_stepupepisode"]}


def grant(apps, schema_editor):
    config = apps.get_app_config("careplans")
    previous = getattr(config, "models_module", None)
    config.models_module = True
    create_permissions(config, verbosity=0)
    config.models_module = previous
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group:
            group.permissions.add(*Permission.objects.filter(content_type__app_label="careplans",
                                                             codename__in=codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group:
            group.permissions.remove(*Permission.objects.filter(content_type__app_label="careplans",
                                                                codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("careplans", "0003_plan_versions_sharing_step_up_expertise_transitions"),
        ("accounts", "0001_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
