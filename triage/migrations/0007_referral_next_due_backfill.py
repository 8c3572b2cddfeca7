"""Fill cap_referral.next_due_at from the running targets, and drop the covering index
the queue pages no longer read (they range-scan triage_queue_due_idx instead)."""

from django.db import migrations

BACKFILL = """
UPDATE cap_referral AS r SET next_due_at = t.due
FROM (SELECT referral_id, min(due_at) AS due FROM triage_waittarget
      WHERE met_at IS NULL AND cancelled_at IS NULL GROUP BY referral_id) AS t
WHERE r.id = t.referral_id AND r.next_due_at IS DISTINCT FROM t.due
"""


class Migration(migrations.Migration):
    dependencies = [
        ("triage", "0006_queue_covering_indexes"),
        ("cap", "0008_referral_triage_queue_and_next_due"),
    ]

    operations = [
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.RunSQL("DROP INDEX IF EXISTS referral_triage_queue_idx", migrations.RunSQL.noop),
    ]
