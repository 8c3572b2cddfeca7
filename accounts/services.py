"""API clients: the systems that call the API, each with one credential.

A client is a service account (a user with no password, so it never signs in to pages)
in a system role, and one knox token for it. The token is shown once, when it is issued;
the database keeps only its hash, so a lost token is rotated, never looked up. Rotating
revokes the old token in the same transaction that issues the new one, so a client never
holds two. See docs/adr/0012."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from knox.models import AuthToken  # type: ignore[import-untyped]

from core.errors import Conflict, Invalid
from core.history import save_as

from . import roles
from .models import ApiClient

# The prefix of every service account's username, so no person's login can be mistaken
# for a system's (or take its name).
SERVICE_ACCOUNT_PREFIX = "system."


@dataclass(frozen=True)
class IssuedCredential:
    client: ApiClient
    token: str  # shown once to whoever issued it; never stored


def api_client_add(*, actor: User | None, name: str, contact: str,
                   role: str = roles.REFERRING_SYSTEM) -> IssuedCredential:
    """A new API client with its service account in `role` (a referring system unless
    said otherwise) and its first token."""
    name, contact = name.strip(), contact.strip()
    _check_details(name, contact, role)
    with transaction.atomic():
        if ApiClient.objects.filter(name__iexact=name).exists():
            raise Conflict(f'There is already an API client called "{name}": rotate its token instead.',
                           field="name")
        user = User(username=_username_for(name), first_name=name[:150])
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=role))
        client = ApiClient(name=name, contact=contact, user=user, created_at=timezone.now(),
                           created_by=actor)
        return _issue(client, actor)


def api_client_rotate(*, actor: User | None, name: str) -> IssuedCredential:
    """A new token for the client; the old one stops working now. A revoked client is
    given back its access this way, with a token nobody has seen before."""
    with transaction.atomic():
        client = _locked(name)
        if not client.user.is_active:
            client.user.is_active = True
            client.user.save(update_fields=["is_active"])
        client.revoked_at = None
        return _issue(client, actor)


def api_client_revoke(*, actor: User | None, name: str) -> ApiClient:
    """The client's token stops working now, and its account cannot be given a new one
    without rotating (which names who did it)."""
    with transaction.atomic():
        client = _locked(name)
        AuthToken.objects.filter(user=client.user).delete()
        client.user.is_active = False
        client.user.save(update_fields=["is_active"])
        if client.revoked_at is None:
            client.revoked_at = timezone.now()
        client.token_expires_at = None
        return save_as(client, actor)


def _issue(client: ApiClient, actor: User | None) -> IssuedCredential:
    """Replace whatever token the client's account holds with a new one (the caller's
    transaction makes the two one change)."""
    AuthToken.objects.filter(user=client.user).delete()
    instance, token = AuthToken.objects.create(user=client.user,
                                               expiry=timedelta(hours=settings.API_TOKEN_TTL_HOURS))
    client.token_issued_at = instance.created
    client.token_expires_at = instance.expiry
    save_as(client, actor)
    return IssuedCredential(client, token)


def _locked(name: str) -> ApiClient:
    client = (ApiClient.objects.select_for_update().select_related("user")
              .filter(name__iexact=name.strip()).first())
    if client is None:
        raise Invalid(f'There is no API client called "{name.strip()}".', field="name")
    return client


def _check_details(name: str, contact: str, role: str) -> None:
    if not name:
        raise Invalid("Give the name of the system, such as \"GP practice system: EMIS\".", field="name")
    if len(name) > ApiClient._meta.get_field("name").max_length:  # type: ignore[operator]
        raise Invalid("Give a name of at most 120 characters.", field="name")
    if not contact:
        raise Invalid("Give a contact for the system: who to tell when its credential changes.",
                      field="contact")
    if len(contact) > ApiClient._meta.get_field("contact").max_length:  # type: ignore[operator]
        raise Invalid("Give a contact of at most 250 characters.", field="contact")
    # A system acts only in a system role: never a person's, whose pages and records it
    # has no business with.
    if role not in {system.group for system in roles.SYSTEM_ROLES}:
        raise Invalid(f'"{role}" is not a role for a system.', field="role")


def _username_for(name: str) -> str:
    stem = SERVICE_ACCOUNT_PREFIX + (slugify(name) or "client")[:100]
    username, n = stem, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{stem}-{n}"
    return username
