"""The daily summaries written before they counted the targets stopped by triage hold 0
there: forgetting the watermark makes the next refresh rebuild every day (the summaries
are derived data, see triage.performance)."""

from django.db import migrations


def forget_watermark(apps, schema_editor):
    apps.get_model("triage", "SummaryWatermark").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("triage", "0022_children_hub_handoff_targets")]

    operations = [migrations.RunPython(forget_watermark, migrations.RunPython.noop)]
