import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('triage', '0011_performance_daily_summaries'),
    ]

    operations = [
        migrations.CreateModel(
            name='AlertSchedule',
            fields=[
                ('target', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='alert_schedule', serialize=False, to='triage.waittarget')),
                ('next_alert_at', models.DateTimeField()),
            ],
            options={
                'indexes': [models.Index(fields=['next_alert_at'], name='alert_schedule_next_idx')],
            },
        ),
    ]
