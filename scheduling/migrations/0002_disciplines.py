"""The disciplines of the seed's structured assessment; a manager may add others."""

from django.db import migrations

DISCIPLINES = [
    ("nurse", "Nurse"),
    ("consultant_psychiatrist", "Consultant psychiatrist"),
    ("psychologist", "Psychologist"),
    ("occupational_therapist", "Occupational therapist"),
    ("social_worker", "Social worker"),
    ("support_worker", "Support worker"),
    ("healthcare_support_worker", "Healthcare support worker"),
    ("peer_support_worker", "Peer support worker"),
]


def add(apps, schema_editor):
    Discipline = apps.get_model("scheduling", "Discipline")
    for code, name in DISCIPLINES:
        Discipline.objects.get_or_create(code=code, defaults={"name": name})


def remove(apps, schema_editor):
    apps.get_model("scheduling", "Discipline").objects.filter(
        code__in=[c for c, _ in DISCIPLINES]).delete()


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]

    operations = [migrations.RunPython(add, remove)]
