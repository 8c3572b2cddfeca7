"""Give an API client a new token, printed once; its old token stops working now."""

from django.core.management.base import BaseCommand, CommandError

from accounts.services import api_client_rotate
from core.errors import DomainError

from ._api_clients import print_credential


class Command(BaseCommand):
    help = "Give an API client a new token (printed once); the old one stops working at once."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The API client's name, as api_client_add was given it.")

    def handle(self, *args, name, **options):
        try:
            issued = api_client_rotate(actor=None, name=name)
        except DomainError as error:
            raise CommandError(error.message) from error
        print_credential(self, issued, "Rotated the token of")
