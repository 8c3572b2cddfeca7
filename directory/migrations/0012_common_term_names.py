"""Term names other directories commonly give their services, each mapped to the
category of need it means here, for any vocabulary. The officer adds more from the
list to categorise; these only spare the commonest."""

from django.db import migrations

COMMON = {
    "crisis": ["Mental health crisis", "Crisis support", "Crisis cafe", "Crisis café", "Sanctuary"],
    "emotional_support": ["Counselling", "Talking therapies", "Emotional support", "Mental health support",
                          "Wellbeing support", "Listening service"],
    "peer_support": ["Peer support", "Support groups", "Self-help groups"],
    "housing": ["Housing", "Housing advice", "Homelessness", "Homelessness prevention", "Supported housing",
                "Tenancy support"],
    "benefits": ["Benefits advice", "Welfare benefits", "Welfare rights", "Debt advice", "Money advice",
                 "Financial advice", "Budgeting"],
    "employment": ["Employment support", "Employment", "Volunteering", "Training", "Adult learning",
                   "Skills and training"],
    "loneliness": ["Befriending", "Loneliness", "Social isolation", "Loneliness and isolation"],
    "addiction": ["Drug and alcohol services", "Substance misuse", "Alcohol support", "Drugs", "Gambling",
                  "Gambling support", "Addiction"],
    "relationships": ["Parenting support", "Family support", "Relationship support", "Relationships"],
    "healthy_lifestyles": ["Physical activity", "Healthy eating", "Stop smoking", "Weight management",
                           "Healthy lifestyles", "Exercise"],
    "community_activity": ["Community groups", "Social activities", "Arts and crafts", "Leisure activities",
                           "Community activities", "Lunch clubs"],
    "carers": ["Carers", "Carers support", "Support for carers", "Young carers"],
    "domestic_abuse": ["Domestic abuse", "Domestic violence", "Sexual violence"],
    "bereavement": ["Bereavement", "Bereavement support", "Suicide bereavement"],
    "food": ["Food banks", "Food bank", "Community pantry", "Food and essentials", "Community fridge"],
}


def seed(apps, schema_editor):
    TermMapping = apps.get_model("directory", "TermMapping")
    TermMapping.objects.bulk_create(
        [TermMapping(vocabulary="", term=term, need=need) for need, terms in COMMON.items() for term in terms],
        ignore_conflicts=True)


def unseed(apps, schema_editor):
    TermMapping = apps.get_model("directory", "TermMapping")
    TermMapping.objects.filter(vocabulary="", created_by__isnull=True,
                               term__in=[t for terms in COMMON.values() for t in terms]).delete()


class Migration(migrations.Migration):
    dependencies = [("directory", "0011_to_categorise")]
    operations = [migrations.RunPython(seed, unseed)]
