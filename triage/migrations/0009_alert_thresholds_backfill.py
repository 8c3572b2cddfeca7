"""At-risk thresholds for the default targets (75% of the time elapsed, or an hour left for
24/7 targets), and the watcher's bookkeeping for targets and alerts that already exist."""

from django.db import migrations

BACKFILL = """
UPDATE triage_waittarget t
   SET at_risk_at = GREATEST(t.started_at, LEAST(
         CASE WHEN d.at_risk_share IS NULL THEN NULL
              ELSE t.started_at + (t.due_at - t.started_at) * d.at_risk_share / 100.0 END,
         CASE WHEN d.at_risk_minutes_left IS NULL THEN NULL
              ELSE t.due_at - d.at_risk_minutes_left * interval '1 minute' END))
  FROM triage_targetdefinition d
 WHERE d.id = t.definition_id AND t.at_risk_at IS NULL
   AND (d.at_risk_share IS NOT NULL OR d.at_risk_minutes_left IS NOT NULL);
UPDATE triage_breachalert a SET occurred_at = t.due_at
  FROM triage_waittarget t WHERE t.id = a.target_id AND a.kind = 'breached';
"""
# The column this fills moved to its own table in 0012-0014, whose backfill derives it again;
# the tests' reference data runs this on the current schema, without the column.
NEXT_ALERT_BACKFILL = """
UPDATE triage_waittarget t
   SET next_alert_at = CASE
         WHEN EXISTS (SELECT 1 FROM triage_breachalert a WHERE a.target_id = t.id AND a.kind = 'breached')
           THEN NULL
         WHEN t.at_risk_at IS NOT NULL AND NOT EXISTS (
              SELECT 1 FROM triage_breachalert a WHERE a.target_id = t.id AND a.kind = 'at_risk')
           THEN t.at_risk_at
         ELSE t.due_at END
 WHERE t.met_at IS NULL AND t.cancelled_at IS NULL;
"""


def forwards(apps, schema_editor):
    TargetDefinition = apps.get_model("triage", "TargetDefinition")
    TargetDefinition.objects.filter(clock="24_7", at_risk_minutes_left__isnull=True).update(
        at_risk_minutes_left=60)
    from django.db import connection  # the tests' reference data calls this without a schema editor

    with (schema_editor.connection if schema_editor else connection).cursor() as cursor:
        cursor.execute(BACKFILL)
        cursor.execute("SELECT 1 FROM information_schema.columns "
                       "WHERE table_name = 'triage_waittarget' AND column_name = 'next_alert_at'")
        if cursor.fetchone():
            cursor.execute(NEXT_ALERT_BACKFILL)


def backwards(apps, schema_editor):
    pass  # the columns go with the schema migration before this one


class Migration(migrations.Migration):
    dependencies = [("triage", "0008_watcher_thresholds_alerts_notifications")]

    operations = [migrations.RunPython(forwards, backwards)]
