from django.core.management.base import BaseCommand

from triage.performance import performance_refresh


class Command(BaseCommand):
    help = "Bring the performance summaries up to date (--rebuild: rebuild every day)."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true")

    def handle(self, *args, rebuild=False, **options):
        days = performance_refresh(rebuild=rebuild)
        self.stdout.write(f"Performance summaries: {days} day(s) rebuilt.")
