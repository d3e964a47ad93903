from django.core.management.base import BaseCommand, CommandError

from core.encryption import UndecryptableValue
from core.rotation import rotate_all


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value (session notes, check-in notes) under the newest key in "
        "NOTE_ENCRYPTION_KEYS. Put the new key first, keep the old ones after it, run this, then drop the old keys."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction (default 500).")

    def handle(self, *args, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            counts = rotate_all(batch_size=batch_size, log=self.stdout.write)
        except UndecryptableValue as error:
            raise CommandError(
                f"{error} Nothing of the failing batch was written. Is every old key still in the list?"
            ) from error
        self.stdout.write(self.style.SUCCESS(f"Done: {sum(counts.values())} rows re-encrypted."))
