"""What each role may do in scheduling: managers maintain templates, disciplines, rooms,
practitioners and their diaries (in the admin); the admin team records leave and other
commitments and sees the diaries and rooms it books into."""

from django.db import migrations

from accounts import role_grants

MANAGER = [f"{action}_{model}" for model in (
    "assessmenttemplate", "templaterole", "templatestep", "discipline", "clinicroom", "practitioner",
    "workingpattern", "diaryexception", "team") for action in ("add", "change", "view")] + [
    "view_booking", "view_slotissue"]
ADMIN_TEAM = ["add_diaryexception", "change_diaryexception", "view_diaryexception", "view_clinicroom",
              "view_practitioner", "view_booking", "view_slotissue"]
GRANTS = {"Manager": MANAGER, "Admin team": ADMIN_TEAM}


def grant(apps, schema_editor):
    role_grants.grant(apps, "scheduling", GRANTS)


def revoke(apps, schema_editor):
    role_grants.revoke(apps, "scheduling", GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0007_default_assessment_templates"),
        ("accounts", "0001_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
