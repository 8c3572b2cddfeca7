"""Revoke an API client's token: every request it sends is refused from now on."""

from django.core.management.base import BaseCommand, CommandError

from accounts.services import api_client_revoke
from core.errors import DomainError


class Command(BaseCommand):
    help = "Revoke an API client's token at once (api_client_rotate gives it a new one)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The API client's name, as api_client_add was given it.")

    def handle(self, *args, name, **options):
        try:
            client = api_client_revoke(actor=None, name=name)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"Revoked the token of {client.name}: its requests are refused from now on.")
