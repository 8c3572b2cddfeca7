"""The rebooking target: how soon a person whose booking was cancelled (and who is back
on the booking queue), or who did not attend or was not brought, is booked again. One
working day by default, from the cancellation or the missed appointment; it runs again,
as a new run, each time the person is back. A manager may change it."""

from django.db import migrations

CODE = "rebooking"


def add(apps, schema_editor):
    apps.get_model("triage", "TargetDefinition").objects.get_or_create(code=CODE, defaults={
        "name": "Booked again within 1 working day of a cancellation or missed appointment",
        "clock": "business", "amount": 1, "at_risk_share": 75, "at_risk_minutes_left": None})


def remove(apps, schema_editor):
    apps.get_model("triage", "TargetDefinition").objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [("triage", "0027_triage_timescale_sets_the_assessment_due")]

    operations = [migrations.RunPython(add, remove)]
