"""Community services in the shape of Open Referral UK; the staff helpline, unmet needs
and the directory of expertise. Service identifiers are filled by 0004 before 0005
makes them unique."""

import uuid

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cap', '0001_initial'),
        ('directory', '0002_pg_trgm'),
        ('scheduling', '0003_stream_and_outcome_codes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Organisation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('identifier', models.CharField(default=uuid.uuid4, help_text='Its Open Referral UK id.', max_length=100, unique=True)),
                ('name', models.CharField(max_length=160)),
                ('description', models.TextField(blank=True, max_length=4000)),
                ('url', models.URLField(blank=True)),
                ('email', models.EmailField(blank=True, max_length=254)),
            ],
            options={
                'ordering': ['name', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Schedule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('weekday', models.PositiveSmallIntegerField(choices=[(0, 'Monday'), (1, 'Tuesday'), (2, 'Wednesday'), (3, 'Thursday'), (4, 'Friday'), (5, 'Saturday'), (6, 'Sunday')])),
                ('opens_at', models.TimeField()),
                ('closes_at', models.TimeField()),
            ],
            options={
                'ordering': ['service', 'weekday', 'opens_at'],
            },
        ),
        migrations.CreateModel(
            name='SearchWord',
            fields=[
                ('word', models.CharField(max_length=100, primary_key=True, serialize=False)),
            ],
        ),
        migrations.CreateModel(
            name='UnmetNeed',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('need', models.CharField(choices=[('crisis', 'Crisis support'), ('emotional_support', 'Talking therapies and emotional support'), ('peer_support', 'Peer support groups'), ('housing', 'Housing and homelessness'), ('benefits', 'Benefits, money and debt'), ('employment', 'Work, training and volunteering'), ('loneliness', 'Loneliness and isolation'), ('addiction', 'Drugs, alcohol and gambling'), ('relationships', 'Relationships and family'), ('healthy_lifestyles', 'Healthy lifestyles'), ('community_activity', 'Community activities'), ('carers', 'Support for carers'), ('domestic_abuse', 'Domestic abuse'), ('bereavement', 'Bereavement'), ('food', 'Food and essentials')], max_length=30)),
                ('postcode_district', models.CharField(max_length=4, verbose_name='area (postcode district)')),
                ('description', models.TextField(max_length=2000, verbose_name='what was needed')),
                ('logged_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'ordering': ['-logged_at', '-id'],
            },
        ),
        migrations.AlterModelOptions(
            name='communityservice',
            options={'ordering': ['name', 'id'], 'permissions': [('manage_directory', 'Can add, edit and verify directory entries')]},
        ),
        migrations.AddField(
            model_name='communityservice',
            name='access',
            field=models.CharField(choices=[('drop-in', 'Drop in'), ('self-referral', 'Refer yourself'), ('referral', 'Referral by a professional'), ('appointment', 'By appointment')], default='self-referral', max_length=20, verbose_name='how people get to it'),
        ),
        migrations.AddField(
            model_name='communityservice',
            name='contact_name',
            field=models.CharField(blank=True, max_length=120),
        ),
        migrations.AddField(
            model_name='communityservice',
            name='cost',
            field=models.CharField(blank=True, help_text='For example Free, or £3 a session.', max_length=200),
        ),
        migrations.AddField(
            model_name='communityservice',
            name='eligibility',
            field=models.TextField(blank=True, max_length=2000),
        ),
        migrations.AddField(
            model_name='communityservice',
            name='free',
            field=models.BooleanField(default=True),
        ),
        migrations.AddField(
            model_name='communityservice',
            name='how_to_access',
            field=models.TextField(blank=True, max_length=2000),
        ),
        migrations.AddField(
            model_name='communityservice',
            name='identifier',
            field=models.CharField(help_text='Its Open Referral UK id, kept across imports.', max_length=100, null=True),
        ),
        migrations.AddField(
            model_name='communityservice',
            name='last_checked_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='communityservice',
            name='maximum_age',
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='communityservice',
            name='minimum_age',
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='communityservice',
            name='needs',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.CharField(choices=[('crisis', 'Crisis support'), ('emotional_support', 'Talking therapies and emotional support'), ('peer_support', 'Peer support groups'), ('housing', 'Housing and homelessness'), ('benefits', 'Benefits, money and debt'), ('employment', 'Work, training and volunteering'), ('loneliness', 'Loneliness and isolation'), ('addiction', 'Drugs, alcohol and gambling'), ('relationships', 'Relationships and family'), ('healthy_lifestyles', 'Healthy lifestyles'), ('community_activity', 'Community activities'), ('carers', 'Support for carers'), ('domestic_abuse', 'Domestic abuse'), ('bereavement', 'Bereavement'), ('food', 'Food and essentials')], max_length=30), blank=True, default=list, help_text='Every category of need it meets, the main one included.', size=None),
        ),
        migrations.AddField(
            model_name='communityservice',
            name='pcns',
            field=models.ManyToManyField(blank=True, related_name='+', to='cap.primarycarenetwork', verbose_name='Primary Care Networks served'),
        ),
        migrations.AddField(
            model_name='communityservice',
            name='postcode_districts',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=4), blank=True, default=list, help_text='Postcode districts served; none means anywhere.', size=None),
        ),
        migrations.AddField(
            model_name='historicalcommunityservice',
            name='last_checked_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalcommunityservice',
            name='access',
            field=models.CharField(choices=[('drop-in', 'Drop in'), ('self-referral', 'Refer yourself'), ('referral', 'Referral by a professional'), ('appointment', 'By appointment')], default='self-referral', max_length=20, verbose_name='how people get to it'),
        ),
        migrations.AddField(
            model_name='historicalcommunityservice',
            name='contact_name',
            field=models.CharField(blank=True, max_length=120),
        ),
        migrations.AddField(
            model_name='historicalcommunityservice',
            name='cost',
            field=models.CharField(blank=True, help_text='For example Free, or £3 a session.', max_length=200),
        ),
        migrations.AddField(
            model_name='historicalcommunityservice',
            name='eligibility',
            field=models.TextField(blank=True, max_length=2000),
        ),
        migrations.AddField(
            model_name='historicalcommunityservice',
            name='free',
            field=models.BooleanField(default=True),
        ),
        migrations.AddField(
            model_name='historicalcommunityservice',
            name='how_to_access',
            field=models.TextField(blank=True, max_length=2000),
        ),
        migrations.AddField(
            model_name='historicalcommunityservice',
            name='identifier',
            field=models.CharField(help_text='Its Open Referral UK id, kept across imports.', max_length=100, null=True),
        ),
        migrations.AddField(
            model_name='historicalcommunityservice',
            name='maximum_age',
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='historicalcommunityservice',
            name='minimum_age',
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='historicalcommunityservice',
            name='needs',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.CharField(choices=[('crisis', 'Crisis support'), ('emotional_support', 'Talking therapies and emotional support'), ('peer_support', 'Peer support groups'), ('housing', 'Housing and homelessness'), ('benefits', 'Benefits, money and debt'), ('employment', 'Work, training and volunteering'), ('loneliness', 'Loneliness and isolation'), ('addiction', 'Drugs, alcohol and gambling'), ('relationships', 'Relationships and family'), ('healthy_lifestyles', 'Healthy lifestyles'), ('community_activity', 'Community activities'), ('carers', 'Support for carers'), ('domestic_abuse', 'Domestic abuse'), ('bereavement', 'Bereavement'), ('food', 'Food and essentials')], max_length=30), blank=True, default=list, help_text='Every category of need it meets, the main one included.', size=None),
        ),
        migrations.AddField(
            model_name='historicalcommunityservice',
            name='postcode_districts',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=4), blank=True, default=list, help_text='Postcode districts served; none means anywhere.', size=None),
        ),
        migrations.AlterField(
            model_name='communityservice',
            name='area',
            field=models.CharField(blank=True, help_text='In words, for example Leicester City or all of LLR.', max_length=120, verbose_name='area served'),
        ),
        migrations.AlterField(
            model_name='communityservice',
            name='category',
            field=models.CharField(choices=[('crisis', 'Crisis support'), ('emotional_support', 'Talking therapies and emotional support'), ('peer_support', 'Peer support groups'), ('housing', 'Housing and homelessness'), ('benefits', 'Benefits, money and debt'), ('employment', 'Work, training and volunteering'), ('loneliness', 'Loneliness and isolation'), ('addiction', 'Drugs, alcohol and gambling'), ('relationships', 'Relationships and family'), ('healthy_lifestyles', 'Healthy lifestyles'), ('community_activity', 'Community activities'), ('carers', 'Support for carers'), ('domestic_abuse', 'Domestic abuse'), ('bereavement', 'Bereavement'), ('food', 'Food and essentials')], max_length=60, verbose_name='main category of need'),
        ),
        migrations.AlterField(
            model_name='historicalcommunityservice',
            name='area',
            field=models.CharField(blank=True, help_text='In words, for example Leicester City or all of LLR.', max_length=120, verbose_name='area served'),
        ),
        migrations.AlterField(
            model_name='historicalcommunityservice',
            name='category',
            field=models.CharField(choices=[('crisis', 'Crisis support'), ('emotional_support', 'Talking therapies and emotional support'), ('peer_support', 'Peer support groups'), ('housing', 'Housing and homelessness'), ('benefits', 'Benefits, money and debt'), ('employment', 'Work, training and volunteering'), ('loneliness', 'Loneliness and isolation'), ('addiction', 'Drugs, alcohol and gambling'), ('relationships', 'Relationships and family'), ('healthy_lifestyles', 'Healthy lifestyles'), ('community_activity', 'Community activities'), ('carers', 'Support for carers'), ('domestic_abuse', 'Domestic abuse'), ('bereavement', 'Bereavement'), ('food', 'Food and essentials')], max_length=60, verbose_name='main category of need'),
        ),
        migrations.CreateModel(
            name='Expertise',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('specialty', models.CharField(choices=[('eating_disorders', 'Eating disorders'), ('perinatal', 'Perinatal mental health'), ('psychosis', 'Psychosis and early intervention'), ('personality_disorder', 'Personality disorder'), ('autism', 'Autism'), ('adhd', 'ADHD'), ('learning_disability', 'Learning disability'), ('dementia', 'Dementia and older people'), ('substance_misuse', 'Substance misuse'), ('children', 'Children and young people'), ('forensic', 'Forensic mental health'), ('physical_health', 'Physical health and mental health'), ('trauma', 'Trauma')], max_length=30)),
                ('skills', models.CharField(help_text='For example DBT, family work, ARFID.', max_length=400)),
                ('phone_advice', models.BooleanField(default=True, verbose_name='offers phone advice')),
                ('supervision', models.BooleanField(default=False, verbose_name='offers supervision')),
                ('joint_contact', models.BooleanField(default=False, verbose_name='offers joint contacts')),
                ('notes', models.TextField(blank=True, max_length=2000)),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('practitioner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='expertise', to='scheduling.practitioner')),
            ],
            options={
                'verbose_name_plural': 'expertise',
                'ordering': ['specialty', 'practitioner__name', 'id'],
                'permissions': [('manage_expertise', 'Can maintain the directory of expertise')],
            },
        ),
        migrations.CreateModel(
            name='HelplineQuery',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('asked_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('asked_by', models.CharField(max_length=120, verbose_name='who asked')),
                ('asked_by_team', models.CharField(blank=True, max_length=120, verbose_name='their team')),
                ('need', models.CharField(choices=[('crisis', 'Crisis support'), ('emotional_support', 'Talking therapies and emotional support'), ('peer_support', 'Peer support groups'), ('housing', 'Housing and homelessness'), ('benefits', 'Benefits, money and debt'), ('employment', 'Work, training and volunteering'), ('loneliness', 'Loneliness and isolation'), ('addiction', 'Drugs, alcohol and gambling'), ('relationships', 'Relationships and family'), ('healthy_lifestyles', 'Healthy lifestyles'), ('community_activity', 'Community activities'), ('carers', 'Support for carers'), ('domestic_abuse', 'Domestic abuse'), ('bereavement', 'Bereavement'), ('food', 'Food and essentials')], max_length=30)),
                ('postcode_district', models.CharField(max_length=4, verbose_name='area (postcode district)')),
                ('question', models.TextField(max_length=2000)),
                ('answer', models.TextField(blank=True, max_length=4000, verbose_name='answer given')),
                ('logged_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('suggested', models.ManyToManyField(blank=True, related_name='+', to='directory.communityservice', verbose_name='entries suggested')),
            ],
            options={
                'verbose_name_plural': 'helpline queries',
                'ordering': ['-asked_at', '-id'],
                'permissions': [('log_helpline_query', 'Can log staff helpline queries and unmet needs'), ('view_unmet_need_report', 'Can see the unmet needs report')],
            },
        ),
        migrations.CreateModel(
            name='HistoricalCommunityService_pcns',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                ('communityservice', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='directory.communityservice')),
                ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='directory.historicalcommunityservice')),
                ('primarycarenetwork', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cap.primarycarenetwork')),
            ],
            options={
                'verbose_name': 'HistoricalCommunityService_pcns',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalExpertise',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('specialty', models.CharField(choices=[('eating_disorders', 'Eating disorders'), ('perinatal', 'Perinatal mental health'), ('psychosis', 'Psychosis and early intervention'), ('personality_disorder', 'Personality disorder'), ('autism', 'Autism'), ('adhd', 'ADHD'), ('learning_disability', 'Learning disability'), ('dementia', 'Dementia and older people'), ('substance_misuse', 'Substance misuse'), ('children', 'Children and young people'), ('forensic', 'Forensic mental health'), ('physical_health', 'Physical health and mental health'), ('trauma', 'Trauma')], max_length=30)),
                ('skills', models.CharField(help_text='For example DBT, family work, ARFID.', max_length=400)),
                ('phone_advice', models.BooleanField(default=True, verbose_name='offers phone advice')),
                ('supervision', models.BooleanField(default=False, verbose_name='offers supervision')),
                ('joint_contact', models.BooleanField(default=False, verbose_name='offers joint contacts')),
                ('notes', models.TextField(blank=True, max_length=2000)),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('practitioner', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='scheduling.practitioner')),
            ],
            options={
                'verbose_name': 'historical expertise',
                'verbose_name_plural': 'historical expertise',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalHelplineQuery',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('asked_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('asked_by', models.CharField(max_length=120, verbose_name='who asked')),
                ('asked_by_team', models.CharField(blank=True, max_length=120, verbose_name='their team')),
                ('need', models.CharField(choices=[('crisis', 'Crisis support'), ('emotional_support', 'Talking therapies and emotional support'), ('peer_support', 'Peer support groups'), ('housing', 'Housing and homelessness'), ('benefits', 'Benefits, money and debt'), ('employment', 'Work, training and volunteering'), ('loneliness', 'Loneliness and isolation'), ('addiction', 'Drugs, alcohol and gambling'), ('relationships', 'Relationships and family'), ('healthy_lifestyles', 'Healthy lifestyles'), ('community_activity', 'Community activities'), ('carers', 'Support for carers'), ('domestic_abuse', 'Domestic abuse'), ('bereavement', 'Bereavement'), ('food', 'Food and essentials')], max_length=30)),
                ('postcode_district', models.CharField(max_length=4, verbose_name='area (postcode district)')),
                ('question', models.TextField(max_length=2000)),
                ('answer', models.TextField(blank=True, max_length=4000, verbose_name='answer given')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('logged_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical helpline query',
                'verbose_name_plural': 'historical helpline queries',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalHelplineQuery_suggested',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                ('communityservice', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='directory.communityservice')),
                ('helplinequery', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='directory.helplinequery')),
                ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='directory.historicalhelplinequery')),
            ],
            options={
                'verbose_name': 'HistoricalHelplineQuery_suggested',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalLocation',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('identifier', models.CharField(help_text='Its Open Referral UK id.', max_length=100)),
                ('name', models.CharField(blank=True, max_length=160)),
                ('address', models.CharField(blank=True, max_length=200)),
                ('town', models.CharField(blank=True, max_length=80)),
                ('postcode', models.CharField(max_length=8)),
                ('latitude', models.FloatField(blank=True, null=True)),
                ('longitude', models.FloatField(blank=True, null=True)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('service', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='directory.communityservice')),
            ],
            options={
                'verbose_name': 'historical location',
                'verbose_name_plural': 'historical locations',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalOrganisation',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('identifier', models.CharField(db_index=True, default=uuid.uuid4, help_text='Its Open Referral UK id.', max_length=100)),
                ('name', models.CharField(max_length=160)),
                ('description', models.TextField(blank=True, max_length=4000)),
                ('url', models.URLField(blank=True)),
                ('email', models.EmailField(blank=True, max_length=254)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical organisation',
                'verbose_name_plural': 'historical organisations',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalSchedule',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('weekday', models.PositiveSmallIntegerField(choices=[(0, 'Monday'), (1, 'Tuesday'), (2, 'Wednesday'), (3, 'Thursday'), (4, 'Friday'), (5, 'Saturday'), (6, 'Sunday')])),
                ('opens_at', models.TimeField()),
                ('closes_at', models.TimeField()),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('service', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='directory.communityservice')),
            ],
            options={
                'verbose_name': 'historical schedule',
                'verbose_name_plural': 'historical schedules',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalUnmetNeed',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('need', models.CharField(choices=[('crisis', 'Crisis support'), ('emotional_support', 'Talking therapies and emotional support'), ('peer_support', 'Peer support groups'), ('housing', 'Housing and homelessness'), ('benefits', 'Benefits, money and debt'), ('employment', 'Work, training and volunteering'), ('loneliness', 'Loneliness and isolation'), ('addiction', 'Drugs, alcohol and gambling'), ('relationships', 'Relationships and family'), ('healthy_lifestyles', 'Healthy lifestyles'), ('community_activity', 'Community activities'), ('carers', 'Support for carers'), ('domestic_abuse', 'Domestic abuse'), ('bereavement', 'Bereavement'), ('food', 'Food and essentials')], max_length=30)),
                ('postcode_district', models.CharField(max_length=4, verbose_name='area (postcode district)')),
                ('description', models.TextField(max_length=2000, verbose_name='what was needed')),
                ('logged_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('logged_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('query', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='directory.helplinequery')),
            ],
            options={
                'verbose_name': 'historical unmet need',
                'verbose_name_plural': 'historical unmet needs',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Location',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('identifier', models.CharField(help_text='Its Open Referral UK id.', max_length=100)),
                ('name', models.CharField(blank=True, max_length=160)),
                ('address', models.CharField(blank=True, max_length=200)),
                ('town', models.CharField(blank=True, max_length=80)),
                ('postcode', models.CharField(max_length=8)),
                ('latitude', models.FloatField(blank=True, null=True)),
                ('longitude', models.FloatField(blank=True, null=True)),
                ('service', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='locations', to='directory.communityservice')),
            ],
            options={
                'ordering': ['service', 'name', 'id'],
            },
        ),
        migrations.AddField(
            model_name='communityservice',
            name='provider',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='services', to='directory.organisation'),
        ),
        migrations.AddField(
            model_name='historicalcommunityservice',
            name='provider',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='directory.organisation'),
        ),
        migrations.AddIndex(
            model_name='communityservice',
            index=django.contrib.postgres.indexes.GinIndex(fields=['needs'], name='directory_service_needs'),
        ),
        migrations.AddIndex(
            model_name='communityservice',
            index=models.Index(condition=models.Q(('retired_at__isnull', True)), fields=['last_checked_at'], name='directory_service_to_check'),
        ),
        migrations.AddField(
            model_name='schedule',
            name='service',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='schedules', to='directory.communityservice'),
        ),
        migrations.AddIndex(
            model_name='searchword',
            index=django.contrib.postgres.indexes.GistIndex(django.contrib.postgres.indexes.OpClass('word', name='gist_trgm_ops'), name='directory_word_trgm'),
        ),
        migrations.AddField(
            model_name='unmetneed',
            name='logged_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='unmetneed',
            name='query',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='unmet_need', to='directory.helplinequery'),
        ),
        migrations.AddIndex(
            model_name='expertise',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass('skills', name='gin_trgm_ops'), name='directory_skills_trgm'),
        ),
        migrations.AddConstraint(
            model_name='expertise',
            constraint=models.UniqueConstraint(fields=('practitioner', 'specialty'), name='directory_expertise_once'),
        ),
        migrations.AddConstraint(
            model_name='location',
            constraint=models.UniqueConstraint(fields=('service', 'identifier'), name='directory_location_identifier'),
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
        migrations.AddIndex(
            model_name='schedule',
            index=models.Index(fields=['service', 'weekday'], name='directory_schedule_day'),
        ),
        migrations.AddIndex(
            model_name='unmetneed',
            index=models.Index(fields=['logged_at'], name='directory_unmet_logged'),
        ),
    ]
