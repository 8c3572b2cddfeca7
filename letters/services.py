"""Producing a letter's PDF and recording it as posted."""

import hashlib
from datetime import datetime

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from careplans.models import CarePlanVersion
from core.errors import Conflict
from core.formatting import date_and_time
from core.history import save_as
from scheduling.models import Booking

from .content import CARE_PLAN_KIND, booking_letter_html, care_plan_copy_html
from .models import LetterCopy
from .pdf import html_to_pdf


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def letter_pdf_produce(*, actor: User, booking: Booking, kind: str, fmt: str, now: datetime) -> LetterCopy:
    """The letter of `kind` for `booking` in `fmt` as a stored PDF. The same letter (the
    same HTML: nothing in the booking, the person or the date of the letter changed) asked
    for again is the copy already stored, so one letter is one copy to post."""
    html = booking_letter_html(booking, kind, fmt, timezone.localdate(now))
    return _stored_pdf({"booking": booking, "kind": kind, "format": fmt}, html, actor, now)


def care_plan_copy_pdf_produce(*, actor: User, version: CarePlanVersion, audience: str, fmt: str,
                               now: datetime) -> LetterCopy:
    """The care plan's copy for `audience` ("person" or "gp") as of `version`, as a stored
    PDF: the same copy asked for again is the one already stored."""
    html = care_plan_copy_html(version, audience, fmt, timezone.localdate(now))
    key = {"care_plan_version": version, "kind": CARE_PLAN_KIND[audience], "format": fmt}
    return _stored_pdf(key, html, actor, now)


def _stored_pdf(key: dict, html: str, actor: User, now: datetime) -> LetterCopy:
    """The copy stored for `key` and this HTML, or a new one printed from it.

    The PDF is made before the transaction (WeasyPrint takes a good part of a second,
    too long to hold a lock); two people producing the same letter at once meet at the
    unique constraint, and the second is given the first one's copy."""
    key = key | {"source_sha256": _sha256(html.encode())}
    if stored := LetterCopy.objects.filter(**key).first():
        return stored
    pdf = html_to_pdf(html)
    copy = LetterCopy(**key, pdf=pdf, sha256=_sha256(pdf), produced_by=actor, produced_at=now)
    try:
        with transaction.atomic():
            return save_as(copy, actor)
    except IntegrityError:
        return LetterCopy.objects.get(**key)


@transaction.atomic
def letter_copy_mark_posted(*, actor: User, copy: LetterCopy, now: datetime) -> LetterCopy:
    """Record that the copy went in the post. Once only: a second press (two people, or
    the back button) is refused rather than moving the date the letter was sent."""
    locked = LetterCopy.objects.select_for_update().get(pk=copy.pk)
    if locked.sent_at is not None:
        raise Conflict(f"This letter was already marked as posted on {date_and_time(locked.sent_at)}.")
    locked.sent_at, locked.sent_by = now, actor
    return save_as(locked, actor)
