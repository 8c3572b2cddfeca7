from django.db import migrations, models


class Migration(migrations.Migration):
    """What one user has read, newest first (the per-user access log): an index by
    reader, as the existing one serves the per-person log."""

    dependencies = [
        ("cap", "0018_record_access_break_glass_reason"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="recordaccess",
            index=models.Index(fields=["user", "accessed_at"], name="record_access_by_reader"),
        ),
    ]
