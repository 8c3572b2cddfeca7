"""Give every existing entry an Open Referral UK identifier, and turn the free-text
categories of the first directory into categories of need."""

import uuid

from django.db import migrations

# The free-text categories of the first directory and the need each meets.
CATEGORY_NEEDS = {
    "crisis cafe": "crisis",
    "talking therapies": "emotional_support",
    "mental health": "emotional_support",
    "housing": "housing",
    "benefits advice": "benefits",
    "benefits": "benefits",
    "peer support": "peer_support",
    "peer groups": "peer_support",
    "loneliness": "loneliness",
    "addiction": "addiction",
    "carers": "carers",
    "employment": "employment",
}


def forwards(apps, schema_editor):
    Service = apps.get_model("directory", "CommunityService")
    Historical = apps.get_model("directory", "HistoricalCommunityService")
    for service in Service.objects.filter(identifier__isnull=True):
        service.identifier = str(uuid.uuid4())
        need = CATEGORY_NEEDS.get(service.category.strip().lower(), "community_activity")
        service.category, service.needs = need, [need]
        service.save(update_fields=["identifier", "category", "needs"])
    for service in Service.objects.all():
        Historical.objects.filter(id=service.id, identifier__isnull=True).update(
            identifier=service.identifier)


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_open_referral_shape")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
