"""How fast is the slot engine? `python bench/slots.py` (from the project root).

Seeds a throwaway test database with one coach with realistic hours, time off and 200
bookings over the next 30 days, plus 50 coaches for first-available, then prints the
median and p95 milliseconds and the SQL query count of:

- open_slots for one coach over 30 days   (target: <= 5 ms median, <= 3 queries)
- first_available across 50 coaches, 14 days (target: <= 50 ms median, <= 5 queries)

The bookings are real confirmed `Booking` rows (with buffers), read by the real
`bookings.availability.busy.live_busy`; everything measured is the code the pages run.
"""

import os
import random
import statistics
import sys
import time as clock
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# A development tool: the settings are production unless told otherwise.
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment  # noqa: E402

RUNS_ONE_COACH = 300
RUNS_FIRST_AVAILABLE = 100
ZONES = ["America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London", "Europe/Berlin", "Australia/Sydney"]


def seed(now):
    from accounts.models import Role, User
    from bookings.models import Booking, Status
    from coaching.models import CoachProfile, SessionType, TimeOff, WeeklyHours

    rng = random.Random(7)

    def coach(n, zone, daily_cap=None):
        user = User.objects.create_user(f"coach{n}@bench.test", role=Role.COACH, name=f"Coach {n:02d}")
        profile = CoachProfile.objects.create(
            user=user, display_name=f"Coach {n:02d}", time_zone=zone, buffer_after_minutes=10, min_notice_hours=12,
            horizon_days=60, daily_cap=daily_cap, specialties=["general"],
        )
        SessionType.objects.create(coach=profile, name="Free intro call", duration_minutes=20, price_cents=0)
        session = SessionType.objects.create(coach=profile, name="Coaching session", duration_minutes=50, price_cents=6000)
        # A full-time week: two ranges a weekday, an evening and a Saturday morning (47 hours).
        rows = [(d, time(8), time(12)) for d in range(5)] + [(d, time(13), time(18)) for d in range(5)]
        rows += [(3, time(18), time(20)), (5, time(10), time(14))]
        WeeklyHours.objects.bulk_create(WeeklyHours(coach=profile, weekday=d, start_time=s, end_time=e) for d, s, e in rows)
        day = (now + timedelta(days=rng.randint(3, 25))).replace(hour=0, minute=0, second=0, microsecond=0)
        TimeOff.objects.create(coach=profile, starts_at=day, ends_at=day + timedelta(days=2), whole_days=True)
        return profile, session

    def book(profile, count):
        from bookings.availability import open_slots

        # Pack sessions (50 minutes plus 10 after) into the coach's hours, then keep `count`
        # of them at random: a busy month with the odd gap.
        packed = []
        for start in open_slots(profile, SessionType(duration_minutes=50), now, now + timedelta(days=30), now=now, busy=[]):
            if not packed or start >= packed[-1][1]:
                packed.append((start, start + timedelta(minutes=60)))
        taken = rng.sample(packed, min(count, len(packed)))
        # One client per coach, so the clients' own no-overlap rule never fires here.
        client = User.objects.create_user(f"client{profile.pk}@bench.test", name=f"Client {profile.pk}")
        session = profile.session_types.get(price_cents__gt=0)
        Booking.objects.bulk_create(
            Booking(
                coach=profile, client=client, session_type=session, starts_at=s, ends_at=s + timedelta(minutes=50),
                blocked_from=s, blocked_until=e, price_cents=6000, currency="usd", cancellation_notice_hours=24,
                max_reschedules=2, status=Status.CONFIRMED, confirmed_at=now,
            )
            for s, e in taken
        )
        return len(taken)

    main, main_session = coach(0, "America/New_York", daily_cap=9)
    booked = book(main, 200)
    for n in range(1, 50):
        profile, _ = coach(n, ZONES[n % len(ZONES)], daily_cap=6 if n % 3 == 0 else None)
        book(profile, 40)
    return main, main_session, booked


def measure(function, runs):
    with CaptureQueriesContext(connection) as queries:
        result = function()
    query_count = len(queries)
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = clock.perf_counter(), clock.process_time()
        function()
        times.append((clock.perf_counter() - started) * 1000)
        cpu.append((clock.process_time() - started_cpu) * 1000)
    times.sort()
    return result, statistics.median(times), times[int(len(times) * 0.95) - 1], query_count, statistics.median(cpu)


def report(label, median, p95, queries, cpu, target_ms, target_queries):
    ok = median <= target_ms and queries <= target_queries
    print(
        f"{label:<40} median {median:6.2f} ms   p95 {p95:6.2f} ms   {queries} queries   "
        f"(our process's CPU: median {cpu:5.2f} ms)   target <= {target_ms} ms, <= {target_queries} queries: "
        f"{'met' if ok else 'MISSED'}"
    )
    return ok


def main():
    from bookings.availability import first_available, open_slots

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        now = datetime.now(UTC).replace(microsecond=0)
        coach, session, booked = seed(now)
        print(f"Seeded: 1 coach with {booked} bookings over 30 days, 49 more coaches with 40 each, every coach with time off.")
        print(f"Load average when measuring: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores.")
        slots, median, p95, queries, cpu = measure(lambda: open_slots(coach, session, now, now + timedelta(days=30), now=now), RUNS_ONE_COACH)
        print(f"One coach, 30 days: {len(slots)} open slots.")
        ok = report("open_slots, one coach, 30 days", median, p95, queries, cpu, 5, 3)
        openings, median, p95, queries, cpu = measure(
            lambda: first_available(session, now, now + timedelta(days=14), now=now), RUNS_FIRST_AVAILABLE
        )
        print(f"First available, 50 coaches, 14 days: {len(openings)} openings, the first at {openings[0].starts_at:%Y-%m-%d %H:%M} UTC.")
        ok = report("first_available, 50 coaches, 14 days", median, p95, queries, cpu, 50, 5) and ok
        openings, median, p95, queries, cpu = measure(
            lambda: first_available(session, now, now + timedelta(days=14), now=now, limit=10_000), 20
        )
        report(f"  (all {len(openings)} openings)", median, p95, queries, cpu, 500, 5)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
