"""What each role may do with care plans beyond reading and contributing (accounts 0001):
practitioners and managers see the step-up list and the expertise requests."""

from django.db import migrations

from accounts import role_grants

GRANTS = {"Practitioner": ["view_stepupepisode", "view_expertiserequest"],
          "Manager": ["view_stepupepisode"]}


def grant(apps, schema_editor):
    role_grants.grant(apps, "careplans", GRANTS)


def revoke(apps, schema_editor):
    role_grants.revoke(apps, "careplans", GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("careplans", "0003_plan_versions_sharing_step_up_expertise_transitions"),
        ("accounts", "0001_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
