from django.core.management.base import BaseCommand

from triage.services import scan_breaches


class Command(BaseCommand):
    help = "Run one scan for breached wait targets (what the Celery beat task does every minute)."

    def handle(self, *args, **options):
        raised = scan_breaches()
        self.stdout.write(f"Breach scan finished: {raised} new alert(s).")
