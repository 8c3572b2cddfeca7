"""The care coordinator target: after an assessment opens an episode of care with a team,
the team names the person's care coordinator within 5 working days by default (a manager
may change it). It starts when the episode opens and is met when a coordinator is named
(careplans.services.episode_open_after_assessment, care_coordinator_name)."""

from django.db import migrations

CODE = "care_coordinator_named"


def add(apps, schema_editor):
    apps.get_model("triage", "TargetDefinition").objects.get_or_create(code=CODE, defaults={
        "name": "Care coordinator named within 5 working days of the assessment", "clock": "business",
        "amount": 5, "at_risk_share": 75, "at_risk_minutes_left": None})


def remove(apps, schema_editor):
    apps.get_model("triage", "TargetDefinition").objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [("triage", "0025_referrals_not_accounted_for_alerts")]

    operations = [migrations.RunPython(add, remove)]
