"""Who may acknowledge a wait alert (everyone a queue's alerts are told to), and the
managers' rota of duty managers."""

from django.db import migrations

from accounts import role_grants

GRANTS = {
    "Manager": ["acknowledge_alert", "view_breachalert", "view_dutyshift", "add_dutyshift",
                "change_dutyshift", "delete_dutyshift"],
    "Triage clinician": ["acknowledge_alert"],
    "Admin team": ["acknowledge_alert"],
    "Eating disorders triage": ["acknowledge_alert"],
    "Nursing home in-reach triage": ["acknowledge_alert"],
}


def forwards(apps, schema_editor):
    role_grants.grant(apps, "triage", GRANTS)


def backwards(apps, schema_editor):
    role_grants.revoke(apps, "triage", GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("triage", "0009_alert_thresholds_backfill"),
        ("accounts", "0001_roles"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
