"""Care plans for the demo people known to services (called once by load_demo_data).

The demo `practitioner` login is a nurse in City East; so that it has plans to work on, it
joins the team around each known person, then writes the first version with them. These
people are in its care (access.rules); the demo referrals' people are not, so reading a
record in one's care and breaking the glass can both be walked."""

from cap.models import ServiceUser
from scheduling.models import Practitioner

from . import services
from .models import Episode, OtherNeedLevel, TeamAroundMember

PLANS = {
    "Moss": ("Dialectical behaviour therapy skills", {
        "goals": "\"I want to finish my college course and stop ending up in A&E.\"",
        "carer_goals": "Her mum: \"To know what to do when Leah is in crisis.\"",
        "safety_plan": "Warning signs: not sleeping, staying in her room.\nWhat helps: her DBT skills card, "
                       "a walk with her dog.\nIn a crisis: ring her mum, then the Central Access Point.",
        "advance_directives": "Leah asks not to be admitted to a ward far from Leicester "
                              "if it can be helped.",
        "plan": "Weekly DBT skills group; fortnightly one-to-one with her care coordinator.",
        "external_expectations": "GP: please review her contraception alongside her medication in March."},
        ("Money worries since starting college", OtherNeedLevel.HELP)),
    "Whitmore": ("Physical health and medication", {
        "goals": "\"Get back to my allotment and see my grandchildren.\"",
        "safety_plan": "If the voices get louder, ring his daughter Claire or the Central Access Point.",
        "plan": "Depot injection every 4 weeks at the clinic; annual physical health check.",
        "external_expectations": "GP: annual physical health check; tell us of any change in his bloods."},
        ("Lonely since his wife died", OtherNeedLevel.ADVICE)),
    "Campbell": ("Memory assessment", {
        "goals": "\"Stay in my own home with my cat.\"",
        "carer_goals": "Her son: \"Help with the evenings, when she gets confused.\"",
        "safety_plan": "Her son holds a key; the neighbour checks on her each evening.",
        "advance_directives": "Lasting power of attorney for health and welfare held by her son.",
        "plan": "Memory clinic follow-up in 3 months; carer support referral.",
        "external_expectations": "GP: review her blood pressure tablets, which may add to her falls."},
        ("Help at home in the evenings", OtherNeedLevel.MORE_HELP)),
}


def load_care_plans(*, practitioner_user) -> None:
    practitioner = Practitioner.objects.get(user=practitioner_user)
    for family_name, (involvement, sections, (need, level)) in PLANS.items():
        person = ServiceUser.objects.filter(
            family_name=family_name, pk__in=Episode.objects.open().values("service_user")).first()
        if person is None:
            continue
        plan = services.care_plan_start(actor=practitioner_user, service_user=person)
        if plan.version > 1:
            continue  # loaded before
        if not TeamAroundMember.objects.filter(care_plan=plan, practitioner=practitioner).exists():
            TeamAroundMember.objects.create(care_plan=plan, practitioner=practitioner,
                                            involvement=involvement, added_by=practitioner_user)
        services.care_plan_contribute(actor=practitioner_user, care_plan=plan, sections=sections,
                                      summary="First plan, written with the person")
        services.other_need_add(actor=practitioner_user, care_plan=plan, need=need, level=level)
