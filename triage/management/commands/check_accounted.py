from django.core.management.base import BaseCommand
from django.utils import timezone

from triage.accounted import accounted_watch, not_accounted_for
from triage.presenters import duration_text


class Command(BaseCommand):
    help = ("Check that every open referral is accounted for (what the Celery beat task does every "
            "5 minutes): print how many are not, and each with its reason. Alerts the duty manager "
            "to those newly not accounted for, as the beat task does. Exits 0, or 1 with --fail "
            "when any referral is not accounted for (for monitoring).")

    def add_arguments(self, parser):
        parser.add_argument("--fail", action="store_true",
                            help="Exit with status 1 when any referral is not accounted for.")
        parser.add_argument("--no-alert", action="store_true",
                            help="Only report: raise and close no alerts.")

    def handle(self, *args, **options):
        now = timezone.now()
        if not options["no_alert"]:
            accounted_watch(now=now)
        found = list(not_accounted_for(now).order_by("received_at", "pk")
                     .values_list("reference", "status", "why", "received_at"))
        self.stdout.write(f"Not accounted for: {len(found)}")
        for reference, status, why, received_at in found:
            waited = duration_text(int((now - received_at).total_seconds() // 60))
            self.stdout.write(f"{reference}\t{status}\t{why}\twaiting {waited}")
        if found and options["fail"]:
            raise SystemExit(1)
