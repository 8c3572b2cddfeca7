"""What the api_client_* commands share: printing a token once, and a domain error
as a command error."""

from django.core.management.base import BaseCommand

from accounts.services import IssuedCredential


def print_credential(command: BaseCommand, issued: IssuedCredential, done: str) -> None:
    client = issued.client
    command.stdout.write(f"{done} {client.name} (service account {client.user.username}).")
    command.stdout.write("Its token, shown this once (only its hash is kept):")
    command.stdout.write(f"  Authorization: Token {issued.token}")
    command.stdout.write(f"It expires at {client.token_expires_at:%Y-%m-%d %H:%M} UTC; before then run "
                         f'`manage.py api_client_rotate "{client.name}"`.')
