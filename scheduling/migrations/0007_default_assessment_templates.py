"""The seed's structured assessment (002_11e725c8902a7534.txt, "Key Feature: Structured
assessment", its table) as the default clinic template for every stream, and a home-visit
variant. Offsets are minutes from the start of the core assessment."""

from django.db import migrations

CLINIC_WHAT_TO_EXPECT = (
    "A support worker will meet you when you arrive, explain how the appointment works and help "
    "with any paperwork. A nurse will then talk with you about what has been happening and what "
    "matters to you. While the nurse thinks through what you have said with a senior colleague, "
    "a support worker will do some simple physical health checks and talk with you about any "
    "other help you might want, for example with money, housing or feeling lonely. Then you, "
    "and a carer if you wish, will agree a treatment and support plan together. Please bring a "
    "list of your medicines and the question form with this letter.")
HOME_WHAT_TO_EXPECT = (
    "A nurse will visit you at home and talk with you about what has been happening and what "
    "matters to you. A senior colleague may join by phone. Together, with a carer if you wish, "
    "you will agree a treatment and support plan. Please have a list of your medicines and the "
    "question form with this letter ready.")

# role key: (name, discipline codes, optional, by phone)
CLINIC_ROLES = {
    "support": ("Support worker", ["support_worker"], False, False),
    "nurse": ("Assessing nurse", ["nurse"], False, False),
    "senior": ("Senior practitioner", ["consultant_psychiatrist"], True, False),
    "physical": ("Healthcare or peer support worker",
                 ["healthcare_support_worker", "peer_support_worker"], False, False),
}
# (name, description, offset, minutes, role keys, with the person)
CLINIC_STEPS = [
    ("Meet and greet", "Meet the person, explain the format of the assessment, complete paperwork",
     -15, 15, ["support"], True),
    ("Preparation", "Read the notes, the referral and the person's history", -15, 15, ["nurse"], False),
    ("Assessment", "The core assessment", 0, 45, ["nurse"], True),
    ("Formulation", "Formulate and agree a treatment plan; phone other clinicians", 45, 15,
     ["nurse", "senior"], False),
    ("Physical checks and further discussion",
     "Physical checks as required; other support needs and social prescribing", 45, 15,
     ["physical"], True),
    ("Treatment and support plan", "Agree the initial treatment and support plan with the person "
     "and carer", 60, 30, ["nurse", "senior"], True),
    ("Record update", "Update the electronic patient record and other admin", 90, 30, ["nurse"], False),
]
HOME_ROLES = {
    "nurse": ("Assessing nurse", ["nurse"], False, False),
    "senior": ("Senior practitioner (by phone)", ["consultant_psychiatrist"], True, True),
}
HOME_STEPS = [
    ("Preparation", "Read the notes, the referral and the person's history", -45, 15, ["nurse"], False),
    ("Travel to the person", "", -30, 30, ["nurse"], False),
    ("Assessment", "The core assessment", 0, 45, ["nurse"], True),
    ("Formulation", "Formulate with the senior practitioner by phone", 45, 15, ["nurse", "senior"],
     False),
    ("Treatment and support plan", "Agree the initial treatment and support plan with the person "
     "and carer", 60, 30, ["nurse", "senior"], True),
    ("Travel back", "", 90, 30, ["nurse"], False),
    ("Record update", "Update the electronic patient record and other admin", 120, 30, ["nurse"], False),
]
TEMPLATES = [
    ("Structured assessment (clinic)", "clinic", CLINIC_WHAT_TO_EXPECT, CLINIC_ROLES, CLINIC_STEPS),
    ("Structured assessment (home visit)", "home", HOME_WHAT_TO_EXPECT, HOME_ROLES, HOME_STEPS),
]


def add(apps, schema_editor):
    Template = apps.get_model("scheduling", "AssessmentTemplate")
    Discipline = apps.get_model("scheduling", "Discipline")
    for name, setting, expect, roles, steps in TEMPLATES:
        template, created = Template.objects.get_or_create(
            stream="", setting=setting, defaults={"name": name, "what_to_expect": expect})
        if not created:
            continue
        made = {}
        for key, (role_name, codes, optional, by_phone) in roles.items():
            role = template.roles.create(name=role_name, optional=optional, by_phone=by_phone)
            role.disciplines.set(Discipline.objects.filter(code__in=codes))
            made[key] = role
        for order, (step_name, description, offset, minutes, keys, with_person) in enumerate(steps, 1):
            step = template.steps.create(order=order, name=step_name, description=description,
                                         offset_minutes=offset, duration_minutes=minutes,
                                         with_person=with_person)
            step.roles.set([made[k] for k in keys])


def remove(apps, schema_editor):
    Template = apps.get_model("scheduling", "AssessmentTemplate")
    Template.objects.filter(stream="", name__in=[t[0] for t in TEMPLATES]).delete()


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0006_practitioner_feed_token_unique")]

    operations = [migrations.RunPython(add, remove)]
