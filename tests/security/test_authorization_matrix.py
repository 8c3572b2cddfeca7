"""The authorization matrix (tests/security/authorization_matrix.py) run against the CAP:
every URL pattern, as every role and anonymous, with an object the user is involved with
("own") and one they are not ("other"), answers the status the policy names.

One dataset is built once for the module (the demo data and the records it lacks), inside a
transaction rolled back at the end. Each request runs in a savepoint of its own that is
rolled back too, so an empty POST that changes something, or the access row a read writes,
never changes what the next request sees. No browser: one test client per role.

A URL pattern without a row fails, and so does a row naming a URL that no longer exists:
a page or endpoint is added together with its row."""

import copy
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from datetime import time as time_of_day
from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts import demo_data, roles
from cap.models import CallOutcome, Enquiry, GPPractice, Referral, ServiceUser, Task
from cap.public import SENT_SALT
from cap.services import (
    Call,
    Caller,
    PersonDetails,
    Referrer,
    call_log,
    referral_log_written,
    service_user_vulnerable_set,
)
from careplans import selectors as careplan_selectors
from careplans import services as careplans
from careplans.models import Episode, RequestStatus, StepUpNotReason, SupportLevel, TeamAroundMember
from core.fhir import NHS_NUMBER_SYSTEM
from directory.models import CommunityService, Expertise
from hub.models import HubArrival
from letters import services as letters
from messaging import links, replies
from scheduling import services as scheduling
from scheduling.models import Booking, ClinicalReview, Practitioner, Team
from tests.conftest import reference_data_load
from tests.factories import valid_nhs_numbers
from tests.sign_in import second_step_passed
from triage import rota
from triage import services as triage
from triage.accounted import accounted_watch
from triage.models import (
    BreachAlert,
    HuddleItem,
    InformationRequest,
    Notification,
    OutcomeDay,
    TargetDefinition,
    WaitTarget,
)

from .authorization_matrix import ADMIN_GROUP, ANONYMOUS, IDENTITIES, MATRIX

# A letter that parses as a PDF, for the referrals whose letter is downloaded.
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# The admin site's row group is checked at its front page.
ADMIN_PROBE = "admin:index"
OTHER_TEAM = "Melton and Rutland CTR Team"


def url_names(resolver: URLResolver | None = None, namespace: str = "") -> Iterator[str]:
    """Every named URL pattern of the project, namespaced as `reverse` takes it."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace])) if pattern.namespace else namespace
            yield from url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def project_rows() -> set[str]:
    """The row each URL pattern needs: its own name, or the admin site's one group."""
    return {ADMIN_GROUP if name.startswith("admin:") else name for name in url_names()}


# --- The dataset ------------------------------------------------------------------------


@dataclass
class Dataset:
    users: dict[str, User]  # identity -> the user signed in as it
    # URL name -> object ("own", "other" or "-") -> its kwargs (and under "?", a query string)
    kwargs: dict[str, dict[str, dict]]


def pk(obj) -> dict:
    return {"pk": obj.pk}


def own_and_other(own, other, **extra) -> dict[str, dict]:
    return {"own": {**pk(own), **extra}, "other": {**pk(other), **extra}}


def one(obj=None, **kwargs) -> dict[str, dict]:
    return {"-": {**(pk(obj) if obj is not None else {}), **kwargs}}


class Builder:
    """Records made through the services, as the CAP makes them, on top of the demo data."""

    def __init__(self, users: dict[str, User]):
        self.users = users
        self.admin = users[roles.ADMIN_TEAM]
        self.clinician = users[roles.TRIAGE_CLINICIAN]
        self.numbers = valid_nhs_numbers("997")
        self.now = timezone.now()

    def referral(self, family_name: str, team: Team, **details) -> Referral:
        """A written referral of a new person registered with a practice the team covers."""
        person = PersonDetails(nhs_number=next(self.numbers), given_name="Sam", family_name=family_name,
                               date_of_birth=date(1985, 4, 2), postcode="LE5 0AA",
                               gp_practice=GPPractice.objects.filter(pcn__in=team.pcns.all()).first())
        return referral_log_written(actor=self.admin, person=person, reason="Low mood since losing her job",
                                    referrer=Referrer(name="Dr Rachel Moore", role="GP"), **details)

    def triaged(self, referral: Referral, **decision) -> Referral:
        decision = decision or {"outcome": "assessment", "stream": "AMH"}
        triage.triage_decision_record(actor=self.clinician, referral=referral, urgency="routine",
                                      rationale="Clinical reasoning.", **decision)
        return referral

    def booked(self, referral: Referral) -> Booking:
        option = scheduling.options_for(referral=referral).options[0]
        return scheduling.booking_create(actor=self.admin, referral=referral, option_id=option.id)

    def practitioner_user(self, practitioner: Practitioner, username: str) -> User:
        if practitioner.user is None:
            practitioner.user = User.objects.create(username=username)
            practitioner.user.groups.add(Group.objects.get(name=roles.PRACTITIONER))
            practitioner.save()
        return practitioner.user


def identities() -> dict[str, User]:
    users = {role: User.objects.get(username=username) for role, username, _, _ in demo_data.DEMO_USERS}
    for group in (roles.EATING_DISORDERS_TRIAGE, roles.NURSING_HOME_IN_REACH_TRIAGE):
        user = User.objects.create(username=group.lower().replace(" ", "."))
        user.groups.add(Group.objects.get(name=roles.TRIAGE_CLINICIAN), Group.objects.get(name=group))
        users[group] = user
    return users


def build_dataset() -> Dataset:
    reference_data_load()
    with override_settings(DEBUG=True):
        call_command("load_demo_data", stdout=StringIO())
    users = identities()
    b = Builder(users)
    kwargs: dict[str, dict[str, dict]] = {}
    kwargs |= person_records(b)
    kwargs |= triage_work(b)
    kwargs |= booking_work(b)
    kwargs |= everything_else(b)
    return Dataset(users=users, kwargs=kwargs)


def person_records(b: Builder) -> dict[str, dict[str, dict]]:
    """Two people, each referred, booked, open to a team, with a care plan, a team around
    them, step up, an expertise request and a transition planned: "own" is open to the
    demo practitioner's team (City East), "other" to a team in Rutland they have no part in."""
    nurse_user = b.users[roles.PRACTITIONER]
    city_east, rutland = (Team.objects.get(name=demo_data.DEMO_PRACTITIONER_ROLE[1]),
                          Team.objects.get(name=OTHER_TEAM))
    rutland_user = b.practitioner_user(rutland.practitioners.filter(discipline__code="nurse").first(),
                                       "rutland.nurse")
    expertise = Expertise.objects.select_related("practitioner").exclude(
        practitioner__teams__in=[city_east, rutland]).first()
    expert_user = b.practitioner_user(expertise.practitioner, "matrix.expert")
    start = b.now + timedelta(days=2)
    slot = careplans.support_slot_offer(actor=expert_user, starts_at=start,
                                        ends_at=start + timedelta(hours=1))
    # Someone in neither team, in the team around each person.
    helper = (Practitioner.objects.exclude(teams__in=[city_east, rutland])
              .exclude(pk=expertise.practitioner_id).first())
    made = {}
    for side, team, user in (("own", city_east, nurse_user), ("other", rutland, rutland_user)):
        referral = b.triaged(b.referral(side.title() + "ley", team,
                                        attachment=SimpleUploadedFile("letter.pdf", PDF)))
        booking = b.booked(referral)
        person = referral.service_user
        episode = Episode.objects.create(service_user=person, team=team, referral=referral,
                                         opened_on=timezone.localdate())
        plan = careplans.care_plan_start(actor=user, service_user=person)
        careplans.care_plan_contribute(actor=user, care_plan=plan, summary="First plan",
                                       sections={"goals": "Back to work"})
        careplans.team_around_add(actor=user, care_plan=plan, practitioner=helper, involvement="Dietitian")
        made[side] = {
            "referral": referral, "booking": booking, "person": person, "episode": episode,
            "member": TeamAroundMember.objects.get(care_plan=plan, practitioner=helper),
            "step_up": careplans.step_up_start(
                actor=user, service_user=person, reason="deterioration", frequency="daily",
                practitioners=[user.practitioner], checks_confirmed=list(StepUpNotReason.values)),
            "asked": careplans.expertise_request_create(
                actor=user, service_user=person, expertise=expertise, level=SupportLevel.PHONE_ADVICE,
                question="Is this ARFID?"),
            "transition": careplans.transition_plan(
                actor=user, service_user=person, from_team=team,
                to_team=Team.objects.filter(specialty="MHSOP").first(), reason="Memory problems now lead",
                planned_for=timezone.localdate() + timedelta(days=30)),
        }
    own, other = made["own"], made["other"]
    assert careplan_selectors.is_involved(nurse_user, own["person"])
    assert not careplan_selectors.is_involved(nurse_user, other["person"])

    def both(key: str, **extra) -> dict[str, dict]:
        return own_and_other(own[key], other[key], **extra)

    people = both("person")
    return {
        "access:break_glass": {side: {"service_user_id": made[side]["person"].pk} for side in made},
        "cap:record_access_log": people,
        "api:access_log": people,
        "cap:referral": both("referral"),
        "cap:referral_attachment": both("referral"),
        "adjustments:referral_flag": both("referral"),
        "api:referral": both("referral"),
        "fhir_api:patient": people,
        "fhir_api:service_request": both("referral"),
        "fhir_api:patient_search": {side: {"?": f"?identifier={NHS_NUMBER_SYSTEM}|{person.nhs_number}"}
                                    for side, person in ((s, made[s]["person"]) for s in made)},
        **{name: {side: {"?": f"?patient={made[side]['person'].pk}"} for side in made} for name in (
            "fhir_api:service_request_search", "fhir_api:appointment_search", "fhir_api:care_plan_search")},
        "scheduling:booking": both("booking"),
        "scheduling:rebook": both("booking"),
        "scheduling:letter": both("booking"),
        "scheduling:gp_letter": both("booking"),
        "letters:appointment_letter_pdf": both("booking"),
        "letters:gp_letter_pdf": both("booking"),
        "letters:copy_posted": one(letters.letter_pdf_produce(
            actor=b.admin, booking=own["booking"], kind="appointment", fmt="standard", now=b.now)),
        "messaging:appointment": one(token=links.appointment_token(own["booking"])),
        "messaging:reply_read": one(replies.reply_act(booking=None, intent="unclear", channel="text",
                                                      text="Who is this?", received_at=b.now,
                                                      from_number="447700900555", notify_id="matrix")),
        **{name: people for name in (
            "careplans:person", "careplans:contribute", "careplans:other_need_add", "careplans:versions",
            "careplans:share", "careplans:team", "careplans:step_up_start", "careplans:expertise_request_new",
            "careplans:transition_new", "api:care_plan")},
        "careplans:copy": both("person", audience="gp"),
        "careplans:copy_pdf": both("person", audience="gp"),
        "careplans:team_around_end": both("member"),
        "careplans:step_up_end": both("step_up"),
        "careplans:expertise_request": both("asked"),
        "careplans:expertise_request_move": both("asked", to_status=RequestStatus.ACCEPTED),
        "careplans:support_slot_take": both("asked", slot_pk=slot.pk),
        "careplans:episode": both("episode"),
        "careplans:episode_coordinator": both("episode"),
        "careplans:episode_close": both("episode"),
        "careplans:transition": both("transition"),
        "careplans:transition_cancel": both("transition"),
        "careplans:transition_step": both("transition", step="agree"),
        "cap:call": one(Enquiry.objects.filter(channel="phone").order_by("pk").first()),
        **calls_leaving_tasks(b, own["person"], city_east),
    }


def calls_leaving_tasks(b: Builder, person: ServiceUser, team: Team) -> dict[str, dict[str, dict]]:
    """An appointment change for the admin team, and a call routed to the person's team."""
    for kind, to_team in ((CallOutcome.APPOINTMENT_CHANGE, None), (CallOutcome.ROUTED_TO_TEAM, team)):
        call_log(actor=b.users[roles.CALL_HANDLER], service_user=person, team=to_team, call=Call(
            started_at=b.now - timedelta(minutes=5), caller_type="service_user", nature="general_information",
            outcome_kind=kind, outcome="Passed on", caller=Caller(name="Sam Ownley")))
    return {"cap:admin_task_done": one(Task.objects.open().filter(team__isnull=True).order_by("pk").first()),
            "followup:team_task_done": one(Task.objects.open().filter(team=team).first())}


def triage_work(b: Builder) -> dict[str, dict[str, dict]]:
    """A referral awaiting triage, one waiting for information, one on the huddle's agenda,
    one with a physical health check, a child on the children's hub handoff and a referral
    not accounted for; the breach watcher's alerts and the duty manager's notification."""
    rutland = Team.objects.get(name=OTHER_TEAM)
    awaiting = b.referral("Waits", rutland)
    asked = b.triaged(b.referral("Askew", rutland), outcome="information_request",
                      information_from="referrer", information_needed="Current medication")
    huddled = b.triaged(b.referral("Huddleston", rutland), outcome="huddle", huddle_question="Which team?")
    checked = b.referral("Checkley", rutland)
    physical = triage.physical_health_check_request(actor=b.clinician, referral=checked, checks_needed="ECG",
                                                    advice_given="See the GP")
    with override_settings(CHILDREN_HUB_ENABLED=True):
        child = referral_log_written(
            actor=b.admin, person=PersonDetails(given_name="Maya", family_name="Khan",
                                                date_of_birth=date(2011, 5, 2), postcode="LE4 6PN"),
            referrer=Referrer(name="Dr Rachel Moore", role="GP"), reason="Withdrawn, not attending school")
    lost = b.referral("Lost", rutland)
    WaitTarget.objects.filter(referral=lost).update(cancelled_at=b.now)
    triage.next_due_refresh(lost)
    accounted_watch(now=b.now)
    triage.scan_breaches()
    item = HuddleItem.objects.select_related("huddle").get(referral=huddled)
    information = InformationRequest.objects.get(referral=asked)
    told = Notification.objects.filter(user=b.users[roles.MANAGER]).order_by("pk").first()
    urgent = Referral.objects.filter(decisions__urgency__in=["urgent", "very_urgent"]).order_by("pk").first()
    # The demo's crisis call whose caller could not give the person's date of birth.
    weeks = f"?start={b.now.date() - timedelta(days=28)}&end={b.now.date()}&period=week"
    unconfirmed = Enquiry.objects.filter(referral__isnull=False,
                                         service_user__date_of_birth__isnull=True).first()
    return {
        "triage:decide": one(awaiting), "queues:claim": one(awaiting), "queues:release": one(awaiting),
        "api:triage": one(awaiting),
        "cap:referral_add_information": one(asked),
        "cap:referral_identity": one(unconfirmed.referral),
        "cap:children_hub_response": one(child),
        "cap:match_review": one(Referral.objects.filter(match_result="possible_match",
                                                        match_reviewed_at__isnull=True).first()),
        "followup:information_chase": one(information),
        "followup:information_receive": one(information),
        "followup:huddle_day": one(day=item.huddle.held_on.isoformat()),
        "followup:huddle_item_discuss": one(item),
        "followup:physical_health_check": one(checked),
        "followup:physical_health_letter": one(physical),
        "followup:urgent_action": one(urgent),
        "triage:figure": one(name="open"),
        "cap:user_access_log": one(b.users[roles.PRACTITIONER]),
        # The calls resolved by the call handler, which once answered 500.
        "triage:performance_figure": {"-": {"?": f"{weeks}&outcome={OutcomeDay.Outcome.RESOLVED}"}},
        "api:performance": {"-": {"?": weeks}},
        "triage:wait_target_change": one(TargetDefinition.objects.order_by("pk").first()),
        "alerts:notification": one(told),
        "alerts:read": one(told),
        "alerts:acknowledge": one(BreachAlert.objects.order_by("pk").first()),
    }


def booking_work(b: Builder) -> dict[str, dict[str, dict]]:
    """A referral awaiting booking with a time the person cannot do and a slot issue, and a
    vulnerable person who did not attend, waiting for a clinical review."""
    rutland = Team.objects.get(name=OTHER_TEAM)
    waiting = b.triaged(b.referral("Waite", rutland))
    unavailable = scheduling.unavailable_time_add(actor=b.admin, referral=waiting, weekday=4,
                                                  starts=time_of_day(13), ends=time_of_day(17),
                                                  note="School run")
    issue = scheduling.slot_issue_raise(referral=waiting, reason="none_within_target", detail="",
                                        target_due_at=None, first_option_at=None, now=b.now)
    missed = b.triaged(b.referral("Misses", rutland))
    service_user_vulnerable_set(actor=b.admin, service_user=missed.service_user, vulnerable=True,
                                reason="Lives alone")
    booking = b.booked(missed)
    scheduling.booking_did_not_attend(actor=b.admin, booking=booking, now=booking.ends_at)
    diary = Practitioner.objects.filter(user__isnull=True).order_by("pk").first()
    own_diary = b.users[roles.PRACTITIONER].practitioner
    away = timezone.localdate() + timedelta(days=200)
    absences = {side: scheduling.diary_absence_record(actor=b.admin, practitioner=p, kind="leave",
                                                      first_day=away, days=3, note="")
                for side, p in (("own", own_diary), ("other", diary))}
    session = scheduling.working_session_add(actor=b.admin, practitioner=diary, weekday=6,
                                             starts=time_of_day(7), ends=time_of_day(8))
    return {
        "scheduling:book": one(waiting), "scheduling:unavailable_time_add": one(waiting),
        "cap:person_vulnerable": one(waiting), "api:options": one(waiting), "api:bookings": one(waiting),
        "scheduling:unavailable_time_change": one(unavailable),
        "scheduling:unavailable_time_remove": one(unavailable),
        "scheduling:slot_issue": one(issue),
        "scheduling:clinical_review": one(ClinicalReview.objects.get(booking=booking)),
        **{name: own_and_other(own_diary, diary) for name in (
            "scheduling:diary", "scheduling:absence_add", "scheduling:working_pattern")},
        "scheduling:absence": own_and_other(absences["own"], absences["other"]),
        "scheduling:working_session_remove": one(session),
        "scheduling:feed": one(token=diary.feed_token),
    }


def everything_else(b: Builder) -> dict[str, dict[str, dict]]:
    service = CommunityService.objects.order_by("pk").first()
    expertise = Expertise.objects.order_by("pk").first()
    arrival = HubArrival.objects.order_by("pk").first()
    return {
        "public:sent": one(signed=signing.dumps("CAP-TEST", salt=SENT_SALT)),
        "public:step": one(name="who"),
        **{name: one(service) for name in ("directory:service", "directory:service_edit",
                                           "directory:service_retire", "directory:service_reinstate",
                                           "directory:service_verify", "directory:service_categorise")},
        "directory:public_service": one(identifier=service.identifier),
        "directory:expertise_edit": one(expertise),
        "directory:expertise_remove": one(expertise),
        **{name: one(arrival) for name in ("hub:arrival", "hub:assessment_start", "hub:assessment_complete")},
        "triage:duty_shift": one(rota.duty_shift_add(
            actor=b.users[roles.MANAGER], manager=b.users[roles.MANAGER],
            starts_at=b.now + timedelta(days=100), ends_at=b.now + timedelta(days=100, hours=12))),
    }


# --- The run ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    url: str
    identity: str
    obj: str
    method: str
    path: str
    expected: int
    actual: int

    def __str__(self) -> str:
        return (f"{self.url} as {self.identity} ({self.obj}): {self.method} {self.path} "
                f"answered {self.actual}, the matrix says {self.expected}")


def request(client: Client, method: str, path: str) -> int:
    # A savepoint rolled back after each request: what an empty POST changed, and the
    # access row a read wrote, are gone before the next request. The cookies are put back
    # too, so signing out (a row of its own) leaves the client signed in for the next.
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        response = client.post(path, {}) if method == "POST" else client.get(path)
        transaction.set_rollback(True)
    client.cookies = cookies
    return response.status_code


def run(dataset: Dataset, names: set[str]) -> list[Outcome]:
    clients = {ANONYMOUS: Client(raise_request_exception=False)}
    for identity in IDENTITIES:
        clients[identity] = Client(raise_request_exception=False)
        # Module-scoped: conftest's force_login, which passes the second step, is not yet
        # in place here, so the step is passed by hand.
        clients[identity].force_login(dataset.users[identity])
        second_step_passed(clients[identity], dataset.users[identity])
    outcomes = []
    for name in sorted(names):
        row = MATRIX[name]
        url = ADMIN_PROBE if name == ADMIN_GROUP else name
        for obj, given in dataset.kwargs.get(url, {"-": {}}).items():
            kwargs = {key: value for key, value in given.items() if key != "?"}
            try:
                path = reverse(url, kwargs=kwargs or None) + given.get("?", "")
            except NoReverseMatch:
                path = "(no address: give it an object in build_dataset)"
            for identity, client in clients.items():
                actual = request(client, row.method, path) if path.startswith("/") else 0
                outcomes.append(Outcome(name, identity, obj, row.method, path, row.expected(identity, obj),
                                        actual))
    return outcomes


@pytest.fixture(scope="module")
def outcomes(django_db_setup, django_db_blocker, tmp_path_factory):
    started = time.monotonic()
    # Every refusal would log a warning with its traceback; the outcomes say it all.
    refusals = logging.getLogger("django.request")
    level, refusals.level = refusals.level, logging.CRITICAL
    try:
        with (django_db_blocker.unblock(),
              override_settings(PRIVATE_MEDIA_ROOT=tmp_path_factory.mktemp("private")),
              transaction.atomic()):
            dataset = build_dataset()
            built = time.monotonic()
            results = run(dataset, set(MATRIX) & project_rows())
            transaction.set_rollback(True)
    finally:
        refusals.level = level
    print(f"\nAuthorization matrix: dataset built in {built - started:.0f} s, "
          f"{len(results)} requests in {time.monotonic() - built:.0f} s")
    return results


def test_the_walk_finds_namespaced_pages_the_api_and_the_admin_site():
    names = set(url_names())
    assert {"home", "cap:referral", "api:care_plan", "followup:huddle_day", "admin:index"} <= names
    assert ADMIN_GROUP in project_rows() and "admin:index" not in project_rows()


def test_every_url_pattern_has_a_row():
    missing = sorted(project_rows() - set(MATRIX))
    assert not missing, "URL patterns with no row in the authorization matrix:\n" + "\n".join(missing)


def test_every_row_names_a_url_that_exists():
    gone = sorted(set(MATRIX) - project_rows())
    assert not gone, "Rows of the authorization matrix naming no URL pattern:\n" + "\n".join(gone)


@pytest.mark.django_db
def test_every_role_gets_what_the_matrix_says(outcomes):
    wrong = [str(o) for o in outcomes if o.actual != o.expected]
    assert not wrong, f"{len(wrong)} of {len(outcomes)} requests answered otherwise:\n" + "\n".join(wrong)


@pytest.mark.django_db
def test_no_request_is_a_server_error(outcomes):
    errors = [str(o) for o in outcomes if o.actual >= 500 or o.actual == 0]
    assert not errors, (f"{len(errors)} server errors (or URLs the dataset gave no object):\n"
                        + "\n".join(errors))


@pytest.mark.django_db
def test_no_role_reaches_what_the_matrix_refuses(outcomes):
    unexpected = [str(o) for o in outcomes if 200 <= o.actual < 300 and not 200 <= o.expected < 300]
    assert not unexpected, f"{len(unexpected)} unexpected 2xx:\n" + "\n".join(unexpected)
