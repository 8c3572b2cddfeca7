from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built without locking the referrals against writes (CREATE INDEX CONCURRENTLY), which
    # cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("cap", "0021_bars_channel"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="referral",
            index=models.Index(
                condition=models.Q(("status__in", [
                    "awaiting_triage", "awaiting_booking", "awaiting_urgent_assessment", "booked",
                    "redirected_children_hub"])),
                fields=["status", "triage_queue", "next_due_at"],
                include=("id",),
                name="open_referral_due_idx",
            ),
        ),
    ]
