"""Once granted who may acknowledge a wait alert, and the managers' duty rota.

Who may do what is now declared once, in accounts/roles.py, and applied by
accounts/0002 (and after every migrate), so this does nothing; it stays because
databases have it in their history."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("triage", "0009_alert_thresholds_backfill"),
        ("accounts", "0001_roles"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
