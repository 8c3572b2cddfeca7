"""Add an API client: a system that calls the API, its service account (a referring
system) and its token, printed once."""

from django.core.management.base import BaseCommand, CommandError

from accounts import roles
from accounts.services import api_client_add
from core.errors import DomainError

from ._api_clients import print_credential


class Command(BaseCommand):
    help = 'Add a system that calls the API, such as "GP practice system: EMIS", and print its token once.'

    def add_arguments(self, parser):
        parser.add_argument("name", help='The system, as people know it: "GP practice system: EMIS".')
        parser.add_argument("--contact", required=True,
                            help="Who to tell when its credential is rotated, revoked or misused.")
        parser.add_argument("--role", default=roles.REFERRING_SYSTEM,
                            choices=[system.group for system in roles.SYSTEM_ROLES],
                            help="What the system may do (default: %(default)s).")

    def handle(self, *args, name, contact, role, **options):
        try:
            issued = api_client_add(actor=None, name=name, contact=contact, role=role)
        except DomainError as error:
            raise CommandError(error.message) from error
        print_credential(self, issued, "Added")
