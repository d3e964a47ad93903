"""Reminders at scale: the due scan over a year of bookings, and sending through a real worker.

    .venv/bin/python bench/reminders.py [--fresh]

Works in its own database (BENCH_DATABASE_URL, default waypoint_bench on the local
PostgreSQL; created if missing, rebuilt with --fresh) and touches no other. Seeds
1,000,000 confirmed bookings spread over a year (half past, half to come) with their
two reminders each (2,000,000 rows; the past ones sent), in SQL (INSERT ... SELECT
generate_series). Then:

1. times the due-reminder scan, the exact statement `outbox.pick_due` runs, with 0 and
   with 1,000 reminders due (target <= 50 ms), and prints EXPLAIN ANALYZE;
2. makes 1,000 reminders due, starts one Celery worker (solo pool, one process) and a
   local SMTP server, runs the scan, and times until all 1,000 have arrived
   (target >= 1,000 a minute). Checks that each arrived once.

Uses REDIS_URL as the broker (run it when no tests use the same Redis database).
"""

import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/waypoint_bench")
os.environ["DATABASE_URL"] = BENCH_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# A development tool: the settings are production unless told otherwise.
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("LOG_LEVEL", "WARNING")

BOOKINGS = 1_000_000
COACHES = 500
CLIENTS = 20_000
PER_COACH = BOOKINGS // COACHES
SEND = 1_000


def database_name(url):
    return urlsplit(url).path.lstrip("/")


def ensure_database(fresh):
    import psycopg2

    name = database_name(BENCH_URL)
    assert name.startswith("waypoint_bench"), "the bench only ever works in a waypoint_bench database"
    admin_url = urlunsplit(urlsplit(BENCH_URL)._replace(path="/postgres"))
    conn = psycopg2.connect(admin_url)
    conn.autocommit = True
    with conn.cursor() as cursor:
        if fresh:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def setup_django():
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seeded():
    from bookings.models import Booking

    return Booking.objects.count() >= BOOKINGS


def seed():
    from django.db import connection, transaction

    from accounts.models import Role, User
    from bookings.models import Booking
    from coaching.models import CoachProfile, SessionType

    started = time.monotonic()
    with transaction.atomic():
        Booking.objects.all().delete()
        User.objects.filter(email__endswith="@bench.invalid").delete()
        coaches = User.objects.bulk_create(
            User(email=f"coach{n}@bench.invalid", name=f"Coach {n}", role=Role.COACH, time_zone="America/New_York",
                 password="!")
            for n in range(COACHES)
        )
        clients = User.objects.bulk_create(
            User(email=f"client{n}@bench.invalid", name=f"Client {n}", role=Role.CLIENT, time_zone="Europe/London",
                 password="!")
            for n in range(CLIENTS)
        )
        profiles = CoachProfile.objects.bulk_create(
            CoachProfile(user=user, display_name=user.name, time_zone="America/New_York", feed_token=f"bench{n}")
            for n, user in enumerate(coaches)
        )
        types = SessionType.objects.bulk_create(
            SessionType(coach=profile, name="One-to-one session", duration_minutes=50, price_cents=6000)
            for profile in profiles
        )
        first_profile, first_client, first_type = profiles[0].pk, clients[0].pk, types[0].pk
    print(f"people and coaches: {time.monotonic() - started:.1f} s")

    with connection.cursor() as cursor:
        # The exclusion constraints are rebuilt in one pass after the load (much faster
        # than maintaining two GiST indexes row by row), and still check every row.
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'bookings_booking'::regclass AND contype = 'x'"
        )
        exclusions = cursor.fetchall()
        for name, _definition in exclusions:
            cursor.execute(f'ALTER TABLE bookings_booking DROP CONSTRAINT "{name}"')
        step = time.monotonic()
        # Booking i: coach i % COACHES, that coach's (i // COACHES)-th slot of the year,
        # slots 365 days / PER_COACH apart (about 4.4 h), half of the year already past.
        cursor.execute(
            f"""
            INSERT INTO bookings_booking (
                coach_id, client_id, session_type_id, starts_at, ends_at, blocked_from, blocked_until,
                price_cents, currency, cancellation_notice_hours, max_reschedules, meeting_link, status,
                hold_expires_at, reschedule_count, confirmed_at, cancelled_at, cancelled_by, cancel_reason,
                created_at, updated_at)
            SELECT %(profile)s + i %% {COACHES}, %(client)s + i %% {CLIENTS}, %(type)s + i %% {COACHES},
                   s, s + interval '50 minutes', s, s + interval '50 minutes',
                   6000, 'usd', 24, 2, 'https://meet.jit.si/waypoint-bench-' || i, 'confirmed',
                   NULL, 0, s - interval '7 days', NULL, '', '', s - interval '7 days', s - interval '7 days'
            FROM (
                SELECT i, date_trunc('minute', now() - interval '182 days')
                          + (i / {COACHES}) * (interval '365 days' / {PER_COACH}) AS s
                FROM generate_series(0, {BOOKINGS - 1}) AS i
            ) AS slots
            """,
            {"profile": first_profile, "client": first_client, "type": first_type},
        )
        print(f"1,000,000 bookings: {time.monotonic() - step:.1f} s")
        step = time.monotonic()
        for name, definition in exclusions:
            cursor.execute(f'ALTER TABLE bookings_booking ADD CONSTRAINT "{name}" {definition}')
        print(f"exclusion constraints rebuilt and checked: {time.monotonic() - step:.1f} s")
        step = time.monotonic()
        cursor.execute(
            """
            INSERT INTO bookings_reminder (
                booking_id, offset_minutes, session_starts_at, due_at, status, enqueued_at, sent_at,
                finished_at, attempts, last_error, created_at)
            SELECT b.id, o.minutes, b.starts_at, b.starts_at - o.minutes * interval '1 minute',
                   CASE WHEN b.starts_at - o.minutes * interval '1 minute' < now() THEN 'sent' ELSE 'pending' END,
                   NULL,
                   CASE WHEN b.starts_at - o.minutes * interval '1 minute' < now()
                        THEN b.starts_at - o.minutes * interval '1 minute' END,
                   CASE WHEN b.starts_at - o.minutes * interval '1 minute' < now()
                        THEN b.starts_at - o.minutes * interval '1 minute' END,
                   CASE WHEN b.starts_at - o.minutes * interval '1 minute' < now() THEN 1 ELSE 0 END,
                   '', b.created_at
            FROM bookings_booking b CROSS JOIN (VALUES (1440), (60)) AS o(minutes)
            """
        )
        print(f"2,000,000 reminders: {time.monotonic() - step:.1f} s")
        cursor.execute("VACUUM ANALYZE bookings_booking")
        cursor.execute("VACUUM ANALYZE bookings_reminder")
    print(f"seeded in {time.monotonic() - started:.1f} s")


def make_due(count):
    """The `count` reminders coming up soonest become due now (their sessions are still to come)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE bookings_reminder SET due_at = now() - interval '1 minute' WHERE id IN ("
            " SELECT id FROM bookings_reminder WHERE sent_at IS NULL ORDER BY due_at LIMIT %s)",
            [count],
        )
        cursor.execute("ANALYZE bookings_reminder")


def time_scan(label, runs=30):
    """The scan's statement, rolled back each time so every run sees the same rows."""
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from bookings import outbox
    from bookings.models import Reminder

    times, found = [], 0
    for _ in range(runs):
        try:
            with transaction.atomic():
                began = time.perf_counter()
                found = len(outbox.pick_due(Reminder, timezone.now(), due_column="due_at",
                                            limit=settings.REMINDER_SCAN_BATCH))
                times.append((time.perf_counter() - began) * 1000)
                raise Rollback
        except Rollback:
            pass
    median = statistics.median(times)
    print(f"scan, {label}: {found} handed over per scan, median {median:.2f} ms, "
          f"worst {max(times):.2f} ms over {runs} runs (target <= 50 ms)")
    return median


class Rollback(Exception):
    pass


def explain():
    from django.conf import settings
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (ANALYZE, BUFFERS) UPDATE bookings_reminder SET enqueued_at = now() WHERE id IN ("
            "  SELECT id FROM bookings_reminder WHERE sent_at IS NULL AND due_at <= now()"
            "   AND (enqueued_at IS NULL OR enqueued_at <= now() - interval '5 minutes')"
            "  ORDER BY due_at LIMIT %s FOR UPDATE SKIP LOCKED) RETURNING id",
            [settings.REMINDER_SCAN_BATCH],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    print("EXPLAIN ANALYZE of the scan (rolled back):")
    print("    " + plan.replace("\n", "\n    "))


def start_worker(sink_port):
    env = {
        **os.environ,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink_port),
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--without-gossip",
         "--without-mingle", "--without-heartbeat", "--loglevel=WARNING"],
        cwd=ROOT, env=env,
    )


def time_sending():
    from bookings import reminders
    from bookings.models import Reminder
    from config.celery import app
    from tests.smtp_sink import SmtpSink

    app.control.purge()
    due = list(Reminder.objects.filter(sent_at=None, due_at__lte=time_now()).values_list("pk", flat=True))
    assert len(due) == SEND, f"expected {SEND} due reminders, found {len(due)}"
    with SmtpSink() as sink:
        worker = start_worker(sink.port)
        try:
            deadline = time.monotonic() + 60
            while not app.control.ping(timeout=0.5):
                assert worker.poll() is None and time.monotonic() < deadline, "the worker did not start"
            began = time.monotonic()
            handed = reminders.scan(limit=SEND)
            assert len(handed) == SEND
            assert sink.wait_for(SEND, timeout=600), f"only {len(sink.messages)} arrived in 10 minutes"
            took = time.monotonic() - began
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
        ids = sink.reminder_ids()
    sent = Reminder.objects.filter(pk__in=due, status="sent").count()
    print(f"sending: {SEND} reminders through one worker (solo pool) over SMTP in {took:.1f} s = "
          f"{SEND / took * 60:,.0f} a minute (target >= 1,000); {len(set(ids))} distinct arrived, "
          f"{len(ids) - len(set(ids))} twice; {sent} marked sent")
    return SEND / took * 60


def time_now():
    from django.utils import timezone

    return timezone.now()


def main():
    fresh = "--fresh" in sys.argv
    ensure_database(fresh)
    setup_django()
    from bookings.models import Booking, Reminder

    if not seeded():
        seed()
    print(f"bookings: {Booking.objects.count():,}, reminders: {Reminder.objects.count():,}, "
          f"pending: {Reminder.objects.filter(sent_at=None).count():,}")
    time_scan("nothing due")
    make_due(SEND)
    scan_ms = time_scan(f"{SEND} due")
    explain()
    rate = time_sending()
    ok = scan_ms <= 50 and rate >= 1000
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
