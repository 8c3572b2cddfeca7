"""Load Open Referral UK JSON into the directory: every good record, and a line for
each bad one with its line (or position) and id."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from directory.openreferral import import_services


class Command(BaseCommand):
    help = "Import Open Referral UK services (JSON Lines, a JSON list, or a page) into the directory."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The file to read; - reads standard input.")
        parser.add_argument("--as", dest="username", help="The user the history names (default: none).")

    def handle(self, *args, path, username=None, **options):
        actor = None
        if username:
            actor = get_user_model().objects.filter(username=username).first()
            if actor is None:
                raise CommandError(f"No user {username!r}.")
        text = self.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        report = import_services(actor=actor, text=text)
        for problem in report.problems:
            self.stderr.write(str(problem))
        for dropped in report.links_dropped:
            self.stderr.write(str(dropped))
        self.stdout.write(f"{report.created} added, {report.updated} updated, {report.unchanged} unchanged, "
                          f"{len(report.problems)} not loaded.")
        if report.problems:
            raise CommandError(f"{len(report.problems)} records not loaded (listed above).", returncode=2)
