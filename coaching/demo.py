"""Demo coaches for `manage.py seed_demo` (idempotent): profiles, session types, weekly
hours and some time off, so the coach pages and calendars have something to show."""

from datetime import time, timedelta

from django.utils import timezone

from core.encryption import reveal

from .models import CoachProfile, SessionType, Specialty, TimeOff, WeeklyHours
from .time_off import span

COACHES = {
    "carol": {
        "display_name": "Carol Rivera",
        "pronouns": "she/her",
        "bio": "I have coached people through every kind of change for twelve years. Whether you want to stop, "
        "cut down or stay safer while you use, we start where you are.",
        "specialties": [Specialty.ALCOHOL, Specialty.OPIOIDS_MAT, Specialty.GENERAL],
        "languages": ["English", "Spanish"],
        "time_zone": "America/New_York",
        "buffer_after_minutes": 10,
        "min_notice_hours": 12,
        "horizon_days": 60,
        "daily_cap": 6,
    },
    "dave": {
        "display_name": "Dave Okafor",
        "pronouns": "he/him",
        "bio": "Former outreach worker. I help people and families plan for safer use, steady routines and the "
        "goals they choose.",
        "specialties": [Specialty.STIMULANTS, Specialty.CANNABIS, Specialty.FAMILIES],
        "languages": ["English"],
        "time_zone": "Europe/London",
        "buffer_before_minutes": 5,
        "buffer_after_minutes": 10,
        "min_notice_hours": 24,
        "horizon_days": 45,
        "daily_cap": 5,
    },
}

SESSION_TYPES = [
    # (name, minutes, price in cents, currency)
    ("Free intro call", 20, 0, "usd"),
    ("Coaching session", 50, 6000, "usd"),
]
# Offered by coaches who work with families: for someone worried about a loved one.
FAMILY_SESSION = ("Family session", 50, 6000, "usd")

# (weekday, start, end) in each coach's own zone; Monday is 0.
HOURS = {
    "carol": [(d, time(9), time(12)) for d in range(5)]
    + [(d, time(13), time(17)) for d in (0, 1, 2, 3)]
    + [(3, time(18), time(20)), (5, time(10), time(13))],
    "dave": [(d, time(8), time(12, 30)) for d in range(4)] + [(d, time(14), time(18)) for d in range(4)] + [(4, time(8), time(12))],
}


def seed(people):
    """`people` maps first names (alice, bob, carol, dave, erin) to demo users."""
    profiles = {}
    today = timezone.now().date()
    for key, fields in COACHES.items():
        profile, _ = CoachProfile.objects.update_or_create(user=people[key], defaults=fields)
        profiles[key] = profile
        for name, minutes, cents, currency in SESSION_TYPES:
            SessionType.objects.update_or_create(
                coach=profile, name=name, defaults={"duration_minutes": minutes, "price_cents": cents, "currency": currency, "is_active": True}
            )
        if Specialty.FAMILIES in profile.specialties:
            name, minutes, cents, currency = FAMILY_SESSION
            SessionType.objects.update_or_create(
                coach=profile, name=name,
                defaults={"duration_minutes": minutes, "price_cents": cents, "currency": currency, "is_active": True, "for_families": True},
            )
        WeeklyHours.objects.filter(coach=profile).delete()
        WeeklyHours.objects.bulk_create(
            WeeklyHours(coach=profile, weekday=weekday, start_time=start, end_time=end) for weekday, start, end in HOURS[key]
        )
        # Time off in next week, whenever the demo is seeded: a long weekend for carol,
        # and an afternoon at the dentist for dave.
        # Notes are sealed, so the demo's own are recognised here rather than by a query.
        demo_days = [away.pk for away in TimeOff.objects.filter(coach=profile) if reveal(away.note).startswith("Demo:")]
        TimeOff.objects.filter(pk__in=demo_days).delete()
        next_monday = today - timedelta(days=today.weekday()) + timedelta(weeks=1)
        if key == "carol":
            friday = next_monday + timedelta(days=4)
            starts_at, ends_at = span(profile, friday, friday + timedelta(days=3))
            TimeOff.objects.create(coach=profile, starts_at=starts_at, ends_at=ends_at, whole_days=True, note="Demo: long weekend")
        else:
            wednesday = next_monday + timedelta(days=2)
            starts_at, ends_at = span(profile, wednesday, wednesday, time(14), time(18))
            TimeOff.objects.create(coach=profile, starts_at=starts_at, ends_at=ends_at, note="Demo: dentist")
    return profiles
