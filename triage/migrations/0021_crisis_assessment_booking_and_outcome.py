# The urgent crisis assessment booked into a diary, and what follows it (issue 15).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cap', '0012_attachment_storage_named_by_a_function'),
        ('directory', '0009_service_venue_box'),
        ('scheduling', '0009_crisis_assessments_in_the_diary'),
        ('triage', '0020_target_day_counts_targets_stopped_by_triage'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalurgentaction',
            name='booking',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='The crisis assessment in the diary.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='scheduling.booking'),
        ),
        migrations.AddField(
            model_name='historicalurgentaction',
            name='outcome',
            field=models.CharField(blank=True, choices=[('home_treatment', 'Crisis resolution and home treatment'), ('admission', 'Admission, informal or under the Mental Health Act'), ('further_assessment', 'A further non-urgent assessment with the aligned team'), ('routed', 'Routed to another service'), ('self_management', "A self-management plan, with the person's safety plan")], help_text='What follows a completed assessment.', max_length=30),
        ),
        migrations.AddField(
            model_name='historicalurgentaction',
            name='outcome_agency',
            field=models.CharField(blank=True, help_text='When the service is not in the directory.', max_length=160),
        ),
        migrations.AddField(
            model_name='historicalurgentaction',
            name='outcome_service',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='directory.communityservice'),
        ),
        migrations.AddField(
            model_name='historicalurgentaction',
            name='safety_plan',
            field=models.TextField(blank=True, max_length=4000),
        ),
        migrations.AddField(
            model_name='urgentaction',
            name='booking',
            field=models.ForeignKey(blank=True, help_text='The crisis assessment in the diary.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='scheduling.booking'),
        ),
        migrations.AddField(
            model_name='urgentaction',
            name='outcome',
            field=models.CharField(blank=True, choices=[('home_treatment', 'Crisis resolution and home treatment'), ('admission', 'Admission, informal or under the Mental Health Act'), ('further_assessment', 'A further non-urgent assessment with the aligned team'), ('routed', 'Routed to another service'), ('self_management', "A self-management plan, with the person's safety plan")], help_text='What follows a completed assessment.', max_length=30),
        ),
        migrations.AddField(
            model_name='urgentaction',
            name='outcome_agency',
            field=models.CharField(blank=True, help_text='When the service is not in the directory.', max_length=160),
        ),
        migrations.AddField(
            model_name='urgentaction',
            name='outcome_service',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='directory.communityservice'),
        ),
        migrations.AddField(
            model_name='urgentaction',
            name='safety_plan',
            field=models.TextField(blank=True, max_length=4000),
        ),
        migrations.AddConstraint(
            model_name='urgentaction',
            constraint=models.CheckConstraint(condition=models.Q(('kind', 'assessment_completed'), ('outcome', ''), _connector='OR'), name='only_a_completed_assessment_has_an_outcome'),
        ),
    ]
