from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('triage', '0013_alert_schedule_backfill'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='waittarget',
            name='target_next_alert_idx',
        ),
        migrations.RemoveField(
            model_name='waittarget',
            name='next_alert_at',
        ),
    ]
