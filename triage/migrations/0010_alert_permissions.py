"""Who may acknowledge a wait alert (everyone a queue's alerts are told to), and the
managers' rota of duty managers."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Manager": ["acknowledge_alert", "view_breachalert", "view_dutyshift", "add_dutyshift",
                "change_dutyshift", "delete_dutyshift"],
    "Triage clinician": ["acknowledge_alert"],
    "Admin team": ["acknowledge_alert"],
    "Eating disorders triage": ["acknowledge_alert"],
    "Nursing home in-reach triage": ["acknowledge_alert"],
}


def forwards(apps, schema_editor):
    config = apps.get_app_config("triage")
    previous = getattr(config, "models_module", None)
    config.models_module = True
    create_permissions(config, verbosity=0)
    config.models_module = previous
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group:
            group.permissions.add(*Permission.objects.filter(content_type__app_label="triage",
                                                             codename__in=codenames))


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = {c for cs in GRANTS.values() for c in cs}
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="triage",
                                                            codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("triage", "0009_alert_thresholds_backfill"),
        ("accounts", "0001_roles"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
