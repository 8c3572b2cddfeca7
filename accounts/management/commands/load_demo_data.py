"""Load demo data for Leicester, Leicestershire and Rutland: Primary Care
Networks and GP practices, teams and their practitioners, the community
directory, one login per role, a few referrals awaiting triage and a few whose
urgent assessment is at risk or overdue, with the breach watcher's alerts, and people
at the Urgent Care Hub.

Running it again adds nothing twice: every row is found by its natural key
(PCN code, ODS code, team name, practitioner name and discipline, username,
a demo person's NHS number) before it is created. The data is in accounts/demo_data.py."""

from datetime import date, time, timedelta
from itertools import islice

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import demo_data, roles, two_factor
from accounts.models import ApiClient
from accounts.services import api_client_add
from adjustments.demo import load_demo_adjustments
from cap.models import CallOutcome, Enquiry, GPPractice, PrimaryCareNetwork, Referral, ServiceUser
from cap.services import Call, Caller, PersonDetails, Referrer, call_log, referral_log_written
from cap.validators import nhs_number_is_valid
from careplans.demo import load_care_plans
from careplans.models import Episode
from directory.demo import load_directory
from hub.demo import load_hub_arrivals
from scheduling.demo import load_clinic_rooms, triage_demo_referrals_for_booking
from scheduling.models import Discipline, Practitioner, Team, WorkingPattern
from triage import services as triage_services
from triage.models import Stream


class Command(BaseCommand):
    help = "Load demo LLR data and one login per role (password in accounts/demo_data.py)."

    def add_arguments(self, parser):
        parser.add_argument("--allow-production", action="store_true",
                            help="Run even when DEBUG is off. The demo logins have a published "
                                 "password: never use this on a live system.")

    def handle(self, *args, allow_production=False, **options):
        refuse_unless_debug(allow_production)
        with transaction.atomic():
            load_primary_care_networks()
            load_teams()
            load_team_practitioners()
            load_clinic_rooms()
            load_directory()
            users = load_demo_users()
            link_practitioner_login(users[demo_data.DEMO_PRACTITIONER_USERNAME])
            load_demo_referrals(actor=users[demo_data.DEMO_REFERRALS_LOGGED_BY])
            triage_demo_referrals_for_booking(clinician=users["triage.clinician"])
            load_demo_adjustments(actor=users["triage.clinician"])
            load_overdue_demo_referrals(actor=users[demo_data.DEMO_REFERRALS_LOGGED_BY],
                                        clinician=users["triage.clinician"])
            load_known_people(actor=users[demo_data.DEMO_REFERRALS_LOGGED_BY])
            load_demo_calls(call_handler=users["call.handler"])
            load_care_plans(practitioner_user=users[demo_data.DEMO_PRACTITIONER_USERNAME])
            load_hub_arrivals(staff=users[demo_data.DEMO_HUB_STAFF])
            load_demo_api_client()
        self.stdout.write(demo_logins_table())
        self.stdout.write(demo_api_client_note())


def refuse_unless_debug(allow_production: bool) -> None:
    # The demo logins share a password anyone can read in the source.
    if not (settings.DEBUG or allow_production):
        raise CommandError("load_demo_data creates logins with a published password, so it runs "
                           "only with DEBUG on. Pass --allow-production to run it anyway.")


# Primary Care Networks and GP practices

def load_primary_care_networks() -> None:
    for code, name, practices in demo_data.PRIMARY_CARE_NETWORKS:
        pcn, _ = PrimaryCareNetwork.objects.get_or_create(code=code, defaults={"name": name})
        for ods_code, practice_name, postcode in practices:
            line_1, town = demo_data.demo_practice_address(practice_name, postcode)
            practice, _ = GPPractice.objects.get_or_create(
                ods_code=ods_code, defaults={"name": practice_name, "pcn": pcn, "postcode": postcode})
            if not practice.address_line_1:  # a database loaded before practices had addresses
                practice.address_line_1, practice.town = line_1, town
                practice.save(update_fields=["address_line_1", "town"])


# Teams

def demo_teams() -> list[tuple[str, str, tuple[str, ...] | None]]:
    """(team name, stream, PCN names) for every demo team; None means every PCN."""
    return [
        *[(name, Stream.AMH, pcns)
          for name, pcns in demo_data.COMMUNITY_TREATMENT_AND_RECOVERY_TEAMS.items()],
        *[(name, Stream.MHSOP, pcns) for name, pcns in demo_data.OLDER_PEOPLES_TEAMS.items()],
        *[(name, stream, None) for name, stream in demo_data.LLR_WIDE_TEAMS.items()],
    ]


def load_teams() -> None:
    for name, stream, pcn_names in demo_teams():
        team, _ = Team.objects.get_or_create(name=name, defaults={"specialty": stream})
        pcns = PrimaryCareNetwork.objects.all()
        if pcn_names is not None:
            pcns = pcns.filter(name__in=pcn_names)
        team.pcns.add(*pcns)


# Practitioners and their working patterns

def team_roster() -> list[tuple[str, str]]:
    """(team name, discipline code) for every post in every demo team, in a fixed order."""
    return [(team, code)
            for team, _, _ in demo_teams()
            for code, count in demo_data.TEAM_MAKE_UP
            for _ in range(count)]


def demo_practitioner_name(n: int) -> str:
    first, last = demo_data.FIRST_NAMES, demo_data.LAST_NAMES
    return f"{first[n % len(first)]} {last[n % len(last)]}"


def load_team_practitioners() -> None:
    disciplines = {d.code: d for d in Discipline.objects.all()}
    teams = {t.name: t for t in Team.objects.all()}
    for n, (team_name, code) in enumerate(team_roster()):
        part_time = n % demo_data.PART_TIME_EVERY == demo_data.PART_TIME_EVERY - 1
        place_practitioner(demo_practitioner_name(n), disciplines[code], teams[team_name],
                           demo_data.PART_TIME_DAYS if part_time else demo_data.FULL_TIME_DAYS)


def place_practitioner(name: str, discipline: Discipline, team: Team, weekdays) -> Practitioner:
    practitioner, _ = Practitioner.objects.get_or_create(name=name, discipline=discipline)
    practitioner.teams.add(team)
    give_working_pattern(practitioner, weekdays)
    return practitioner


def give_working_pattern(practitioner: Practitioner, weekdays) -> None:
    """A 09:00-17:00 session on each weekday; a session someone has since changed is kept."""
    starts, ends = (time.fromisoformat(t) for t in demo_data.WORKING_DAY)
    for weekday in weekdays:
        WorkingPattern.objects.get_or_create(practitioner=practitioner, weekday=weekday,
                                             defaults={"starts": starts, "ends": ends})


# Logins

def load_demo_users() -> dict:
    """One login per role, keyed by username."""
    return {username: demo_user(group, username, first, last)
            for group, username, first, last in demo_data.DEMO_USERS}


def demo_user(group_name: str, username: str, first_name: str, last_name: str):
    user, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": first_name, "last_name": last_name})
    # Reset a changed password so the logins printed at the end always work.
    if not user.check_password(demo_data.DEMO_PASSWORD):
        user.set_password(demo_data.DEMO_PASSWORD)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=group_name))
    # Managers maintain wait targets, closure days and urgency rules in the admin site.
    if group_name == roles.MANAGER and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    give_demo_authenticator(user)
    return user


def give_demo_authenticator(user) -> None:
    """The demo login's authenticator app, with the published demo secret: two-factor
    sign-in stays on for demos too, and anyone can get the code (the README says how)."""
    TOTPDevice.objects.filter(user=user).exclude(key=two_factor.demo_key()).delete()
    TOTPDevice.objects.get_or_create(user=user, key=two_factor.demo_key(),
                                     defaults={"name": two_factor.AUTHENTICATOR, "confirmed": True})


def link_practitioner_login(user) -> None:
    """The `practitioner` login is a nurse in a CTR team, so care plans have someone to show."""
    code, team_name = demo_data.DEMO_PRACTITIONER_ROLE
    practitioner = place_practitioner(user.get_full_name(), Discipline.objects.get(code=code),
                                      Team.objects.get(name=team_name), demo_data.FULL_TIME_DAYS)
    if practitioner.user_id != user.pk:
        practitioner.user = user
        practitioner.save()


def load_demo_api_client() -> None:
    """A referring system, made as any API client is (accounts.services). The token it is
    issued is not printed: the summary's output is the same on every run, and a token is
    shown only once, so the summary says how to get one."""
    name, contact = demo_data.DEMO_API_CLIENT
    if not ApiClient.objects.filter(name=name).exists():
        api_client_add(actor=None, name=name, contact=contact)


def demo_api_client_note() -> str:
    name, _ = demo_data.DEMO_API_CLIENT
    return (f'\nThe API client "{name}" sends referrals as a referring system. For a token '
            f'(printed once), run:\n  python manage.py api_client_rotate "{name}"')


# Referrals awaiting triage

def demo_nhs_numbers(prefix=demo_data.DEMO_NHS_NUMBER_PREFIX):
    """Valid NHS numbers in a test range; a stem whose check digit would be 10 is skipped."""
    for n in range(10**6):
        stem = f"{prefix}{n:06d}"
        valid = [stem + d for d in "0123456789" if nhs_number_is_valid(stem + d)]
        if valid:
            yield valid[0]


def load_demo_referrals(*, actor) -> None:
    # Only into an empty system: once anyone has logged a referral, demo ones would muddle it.
    if Referral.objects.exists():
        return
    now = timezone.now()
    for details, nhs_number in zip(demo_data.DEMO_REFERRALS, demo_nhs_numbers(), strict=False):
        log_demo_referral(actor=actor, details=details, nhs_number=nhs_number, now=now)


def log_demo_referral(*, actor, details: dict, nhs_number: str, now) -> Referral:
    practice = GPPractice.objects.get(ods_code=details["gp_ods_code"])
    line_1, town = demo_data.demo_home_address(int(nhs_number[-4:]), details["family_name"],
                                               details["postcode"])
    person = PersonDetails(
        given_name=details["given_name"], family_name=details["family_name"],
        date_of_birth=date.fromisoformat(details["date_of_birth"]), postcode=details["postcode"],
        nhs_number=nhs_number, gp_practice=practice, address_line_1=line_1, town=town,
    )
    referrer = Referrer(name=details["referrer_name"], role="GP", organisation=practice.name,
                        ods_code=practice.ods_code)
    return referral_log_written(
        actor=actor, person=person, referrer=referrer, reason=details["reason"],
        referrer_risk=details["referrer_risk"], referrer_urgency=details["referrer_urgency"],
        received_at=now - timedelta(hours=details["hours_ago"]),
    )


# Referrals whose urgent assessment is at risk or overdue

def load_overdue_demo_referrals(*, actor, clinician) -> None:
    """Log and triage each overdue demo referral whose person has none yet, then let the
    breach watcher raise their alerts (and any other due now) with one scan."""
    now = timezone.now()
    numbers = islice(demo_nhs_numbers(), len(demo_data.DEMO_REFERRALS), None)
    logged = 0
    for details, nhs_number in zip(demo_data.DEMO_OVERDUE_REFERRALS, numbers, strict=False):
        if Referral.objects.filter(service_user__nhs_number=nhs_number).exists():
            continue
        referral = log_demo_referral(actor=actor, details=details, nhs_number=nhs_number, now=now)
        triage_services.triage_decision_record(
            actor=clinician, referral=referral, urgency=details["referrer_urgency"],
            outcome="assessment", stream=Stream.AMH,
            rationale="Agree with the GP's urgency: assessment by the crisis team.")
        logged += 1
    # Only after logging some: a second run adds no alerts (and no scan heartbeat).
    if logged:
        triage_services.scan_breaches()


# People known to services

def load_known_people(*, actor) -> None:
    numbers = demo_nhs_numbers(demo_data.DEMO_KNOWN_NHS_NUMBER_PREFIX)
    for details, nhs_number in zip(demo_data.DEMO_KNOWN_PEOPLE, numbers, strict=False):
        person, _ = ServiceUser.objects.get_or_create(nhs_number=nhs_number, defaults={
            "given_name": details["given_name"], "family_name": details["family_name"],
            "date_of_birth": date.fromisoformat(details["date_of_birth"]),
            "postcode": details["postcode"],
            "gp_practice": GPPractice.objects.get(ods_code=details["gp_ods_code"]),
        })
        open_episode(person, Team.objects.get(name=details["team"]), details["opened_on"])


# Calls

DEMO_CRISIS_CALLER = Caller(name="Maya Okafor", relationship="Sister", callback_number="07700 900 982")


def load_demo_calls(*, call_handler) -> None:
    """A call the call handler resolved, and a crisis call passed to urgent triage whose
    caller could not give the person's date of birth or postcode (identity not confirmed),
    so the call list, a call's page and completing an identity have something to show."""
    if Enquiry.objects.filter(caller_name=DEMO_CRISIS_CALLER.name).exists():
        return
    now = timezone.now()
    call_log(actor=call_handler, call=Call(
        started_at=now - timedelta(hours=2), caller_type="public", nature="general_information",
        outcome_kind=CallOutcome.RESOLVED, outcome="Gave the opening hours and the crisis line number",
        caller=Caller(name="Alan Price")))
    call_log(actor=call_handler, call=Call(
        started_at=now - timedelta(minutes=40), caller_type="carer", nature="clinical",
        outcome_kind=CallOutcome.PASSED_TO_TRIAGE, emergency_advised=True,
        details="Says her brother has a plan to end his life tonight; she is with him",
        outcome="Advised 999 if he leaves; transferred to the urgent triage line",
        caller=DEMO_CRISIS_CALLER, risk_indicators=("intent_with_plan",)),
        person=PersonDetails(given_name="Jordan", family_name="", date_of_birth=None, postcode="",
                             identity_confirmed=False))


def open_episode(person: ServiceUser, team: Team, opened_on: str) -> None:
    coordinator = team.practitioners.filter(discipline__code="nurse").order_by("name").first()
    Episode.objects.get_or_create(service_user=person, team=team, closed_on=None, defaults={
        "care_coordinator": coordinator, "opened_on": date.fromisoformat(opened_on)})


# The summary printed at the end

def demo_logins_table() -> str:
    rows = [("Role", "Username", "Password")]
    rows += [(group, username, demo_data.DEMO_PASSWORD)
             for group, username, _, _ in demo_data.DEMO_USERS]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    return "Demo data loaded. Sign in as any of these:\n" + "\n".join(lines)
