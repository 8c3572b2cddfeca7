# The urgent crisis assessment booked into a diary, and what follows it (issue 15).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cap', '0012_attachment_storage_named_by_a_function'),
        ('scheduling', '0008_scheduling_role_permissions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='booking',
            name='kind',
            field=models.CharField(choices=[('structured', 'Structured assessment'), ('crisis', 'Urgent crisis assessment')], default='structured', max_length=12),
        ),
        migrations.AddField(
            model_name='booking',
            name='place',
            field=models.CharField(blank=True, choices=[('home', 'Home visit'), ('clinic', 'Clinic'), ('hub', 'Urgent Care Hub'), ('other', 'Somewhere else')], help_text='Where a crisis assessment happens.', max_length=10),
        ),
        migrations.AddField(
            model_name='booking',
            name='place_detail',
            field=models.CharField(blank=True, help_text='The address, clinic or other place, in words.', max_length=160),
        ),
        migrations.AddField(
            model_name='historicalbooking',
            name='kind',
            field=models.CharField(choices=[('structured', 'Structured assessment'), ('crisis', 'Urgent crisis assessment')], default='structured', max_length=12),
        ),
        migrations.AddField(
            model_name='historicalbooking',
            name='place',
            field=models.CharField(blank=True, choices=[('home', 'Home visit'), ('clinic', 'Clinic'), ('hub', 'Urgent Care Hub'), ('other', 'Somewhere else')], help_text='Where a crisis assessment happens.', max_length=10),
        ),
        migrations.AddField(
            model_name='historicalbooking',
            name='place_detail',
            field=models.CharField(blank=True, help_text='The address, clinic or other place, in words.', max_length=160),
        ),
        migrations.AlterField(
            model_name='booking',
            name='template',
            field=models.ForeignKey(blank=True, help_text="A structured assessment's; a crisis assessment has none.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='scheduling.assessmenttemplate'),
        ),
        migrations.AlterField(
            model_name='historicalbooking',
            name='template',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text="A structured assessment's; a crisis assessment has none.", null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='scheduling.assessmenttemplate'),
        ),
        migrations.AddConstraint(
            model_name='booking',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'crisis'), ('template__isnull', True)), models.Q(('kind', 'structured'), ('template__isnull', False)), _connector='OR'), name='a_structured_assessment_has_a_template'),
        ),
    ]
