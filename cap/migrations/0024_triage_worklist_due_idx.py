from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built without locking the referrals against writes (CREATE INDEX CONCURRENTLY), which
    # cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("cap", "0023_booking_queue_due_idx"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="referral",
            index=models.Index(
                condition=models.Q(("triage_queue__isnull", False)),
                fields=["next_due_at", "received_at", "id"],
                name="triage_worklist_due_idx",
            ),
        ),
    ]
