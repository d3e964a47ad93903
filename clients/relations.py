"""Does a coach know a client? The one question behind every coach's view of client data.

A coach may see something of a client's only when there is a working relationship:
the client was matched to the coach at intake, or the two have a booking. Those facts
live in other apps (the intake in clients, bookings in bookings), and clients must not
import bookings, so each app registers a check here when it is ready:

    # bookings/apps.py
    def ready(self):
        from clients.relations import register
        from .relations import has_booking_with   # (coach_user, client_user) -> bool
        register(has_booking_with)

A check takes the coach's and the client's User and answers True or False; it should
be one cheap query. `coach_knows_client` is True when any registered check says so.
The intake match (CoachAssignment) is checked here directly. With no match and no
registered check saying yes, every coach view of client data answers 404.
"""

from django.db.models import IntegerField

from accounts.models import Role
from core.prepared import Arg, PreparedQuery

from .models import CoachAssignment

_checks = []

# Asked by every coach's view of client data: compiled once (core/prepared.py).
_MATCHED = PreparedQuery(
    lambda: CoachAssignment.objects.filter(coach=Arg("coach", IntegerField()), client=Arg("client", IntegerField())).values_list("pk")[:1]
)


def register(check):
    """Add a check (idempotent); returns it, so it can be used as a decorator."""
    if check not in _checks:
        _checks.append(check)
    return check


def unregister(check):
    if check in _checks:
        _checks.remove(check)


def coach_knows_client(coach_user, client_user):
    if coach_user is None or client_user is None:
        return False
    if getattr(coach_user, "role", None) != Role.COACH or getattr(client_user, "role", None) != Role.CLIENT:
        return False
    if not coach_user.is_active:
        return False
    # The intake match lives here in clients; bookings registers its own check.
    if _MATCHED.rows(coach=coach_user.pk, client=client_user.pk):
        return True
    return any(check(coach_user, client_user) for check in _checks)
