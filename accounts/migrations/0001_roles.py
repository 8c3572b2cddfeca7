"""The six roles as groups, each with the permissions its work needs.

The permissions are frozen here (not imported from accounts.roles) so this
migration means the same thing whenever it runs."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "Call handler": ["cap.log_call", "cap.view_serviceuser"],
    "Triage clinician": ["cap.view_referral", "cap.view_serviceuser",
                         "triage.record_triage_decision"],
    "Admin team": ["cap.view_referral", "cap.view_serviceuser", "cap.log_written_referral",
                   "scheduling.book_assessment", "scheduling.view_practitioner"],
    "Manager": ["cap.view_referral", "cap.view_serviceuser", "triage.view_wait_dashboard",
                "triage.change_targetdefinition", "triage.add_closureday",
                "scheduling.view_booking"],
    "Practitioner": ["cap.view_referral", "cap.view_serviceuser", "careplans.view_careplan",
                     "careplans.contribute_care_plan"],
    "Community knowledge officer": ["directory.view_communityservice",
                                    "directory.manage_directory"],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        previous = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = previous
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("cap", "0002_contact_reference_sequence"),
        ("triage", "0002_default_wait_targets"),
        ("scheduling", "0002_disciplines"),
        ("careplans", "0001_initial"),
        ("directory", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
