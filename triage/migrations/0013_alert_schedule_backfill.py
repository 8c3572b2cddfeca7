"""The watcher's narrow rows for the running targets that have an alert to come, derived from
the targets and the alerts already raised (the immutable record), not from the column they
replace: at risk when it is still to be raised, else breached when that is."""

from django.db import migrations

BACKFILL = """
INSERT INTO triage_alertschedule (target_id, next_alert_at)
SELECT t.id,
       CASE WHEN t.at_risk_at IS NOT NULL AND t.at_risk_at < t.due_at AND NOT EXISTS (
                 SELECT 1 FROM triage_breachalert a WHERE a.target_id = t.id AND a.kind = 'at_risk')
            THEN t.at_risk_at ELSE t.due_at END
  FROM triage_waittarget t
 WHERE t.met_at IS NULL AND t.cancelled_at IS NULL
   AND NOT EXISTS (SELECT 1 FROM triage_breachalert a WHERE a.target_id = t.id AND a.kind = 'breached')
    ON CONFLICT (target_id) DO NOTHING
"""

RESTORE = """
UPDATE triage_waittarget t SET next_alert_at = s.next_alert_at
  FROM triage_alertschedule s WHERE s.target_id = t.id
"""


def forwards(apps, schema_editor):
    from django.db import connection  # the tests call this without a schema editor

    with (schema_editor.connection if schema_editor else connection).cursor() as cursor:
        cursor.execute(BACKFILL)


def backwards(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(RESTORE)


class Migration(migrations.Migration):
    dependencies = [("triage", "0012_alert_schedule")]

    operations = [migrations.RunPython(forwards, backwards)]
