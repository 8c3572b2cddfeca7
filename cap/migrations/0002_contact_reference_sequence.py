from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cap", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE SEQUENCE cap_contact_reference_seq START 1000",
            reverse_sql="DROP SEQUENCE cap_contact_reference_seq",
        ),
    ]
