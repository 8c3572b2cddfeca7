from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models

DUE_ORDER = ["next_due_at", "received_at", "id"]  # each list's first page, in due order


class Migration(migrations.Migration):
    # Built without locking the referrals against writes (CREATE INDEX CONCURRENTLY), which
    # cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("cap", "0022_open_referral_due_idx"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="referral",
            index=models.Index(condition=models.Q(("status", "awaiting_booking")), fields=DUE_ORDER,
                               name="booking_queue_due_idx"),
        ),
        AddIndexConcurrently(
            model_name="referral",
            index=models.Index(condition=models.Q(("triage_queue__isnull", False)), fields=DUE_ORDER,
                               name="triage_worklist_due_idx"),
        ),
    ]
