"""Default urgency rules (a manager maintains them in the admin).

This once also created the clinician groups of the specific triage queues and granted
them and the managers their permissions; who may do what is now declared once, in
accounts/roles.py, and applied by accounts/0002 (and after every migrate)."""

from django.db import migrations

RULES = [
    ("Current intent with a plan", "intent_with_plan", "very_urgent"),
    ("Referrer says the person is in crisis", "referrer_flagged_crisis", "urgent"),
    ("Recent self-harm", "recent_self_harm", "urgent"),
    ("Not eating or drinking", "not_eating_or_drinking", "urgent"),
    ("No risk indicated", "no_risk_indicated", "routine"),
]


def forwards(apps, schema_editor):
    UrgencyRule = apps.get_model("triage", "UrgencyRule")
    for name, indicator, urgency in RULES:
        UrgencyRule.objects.get_or_create(name=name, defaults={"indicator": indicator, "urgency": urgency})


def backwards(apps, schema_editor):
    apps.get_model("triage", "UrgencyRule").objects.filter(name__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("triage", "0004_triage_queues_rules_claims_huddle"),
        ("accounts", "0001_roles"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
