"""Factories for reference data and staff. Clinical records (referrals,
decisions, bookings) are made through the services, as the app makes them."""

from datetime import date, time

import factory
from django.contrib.auth.models import Group, User

from cap.models import GPPractice, PrimaryCareNetwork, ServiceUser
from cap.validators import nhs_number_is_valid
from scheduling.models import Discipline, Practitioner, Team, WorkingPattern

PASSWORD = "Correct-horse-battery-9"


def valid_nhs_numbers(prefix: str = "999"):
    """Valid NHS numbers in a range no real person has (999 is reserved for testing)."""
    for n in range(10**6):
        stem = f"{prefix}{n:06d}"
        for check in "0123456789":
            if nhs_number_is_valid(stem + check):
                yield stem + check
                break


_numbers = valid_nhs_numbers()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
        self.save()


class PCNFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrimaryCareNetwork

    code = factory.Sequence(lambda n: f"U{n:05d}")
    name = factory.Sequence(lambda n: f"Test PCN {n}")


class GPPracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GPPractice

    ods_code = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Sequence(lambda n: f"Test Surgery {n}")
    pcn = factory.SubFactory(PCNFactory)
    address_line_1 = "24 Granby Street"
    town = "Leicester"
    postcode = "LE1 6TP"


class ServiceUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceUser

    nhs_number = factory.LazyFunction(lambda: next(_numbers))
    given_name = factory.Faker("first_name", locale="en_GB")
    family_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = date(1980, 5, 17)
    address_line_1 = "12 Church Lane"
    town = "Leicester"
    postcode = "LE2 7LX"
    gp_practice = factory.SubFactory(GPPracticeFactory)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Test CTR Team {n}")
    specialty = "AMH"

    @factory.post_generation
    def pcns(self, create, extracted, **kwargs):
        for pcn in extracted or []:
            self.pcns.add(pcn)


class PractitionerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practitioner
        skip_postgeneration_save = True

    name = factory.Faker("name", locale="en_GB")
    discipline = factory.LazyFunction(lambda: Discipline.objects.get(code="nurse"))

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        for team in extracted or []:
            self.teams.add(team)

    @factory.post_generation
    def weekdays_nine_to_five(self, create, extracted, **kwargs):
        for weekday in range(5):
            WorkingPattern.objects.create(practitioner=self, weekday=weekday,
                                          starts=time(9), ends=time(17))


def api_token(user: User) -> str:
    """A new API token for `user`, as `Authorization: Token <key>` sends it (a knox
    token: the database keeps only its hash). Systems get theirs as API clients
    (accounts.services.api_client_add); tests of a role's API use its persona's."""
    from knox.models import AuthToken

    return AuthToken.objects.create(user=user)[1]
