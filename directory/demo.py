"""A plausible directory of community support for Leicester, Leicestershire and Rutland,
for `manage.py load_demo_data`: the named entries of accounts/demo_data.py, and a few
hundred more made from the kinds of service found in most towns (crisis cafes, talking
therapies, housing and benefits advice, peer groups...), and some practitioners'
expertise.

Everything is made up. Postcodes are in real districts but are invented; phone
numbers are in Ofcom's drama range (0116 496 0xxx). The choice of which town has
which service comes from a CRC of their names, never from random numbers, so every
load makes the same directory. An entry is found by its id before it is made, and an
entry already there is left as it is (the officer may have changed it)."""

import zlib
from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts import demo_data
from scheduling.models import Practitioner

from .models import Access, CommunityService, Expertise, Need, Specialty
from .services import (
    ExpertiseDetails,
    LocationDetails,
    Opening,
    ServiceDetails,
    expertise_save,
    service_import,
)

# Postcode district, town, its local authority area, a street for venues.
TOWNS = (
    ("LE1", "Leicester", "Leicester City", "Granby Street"),
    ("LE2", "Highfields", "Leicester City", "Melbourne Road"),
    ("LE3", "Braunstone", "Leicester City", "Narborough Road"),
    ("LE4", "Belgrave", "Leicester City", "Belgrave Road"),
    ("LE5", "Evington", "Leicester City", "Evington Road"),
    ("LE7", "Syston", "Charnwood", "High Street"),
    ("LE8", "Kibworth", "Harborough", "Main Street"),
    ("LE9", "Earl Shilton", "Hinckley and Bosworth", "Wood Street"),
    ("LE10", "Hinckley", "Hinckley and Bosworth", "Castle Street"),
    ("LE11", "Loughborough", "Charnwood", "Market Place"),
    ("LE12", "Shepshed", "Charnwood", "Charnwood Road"),
    ("LE13", "Melton Mowbray", "Melton", "Nottingham Street"),
    ("LE15", "Oakham", "Rutland", "Mill Street"),
    ("LE16", "Market Harborough", "Harborough", "The Square"),
    ("LE17", "Lutterworth", "Harborough", "Church Street"),
    ("LE18", "Wigston", "Oadby and Wigston", "Bell Street"),
    ("LE19", "Enderby", "Blaby", "Mill Lane"),
    ("LE65", "Ashby-de-la-Zouch", "North West Leicestershire", "Market Street"),
    ("LE67", "Coalville", "North West Leicestershire", "Marlborough Square"),
)

MON_FRI = range(5)
WEEKEND = (4, 5, 6)

# (need, also meets, name, organisation, description, access, cost, openings, days)
# {town} is the town's name; openings are (opens, closes) on each of the days.
KINDS = (
    (Need.CRISIS, (Need.EMOTIONAL_SUPPORT,), "{town} crisis cafe", "{town} Wellbeing Trust",
     "An evening safe space for adults in emotional distress, with peer support workers and a quiet "
     "room. No appointment or referral needed.", Access.DROP_IN, "Free", ("18:00", "23:00"), WEEKEND),
    (Need.CRISIS, (), "{town} night support line", "Leicestershire Mind",
     "A listening line through the night for anyone feeling overwhelmed.", Access.SELF_REFERRAL, "Free",
     ("20:00", "02:00"), range(7)),
    (Need.EMOTIONAL_SUPPORT, (), "Talking therapies in {town}", "Vita Health Group",
     "NHS talking therapies for anxiety, low mood and stress; refer yourself online or by phone.",
     Access.SELF_REFERRAL, "Free", ("09:00", "17:00"), MON_FRI),
    (Need.EMOTIONAL_SUPPORT, (Need.BEREAVEMENT,), "{town} counselling service", "{town} Counselling Centre",
     "Low-cost counselling with trained volunteers, up to twelve sessions.", Access.APPOINTMENT,
     "£5 to £20 a session, by income", ("10:00", "19:00"), (0, 1, 2, 3)),
    (Need.PEER_SUPPORT, (Need.LONELINESS,), "{town} hearing voices group", "Leicestershire Mind",
     "A peer group for people who hear voices or have unusual experiences.", Access.DROP_IN, "Free",
     ("14:00", "16:00"), (2,)),
    (Need.PEER_SUPPORT, (), "Men's mental health group, {town}", "Andy's Man Club",
     "Talking group for men over 18, every Monday evening. It's okay to talk.", Access.DROP_IN, "Free",
     ("19:00", "21:00"), (0,)),
    (Need.PEER_SUPPORT, (Need.CARERS,), "{town} recovery college", "LPT Recovery College",
     "Free courses about mental health and recovery, written and taught with people with lived "
     "experience.", Access.SELF_REFERRAL, "Free", ("10:00", "15:00"), (1, 3)),
    (Need.HOUSING, (), "{town} housing options", "{area} Council",
     "Advice for anyone homeless or at risk of losing their home; emergency accommodation.",
     Access.SELF_REFERRAL, "Free", ("09:00", "17:00"), MON_FRI),
    (Need.HOUSING, (Need.BENEFITS,), "Tenancy support, {town}", "Falcon Support Services",
     "Help to keep a tenancy: bills, repairs, neighbours and letters from the landlord.", Access.REFERRAL,
     "Free", ("09:00", "17:00"), MON_FRI),
    (Need.BENEFITS, (Need.HOUSING,), "Benefits and debt advice, {town}", "Citizens Advice LeicesterShire",
     "Free, confidential advice on benefits, Universal Credit, debt and bills, including help with forms.",
     Access.SELF_REFERRAL, "Free", ("09:30", "16:00"), (0, 2, 4)),
    (Need.BENEFITS, (), "Universal Credit help sessions, {town}", "{town} Library",
     "Help to make and manage a Universal Credit claim online, with computers to use.", Access.DROP_IN,
     "Free", ("10:00", "12:00"), (1, 3)),
    (Need.EMPLOYMENT, (), "Employment support, {town}", "Twenty Twenty",
     "Individual placement and support: help to find and keep work alongside mental health care.",
     Access.REFERRAL, "Free", ("09:00", "17:00"), MON_FRI),
    (Need.EMPLOYMENT, (Need.COMMUNITY_ACTIVITY,), "{town} volunteering hub", "Voluntary Action {area}",
     "Find a volunteering role that suits you, with support for your first weeks.", Access.SELF_REFERRAL,
     "Free", ("10:00", "14:00"), (1, 2, 3)),
    (Need.LONELINESS, (Need.COMMUNITY_ACTIVITY,), "{town} friendship cafe",
     "Age UK Leicester Shire & Rutland",
     "A weekly cafe to meet people, with tea, cake and company.", Access.DROP_IN, "£2 for tea and cake",
     ("10:00", "12:00"), (3,)),
    (Need.LONELINESS, (), "Telephone befriending, {town}", "Royal Voluntary Service",
     "A regular friendly phone call from a volunteer for people who feel lonely.", Access.SELF_REFERRAL,
     "Free", None, ()),
    (Need.ADDICTION, (Need.PEER_SUPPORT,), "Drug and alcohol recovery hub, {town}", "Turning Point",
     "Support to cut down or stop drugs and alcohol: key workers, groups and needle exchange.",
     Access.SELF_REFERRAL, "Free", ("09:00", "17:00"), MON_FRI),
    (Need.ADDICTION, (), "{town} gambling support group", "GamCare",
     "A support group for people affected by gambling, and their families.", Access.DROP_IN, "Free",
     ("18:30", "20:00"), (1,)),
    (Need.RELATIONSHIPS, (), "Relationship counselling, {town}", "Relate Leicestershire",
     "Counselling for couples and families going through a difficult time.", Access.APPOINTMENT,
     "From £45 a session; reduced fees on a low income", ("09:00", "20:00"), (0, 1, 2, 3)),
    (Need.RELATIONSHIPS, (Need.CARERS,), "Family support, {town}", "{area} Family Hub",
     "Parenting support, family groups and help when family life is hard.", Access.SELF_REFERRAL, "Free",
     ("09:00", "16:30"), MON_FRI),
    (Need.HEALTHY_LIFESTYLES, (Need.COMMUNITY_ACTIVITY,), "Walking for health, {town}", "Active Together",
     "Free, friendly short walks led by volunteers, at an easy pace.", Access.DROP_IN, "Free",
     ("10:30", "11:30"), (2, 5)),
    (Need.HEALTHY_LIFESTYLES, (), "Stop smoking service, {town}", "Quit Ready",
     "Support and medicines to stop smoking, in person or by phone.", Access.SELF_REFERRAL, "Free",
     ("09:00", "17:00"), MON_FRI),
    (Need.COMMUNITY_ACTIVITY, (Need.LONELINESS,), "{town} men's shed", "{town} Men's Shed",
     "A workshop where people meet to make, mend and chat.", Access.DROP_IN, "£1 a session",
     ("10:00", "15:00"), (1, 4)),
    (Need.COMMUNITY_ACTIVITY, (), "{town} community arts group", "Soft Touch Arts",
     "Creative sessions (painting, music, crafts) for wellbeing; no experience needed.", Access.DROP_IN,
     "Free", ("13:00", "15:00"), (2,)),
    (Need.CARERS, (Need.PEER_SUPPORT,), "Carers support group, {town}", "VASL Carers Service",
     "Meet other unpaid carers, get information and a break.", Access.DROP_IN, "Free",
     ("10:00", "12:00"), (0,)),
    (Need.DOMESTIC_ABUSE, (Need.HOUSING,), "Domestic abuse advice, {area}",
     "United Against Violence and Abuse",
     "Confidential advice, safety planning and refuge for anyone affected by domestic abuse.",
     Access.SELF_REFERRAL, "Free", ("09:00", "17:00"), MON_FRI),
    (Need.BEREAVEMENT, (Need.EMOTIONAL_SUPPORT,), "Bereavement support group, {town}",
     "Cruse Bereavement Support",
     "A group for adults grieving the death of someone close.", Access.SELF_REFERRAL, "Free",
     ("18:00", "19:30"), (3,)),
    (Need.FOOD, (Need.BENEFITS,), "{town} food bank", "Trussell Trust",
     "Emergency food with a voucher from an agency; advice on money too.", Access.REFERRAL, "Free",
     ("11:00", "14:00"), (1, 4)),
    (Need.FOOD, (), "{town} community pantry", "{town} Community Partnership",
     "A membership food club: a weekly shop for a small fee.", Access.DROP_IN, "£4 a week",
     ("12:00", "15:00"), (2,)),
)

# The named entries of accounts/demo_data.py: their category and the town of their venue.
NAMED_CATEGORIES = {
    "Crisis cafe": Need.CRISIS, "Talking therapies": Need.EMOTIONAL_SUPPORT, "Housing": Need.HOUSING,
    "Benefits advice": Need.BENEFITS, "Peer support": Need.PEER_SUPPORT,
    "Loneliness and isolation": Need.LONELINESS, "Addiction": Need.ADDICTION,
    "Healthy lifestyle": Need.HEALTHY_LIFESTYLES,
}
AREA_DISTRICTS = {"Leicester City": "LE1", "Charnwood": "LE11", "Hinckley and Bosworth": "LE10",
                  "Melton and Rutland": "LE13", "Rutland": "LE15"}
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

EXPERTISE = (
    (Specialty.EATING_DISORDERS, "ARFID, re-feeding risk, MARSIPAN", True, True, False),
    (Specialty.PERINATAL, "Postnatal depression, perinatal medication", True, False, True),
    (Specialty.PSYCHOSIS, "First episode psychosis, clozapine, CBT for psychosis", True, True, False),
    (Specialty.PERSONALITY_DISORDER, "DBT, mentalisation, STEPPS", True, True, True),
    (Specialty.AUTISM, "Autism assessment, reasonable adjustments", True, False, True),
    (Specialty.ADHD, "ADHD medication, adult ADHD assessment", True, False, False),
    (Specialty.LEARNING_DISABILITY, "Positive behaviour support, easy read, capacity", True, True, True),
    (Specialty.DEMENTIA, "Memory assessment, delirium, carer support", True, False, True),
    (Specialty.SUBSTANCE_MISUSE, "Dual diagnosis, alcohol detox, opiate substitution", True, False, True),
    (Specialty.CHILDREN, "Transition to adult services, family therapy", True, True, False),
    (Specialty.TRAUMA, "EMDR, trauma-focused CBT, refugees and asylum seekers", True, True, False),
    (Specialty.PHYSICAL_HEALTH, "Metabolic monitoring, diabetes and mental health", True, False, False),
)


def _crc(*parts) -> int:
    return zlib.crc32("|".join(str(p) for p in parts).encode())


def _postcode(district: str, seed: str) -> str:
    h = _crc(district, seed)
    return (f"{district} {h % 9 + 1}{INWARD_LETTERS[h // 10 % len(INWARD_LETTERS)]}"
            f"{INWARD_LETTERS[h // 300 % len(INWARD_LETTERS)]}")


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def _openings(hours, days) -> tuple[Opening, ...]:
    if not hours:
        return ()
    opens, closes = (time.fromisoformat(t) for t in hours)
    return tuple(Opening(day, opens, closes) for day in days)


def generated_entries(now) -> list[ServiceDetails]:
    """Each kind of service in about two towns in three, chosen by a CRC of both names."""
    entries, seen = [], set()
    for district, town, area, street in TOWNS:
        for n, (need, others, name, organisation, description, access, cost, hours, days) in enumerate(KINDS):
            if _crc(district, name) % 3 == 0:
                continue
            title = name.format(town=town, area=area)
            if title in seen:  # a service for a whole council area is listed once
                continue
            seen.add(title)
            has_venue = hours is not None and need != Need.DOMESTIC_ABUSE
            entries.append(ServiceDetails(
                identifier=f"demo-{_slug(title)}",
                name=title, organisation=organisation.format(town=town, area=area),
                description=f"{description} For people in and around {town}.",
                category=need, needs=(need, *others), access=access, cost=cost, free=cost == "Free",
                area=f"{town} and nearby ({area})", postcode_districts=(district,),
                phone=f"0116 496 0{100 + _crc(title) % 900:03d}",
                how_to_access={Access.DROP_IN: "Just turn up during opening times.",
                               Access.REFERRAL: "A professional refers you: ask your GP or care team.",
                               Access.APPOINTMENT: "Ring to book an appointment.",
                               Access.SELF_REFERRAL: "Ring or fill in the form on the website."}[access],
                eligibility="Adults 18 and over." if need != Need.FOOD else "Anyone in need.",
                minimum_age=18 if need != Need.FOOD else None,
                locations=(LocationDetails(
                    postcode=_postcode(district, title), name=f"{town} {street} centre",
                    address=f"{_crc(title) % 120 + 1} {street}", town=town),) if has_venue else (),
                schedules=_openings(hours, days),
                # Spread the last checks over the past nine months, so some are due a check.
                last_checked_at=now - timedelta(days=_crc(title, n) % 270),
            ))
    return entries


def named_entries(now) -> list[ServiceDetails]:
    entries = []
    for category, name, organisation, area, phone, description in demo_data.COMMUNITY_SERVICES:
        district = AREA_DISTRICTS.get(area)
        need = NAMED_CATEGORIES.get(category, Need.COMMUNITY_ACTIVITY)
        entries.append(ServiceDetails(
            identifier=f"demo-{_slug(name)}", name=name, organisation=organisation, description=description,
            category=need, needs=(need,), area=area, phone=phone,
            locations=(LocationDetails(postcode=_postcode(district, name), town=area),) if district else (),
            schedules=_openings(("18:00", "23:00"), WEEKEND) if need == Need.CRISIS else (),
            last_checked_at=now - timedelta(days=_crc(name) % 120),
        ))
    return entries


@transaction.atomic
def load_directory(*, actor=None) -> None:
    """The demo directory and expertise; what is already there is kept."""
    now = timezone.now()
    entries = named_entries(now) + generated_entries(now)
    present = set(CommunityService.objects.filter(identifier__in=[e.identifier for e in entries])
                  .values_list("identifier", flat=True))
    for details in entries:
        if details.identifier not in present:
            service_import(actor=actor, details=details)
    load_expertise(actor=actor)


def load_expertise(*, actor=None) -> None:
    """Expertise for one practitioner in every nine, in a fixed order."""
    practitioners = list(Practitioner.objects.order_by("name", "id"))[::9][:len(EXPERTISE) * 2]
    for n, practitioner in enumerate(practitioners):
        specialty, skills, phone, supervision, joint = EXPERTISE[n % len(EXPERTISE)]
        if Expertise.objects.filter(practitioner=practitioner, specialty=specialty).exists():
            continue
        expertise_save(actor=actor, practitioner=practitioner, details=ExpertiseDetails(
            specialty=specialty, skills=skills, phone_advice=phone, supervision=supervision,
            joint_contact=joint))
