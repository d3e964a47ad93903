"""Demo data of this app for `manage.py seed_demo` (idempotent)."""


def seed(people):
    """`people` maps first names (alice, bob, carol, dave, erin) to demo users."""
