from datetime import date
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from access import rules
from accounts import demo_data, roles, two_factor
from accounts.models import ApiClient
from cap.models import GPPractice, PrimaryCareNetwork, Referral, ReferralStatus, ServiceUser
from directory.models import CommunityService
from scheduling.models import Discipline, Practitioner, Team, WorkingPattern
from triage.models import BreachAlert, Stream


def load_demo_data() -> str:
    out = StringIO()
    call_command("load_demo_data", stdout=out)
    return out.getvalue()


def row_counts() -> dict:
    models = (PrimaryCareNetwork, GPPractice, Team, Practitioner, WorkingPattern, CommunityService,
              User, Referral)
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def demo_loaded(db, settings):
    settings.DEBUG = True
    return load_demo_data()


@pytest.mark.django_db
def test_it_adds_nothing_the_second_time(demo_loaded):
    first = row_counts()

    second_output = load_demo_data()

    assert row_counts() == first
    assert second_output == demo_loaded


@pytest.mark.django_db
def test_it_adds_the_demo_api_client_as_a_referring_system_and_says_how_to_get_its_token(demo_loaded):
    name, _ = demo_data.DEMO_API_CLIENT
    client = ApiClient.objects.get(name=name)

    assert [group.name for group in client.user.groups.all()] == [roles.REFERRING_SYSTEM]
    assert f'python manage.py api_client_rotate "{name}"' in demo_loaded


@pytest.mark.django_db
def test_it_loads_the_llr_primary_care_networks_and_teams(demo_loaded):
    assert 24 <= PrimaryCareNetwork.objects.count() <= 28
    assert Team.objects.filter(specialty=Stream.AMH).count() == 8
    assert Team.objects.filter(specialty=Stream.MHSOP).count() == 6
    assert Team.objects.filter(specialty=Stream.LD).count() == 1
    assert Team.objects.filter(specialty=Stream.CAMHS).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("stream", [Stream.AMH, Stream.MHSOP])
def test_every_pcn_belongs_to_exactly_one_team_of_each_stream(demo_loaded, stream):
    for pcn in PrimaryCareNetwork.objects.all():
        assert pcn.teams.filter(specialty=stream).count() == 1, pcn


@pytest.mark.django_db
def test_every_adult_team_has_every_discipline(demo_loaded):
    disciplines = set(Discipline.objects.values_list("code", flat=True))
    for team in Team.objects.filter(specialty=Stream.AMH):
        in_team = set(team.practitioners.values_list("discipline__code", flat=True))
        assert in_team == disciplines, team
        assert team.practitioners.filter(discipline__code="nurse").count() >= 2


@pytest.mark.django_db
def test_every_practitioner_has_a_working_pattern(demo_loaded):
    assert not Practitioner.objects.filter(working_pattern__isnull=True).exists()


@pytest.mark.django_db
def test_there_is_one_demo_login_per_role_in_its_group(demo_loaded):
    for group, username, _, _ in demo_data.DEMO_USERS:
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [group]
        assert User.objects.filter(groups__name=group).count() == 1
        assert username in demo_loaded


@pytest.mark.django_db
def test_each_demo_user_can_sign_in_with_the_demo_password(demo_loaded, client):
    for _, username, _, _ in demo_data.DEMO_USERS:
        # django-axes needs the request to count failed attempts.
        assert client.login(request=HttpRequest(), username=username,
                            password=demo_data.DEMO_PASSWORD), username
        client.logout()


@pytest.mark.django_db
def test_each_demo_login_has_an_authenticator_app_with_the_published_demo_secret(demo_loaded):
    for _, username, _, _ in demo_data.DEMO_USERS:
        device = TOTPDevice.objects.get(user__username=username)
        assert device.confirmed and device.key == two_factor.demo_key()
        out = StringIO()
        call_command("totp_code", username, stdout=out)
        assert len(out.getvalue().strip()) == 6


@pytest.mark.django_db
def test_the_practitioner_login_is_a_practitioner(demo_loaded):
    practitioner = Practitioner.objects.get(user__username="practitioner")
    assert practitioner.teams.exists()


@pytest.mark.django_db
def test_the_triage_worklist_has_demo_referrals(demo_loaded):
    """Every demo referral but the two triaged for the admin team to book, and the demo
    crisis call's."""
    referrals = Referral.objects.filter(status=ReferralStatus.AWAITING_TRIAGE)
    assert referrals.count() == len(demo_data.DEMO_REFERRALS) - 2 + 1
    assert Referral.objects.filter(status=ReferralStatus.AWAITING_BOOKING).count() == 2


@pytest.mark.django_db
def test_it_refuses_to_run_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError):
        call_command("load_demo_data", stdout=StringIO())

    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_runs_without_debug_when_production_is_allowed(settings):
    settings.DEBUG = False

    call_command("load_demo_data", "--allow-production", stdout=StringIO())

    assert User.objects.filter(username="manager").exists()


@pytest.mark.django_db
def test_some_demo_people_are_known_to_services_with_a_care_coordinator(demo_loaded):
    from cap.selectors import people_search

    found = people_search(family_name="Moss", date_of_birth=date(1999, 1, 30))
    [leah] = found
    [episode] = leah.open_episodes
    assert episode.team.name == "City West CTR Team"
    assert episode.care_coordinator.discipline.code == "nurse"


@pytest.mark.django_db
def test_the_admin_team_has_triaged_demo_referrals_to_book_with_options(demo_loaded):
    from scheduling import services
    from scheduling.selectors import booking_queue

    queue = list(booking_queue())
    assert len(queue) == 2
    assert services.options_for(referral=queue[0]).options


@pytest.mark.django_db
def test_the_breach_watcher_has_raised_at_risk_and_breach_alerts_once(demo_loaded):
    breached = BreachAlert.objects.filter(kind="breached")
    # An at-risk alert of a target that has not breached, so the demo shows both states.
    at_risk = BreachAlert.objects.filter(kind="at_risk").exclude(target__in=breached.values("target"))
    first = list(BreachAlert.objects.order_by("pk").values_list("pk", "kind", "queue"))

    load_demo_data()

    assert at_risk.exists()
    assert breached.exists()
    assert list(BreachAlert.objects.order_by("pk").values_list("pk", "kind", "queue")) == first


@pytest.mark.django_db
def test_the_demo_practitioner_has_people_in_their_care_and_people_not(demo_loaded):
    """Both paths can be walked: reading a record in one's care, and breaking the glass."""
    user = User.objects.get(username=demo_data.DEMO_PRACTITIONER_USERNAME)
    now = timezone.now()
    people = list(ServiceUser.objects.all())
    in_care = [p for p in people if rules.care_relationship(user, p, now=now)]
    assert in_care and len(in_care) < len(people)
