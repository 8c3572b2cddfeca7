"""Give every practitioner their own feed token (adding the column gave existing rows one
shared value), then make the token unique and required."""

import secrets

from django.db import migrations, models

import scheduling.models


def give_each_its_own_token(apps, schema_editor):
    Practitioner = apps.get_model("scheduling", "Practitioner")
    for practitioner in Practitioner.objects.all():
        practitioner.feed_token = secrets.token_urlsafe(24)
        practitioner.save(update_fields=["feed_token"])


class Migration(migrations.Migration):

    dependencies = [
        ("scheduling", "0005_structured_assessments_and_diaries"),
    ]

    operations = [
        migrations.RunPython(give_each_its_own_token, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="practitioner",
            name="feed_token",
            field=models.CharField(default=scheduling.models.new_feed_token, editable=False,
                                   help_text="The secret in the address of the practitioner's iCalendar feed.",
                                   max_length=40, unique=True),
        ),
    ]
