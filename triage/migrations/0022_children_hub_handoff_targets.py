"""The children's hub handoff targets: how soon the children's hub accepts (or returns)
a referral the CAP redirected to it. One working day by default; four hours, 24/7, where
an urgency signal at intake says urgent or more (a child in crisis is not left waiting
for the next working day). A manager may change either in the admin site."""

from django.db import migrations

TARGETS = {
    "children_hub_handoff": {
        "name": "Children's hub accepts the referral within 1 working day", "clock": "business",
        "amount": 1, "at_risk_share": 75, "at_risk_minutes_left": None},
    "children_hub_handoff_urgent": {
        "name": "Children's hub accepts an urgent referral within 4 hours", "clock": "24_7",
        "amount": 4, "at_risk_share": 75, "at_risk_minutes_left": 60},
}


def add(apps, schema_editor):
    TargetDefinition = apps.get_model("triage", "TargetDefinition")
    for code, defaults in TARGETS.items():
        TargetDefinition.objects.get_or_create(code=code, defaults=defaults)


def remove(apps, schema_editor):
    apps.get_model("triage", "TargetDefinition").objects.filter(code__in=TARGETS).delete()


class Migration(migrations.Migration):
    dependencies = [("triage", "0021_crisis_assessment_booking_and_outcome")]

    operations = [migrations.RunPython(add, remove)]
