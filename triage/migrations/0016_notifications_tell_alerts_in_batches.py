"""A notification tells one recipient the alerts one batch of the watcher raised (an array
of alert ids), instead of one notification row per alert and recipient (docs/adr/0006).
Existing notifications keep their one alert."""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('triage', '0015_fewer_indexes_on_alerts_and_notifications'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='notification',
            name='one_notification_per_recipient',
        ),
        migrations.AddField(
            model_name='notification',
            name='alert_ids',
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.BigIntegerField(), null=True, help_text='The alerts told, by id.', size=None),
        ),
        migrations.AddField(
            model_name='notification',
            name='reminder',
            field=models.BooleanField(default=False, help_text='A reminder of breaches still unacknowledged.'),
        ),
        migrations.RunSQL(
            "UPDATE triage_notification SET alert_ids = ARRAY[alert_id], reminder = repeat > 0",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.RemoveField(
            model_name='notification',
            name='alert',
        ),
        migrations.RemoveField(
            model_name='notification',
            name='repeat',
        ),
        migrations.AlterField(
            model_name='notification',
            name='alert_ids',
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.BigIntegerField(), help_text='The alerts told, by id.', size=None),
        ),
        # Stored uncompressed: compressing a burst's thousands of ids costs more than it saves.
        migrations.RunSQL(
            "ALTER TABLE triage_notification ALTER COLUMN alert_ids SET STORAGE EXTERNAL",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.CheckConstraint(condition=models.Q(('alert_ids__len__gte', 1)),
                                              name='notification_tells_an_alert'),
        ),
        migrations.AddIndex(
            model_name='notification',
            index=django.contrib.postgres.indexes.GinIndex(fields=['alert_ids'], name='notification_alerts_idx'),
        ),
    ]
