"""Default urgency rules (a manager maintains them in the admin) and the clinician groups
of the specific triage queues."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

RULES = [
    ("Current intent with a plan", "intent_with_plan", "very_urgent"),
    ("Referrer says the person is in crisis", "referrer_flagged_crisis", "urgent"),
    ("Recent self-harm", "recent_self_harm", "urgent"),
    ("Not eating or drinking", "not_eating_or_drinking", "urgent"),
    ("No risk indicated", "no_risk_indicated", "routine"),
]
QUEUE_GROUPS = {
    "Eating disorders triage": "work_eating_disorders_queue",
    "Nursing home in-reach triage": "work_nursing_home_in_reach_queue",
}


def forwards(apps, schema_editor):
    UrgencyRule = apps.get_model("triage", "UrgencyRule")
    for name, indicator, urgency in RULES:
        UrgencyRule.objects.get_or_create(name=name, defaults={"indicator": indicator, "urgency": urgency})
    config = apps.get_app_config("triage")
    previous = getattr(config, "models_module", None)
    config.models_module = True
    create_permissions(config, verbosity=0)
    config.models_module = previous
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    decide = Permission.objects.get(content_type__app_label="triage", codename="record_triage_decision")
    view = Permission.objects.get(content_type__app_label="cap", codename="view_referral")
    for group_name, codename in QUEUE_GROUPS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        queue = Permission.objects.get(content_type__app_label="triage", codename=codename)
        group.permissions.add(decide, view, queue)
    manager = Group.objects.filter(name="Manager").first()
    if manager:
        for codename in ["add_urgencyrule", "change_urgencyrule", "view_urgencyrule"]:
            manager.permissions.add(Permission.objects.get(content_type__app_label="triage",
                                                           codename=codename))


def backwards(apps, schema_editor):
    apps.get_model("triage", "UrgencyRule").objects.filter(name__in=[r[0] for r in RULES]).delete()
    apps.get_model("auth", "Group").objects.filter(name__in=QUEUE_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("triage", "0004_triage_queues_rules_claims_huddle"),
        ("accounts", "0001_roles"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
