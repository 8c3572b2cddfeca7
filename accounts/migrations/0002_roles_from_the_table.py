"""The groups from the one table of who may do what (accounts/roles.py).

Until now data migrations in five apps granted the roles' permissions; they are no-ops
now, and this applies the table instead. The table is imported, not frozen here: it is
meant to change, and every later `migrate` applies it again (post_migrate,
accounts.apps), so this migration only makes sure a database migrated to here has
the roles. See docs/adr/0009."""

from django.db import migrations

from accounts.roles import roles_sync


def sync(apps, schema_editor):
    roles_sync(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("cap", "0008_referral_triage_queue_and_next_due"),
        ("triage", "0017_alert_target_checked_by_the_scan_not_a_constraint"),
        ("scheduling", "0008_scheduling_role_permissions"),
        ("careplans", "0004_care_plan_role_permissions"),
        ("directory", "0009_service_venue_box"),
    ]

    # Going back leaves the groups as they are: taking everyone's roles away is never
    # what rolling back a release means.
    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
