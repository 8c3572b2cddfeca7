"""What each role may do in scheduling: managers maintain templates, disciplines, rooms,
practitioners and their diaries (in the admin); the admin team records leave and other
commitments and sees the diaries and rooms it books into."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MANAGER = [f"{action}_{model}" for model in (
    "assessmenttemplate", "templaterole", "templatestep", "discipline", "clinicroom", "practitioner",
    "workingpattern", "diaryexception", "team") for action in ("add", "change", "view")] + [
    "view_booking", "view_slotissue"]
ADMIN_TEAM = ["add_diaryexception", "change_diaryexception", "view_diaryexception", "view_clinicroom",
              "view_practitioner", "view_booking", "view_slotissue"]
GRANTS = {"Manager": MANAGER, "Admin team": ADMIN_TEAM}


def grant(apps, schema_editor):
    config = apps.get_app_config("scheduling")
    previous = getattr(config, "models_module", None)
    config.models_module = True
    create_permissions(config, verbosity=0)
    config.models_module = previous
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group:
            group.permissions.add(*Permission.objects.filter(content_type__app_label="scheduling",
                                                             codename__in=codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group:
            group.permissions.remove(*Permission.objects.filter(content_type__app_label="scheduling",
                                                                codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0007_default_assessment_templates"),
        ("accounts", "0001_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
