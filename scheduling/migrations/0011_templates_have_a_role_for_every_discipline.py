"""The default structured assessment templates get an optional role for each discipline
triage may ask for that they had none for (psychologist, occupational therapist, social
worker). An optional role is included only when triage asks for its discipline or names
someone of it, so an assessment nobody asked this of is unchanged; without it, a
referral asking for one could never be searched, and waited unseen in the booking queue.
The extra person joins the core assessment, the formulation and the plan (at home, the
travel too)."""

from django.db import migrations

# discipline code -> the role's name
EXTRA_ROLES = {
    "psychologist": "Psychologist",
    "occupational_therapist": "Occupational therapist",
    "social_worker": "Social worker",
}
# setting -> the steps (by name) the extra person takes part in
JOINS = {
    "clinic": ["Assessment", "Formulation", "Treatment and support plan"],
    "home": ["Travel to the person", "Assessment", "Formulation", "Treatment and support plan",
             "Travel back"],
}


def add(apps, schema_editor):
    Template = apps.get_model("scheduling", "AssessmentTemplate")
    Discipline = apps.get_model("scheduling", "Discipline")
    for template in Template.objects.filter(stream="", setting__in=list(JOINS)):
        covered = set(template.roles.values_list("disciplines__code", flat=True))
        steps = list(template.steps.filter(name__in=JOINS[template.setting]))
        for code, name in EXTRA_ROLES.items():
            discipline = Discipline.objects.filter(code=code).first()
            if discipline is None or code in covered:
                continue
            role = template.roles.create(name=name, optional=True, by_phone=False)
            role.disciplines.set([discipline])
            for step in steps:
                step.roles.add(role)


def remove(apps, schema_editor):
    Template = apps.get_model("scheduling", "AssessmentTemplate")
    for template in Template.objects.filter(stream="", setting__in=list(JOINS)):
        template.roles.filter(name__in=list(EXTRA_ROLES.values()), optional=True).delete()


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0010_slot_issue_reasons_owners_and_unavailable_time_history")]

    operations = [migrations.RunPython(add, remove)]
