# A booking outcome "was not brought", and the clinical review a missed appointment may need (issue 16).

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cap', '0016_urgent_care_hub_channel'),
        ('scheduling', '0011_templates_have_a_role_for_every_discipline'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='booking',
            name='status',
            field=models.CharField(choices=[('held', 'Held while the time is agreed'), ('booked', 'Booked'), ('attended', 'Attended'), ('did_not_attend', 'Did not attend'), ('was_not_brought', 'Was not brought'), ('cancelled', 'Cancelled'), ('expired', 'Hold expired')], max_length=20),
        ),
        migrations.AlterField(
            model_name='historicalbooking',
            name='status',
            field=models.CharField(choices=[('held', 'Held while the time is agreed'), ('booked', 'Booked'), ('attended', 'Attended'), ('did_not_attend', 'Did not attend'), ('was_not_brought', 'Was not brought'), ('cancelled', 'Cancelled'), ('expired', 'Hold expired')], max_length=20),
        ),
        migrations.CreateModel(
            name='HistoricalClinicalReview',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('reason', models.CharField(choices=[('third_did_not_attend', 'Did not attend three times'), ('vulnerable', 'Did not attend, and flagged vulnerable')], max_length=30)),
                ('requested_at', models.DateTimeField()),
                ('decision', models.CharField(blank=True, choices=[('rebook', 'Offer another appointment'), ('discharge_to_gp', 'Discharge to the GP, with a letter'), ('route_elsewhere', 'Route to another service')], max_length=20)),
                ('note', models.TextField(blank=True, help_text="The clinician's reasoning.", max_length=4000)),
                ('letter', models.TextField(blank=True, help_text='The letter to the GP, on discharge.', max_length=4000)),
                ('routed_to', models.CharField(blank=True, help_text='The service routed to.', max_length=200)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('booking', models.ForeignKey(blank=True, db_constraint=False, help_text='The missed appointment that asked for it.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='scheduling.booking')),
                ('decided_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('referral', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cap.referral')),
            ],
            options={
                'verbose_name': 'historical clinical review',
                'verbose_name_plural': 'historical clinical reviews',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='ClinicalReview',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.CharField(choices=[('third_did_not_attend', 'Did not attend three times'), ('vulnerable', 'Did not attend, and flagged vulnerable')], max_length=30)),
                ('requested_at', models.DateTimeField()),
                ('decision', models.CharField(blank=True, choices=[('rebook', 'Offer another appointment'), ('discharge_to_gp', 'Discharge to the GP, with a letter'), ('route_elsewhere', 'Route to another service')], max_length=20)),
                ('note', models.TextField(blank=True, help_text="The clinician's reasoning.", max_length=4000)),
                ('letter', models.TextField(blank=True, help_text='The letter to the GP, on discharge.', max_length=4000)),
                ('routed_to', models.CharField(blank=True, help_text='The service routed to.', max_length=200)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('booking', models.ForeignKey(help_text='The missed appointment that asked for it.', on_delete=django.db.models.deletion.PROTECT, related_name='+', to='scheduling.booking')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('referral', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='clinical_reviews', to='cap.referral')),
            ],
            options={
                'ordering': ['requested_at'],
                'permissions': [('record_clinical_review', 'Can record a clinical review of a missed appointment')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('decided_at__isnull', True)), fields=('referral',), name='one_open_clinical_review_per_referral'), models.CheckConstraint(condition=models.Q(models.Q(('decided_at__isnull', True), ('decision', '')), models.Q(('decided_at__isnull', False), models.Q(('decision', ''), _negated=True)), _connector='OR'), name='a_decided_review_has_a_decision')],
            },
        ),
    ]
