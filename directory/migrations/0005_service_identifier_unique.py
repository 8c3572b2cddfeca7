import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("directory", "0004_service_identifiers_and_needs")]

    operations = [
        migrations.AlterField(
            model_name="communityservice",
            name="identifier",
            field=models.CharField(default=uuid.uuid4, help_text="Its Open Referral UK id, kept across imports.",
                                   max_length=100, unique=True),
        ),
        migrations.AlterField(
            model_name="historicalcommunityservice",
            name="identifier",
            field=models.CharField(db_index=True, default=uuid.uuid4,
                                   help_text="Its Open Referral UK id, kept across imports.", max_length=100),
        ),
    ]
