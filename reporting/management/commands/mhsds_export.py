"""Write a month's referrals, care contacts and wait targets as MHSDS-shaped CSV files."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from reporting import mhsds
from reporting.services import mhsds_export_write

# The account a run without --by is logged as: it cannot sign in (no password, not active).
EXPORT_ACCOUNT = "mhsds.export"


class Command(BaseCommand):
    help = ("Export a month (Europe/London) as CSV files named after MHSDS tables, "
            "with MHSDS data item names as headers.")

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="The month, as YYYY-MM (2026-11).")
        parser.add_argument("--out", default=".", help="The folder to write the files to (default: here).")
        parser.add_argument("--by", default="", metavar="USERNAME",
                            help="Who runs the export: each person in it is logged as read by them "
                                 f"(without it, by the export's own account, {EXPORT_ACCOUNT!r}).")

    def handle(self, *args, month, out, by, **options):
        try:
            first_day = mhsds.month_parse(month)
        except mhsds.InvalidMonth as e:
            raise CommandError(str(e)) from e
        users = get_user_model().objects
        if not by:  # a scheduled run: the reads are logged as the export's own account's
            actor = users.filter(username=EXPORT_ACCOUNT).first()
            if actor is None:
                actor = users.create_user(username=EXPORT_ACCOUNT, password=None, first_name="MHSDS export",
                                          is_active=False)
        else:
            actor = users.filter(username=by, is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user {by!r}: --by names the person running the export.")
        for path in mhsds_export_write(actor=actor, month=mhsds.month_of(first_day), out=Path(out)):
            self.stdout.write(f"Wrote {path}")
