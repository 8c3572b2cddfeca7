"""Once created the six roles with their permissions.

Who may do what is now declared once, in accounts/roles.py, and applied by
accounts/0002 (and after every migrate), so this does nothing; it stays because
databases have it in their history."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("cap", "0002_contact_reference_sequence"),
        ("triage", "0002_default_wait_targets"),
        ("scheduling", "0002_disciplines"),
        ("careplans", "0001_initial"),
        ("directory", "0001_initial"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
