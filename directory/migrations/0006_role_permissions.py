"""Once granted the directory's permissions to the staff who search, keep and report on it.

Who may do what is now declared once, in accounts/roles.py, and applied by
accounts/0002 (and after every migrate), so this does nothing; it stays because
databases have it in their history."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_roles"),
        ("directory", "0005_service_identifier_unique"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
