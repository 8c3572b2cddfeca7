"""The urgent triage response target: how soon a clinician first acts on a contact on the
24/7 urgent queue (claims it or records a decision). One hour by default; a manager may
change it. At risk at three quarters of the time, or 15 minutes left."""

from django.db import migrations

CODE = "urgent_triage_response"


def add(apps, schema_editor):
    apps.get_model("triage", "TargetDefinition").objects.get_or_create(code=CODE, defaults={
        "name": "Urgent triage: a clinician acts within 1 hour", "clock": "24_7", "amount": 1,
        "at_risk_share": 75, "at_risk_minutes_left": 15})


def remove(apps, schema_editor):
    apps.get_model("triage", "TargetDefinition").objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [("triage", "0018_provisional_targets_and_why_a_target_stopped")]

    operations = [migrations.RunPython(add, remove)]
