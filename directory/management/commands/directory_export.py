"""Write the directory as Open Referral UK JSON Lines, one service a line."""

from django.core.management.base import BaseCommand

from directory.models import CommunityService
from directory.openreferral import export_services


class Command(BaseCommand):
    help = "Export the directory as Open Referral UK JSON Lines (to standard output or a file)."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="A file to write instead of standard output.")
        parser.add_argument("--active", action="store_true", help="Leave out retired entries.")

    def handle(self, *args, output=None, active=False, **options):
        services = CommunityService.objects.active() if active else CommunityService.objects.all()
        if output:
            with open(output, "w", encoding="utf-8") as f:
                f.writelines(export_services(services))
        else:
            for line in export_services(services):
                self.stdout.write(line, ending="")
