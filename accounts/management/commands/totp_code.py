"""Print the current two-factor code of a demo login, for signing in to a demo without an
authenticator app. Only a device with the published demo secret (accounts/demo_data.py)
is answered: a real account's code never comes from here."""

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo login (only one with the published demo secret)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).order_by("-pk").first()
        if device is None or device.key != two_factor.demo_key():
            raise CommandError(f"{username} is not a demo login with the published demo secret; "
                               "use their authenticator app.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
