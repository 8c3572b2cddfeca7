"""Demo data for Leicester, Leicestershire and Rutland (LLR), loaded by
`manage.py load_demo_data`.

Everything here is made up to look plausible: the Primary Care Network codes,
the pairing of ODS codes with practices, the staff and the people referred.
Phone numbers are from Ofcom's range kept for drama (0116 496 0xxx), so no
one real is ever rung from a demo.

The team structure follows the seed (000_2bfe933298bd7d9d.txt): "eight
Community Treatment and Recovery Teams linked to Primary Care Networks" and
"six Older People's teams". Every PCN belongs to exactly one of each.
"""

from accounts import roles
from triage.models import Stream

# Known to everyone who reads this file: the command refuses to run outside
# DEBUG unless told otherwise.
DEMO_PASSWORD = "Demo-password-2026"  # noqa: S105
# Every demo login's authenticator app has this published secret (base32, as an
# authenticator app takes it), so anyone can sign in to a demo: add it to an app, or run
# `manage.py totp_code <username>`. A real account's secret is made at set-up and never
# shown again; the command refuses any device without this one.
DEMO_TOTP_SECRET = "CAPDEMOTWOFACTORSECRETFORLLRDEMO"  # noqa: S105

# The post town of each postcode district the demo practices and people are in, for
# their postal addresses (Royal Mail's post towns).
POST_TOWNS = {
    "LE1": "Leicester", "LE2": "Leicester", "LE3": "Leicester", "LE4": "Leicester",
    "LE5": "Leicester", "LE7": "Leicester", "LE8": "Leicester", "LE9": "Leicester",
    "LE18": "Wigston", "LE19": "Leicester", "LE10": "Hinckley", "LE11": "Loughborough",
    "LE12": "Loughborough", "LE13": "Melton Mowbray", "LE14": "Melton Mowbray",
    "LE15": "Oakham", "LE16": "Market Harborough", "LE17": "Lutterworth",
    "LE65": "Ashby-de-la-Zouch", "LE67": "Coalville", "DE12": "Swadlincote",
    "DE74": "Derby", "CV13": "Nuneaton", "PE9": "Stamford", "NG13": "Nottingham",
}
# Words that end a practice's name and not its street's.
_PRACTICE_WORDS = ("Medical Centre", "Health Centre", "Medical Practice", "Surgery", "Practice",
                   "Partnership", "Group", "Clinic")


def demo_practice_address(name: str, postcode: str) -> tuple[str, str]:
    """A made-up street address (line 1, post town) for a demo practice: the ODS reference
    data gives every real practice one, and letters to the GP are addressed with it."""
    street = name
    for word in _PRACTICE_WORDS:
        street = street.removesuffix(word).strip()
    return f"{len(name) % 40 + 1} {street} Road", demo_post_town(postcode)


def demo_post_town(postcode: str) -> str:
    return POST_TOWNS.get(postcode.split()[0], "Leicester") if postcode else ""


def demo_home_address(index: int, family_name: str, postcode: str) -> tuple[str, str]:
    """A made-up home address (line 1, post town) for a demo person."""
    streets = ("Church Lane", "Station Road", "Victoria Street", "Park Avenue", "Mill Lane",
               "The Crescent", "Orchard Close", "High Street")
    number = (index * 7 + len(family_name)) % 60 + 2
    return f"{number} {streets[index % len(streets)]}", demo_post_town(postcode)


# PCN code, PCN name, and its practices as (ODS code, name, postcode).
PRIMARY_CARE_NETWORKS = (
    # Leicester City
    ("U60101", "Aegis PCN", (
        ("C82001", "Highfields Surgery", "LE2 0DJ"),
        ("C82002", "Evington Medical Centre", "LE5 6DF"),
        ("C82003", "Uppingham Road Health Centre", "LE5 4DA"),
    )),
    ("U60102", "Belgrave and Spinney Hill PCN", (
        ("C82004", "Belgrave Health Centre", "LE4 5PW"),
        ("C82005", "Spinney Hill Medical Centre", "LE5 3GH"),
        ("C82006", "Melton Road Surgery", "LE4 6PN"),
    )),
    ("U60103", "City Care Alliance PCN", (
        ("C82007", "Humberstone Medical Centre", "LE5 1BD"),
        ("C82008", "Rushey Mead Health Centre", "LE4 7ZX"),
        ("C82009", "Hamilton Medical Centre", "LE5 1RT"),
        ("C82010", "Thurncourt Surgery", "LE5 2NH"),
    )),
    ("U60104", "Fosse PCN", (
        ("C82011", "Fosse Medical Centre", "LE3 5EX"),
        ("C82012", "Westcotes Health Centre", "LE3 0LP"),
    )),
    ("U60105", "Millennium PCN", (
        ("C82013", "New Parks Health Centre", "LE3 9PW"),
        ("C82014", "Braunstone Health Centre", "LE3 1QH"),
        ("C82015", "Winstanley Drive Surgery", "LE3 1PB"),
    )),
    ("U60106", "Beaumont Leys PCN", (
        ("C82016", "Beaumont Leys Health Centre", "LE4 0PQ"),
        ("C82017", "Mowmacre Hill Surgery", "LE4 2GX"),
        ("C82018", "Anstey Heights Medical Centre", "LE4 1AJ"),
    )),
    ("U60107", "Leicester Central PCN", (
        ("C82019", "Charnwood Street Surgery", "LE1 2HW"),
        ("C82020", "Clarendon Park Medical Centre", "LE2 3AB"),
        ("C82021", "St Peter's Health Centre", "LE2 0TA"),
    )),
    ("U60108", "Leicester City and University PCN", (
        ("C82022", "Victoria Park Health Centre", "LE1 7RH"),
        ("C82023", "University Medical Centre", "LE1 7RU"),
        ("C82024", "Granby Street Surgery", "LE1 6TP"),
    )),
    ("U60109", "Salutem PCN", (
        ("C82025", "Saffron Lane Surgery", "LE2 6UL"),
        ("C82026", "Aylestone Health Centre", "LE2 8TD"),
        ("C82027", "Knighton Medical Centre", "LE2 3LR"),
    )),
    # Charnwood
    ("U60110", "North Charnwood PCN", (
        ("C82028", "Shepshed Medical Centre", "LE12 9BG"),
        ("C82029", "Hathern Road Surgery", "LE12 9HA"),
        ("C82030", "Kegworth Road Surgery", "LE12 5BN"),
    )),
    ("U60111", "Soar Valley PCN", (
        ("C82031", "Sileby Health Centre", "LE12 7RS"),
        ("C82032", "Barrow upon Soar Surgery", "LE12 8LT"),
        ("C82033", "Quorn Medical Centre", "LE12 8BS"),
    )),
    ("U60112", "Carillon PCN", (
        ("C82034", "Pinfold Gate Surgery", "LE11 1DQ"),
        ("C82035", "Forest Road Medical Centre", "LE11 3NS"),
        ("C82036", "Loughborough University Medical Centre", "LE11 3TU"),
    )),
    ("U60113", "Watermead PCN", (
        ("C82037", "Birstall Medical Centre", "LE4 4DX"),
        ("C82038", "Thurmaston Health Centre", "LE4 8GB"),
        ("C82039", "Syston Health Centre", "LE7 2EQ"),
    )),
    # Hinckley and Bosworth
    ("U60114", "Hinckley Central PCN", (
        ("C82040", "Castle Mead Medical Centre", "LE10 1DS"),
        ("C82041", "Station View Health Centre", "LE10 0NA"),
        ("C82042", "Burbage Surgery", "LE10 2SE"),
    )),
    ("U60115", "Fosseway PCN", (
        ("C82043", "Earl Shilton Health Centre", "LE9 7AH"),
        ("C82044", "Barwell Medical Practice", "LE9 8GS"),
    )),
    ("U60116", "Bosworth PCN", (
        ("C82045", "Market Bosworth Surgery", "CV13 0LW"),
        ("C82046", "Newbold Verdon Medical Practice", "LE9 9PZ"),
        ("C82047", "Desford Surgery", "LE9 9GT"),
    )),
    # North West Leicestershire
    ("U60117", "Coalville and Ibstock PCN", (
        ("C82048", "Hugh Lupus Street Surgery", "LE67 3AJ"),
        ("C82049", "Whitwick Road Surgery", "LE67 3FA"),
        ("C82050", "Ibstock House Surgery", "LE67 6LH"),
    )),
    ("U60118", "Ashby and Measham PCN", (
        ("C82051", "Ashby Health Centre", "LE65 1DB"),
        ("C82052", "Measham Medical Unit", "DE12 7HR"),
    )),
    ("U60119", "Castle Donington and Kegworth PCN", (
        ("C82053", "Castle Donington Surgery", "DE74 2LR"),
        ("C82054", "Kegworth Medical Centre", "DE74 2DA"),
    )),
    # South Leicestershire
    ("U60120", "Oadby and Wigston PCN", (
        ("C82055", "Oadby Central Surgery", "LE2 5BR"),
        ("C82056", "Wigston Central Surgery", "LE18 1AE"),
        ("C82057", "South Wigston Health Centre", "LE18 4SE"),
        ("C82058", "Brocks Hill Surgery", "LE2 5HZ"),
    )),
    ("U60121", "North Blaby PCN", (
        ("C82059", "Glenfield Surgery", "LE3 8DG"),
        ("C82060", "Enderby Medical Centre", "LE19 4AD"),
        ("C82061", "Narborough Health Centre", "LE19 2DN"),
    )),
    ("U60122", "South Blaby and Lutterworth PCN", (
        ("C82062", "Countesthorpe Health Centre", "LE8 5QS"),
        ("C82063", "Wycliffe Medical Practice", "LE17 4EB"),
        ("C82064", "Broughton Astley Surgery", "LE9 6RB"),
    )),
    ("U60123", "Market Harborough and Villages PCN", (
        ("C82065", "Market Harborough Medical Centre", "LE16 7BT"),
        ("C82066", "Husbands Bosworth Surgery", "LE17 6LA"),
        ("C82067", "Billesdon Surgery", "LE7 9AE"),
    )),
    # Melton and Rutland
    ("U60124", "Melton, Syston and Vale PCN", (
        ("C82068", "Latham House Medical Practice", "LE13 1PB"),
        ("C82069", "Long Clawson Medical Practice", "LE14 4PB"),
        ("C82070", "Asfordby Surgery", "LE14 3SA"),
    )),
    ("U60125", "Rutland Health PCN", (
        ("C82071", "Oakham Medical Practice", "LE15 6DG"),
        ("C82072", "Uppingham Surgery", "LE15 9TE"),
        ("C82073", "Empingham Medical Centre", "LE15 8PY"),
        ("C82074", "Ryhall Surgery", "PE9 4HZ"),
    )),
    ("U60126", "Bottesford and Belvoir PCN", (
        ("C82075", "Bottesford Medical Centre", "NG13 0AE"),
        ("C82076", "Waltham on the Wolds Surgery", "LE14 4AA"),
    )),
)

_CITY_EAST = ("Aegis PCN", "Belgrave and Spinney Hill PCN", "City Care Alliance PCN")
_CITY_WEST = ("Fosse PCN", "Millennium PCN", "Beaumont Leys PCN")
_CITY_CENTRAL = ("Leicester Central PCN", "Leicester City and University PCN", "Salutem PCN")
_CHARNWOOD = ("North Charnwood PCN", "Soar Valley PCN", "Carillon PCN", "Watermead PCN")
_HINCKLEY_AND_BOSWORTH = ("Hinckley Central PCN", "Fosseway PCN", "Bosworth PCN")
_NORTH_WEST_LEICESTERSHIRE = ("Coalville and Ibstock PCN", "Ashby and Measham PCN",
                              "Castle Donington and Kegworth PCN")
_SOUTH_LEICESTERSHIRE = ("Oadby and Wigston PCN", "North Blaby PCN",
                         "South Blaby and Lutterworth PCN", "Market Harborough and Villages PCN")
_MELTON_AND_RUTLAND = ("Melton, Syston and Vale PCN", "Rutland Health PCN",
                       "Bottesford and Belvoir PCN")

# Adult Community Treatment and Recovery teams (Adult Mental Health stream): team name -> PCN names.
COMMUNITY_TREATMENT_AND_RECOVERY_TEAMS = {
    "City East CTR Team": _CITY_EAST,
    "City West CTR Team": _CITY_WEST,
    "City Central CTR Team": _CITY_CENTRAL,
    "Charnwood CTR Team": _CHARNWOOD,
    "Hinckley and Bosworth CTR Team": _HINCKLEY_AND_BOSWORTH,
    "North West Leicestershire CTR Team": _NORTH_WEST_LEICESTERSHIRE,
    "South Leicestershire CTR Team": _SOUTH_LEICESTERSHIRE,
    "Melton and Rutland CTR Team": _MELTON_AND_RUTLAND,
}

# Older people's community mental health teams (Older People stream): team name -> PCN names.
OLDER_PEOPLES_TEAMS = {
    "City East Older People's Mental Health Team": _CITY_EAST + ("Leicester Central PCN",),
    "City West Older People's Mental Health Team": _CITY_WEST + (
        "Leicester City and University PCN", "Salutem PCN"),
    "Charnwood Older People's Mental Health Team": _CHARNWOOD,
    "West Leicestershire Older People's Mental Health Team":
        _HINCKLEY_AND_BOSWORTH + _NORTH_WEST_LEICESTERSHIRE,
    "South Leicestershire Older People's Mental Health Team": _SOUTH_LEICESTERSHIRE,
    "Melton and Rutland Older People's Mental Health Team": _MELTON_AND_RUTLAND,
}

# Teams that cover every PCN in LLR: team name -> stream. Every stream triage may choose
# has a team, so a referral of any stream can be booked in the demo (added at the end, so
# the practitioners' demo names, numbered in this order, stay as they were).
LLR_WIDE_TEAMS = {
    "LLR Community Learning Disabilities Team": Stream.LD,
    "LLR Community CAMHS Team": Stream.CAMHS,
    "LLR Memory Assessment Service": Stream.MHSOP_MEMORY,
    "LLR Specialist Services Team": Stream.SPECIALIST,
    "LLR Mixed Specialty Assessment Team": Stream.MIXED,
}

# The make-up of every demo team: discipline code -> how many practitioners.
TEAM_MAKE_UP = (
    ("nurse", 2),
    ("consultant_psychiatrist", 1),
    ("psychologist", 1),
    ("occupational_therapist", 1),
    ("social_worker", 1),
    ("support_worker", 1),
    ("healthcare_support_worker", 1),
    ("peer_support_worker", 1),
)

# Practitioner n is FIRST_NAMES[n % 25] LAST_NAMES[n % 31]: as 25 and 31 share
# no factor, the first 775 names are all different.
FIRST_NAMES = (
    "Amelia", "Rajesh", "Sarah", "Imran", "Claire", "Tomasz", "Hannah", "Priya", "James",
    "Fatima", "David", "Grace", "Mohammed", "Emma", "Daniel", "Aisha", "Richard", "Sophie",
    "Harjit", "Laura", "Michael", "Nadia", "Peter", "Rebecca", "Oliver",
)
LAST_NAMES = (
    "Smith", "Patel", "Jones", "Mistry", "Taylor", "Khan", "Brown", "Chauhan", "Wilson",
    "Begum", "Evans", "Parmar", "Thompson", "Hussain", "Walker", "Lad", "Wright", "Kaur",
    "Robinson", "Ali", "Hughes", "Shah", "Green", "Ahmed", "Hall", "Solanki", "Clarke",
    "Singh", "Cooper", "Mahmood", "Ward",
)

# Every PART_TIME_EVERY-th practitioner works Monday to Wednesday only.
PART_TIME_EVERY = 7
FULL_TIME_DAYS = (0, 1, 2, 3, 4)
PART_TIME_DAYS = (0, 1, 2)
WORKING_DAY = ("09:00", "17:00")

# One login per role: (group, username, first name, last name).
DEMO_USERS = (
    (roles.CALL_HANDLER, "call.handler", "Jade", "Morris"),
    (roles.TRIAGE_CLINICIAN, "triage.clinician", "Anita", "Desai"),
    (roles.ADMIN_TEAM, "admin.team", "Paul", "Barnes"),
    (roles.MANAGER, "manager", "Karen", "Mitchell"),
    (roles.PRACTITIONER, "practitioner", "Sunita", "Mistry"),
    (roles.COMMUNITY_KNOWLEDGE_OFFICER, "knowledge.officer", "Tom", "Fletcher"),
    (roles.URGENT_CARE_HUB_STAFF, "hub.staff", "Grace", "Adebayo"),
    (roles.CALDICOTT_GUARDIAN, "caldicott.guardian", "Margaret", "Hughes"),
)

# The demo's system that sends referrals through the API: (name, contact). It has no
# login; `manage.py api_client_rotate "<name>"` prints a token for it.
DEMO_API_CLIENT = ("GP practice system: EMIS (demo)", "LLR primary care IT service desk, 0116 496 0999")

# The practitioner record the `practitioner` login is: (discipline, team).
DEMO_PRACTITIONER_USERNAME = "practitioner"
DEMO_PRACTITIONER_ROLE = ("nurse", "City East CTR Team")

# (category, name, organisation, area, phone, description)
COMMUNITY_SERVICES = (
    ("Crisis cafe", "The Neville Centre crisis cafe", "The Neville Centre",
     "Leicester City", "0116 496 0001",
     "Evening drop-in for adults in emotional distress; no referral needed."),
    ("Crisis cafe", "Loughborough crisis cafe", "Loughborough Wellbeing Centre",
     "Charnwood", "0116 496 0002",
     "Evening and weekend crisis cafe run with peer support workers."),
    ("Crisis cafe", "Hinckley safe space", "Hinckley Community Hub", "Hinckley and Bosworth",
     "0116 496 0003", "Weekend safe space for people who feel they are reaching crisis."),
    ("Crisis cafe", "Melton Mowbray crisis cafe", "Melton Mind Matters", "Melton and Rutland",
     "0116 496 0004", "Friday and Saturday evening crisis cafe with a quiet room."),
    ("Talking therapies", "Leicester Talking Therapies", "Vita Health Group",
     "LLR", "0116 496 0005",
     "NHS talking therapies for anxiety and depression; people can refer themselves."),
    ("Talking therapies", "Counselling for carers", "Carers Centre Leicestershire and Rutland",
     "LLR", "0116 496 0006", "Six free counselling sessions for unpaid carers."),
    ("Talking therapies", "Bereavement counselling", "LOROS", "LLR", "0116 496 0007",
     "Counselling for adults after the death of someone close."),
    ("Talking therapies", "Student wellbeing counselling", "Loughborough Student Support",
     "Charnwood", "0116 496 0008", "Counselling for students at college and university."),
    ("Housing", "Shelter Leicester", "Shelter", "Leicester City", "0116 496 0009",
     "Advice on homelessness, eviction and disrepair."),
    ("Housing", "Housing Options", "Leicester City Council", "Leicester City", "0116 496 0010",
     "The council's service for people who are homeless or about to be."),
    ("Housing", "Action Homeless day centre", "Action Homeless", "Leicester City",
     "0116 496 0011", "Day centre with meals, showers and housing support."),
    ("Housing", "Rutland housing advice", "Rutland County Council", "Rutland", "0116 496 0012",
     "Housing advice and homelessness prevention for Rutland residents."),
    ("Benefits advice", "Citizens Advice LeicesterShire", "Citizens Advice",
     "Leicester and Leicestershire", "0116 496 0013",
     "Free advice on benefits, debt, work and housing."),
    ("Benefits advice", "Welfare rights service", "Leicestershire County Council",
     "Leicestershire", "0116 496 0014",
     "Help to claim Personal Independence Payment and Universal Credit."),
    ("Benefits advice", "Citizens Advice Rutland", "Citizens Advice", "Rutland", "0116 496 0015",
     "Benefits and debt advice, including home visits for people who cannot travel."),
    ("Benefits advice", "Money advice drop-in", "Leicester Money Advice Network",
     "Leicester City", "0116 496 0016", "Weekly drop-in for debt and budgeting advice."),
    ("Peer support", "Recovery college", "Leicestershire Partnership NHS Trust", "LLR",
     "0116 496 0017", "Free courses on recovery and wellbeing, co-produced with people "
     "with lived experience."),
    ("Peer support", "Hearing voices group", "Mind Leicester", "Leicester City", "0116 496 0018",
     "Fortnightly peer group for people who hear voices."),
    ("Peer support", "Men's mental health group", "Andy's Man Club Leicester", "Leicester City",
     "0116 496 0019", "Monday evening peer support group for men over 18."),
    ("Peer support", "Bipolar support group", "Bipolar UK", "LLR", "0116 496 0020",
     "Monthly peer support for people living with bipolar and their families."),
    ("Loneliness and isolation", "Befriending service", "Age UK Leicester Shire and Rutland",
     "LLR", "0116 496 0021", "Weekly visits or phone calls from a volunteer befriender."),
    ("Loneliness and isolation", "Community connectors", "Voluntary Action LeicesterShire",
     "Leicestershire", "0116 496 0022",
     "Helps people find local groups and activities and go along the first time."),
    ("Loneliness and isolation", "Memory cafe", "Alzheimer's Society Leicestershire", "LLR",
     "0116 496 0023", "Monthly cafe for people living with dementia and their carers."),
    ("Loneliness and isolation", "Rutland good neighbours", "Rutland Community Spirit",
     "Rutland", "0116 496 0024", "Volunteers who help with shopping, lifts and company."),
    ("Addiction", "Turning Point Leicester", "Turning Point", "Leicester City", "0116 496 0025",
     "Drug and alcohol treatment and recovery for adults."),
    ("Addiction", "Leicestershire drug and alcohol service", "Turning Point",
     "Leicestershire and Rutland", "0116 496 0026",
     "Drug and alcohol support across the county and Rutland."),
    ("Addiction", "Gambling support", "GamCare", "LLR", "0116 496 0027",
     "Free support for people harmed by gambling and their families."),
    ("Healthy lifestyle", "First Contact Plus", "Leicestershire County Council", "Leicestershire",
     "0116 496 0028", "One number for help with health, wellbeing and money in the county."),
    ("Healthy lifestyle", "Live Well Leicester", "Leicester City Council", "Leicester City",
     "0116 496 0029", "Stop smoking, weight management and physical activity support."),
    ("Healthy lifestyle", "Walking for health", "Active Together", "LLR", "0116 496 0030",
     "Free short led walks for people who want to be more active."),
)

# The login that logs the demo referrals, as the admin team logs written referrals.
DEMO_REFERRALS_LOGGED_BY = "admin.team"

# Written referrals awaiting triage, so the worklist has something in it.
# hours_ago is how long before the command runs the referral was received.
DEMO_REFERRALS = (
    {"given_name": "Asha", "family_name": "Patel", "date_of_birth": "1984-03-15",
     "postcode": "LE2 7LX", "gp_ods_code": "C82001", "referrer_name": "Dr Helen Shaw",
     "hours_ago": 2, "referrer_urgency": "routine",
     "reason": "Low mood for three months, stopped working, sleeping poorly. Requests assessment.",
     "referrer_risk": "Passive thoughts of death, no plans; lives with partner."},
    {"given_name": "Gareth", "family_name": "Williams", "date_of_birth": "1969-11-02",
     "postcode": "LE11 2PH", "gp_ods_code": "C82034", "referrer_name": "Dr Owen Price",
     "hours_ago": 6, "referrer_urgency": "urgent",
     "reason": "Increasing paranoia since stopping his medication; family worried.",
     "referrer_risk": "Not eating; has barricaded the door of his flat."},
    {"given_name": "Lucy", "family_name": "Baxter", "date_of_birth": "2001-06-21",
     "postcode": "LE1 7RH", "gp_ods_code": "C82023", "referrer_name": "Dr Meera Joshi",
     "hours_ago": 20, "referrer_urgency": "routine",
     "reason": "Panic attacks most days, avoiding lectures. Tried self-help without benefit.",
     "referrer_risk": ""},
    {"given_name": "Marjorie", "family_name": "Holt", "date_of_birth": "1941-08-30",
     "postcode": "LE15 6DG", "gp_ods_code": "C82071", "referrer_name": "Dr Simon Hale",
     "hours_ago": 27, "referrer_urgency": "routine",
     "reason": "Forgetful for a year, got lost driving home. Daughter asks for a memory assessment.",
     "referrer_risk": "Still driving."},
    {"given_name": "Yusuf", "family_name": "Rahman", "date_of_birth": "1992-01-09",
     "postcode": "LE5 3GH", "gp_ods_code": "C82005", "referrer_name": "Dr Farah Qureshi",
     "hours_ago": 36, "referrer_urgency": "urgent",
     "reason": "Flashbacks and nightmares after an assault last year; drinking to get to sleep.",
     "referrer_risk": "Alcohol use increasing."},
    {"given_name": "Deborah", "family_name": "Knight", "date_of_birth": "1958-04-17",
     "postcode": "LE18 1AE", "gp_ods_code": "C82056", "referrer_name": "Dr Andrew Lowe",
     "hours_ago": 44, "referrer_urgency": "very_urgent",
     "reason": "Depression has come back after a bereavement; known to services in 2019.",
     "referrer_risk": "Hopeless at her last appointment; may be stockpiling tablets."},
)

# Written referrals already triaged for an urgent assessment that is now at risk or
# overdue, so the breach watcher has alerts for the dashboard and the notification centre.
# The 4-hour and 24-hour assessment clocks run 24/7 from receipt and are at risk once 75%
# of the time has gone (or with an hour left): received 19 and 21 hours ago, the 24-hour
# assessment is at risk; 30 hours ago, it is overdue; 6 hours ago, so is the 4-hour one.
# Their people take the demo NHS numbers after those of DEMO_REFERRALS.
DEMO_OVERDUE_REFERRALS = (
    {"given_name": "Priya", "family_name": "Chauhan", "date_of_birth": "1996-09-12",
     "postcode": "LE4 6PN", "gp_ods_code": "C82006", "referrer_name": "Dr Rachel Moore",
     "hours_ago": 19, "referrer_urgency": "urgent",
     "reason": "Not slept for four nights, talking fast, spending money she does not have.",
     "referrer_risk": "Driving erratically; partner at work all day."},
    {"given_name": "Tom", "family_name": "Ellis", "date_of_birth": "1978-02-25",
     "postcode": "LE11 3TU", "gp_ods_code": "C82036", "referrer_name": "Dr Neil Carter",
     "hours_ago": 21, "referrer_urgency": "urgent",
     "reason": "Severe low mood since losing his job; has stopped eating properly.",
     "referrer_risk": "Says his family would be better off without him; no plan."},
    {"given_name": "Carol", "family_name": "Dunmore", "date_of_birth": "1963-12-03",
     "postcode": "LE10 2SE", "gp_ods_code": "C82042", "referrer_name": "Dr Imran Saleem",
     "hours_ago": 30, "referrer_urgency": "urgent",
     "reason": "Hearing voices telling her she is being watched; not leaving the house.",
     "referrer_risk": "Has stopped her medication; lives alone."},
    {"given_name": "Kieran", "family_name": "Walsh", "date_of_birth": "1988-07-19",
     "postcode": "LE19 4AD", "gp_ods_code": "C82060", "referrer_name": "Dr Sophie Grant",
     "hours_ago": 6, "referrer_urgency": "very_urgent",
     "reason": "Seen after an overdose last night; medically fit, refusing follow-up.",
     "referrer_risk": "Continuing thoughts of ending his life; access to tablets."},
)

# Valid demo NHS numbers start 999, a range no real person has.
DEMO_NHS_NUMBER_PREFIX = "999"

# People known to services (an open episode with a team), so a call handler's search
# shows a team and care coordinator. NHS numbers start 998, kept apart from the referrals.
DEMO_KNOWN_NHS_NUMBER_PREFIX = "998"
DEMO_KNOWN_PEOPLE = (
    {"given_name": "Leah", "family_name": "Moss", "date_of_birth": "1999-01-30",
     "postcode": "LE3 0QP", "gp_ods_code": "C82010", "team": "City West CTR Team",
     "opened_on": "2026-02-02"},
    {"given_name": "Peter", "family_name": "Whitmore", "date_of_birth": "1961-08-02",
     "postcode": "LE11 3AB", "gp_ods_code": "C82034", "team": "Charnwood CTR Team",
     "opened_on": "2025-10-14"},
    {"given_name": "Iris", "family_name": "Campbell", "date_of_birth": "1938-12-11",
     "postcode": "LE18 2BT", "gp_ods_code": "C82056",
     "team": "South Leicestershire Older People's Mental Health Team",
     "opened_on": "2026-06-20"},
)

# The login that records the demo arrivals at the Urgent Care Hub.
DEMO_HUB_STAFF = "hub.staff"

# People at the Urgent Care Hub: one waiting (a name only, brought by the police), one being
# assessed, one assessed within the 2 hours. minutes_ago is how long before the command
# runs they arrived; assessed_after, how long their assessment took from arrival.
DEMO_HUB_ARRIVALS = (
    {"given_name": "Ryan", "family_name": "Cooper", "minutes_ago": 40, "route": "police",
     "accompanied_by": "Two police officers",
     "presenting_concern": "Found on a bridge parapet by the police; agreed to come to the hub. "
                           "Will give his name only."},
    {"given_name": "Shanice", "family_name": "Green", "date_of_birth": "1990-05-04",
     "postcode": "LE4 9HA", "minutes_ago": 95, "route": "ambulance", "accompanied_by": "Her sister",
     "presenting_concern": "Took ten paracetamol four hours ago; medically cleared by the crew. "
                           "Says she feels unsafe at home.", "started": True},
    {"given_name": "Martin", "family_name": "Hughes", "date_of_birth": "1975-10-22",
     "postcode": "LE2 1TQ", "minutes_ago": 300, "route": "walk_in", "accompanied_by": "",
     "presenting_concern": "Overwhelmed after his partner left; not slept for three days.",
     "assessed_after": 90, "outcome": "safety_plan"},
)
