from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('triage', '0019_urgent_triage_response_target'),
    ]

    operations = [
        migrations.AddField(
            model_name='targetday',
            name='cancelled',
            field=models.PositiveIntegerField(db_default=0, default=0),
        ),
    ]
