"""Entries imported with taxonomy terms no category of need is known for wait on the
officer's list to categorise; the officer's term mappings; an area served in longer words.

PostgreSQL cannot change the type of a column a generated column is made of, so the
search document is dropped while the area widens and made again after."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
import django.db.models.functions.text
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0010_websites_only_http_tel_or_mailto'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='communityservice',
            name='terms_to_categorise',
            field=models.JSONField(blank=True, default=list, help_text="The other directory's taxonomy terms no category of need is known for: a list of {vocabulary, id, name}."),
        ),
        migrations.AddField(
            model_name='historicalcommunityservice',
            name='terms_to_categorise',
            field=models.JSONField(blank=True, default=list, help_text="The other directory's taxonomy terms no category of need is known for: a list of {vocabulary, id, name}."),
        ),
        migrations.RemoveIndex(model_name='communityservice', name='directory_service_search'),
        migrations.RemoveField(model_name='communityservice', name='search_document'),
        migrations.AlterField(
            model_name='communityservice',
            name='area',
            field=models.CharField(blank=True, help_text='In words, for example Leicester City or all of LLR.', max_length=400, verbose_name='area served'),
        ),
        migrations.AddField(
            model_name='communityservice',
            name='search_document',
            field=models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector('name', config='english', weight='A'), '||', django.contrib.postgres.search.SearchVector('organisation', config='english', weight='B'), django.contrib.postgres.search.SearchConfig('english')), '||', django.contrib.postgres.search.SearchVector('description', 'area', config='english', weight='C'), django.contrib.postgres.search.SearchConfig('english')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddIndex(
            model_name='communityservice',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_document'], name='directory_service_search'),
        ),
        migrations.AlterField(
            model_name='communityservice',
            name='category',
            field=models.CharField(blank=True, choices=[('crisis', 'Crisis support'), ('emotional_support', 'Talking therapies and emotional support'), ('peer_support', 'Peer support groups'), ('housing', 'Housing and homelessness'), ('benefits', 'Benefits, money and debt'), ('employment', 'Work, training and volunteering'), ('loneliness', 'Loneliness and isolation'), ('addiction', 'Drugs, alcohol and gambling'), ('relationships', 'Relationships and family'), ('healthy_lifestyles', 'Healthy lifestyles'), ('community_activity', 'Community activities'), ('carers', 'Support for carers'), ('domestic_abuse', 'Domestic abuse'), ('bereavement', 'Bereavement'), ('food', 'Food and essentials')], max_length=60, verbose_name='main category of need'),
        ),
        migrations.AlterField(
            model_name='historicalcommunityservice',
            name='area',
            field=models.CharField(blank=True, help_text='In words, for example Leicester City or all of LLR.', max_length=400, verbose_name='area served'),
        ),
        migrations.AlterField(
            model_name='historicalcommunityservice',
            name='category',
            field=models.CharField(blank=True, choices=[('crisis', 'Crisis support'), ('emotional_support', 'Talking therapies and emotional support'), ('peer_support', 'Peer support groups'), ('housing', 'Housing and homelessness'), ('benefits', 'Benefits, money and debt'), ('employment', 'Work, training and volunteering'), ('loneliness', 'Loneliness and isolation'), ('addiction', 'Drugs, alcohol and gambling'), ('relationships', 'Relationships and family'), ('healthy_lifestyles', 'Healthy lifestyles'), ('community_activity', 'Community activities'), ('carers', 'Support for carers'), ('domestic_abuse', 'Domestic abuse'), ('bereavement', 'Bereavement'), ('food', 'Food and essentials')], max_length=60, verbose_name='main category of need'),
        ),
        migrations.CreateModel(
            name='HistoricalTermMapping',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('vocabulary', models.CharField(blank=True, help_text="The term's taxonomy, as the other directory names it; empty for any.", max_length=200)),
                ('term', models.CharField(help_text="The term's id or its name.", max_length=200)),
                ('need', models.CharField(choices=[('crisis', 'Crisis support'), ('emotional_support', 'Talking therapies and emotional support'), ('peer_support', 'Peer support groups'), ('housing', 'Housing and homelessness'), ('benefits', 'Benefits, money and debt'), ('employment', 'Work, training and volunteering'), ('loneliness', 'Loneliness and isolation'), ('addiction', 'Drugs, alcohol and gambling'), ('relationships', 'Relationships and family'), ('healthy_lifestyles', 'Healthy lifestyles'), ('community_activity', 'Community activities'), ('carers', 'Support for carers'), ('domestic_abuse', 'Domestic abuse'), ('bereavement', 'Bereavement'), ('food', 'Food and essentials')], max_length=30, verbose_name='category of need')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('created_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical term mapping',
                'verbose_name_plural': 'historical term mappings',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='TermMapping',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('vocabulary', models.CharField(blank=True, help_text="The term's taxonomy, as the other directory names it; empty for any.", max_length=200)),
                ('term', models.CharField(help_text="The term's id or its name.", max_length=200)),
                ('need', models.CharField(choices=[('crisis', 'Crisis support'), ('emotional_support', 'Talking therapies and emotional support'), ('peer_support', 'Peer support groups'), ('housing', 'Housing and homelessness'), ('benefits', 'Benefits, money and debt'), ('employment', 'Work, training and volunteering'), ('loneliness', 'Loneliness and isolation'), ('addiction', 'Drugs, alcohol and gambling'), ('relationships', 'Relationships and family'), ('healthy_lifestyles', 'Healthy lifestyles'), ('community_activity', 'Community activities'), ('carers', 'Support for carers'), ('domestic_abuse', 'Domestic abuse'), ('bereavement', 'Bereavement'), ('food', 'Food and essentials')], max_length=30, verbose_name='category of need')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['vocabulary', 'term', 'id'],
                'constraints': [models.UniqueConstraint(django.db.models.functions.text.Lower('vocabulary'), django.db.models.functions.text.Lower('term'), name='directory_term_mapping_once')],
            },
        ),
    ]
