"""A directory entry's and an organisation's website is validated as a link the directory
may render: http(s), tel or mailto (directory.links). Schema only in name: validators are not
in the database, so nothing is altered there."""

from django.db import migrations, models

import directory.links


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0009_service_venue_box'),
    ]

    operations = [
        migrations.AlterField(
            model_name='communityservice',
            name='url',
            field=models.URLField(blank=True, validators=[directory.links.validate_link]),
        ),
        migrations.AlterField(
            model_name='historicalcommunityservice',
            name='url',
            field=models.URLField(blank=True, validators=[directory.links.validate_link]),
        ),
        migrations.AlterField(
            model_name='historicalorganisation',
            name='url',
            field=models.URLField(blank=True, validators=[directory.links.validate_link]),
        ),
        migrations.AlterField(
            model_name='organisation',
            name='url',
            field=models.URLField(blank=True, validators=[directory.links.validate_link]),
        ),
    ]
