"""The children's hub handoff: a referral redirected to the children's hub waits on a
queue of its own (triage_queue "children_hub") until the hub accepts it (a new status) or
returns it to CAP triage; the hub's response is recorded with who and when.

PostgreSQL cannot change a generated column's expression: the column (and the index on
it) is dropped and added again, computed afresh for every row."""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

STATUSES = [('awaiting_triage', 'Awaiting triage'), ('awaiting_booking', 'Awaiting booking'),
            ('booked', 'Assessment booked'), ('routed', 'Routed elsewhere'),
            ('redirected_children_hub', "Redirected to the children's hub"),
            ('accepted_children_hub', "Accepted by the children's hub"),
            ('awaiting_urgent_assessment', 'Awaiting urgent assessment'), ('assessed', 'Assessed'),
            ('closed', 'Closed')]
OUTCOMES = [('accepted', "Accepted by the children's hub"), ('returned', 'Returned to CAP triage')]
URGENT = ['emergency', 'very_urgent', 'urgent']


class Migration(migrations.Migration):

    dependencies = [
        ('cap', '0013_call_context_and_identity_not_confirmed'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicalreferral',
            name='status',
            field=models.CharField(choices=STATUSES, db_index=True, default='awaiting_triage', max_length=30),
        ),
        migrations.AlterField(
            model_name='referral',
            name='status',
            field=models.CharField(choices=STATUSES, db_index=True, default='awaiting_triage', max_length=30),
        ),
        migrations.RemoveIndex(model_name='referral', name='triage_queue_due_idx'),
        migrations.RemoveField(model_name='referral', name='triage_queue'),
        migrations.AddField(
            model_name='referral',
            name='triage_queue',
            field=models.GeneratedField(db_persist=True, expression=models.Case(models.When(status='redirected_children_hub', then=models.Value('children_hub')), models.When(models.Q(('status', 'awaiting_urgent_assessment'), models.Q(('status', 'awaiting_triage'), models.Q(('urgent_triage_requested_at__isnull', False), ('suggested_urgency__in', URGENT), ('referrer_urgency__in', URGENT), _connector='OR')), _connector='OR'), then=models.Value('urgent')), models.When(models.Q(('status', 'awaiting_triage'), ('specific_queue', '')), then=models.Value('non_urgent')), models.When(models.Q(('status', 'awaiting_triage')), then=models.F('specific_queue')), default=None, output_field=models.CharField(max_length=30)), help_text='The triage queue it waits on; empty when it waits on none.', output_field=models.CharField(choices=[('urgent', 'Urgent (24/7)'), ('non_urgent', 'Non-urgent'), ('eating_disorders', 'Eating disorders'), ('nursing_home_in_reach', 'Nursing home in-reach (older people)'), ('children_hub', "Children's hub handoff")], max_length=30)),
        ),
        migrations.AddIndex(
            model_name='referral',
            index=models.Index(condition=models.Q(('triage_queue__isnull', False)), fields=['triage_queue', 'next_due_at', 'received_at'], name='triage_queue_due_idx'),
        ),
        migrations.CreateModel(
            name='ChildrenHubResponse',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('outcome', models.CharField(choices=OUTCOMES, max_length=20)),
                ('reason', models.TextField(blank=True, help_text='Why the hub returned it (needed when returned).', max_length=2000, verbose_name="the hub's reason")),
                ('responded_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('referral', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='children_hub_responses', to='cap.referral')),
            ],
            options={
                'permissions': [('work_children_hub_handoff', "Can work the children's hub handoff queue and record the hub's response")],
            },
        ),
        migrations.CreateModel(
            name='HistoricalChildrenHubResponse',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('outcome', models.CharField(choices=OUTCOMES, max_length=20)),
                ('reason', models.TextField(blank=True, help_text='Why the hub returned it (needed when returned).', max_length=2000, verbose_name="the hub's reason")),
                ('responded_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('recorded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('referral', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cap.referral')),
            ],
            options={
                'verbose_name': 'historical children hub response',
                'verbose_name_plural': 'historical children hub responses',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
    ]
