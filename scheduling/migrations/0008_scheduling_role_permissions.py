"""Once granted the managers and the admin team their scheduling permissions.

Who may do what is now declared once, in accounts/roles.py, and applied by
accounts/0002 (and after every migrate), so this does nothing; it stays because
databases have it in their history."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0007_default_assessment_templates"),
        ("accounts", "0001_roles"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
