import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cap', '0008_referral_triage_queue_and_next_due'),
    ]

    operations = [
        migrations.AddField(
            model_name='recordaccess',
            name='referral',
            field=models.ForeignKey(blank=True, db_index=False, help_text='The referral the record was read for, if any.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cap.referral'),
        ),
    ]
