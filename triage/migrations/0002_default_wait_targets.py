"""The default wait targets (issue: Triage, 'Wait targets'); a manager may change the amounts."""

from django.db import migrations

DEFAULTS = [
    ("triage_review", "Triage review within 1 working day", "business", 1),
    ("assessment_4h", "Very urgent assessment within 4 hours", "24_7", 4),
    ("assessment_24h", "Urgent assessment within 24 hours", "24_7", 24),
    ("booking", "Routine assessment booked within 1 working day", "business", 1),
    ("routine_assessment", "Routine assessment within 28 days", "calendar_days", 28),
    ("hub_assessment_2h", "Urgent Care Hub assessment within 2 hours", "24_7", 2),
]


def add_defaults(apps, schema_editor):
    TargetDefinition = apps.get_model("triage", "TargetDefinition")
    for code, name, clock, amount in DEFAULTS:
        TargetDefinition.objects.get_or_create(
            code=code, defaults={"name": name, "clock": clock, "amount": amount})


def remove_defaults(apps, schema_editor):
    apps.get_model("triage", "TargetDefinition").objects.filter(
        code__in=[d[0] for d in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("triage", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
