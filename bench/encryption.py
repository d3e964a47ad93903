"""How fast are key rotation and its proof? `python bench/encryption.py [--rows 10000]`
(from the project root).

Seeds a throwaway test database with 10,000 complete intakes (23 sealed answers each,
every one under its field's own key), then times, through the real management command:

- `rotate_encryption_keys` after a new key is put first (every value opened with the old
  key and sealed under the new one), target: within 2x of 4.8 s per 10,000 rows;
- `rotate_encryption_keys --verify` afterwards (every value opened with the newest key,
  nothing written), target: the same;
- reading 50 intakes the way the review queue does (each of their answers opened).
"""

import argparse
import io
import os
import sys
import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# A development tool: the settings are production unless told otherwise.
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from cryptography.fernet import Fernet  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402

TARGET_SECONDS_PER_10K = 2 * 4.8
ANSWERS = {
    "preferred_name": "Sam", "pronouns": "they/them", "time_zone": "America/Chicago", "language": "English",
    "phone": "+1 312 555 0100", "emergency_contact": "Jo, +1 312 555 0101", "substances": ["alcohol", "opioids"],
    "substance_other": "", "treatment": "buprenorphine", "treatment_other": "", "goal": "cut_down",
    "goal_in_own_words": "Fewer weeknight drinks, and stay on track with my medication.", "sex": "",
    "audit_c_answers": [2, 1, 1], "audit_c_score": 4, "audit_c_positive": True,
    "dast_answers": [True, False, True, False, False, False, False, False, False, False], "dast_score": 1,
    "dast_band": "Low level", "importance": 8, "confidence": 5, "thoughts_of_self_harm": False,
    "overdose_past_year": False,
}


def seed(rows):
    from accounts.models import User
    from clients.models import Intake

    users = User.objects.bulk_create(
        User(email=f"client{n}@bench.test", name=f"Client {n}", password="!") for n in range(rows)
    )
    for start in range(0, rows, 1000):
        Intake.objects.bulk_create(
            Intake(client=user, status=Intake.Status.SUBMITTED, **ANSWERS) for user in users[start : start + 1000]
        )


def timed(function):
    started, started_cpu = clock.perf_counter(), clock.process_time()
    result = function()
    return result, clock.perf_counter() - started, clock.process_time() - started_cpu


def report(label, seconds, cpu, rows, target=None):
    per_10k = seconds * 10_000 / rows
    verdict = "" if target is None else f"   target <= {target:.1f} s: {'met' if per_10k <= target else 'MISSED'}"
    print(f"{label:<44} {seconds:6.2f} s   ({per_10k:5.2f} s per 10,000 rows; our CPU {cpu:5.2f} s){verdict}")
    return target is None or per_10k <= target


def main():
    from clients.models import Intake

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    rows = parser.parse_args().rows

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        _, seconds, _ = timed(lambda: seed(rows))
        sealed = sum(1 for field in Intake._meta.concrete_fields if getattr(field, "encrypted", False))
        print(f"Seeded {rows} intakes with {sealed} sealed answers each in {seconds:.1f} s.")
        print(f"Load average when measuring: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores.")

        settings.NOTE_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *settings.NOTE_ENCRYPTION_KEYS]
        out = io.StringIO()
        _, seconds, cpu = timed(lambda: call_command("rotate_encryption_keys", stdout=out))
        ok = report("rotate_encryption_keys (new key first)", seconds, cpu, rows, TARGET_SECONDS_PER_10K)
        _, seconds, cpu = timed(lambda: call_command("rotate_encryption_keys", "--verify", stdout=out))
        ok = report("rotate_encryption_keys --verify", seconds, cpu, rows, TARGET_SECONDS_PER_10K) and ok
        print(f"  {out.getvalue().splitlines()[-1]}")

        def read_fifty():
            return [intake.goal_in_own_words.reveal() for intake in Intake.objects.review_queue().select_related("client")[:50]]

        _, seconds, cpu = timed(read_fifty)
        print(f"{'50 intakes read as the review queue reads them':<44} {seconds * 1000:6.1f} ms (our CPU {cpu * 1000:.1f} ms)")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
