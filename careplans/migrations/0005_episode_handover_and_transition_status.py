"""Episodes of care say where they came from (the referral), who opened and closed them and why; a transition goes planned, agreed, done or cancelled, each step with who and when."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cap', '0016_urgent_care_hub_channel'),
        ('careplans', '0004_care_plan_role_permissions'),
        ('scheduling', '0009_crisis_assessments_in_the_diary'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='episode',
            name='close_detail',
            field=models.CharField(blank=True, db_default='', max_length=500, verbose_name='why it closed, in words'),
        ),
        migrations.AddField(
            model_name='episode',
            name='close_reason',
            field=models.CharField(blank=True, choices=[('discharged_to_gp', 'Discharged to the GP'), ('transition', 'Moved to another team through a transition'), ('other', 'Other')], db_default='', max_length=20),
        ),
        migrations.AddField(
            model_name='episode',
            name='closed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='episode',
            name='opened_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='episode',
            name='referral',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='episodes', to='cap.referral'),
        ),
        migrations.AddField(
            model_name='historicalepisode',
            name='close_detail',
            field=models.CharField(blank=True, db_default='', max_length=500, verbose_name='why it closed, in words'),
        ),
        migrations.AddField(
            model_name='historicalepisode',
            name='close_reason',
            field=models.CharField(blank=True, choices=[('discharged_to_gp', 'Discharged to the GP'), ('transition', 'Moved to another team through a transition'), ('other', 'Other')], db_default='', max_length=20),
        ),
        migrations.AddField(
            model_name='historicalepisode',
            name='closed_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalepisode',
            name='opened_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalepisode',
            name='referral',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cap.referral'),
        ),
        migrations.AddField(
            model_name='historicaltransition',
            name='agreed_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='historicaltransition',
            name='agreed_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicaltransition',
            name='cancel_reason',
            field=models.CharField(blank=True, db_default='', max_length=500),
        ),
        migrations.AddField(
            model_name='historicaltransition',
            name='cancelled_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='historicaltransition',
            name='cancelled_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicaltransition',
            name='done_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='historicaltransition',
            name='done_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicaltransition',
            name='status',
            field=models.CharField(choices=[('planned', 'Planned'), ('agreed', 'Agreed by the receiving team'), ('done', 'Done'), ('cancelled', 'Cancelled')], db_default='planned', default='planned', max_length=12),
        ),
        migrations.AddField(
            model_name='transition',
            name='agreed_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='transition',
            name='agreed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='transition',
            name='cancel_reason',
            field=models.CharField(blank=True, db_default='', max_length=500),
        ),
        migrations.AddField(
            model_name='transition',
            name='cancelled_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='transition',
            name='cancelled_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='transition',
            name='done_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='transition',
            name='done_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='transition',
            name='status',
            field=models.CharField(choices=[('planned', 'Planned'), ('agreed', 'Agreed by the receiving team'), ('done', 'Done'), ('cancelled', 'Cancelled')], db_default='planned', default='planned', max_length=12),
        ),
        migrations.AddIndex(
            model_name='episode',
            index=models.Index(condition=models.Q(('closed_on__isnull', True)), fields=['team'], name='open_episode_team_idx'),
        ),
        migrations.AddConstraint(
            model_name='episode',
            constraint=models.UniqueConstraint(condition=models.Q(('closed_on__isnull', True)), fields=('service_user', 'team'), name='one_open_episode_per_person_and_team'),
        ),
        migrations.AddConstraint(
            model_name='transition',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'cancelled'), _negated=True), models.Q(('cancel_reason', ''), _negated=True), _connector='OR'), name='transition_cancelled_with_a_reason'),
        ),
    ]
