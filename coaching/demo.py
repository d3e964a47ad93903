"""Demo coaches for `manage.py seed_demo` (idempotent)."""

from .models import CoachProfile, Specialty

COACHES = {
    "carol": {
        "display_name": "Carol Rivera",
        "pronouns": "she/her",
        "bio": "I have coached people through every kind of change for twelve years. Whether you want to stop, "
        "cut down or stay safer while you use, we start where you are.",
        "specialties": [Specialty.ALCOHOL, Specialty.OPIOIDS_MAT, Specialty.GENERAL],
        "languages": ["English", "Spanish"],
        "time_zone": "America/New_York",
    },
    "dave": {
        "display_name": "Dave Okafor",
        "pronouns": "he/him",
        "bio": "Former outreach worker. I help people and families plan for safer use, steady routines and the "
        "goals they choose.",
        "specialties": [Specialty.STIMULANTS, Specialty.CANNABIS, Specialty.FAMILIES],
        "languages": ["English"],
        "time_zone": "Europe/London",
    },
}


def seed(people):
    """`people` maps first names (alice, bob, carol, dave, erin) to demo users."""
    profiles = {}
    for key, fields in COACHES.items():
        profile, _ = CoachProfile.objects.update_or_create(user=people[key], defaults=fields)
        profiles[key] = profile
    return profiles
