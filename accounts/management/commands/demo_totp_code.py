import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_TOTP_SECRET, refusal


class Command(BaseCommand):
    help = "Print the current two-step code of the demo coaches and admin (development only)."

    def handle(self, *args, **options):
        problem = refusal()
        if problem:
            raise CommandError(problem)
        counter = int(time.time()) // 30
        self.stdout.write(format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter)))
