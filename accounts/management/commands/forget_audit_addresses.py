from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.audit import forget_addresses


class Command(BaseCommand):
    help = (
        "Remove the IP address from audit lines older than AUDIT_IP_RETENTION_DAYS (default 90); "
        "the rest of each line is kept. Beat runs it every night."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="Override AUDIT_IP_RETENTION_DAYS for this run.")

    def handle(self, *args, days, **options):
        days = settings.AUDIT_IP_RETENTION_DAYS if days is None else days
        try:
            forgotten = forget_addresses(days=days)
        except ValueError as error:
            raise CommandError(str(error)) from error
        lines = "line" if forgotten == 1 else "lines"
        self.stdout.write(f"Forgot the IP address of {forgotten} audit {lines} older than {days} days.")
