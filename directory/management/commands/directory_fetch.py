"""Read another directory's Open Referral UK API into the directory, as directory_import
reads a file. With no address, reads each feed of DIRECTORY_FEEDS."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from directory.feeds import FeedError, configured_feeds, feed_import


class Command(BaseCommand):
    help = "Fetch the services of Open Referral UK APIs (the address of each, or DIRECTORY_FEEDS)."

    def add_arguments(self, parser):
        parser.add_argument("urls", nargs="*", help="The API's address, such as https://example.org/api/v3.")
        parser.add_argument("--as", dest="username", help="The user the history names (default: none).")

    def handle(self, *args, urls=(), username=None, **options):
        actor = None
        if username:
            actor = get_user_model().objects.filter(username=username).first()
            if actor is None:
                raise CommandError(f"No user {username!r}.")
        urls = list(urls) or configured_feeds()
        if not urls:
            raise CommandError("Give the address of an Open Referral UK API, or set DIRECTORY_FEEDS.")
        failed = 0
        for url in urls:
            try:
                report = feed_import(actor=actor, base_url=url)
            except FeedError as error:
                self.stderr.write(f"{url}: not read: {error}")
                failed += 1
                continue
            for line in (*report.problems, *report.links_dropped, *report.notes):
                self.stderr.write(f"{url} {line}")
            self.stdout.write(f"{url}: {report.created} added, {report.updated} updated, "
                              f"{report.unchanged} unchanged, {len(report.problems)} not loaded, "
                              f"{report.to_categorise} to categorise.")
            failed += bool(report.problems)
        if failed:
            raise CommandError(f"{failed} feeds not read in full (listed above).", returncode=2)
