from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand, CommandError

from accounts import two_step_secrets
from core.encryption import UndecryptableValue
from core.rotation import rotate_all, verify_all

TWO_STEP = "two-step sign-in secrets"


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value (intakes, notes, check-ins, goals, messages, reasons) under the newest "
        "key in NOTE_ENCRYPTION_KEYS, each field under its own derived key, and the two-step sign-in secrets under "
        "the newest key in MFA_ENCRYPTION_KEYS. Put the new key first, keep the old ones after it, restart every "
        "process with that list, run this, then --verify, then drop the old keys."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction (default 500).")
        parser.add_argument(
            "--verify",
            action="store_true",
            help="Change nothing: prove that every encrypted value opens with the newest key, and fail otherwise.",
        )

    def handle(self, *args, batch_size, verify, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        if verify:
            return self.verify(batch_size)
        try:
            counts = rotate_all(batch_size=batch_size, log=self.stdout.write)
            counts[TWO_STEP] = two_step_secrets.rotate(Authenticator.objects.all(), batch_size=batch_size)
        except UndecryptableValue as error:
            raise CommandError(
                f"{error} Nothing of the failing batch was written. Is every old key still in the list?"
            ) from error
        self.stdout.write(f"{TWO_STEP}: {counts[TWO_STEP]} authenticators re-encrypted under the newest key")
        self.stdout.write(self.style.SUCCESS(f"Done: {sum(counts.values())} rows re-encrypted."))

    def verify(self, batch_size):
        stale = verify_all(batch_size=batch_size, log=self.stdout.write)
        two_step = two_step_secrets.not_under_newest_key(Authenticator.objects.all())
        self.stdout.write(f"{TWO_STEP}: {two_step} not under the newest key")
        if two_step:
            stale[TWO_STEP] = two_step
        if stale:
            listed = ", ".join(f"{label} ({count})" for label, count in sorted(stale.items()))
            raise CommandError(
                f"{sum(stale.values())} values do not open with the newest key: {listed}. "
                "Run rotate_encryption_keys (without --verify) with every old key still in the list, then verify again."
            )
        self.stdout.write(self.style.SUCCESS("Verified: every encrypted value opens with the newest key."))
