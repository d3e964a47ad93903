"""Demo people for `manage.py seed_demo`. Known passwords; never run this in production."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP

from django.conf import settings
from django.db import connection

from .models import Role, User

LOCAL_DATABASE_HOSTS = {"", "localhost", "127.0.0.1", "::1"}

DEMO_PASSWORD = "waypoint-demo-2026"
# A fixed TOTP secret for demo coaches and admins, so the README can say how to sign in.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPWAYPOINTDEMO2345"

PEOPLE = [
    ("erin", "erin@waypoint.test", "Erin Admin", Role.ADMIN, "America/New_York"),
    ("carol", "carol@waypoint.test", "Carol Rivera", Role.COACH, "America/New_York"),
    ("dave", "dave@waypoint.test", "Dave Okafor", Role.COACH, "Europe/London"),
    ("alice", "alice@waypoint.test", "Alice Moreno", Role.CLIENT, "America/Chicago"),
    ("bob", "bob@waypoint.test", "Bob Lee", Role.CLIENT, "Europe/London"),
    ("frank", "frank@waypoint.test", "Frank Novak", Role.CLIENT, "America/Denver"),
    ("grace", "grace@waypoint.test", "Grace Whitfield", Role.CLIENT, "America/Los_Angeles"),
]


def refusal():
    """Why demo data (published passwords and TOTP secret) may not be made here, or None."""
    if not settings.DEVELOPMENT_MODE:
        return "Demo data is for development only, and development mode is off (set DEBUG=1 on your own machine)."
    host = connection.settings_dict.get("HOST") or ""
    # An empty host or a socket path is this machine; anything else may be a shared or live database.
    if host not in LOCAL_DATABASE_HOSTS and not host.startswith("/"):
        return f"Demo data goes only into a database on this machine, and DATABASE_URL points at {host}."
    return None


def seed_people():
    """Create (or refresh) the demo people; returns them by first name."""
    people = {}
    for key, email, name, role, zone in PEOPLE:
        user, created = User.objects.get_or_create(email=email, defaults={"name": name, "role": role, "time_zone": zone})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        if role in (Role.COACH, Role.ADMIN) and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, DEMO_TOTP_SECRET)
            RecoveryCodes.activate(user)
        people[key] = user
    return people
