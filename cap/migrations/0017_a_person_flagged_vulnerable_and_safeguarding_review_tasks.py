# A person flagged vulnerable (who set it and why), and the safeguarding review task (issue 16).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cap', '0016_urgent_care_hub_channel'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalserviceuser',
            name='vulnerable',
            field=models.BooleanField(db_default=False, default=False),
        ),
        migrations.AddField(
            model_name='historicalserviceuser',
            name='vulnerable_reason',
            field=models.CharField(blank=True, db_default='', max_length=300),
        ),
        migrations.AddField(
            model_name='historicalserviceuser',
            name='vulnerable_set_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='historicalserviceuser',
            name='vulnerable_set_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='serviceuser',
            name='vulnerable',
            field=models.BooleanField(db_default=False, default=False),
        ),
        migrations.AddField(
            model_name='serviceuser',
            name='vulnerable_reason',
            field=models.CharField(blank=True, db_default='', max_length=300),
        ),
        migrations.AddField(
            model_name='serviceuser',
            name='vulnerable_set_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='serviceuser',
            name='vulnerable_set_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='historicaltask',
            name='kind',
            field=models.CharField(choices=[('appointment_change', 'Change an appointment'), ('routed_call', 'Act on a call routed to your team'), ('routed_referral', 'Act on a referral triage routed to your team'), ('safeguarding_review', 'Review a safeguarding concern: not brought')], max_length=30),
        ),
        migrations.AlterField(
            model_name='task',
            name='kind',
            field=models.CharField(choices=[('appointment_change', 'Change an appointment'), ('routed_call', 'Act on a call routed to your team'), ('routed_referral', 'Act on a referral triage routed to your team'), ('safeguarding_review', 'Review a safeguarding concern: not brought')], max_length=30),
        ),
    ]
