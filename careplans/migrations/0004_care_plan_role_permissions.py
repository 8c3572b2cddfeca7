"""Once granted the step-up list and the expertise requests to practitioners and managers.

Who may do what is now declared once, in accounts/roles.py, and applied by
accounts/0002 (and after every migrate), so this does nothing; it stays because
databases have it in their history."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("careplans", "0003_plan_versions_sharing_step_up_expertise_transitions"),
        ("accounts", "0001_roles"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
