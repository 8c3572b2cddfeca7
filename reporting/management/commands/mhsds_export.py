"""Write a month's referrals, care contacts and wait targets as MHSDS-shaped CSV files."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from reporting import mhsds
from reporting.services import mhsds_export_write


class Command(BaseCommand):
    help = ("Export a month (Europe/London) as CSV files named after MHSDS tables, "
            "with MHSDS data item names as headers.")

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="The month, as YYYY-MM (2026-11).")
        parser.add_argument("--out", default=".", help="The folder to write the files to (default: here).")
        parser.add_argument("--by", required=True, metavar="USERNAME",
                            help="Who runs the export: each person in it is logged as read by them.")

    def handle(self, *args, month, out, by, **options):
        try:
            first_day = mhsds.month_parse(month)
        except mhsds.InvalidMonth as e:
            raise CommandError(str(e)) from e
        actor = get_user_model().objects.filter(username=by, is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user {by!r}: --by names the person running the export.")
        for path in mhsds_export_write(actor=actor, month=mhsds.month_of(first_day), out=Path(out)):
            self.stdout.write(f"Wrote {path}")
