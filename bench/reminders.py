"""Reminders at scale: the outbox's due scan over a year of bookings, and delivering through a real worker.

    .venv/bin/python bench/reminders.py [--fresh] [--bookings N]

Works in its own database (BENCH_DATABASE_URL; by default waypoint_bench on the local
PostgreSQL, or waypoint_bench_<N> for a smaller --bookings N, so a quick check never
touches the full one; created if missing, rebuilt with --fresh) and touches no other.
Seeds 1,000,000 confirmed bookings (or N) spread over a year (half past, half to come)
with their two reminders each as owed work (core.OwedWork, kind booking.reminder:
2,000,000 rows; the past ones done), in SQL (INSERT ... SELECT generate_series). Then:

1. times the due scan, `outbox.pick_due` itself, with nothing due and with 1,000
   reminders due (target <= 50 ms), and prints EXPLAIN ANALYZE of the statement it ran,
   which must read the partial index owed_due_pending;
2. with those 1,000 due, starts one Celery worker (solo pool, one process) and a local
   SMTP server, runs the scan, and times until all 1,000 have arrived (target >= 1,000
   a minute). Checks that each arrived once and is done.

Uses REDIS_URL as the broker (run it when no tests use the same Redis database).
"""

import argparse
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

FULL_SIZE = 1_000_000
SEND = 1_000
SCAN_TARGET_MS = 50
RATE_TARGET = 1_000
INDEX = "owed_due_pending"
REMINDER = "booking.reminder"  # bookings.reminders.REMINDER, before Django is set up


def options():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fresh", action="store_true", help="drop the bench database and seed it again")
    parser.add_argument(
        "--bookings", type=int, default=FULL_SIZE, help=f"bookings to seed (default {FULL_SIZE:,}; two reminders each)"
    )
    args = parser.parse_args()
    if args.bookings < 4 * SEND:
        # Half the bookings are still to come, and the sending step needs 1,000 of them.
        parser.error(f"--bookings must be at least {4 * SEND:,}")
    return args


ARGS = options()
BOOKINGS = ARGS.bookings
COACHES = 500
# At least one client per coach: the coaches' sessions of one slot all have different clients.
CLIENTS = min(20_000, max(COACHES, BOOKINGS // 50))
PER_COACH = BOOKINGS // COACHES
default_name = "waypoint_bench" if BOOKINGS == FULL_SIZE else f"waypoint_bench_{BOOKINGS}"
BENCH_URL = os.environ.get("BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{default_name}")
os.environ["DATABASE_URL"] = BENCH_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# A development tool: the settings are production unless told otherwise.
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("LOG_LEVEL", "WARNING")


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
    from core.models import OwedWork

    return Booking.objects.count() == BOOKINGS and OwedWork.objects.filter(kind=REMINDER).count() == 2 * BOOKINGS


def seed():
    from django.db import connection, transaction

    from accounts.models import Role, User
    from coaching.models import CoachProfile, SessionType

    started = time.monotonic()
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Everything a booking owns goes with it; the bench database holds nothing else.
            cursor.execute("TRUNCATE core_owedwork, bookings_booking CASCADE")
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

    # One transaction: a load that fails leaves the constraints as they were.
    with transaction.atomic(), connection.cursor() as cursor:
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
        # slots 365 days / PER_COACH apart (about 4.4 h at full size), half of the year already past.
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
        print(f"{BOOKINGS:,} bookings: {time.monotonic() - step:.1f} s")
        step = time.monotonic()
        # The foreign keys are deferred: check them now, or ALTER TABLE finds their events pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for name, definition in exclusions:
            cursor.execute(f'ALTER TABLE bookings_booking ADD CONSTRAINT "{name}" {definition}')
        print(f"exclusion constraints rebuilt and checked: {time.monotonic() - step:.1f} s")
        step = time.monotonic()
        # The rows `reminders.schedule` owes: the same kind, key, about and payload (the start
        # as Python's isoformat writes a UTC time), due `offset` minutes before the start.
        # Those already due were delivered: done, claimed and finished at their due time.
        cursor.execute(
            """
            INSERT INTO core_owedwork (
                kind, key, about, payload, due_at, available_at, status, enqueued_at, claimed_at,
                finished_at, attempts, last_error, created_at)
            SELECT %(kind)s, 'reminder:' || r.booking_id || ':' || r.minutes || ':' || r.starts, 'booking:' || r.booking_id,
                   jsonb_build_object('booking_id', r.booking_id, 'offset_minutes', r.minutes, 'session_starts_at', r.starts),
                   r.due, r.due,
                   CASE WHEN r.past THEN 'done' ELSE 'pending' END,
                   CASE WHEN r.past THEN r.due END,
                   CASE WHEN r.past THEN r.due END,
                   CASE WHEN r.past THEN r.due END,
                   CASE WHEN r.past THEN 1 ELSE 0 END,
                   '', r.created_at
            FROM (
                SELECT b.id AS booking_id, o.minutes, b.created_at,
                       to_char(b.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') || '+00:00' AS starts,
                       b.starts_at - o.minutes * interval '1 minute' AS due,
                       b.starts_at - o.minutes * interval '1 minute' < now() AS past
                FROM bookings_booking b CROSS JOIN (VALUES (1440), (60)) AS o(minutes)
            ) AS r
            """,
            {"kind": REMINDER},
        )
        print(f"{2 * BOOKINGS:,} reminders owed: {time.monotonic() - step:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE bookings_booking")
        cursor.execute("VACUUM ANALYZE core_owedwork")
    print(f"seeded in {time.monotonic() - started:.1f} s")


def settle():
    """Reminders that fell due since the seeding (or stayed from a run that stopped half way)
    count as delivered, so "nothing due" means nothing due."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_owedwork SET status = 'done', enqueued_at = available_at, claimed_at = available_at, "
            "finished_at = available_at, attempts = greatest(attempts, 1) "
            "WHERE status IN ('pending', 'sending') AND available_at <= now()"
        )
        settled = cursor.rowcount
        cursor.execute("ANALYZE core_owedwork")
    if settled:
        print(f"{settled:,} reminders that fell due since the seeding marked done")


def make_due(count):
    """The `count` hour-before reminders coming up soonest become due now. Their sessions are
    still to come, and none has its day-before reminder due too (which would be skipped)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_owedwork SET due_at = now() - interval '1 minute', available_at = now() - interval '1 minute' "
            "WHERE id IN (SELECT id FROM core_owedwork WHERE status = 'pending' AND kind = %s "
            "  AND payload @> '{\"offset_minutes\": 60}' ORDER BY available_at LIMIT %s)",
            [REMINDER, count],
        )
        cursor.execute("ANALYZE core_owedwork")


class Rollback(Exception):
    pass


def scan_statement():
    """The SQL and parameters `outbox.pick_due` runs, caught on its way to PostgreSQL (and
    rolled back), so what is explained is exactly what is timed."""
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from core import outbox

    seen = []

    def catch(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("UPDATE"):
            seen.append((sql, params))
        return execute(sql, params, many, context)

    try:
        with transaction.atomic(), connection.execute_wrapper(catch):
            outbox.pick_due(timezone.now(), limit=settings.OUTBOX_SCAN_BATCH)
            raise Rollback
    except Rollback:
        pass
    [statement] = seen
    return statement


def time_scan(label, runs=30):
    """`outbox.pick_due`, rolled back each time so every run sees the same rows."""
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from core import outbox

    times, found = [], 0
    for _ in range(runs):
        try:
            with transaction.atomic():
                began = time.perf_counter()
                found = len(outbox.pick_due(timezone.now(), limit=settings.OUTBOX_SCAN_BATCH))
                times.append((time.perf_counter() - began) * 1000)
                raise Rollback
        except Rollback:
            pass
    median = statistics.median(times)
    print(f"scan, {label}: {found} handed over per scan, median {median:.2f} ms, "
          f"worst {max(times):.2f} ms over {runs} runs (target <= {SCAN_TARGET_MS} ms)")
    return median


def explain(label):
    """EXPLAIN ANALYZE of the scan's own statement (rolled back). Returns whether it read
    the partial index of pending rows."""
    from django.db import connection, transaction

    sql, params = scan_statement()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    uses_index = INDEX in plan
    print(f"EXPLAIN ANALYZE of the scan, {label} (rolled back):")
    print("    " + plan.replace("\n", "\n    "))
    print(f"    -> {'reads' if uses_index else 'DOES NOT READ'} the partial index {INDEX}")
    return uses_index


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
    from django.utils import timezone

    from config.celery import app
    from core import outbox
    from core.models import OwedStatus, OwedWork
    from tests.smtp_sink import SmtpSink

    app.control.purge()
    due = list(
        OwedWork.objects.filter(status=OwedStatus.PENDING, available_at__lte=timezone.now()).values_list("pk", flat=True)
    )
    assert len(due) == SEND, f"expected {SEND} due reminders, found {len(due)}"
    with SmtpSink() as sink:
        worker = start_worker(sink.port)
        try:
            deadline = time.monotonic() + 60
            while not app.control.ping(timeout=0.5):
                assert worker.poll() is None and time.monotonic() < deadline, "the worker did not start"
            began = time.monotonic()
            handed = outbox.scan()
            assert sorted(handed) == sorted(due), f"the scan handed over {len(handed)} of {SEND}"
            assert sink.wait_for(SEND, timeout=600), f"only {len(sink.messages)} arrived in 10 minutes"
            took = time.monotonic() - began
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
        ids = sink.reminder_ids()
    done = OwedWork.objects.filter(pk__in=due, status=OwedStatus.DONE).count()
    twice = len(ids) - len(set(ids))
    print(f"sending: {SEND} reminders through one worker (solo pool) over SMTP in {took:.1f} s = "
          f"{SEND / took * 60:,.0f} a minute (target >= {RATE_TARGET:,}); {len(set(ids))} distinct arrived, "
          f"{twice} twice; {done} done")
    return SEND / took * 60, len(set(ids)) == SEND and twice == 0 and done == SEND


def main():
    ensure_database(ARGS.fresh)
    setup_django()
    from bookings.models import Booking
    from core.models import OwedStatus, OwedWork

    print(f"database {database_name(BENCH_URL)}")
    if not seeded():
        seed()
    settle()
    reminders = OwedWork.objects.filter(kind=REMINDER)
    print(f"bookings: {Booking.objects.count():,}, reminders owed: {reminders.count():,}, "
          f"pending: {reminders.filter(status=OwedStatus.PENDING).count():,}")
    idle_ms = time_scan("nothing due")
    idle_index = explain("nothing due")
    make_due(SEND)
    scan_ms = time_scan(f"{SEND} due")
    due_index = explain(f"{SEND} due")
    rate, each_once = time_sending()
    ok = max(idle_ms, scan_ms) <= SCAN_TARGET_MS and idle_index and due_index and rate >= RATE_TARGET and each_once
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
