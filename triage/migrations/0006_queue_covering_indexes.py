"""Two partial covering indexes that let the triage queue pages find the referrals
closest to breach from the indexes alone (see benchmarks/triage.py and
docs/performance.md): without them a queue page read ~15,000 heap pages of
cap_referral and a hash of every running target, 120-290 ms at 1,000,000 referrals.

- referral_triage_queue_idx: the referrals a queue can hold (awaiting triage or an
  urgent assessment), with the columns the queue conditions test.
- running_target_referral_due_idx: running targets by referral with their due instant.

Raw SQL because the models declare neither (an INCLUDE list on a partial index is
beyond what the queue needs Meta to say); built CONCURRENTLY so that creating them on
a live database does not block intake."""

from django.db import migrations

REFERRAL_INDEX = """
CREATE INDEX CONCURRENTLY IF NOT EXISTS referral_triage_queue_idx ON cap_referral (status)
    INCLUDE (id, urgent_triage_requested_at, suggested_urgency, referrer_urgency, specific_queue)
    WHERE status IN ('awaiting_triage', 'awaiting_urgent_assessment')
"""
TARGET_INDEX = """
CREATE INDEX CONCURRENTLY IF NOT EXISTS running_target_referral_due_idx
    ON triage_waittarget (referral_id, due_at)
    WHERE met_at IS NULL AND cancelled_at IS NULL
"""


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("triage", "0005_default_urgency_rules_and_queue_groups"),
        ("cap", "0006_routed_referral_task"),
    ]

    operations = [
        migrations.RunSQL(REFERRAL_INDEX,
                          "DROP INDEX CONCURRENTLY IF EXISTS referral_triage_queue_idx"),
        migrations.RunSQL(TARGET_INDEX,
                          "DROP INDEX CONCURRENTLY IF EXISTS running_target_referral_due_idx"),
    ]
