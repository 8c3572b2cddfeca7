"""A referral letter kept for its form while the rest of the form is corrected.

A browser cannot refill a file input, so when a written referral is refused for another
field the valid PDF would be lost and the admin would have to find it again. Instead it is
saved in private storage under held/, and the form carries a signed token naming it (only
the user who uploaded it, within a day, can use the token: nobody can name another file).
Logging the referral moves the letter to the referral; held letters not used are removed by
`held_uploads_remove_old`."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import User
from django.core import signing
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from .models import private_storage

SALT = "cap.held-upload"
KEPT_FOR = timedelta(days=1)
FOLDER = "held"


@dataclass(frozen=True)
class HeldUpload:
    token: str
    path: str
    name: str

    def open(self) -> File:
        """The letter as an upload for the referral, under the name it was sent with."""
        return File(private_storage.open(self.path, "rb"), name=self.name)


def upload_hold(*, actor: User, upload: UploadedFile) -> HeldUpload:
    path = private_storage.save(f"{FOLDER}/{secrets.token_hex(16)}.pdf", upload)
    name = upload.name or "referral.pdf"
    token = signing.dumps({"path": path, "name": name, "user": actor.pk}, salt=SALT, compress=True)
    return HeldUpload(token, path, name)


def upload_held(*, actor: User, token: str) -> HeldUpload | None:
    """The held letter the token names, if it is this user's, recent and still there."""
    if not token or len(token) > 1000:
        return None
    try:
        data = signing.loads(token, salt=SALT, max_age=KEPT_FOR)
    except signing.BadSignature:
        return None
    if data.get("user") != actor.pk or not str(data.get("path", "")).startswith(f"{FOLDER}/"):
        return None
    if not private_storage.exists(data["path"]):
        return None
    return HeldUpload(token, data["path"], str(data.get("name") or "referral.pdf"))


def upload_release(held: HeldUpload) -> None:
    private_storage.delete(held.path)


def held_uploads_remove_old(*, now=None) -> int:
    """Remove held letters older than KEPT_FOR (their tokens no longer work anyway)."""
    now = now or timezone.now()
    if not private_storage.exists(FOLDER):
        return 0
    removed = 0
    for name in private_storage.listdir(FOLDER)[1]:
        path = f"{FOLDER}/{name}"
        if private_storage.get_modified_time(path) < now - KEPT_FOR:
            private_storage.delete(path)
            removed += 1
    return removed
