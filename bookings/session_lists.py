"""The sessions page's lists: a client's or a coach's sessions coming up, cancelled before
their time and before, and a client's waitlists and the times held for them.

Each list is one query compiled once per process (core.prepared) with only the columns the
page shows: the person's sealed names are opened only for the coach, who sees them. Any
other field is deferred, as with `only()`.
"""

from django.db.models import DateTimeField, IntegerField, Q

from accounts.models import Role
from core.prepared import Arg, PreparedQuery

from .models import Booking, OfferStatus, Status, WaitlistEntry, WaitlistOffer

# How many cancelled and past sessions the page lists.
SHOWN = 50

_SHOWN_FIELDS = ("starts_at", "status", "cancelled_by", "client_id", "coach__display_name", "coach__user_id")
_CLIENT_FIELDS = ("client__name", "client__email", "client__preferred_name", "client__pronouns")


def _booking_lists(role):
    now = Arg("now", DateTimeField())

    def mine():
        person = Q(coach__user_id=Arg("person", IntegerField())) if role == Role.COACH else Q(client_id=Arg("person", IntegerField()))
        bookings = Booking.objects.filter(person).exclude(status=Status.EXPIRED)
        if role == Role.COACH:
            return bookings.select_related("coach", "client").only(*_SHOWN_FIELDS, *_CLIENT_FIELDS)
        return bookings.select_related("coach").only(*_SHOWN_FIELDS)

    return {
        "upcoming": PreparedQuery(
            lambda: mine().filter(ends_at__gt=now).live_now(now)
        ),
        "past": PreparedQuery(
            lambda: mine()
            .filter(
                Q(ends_at__lte=now, status=Status.CONFIRMED)
                | Q(status__in=(Status.COMPLETED, Status.NO_SHOW))
                | Q(status=Status.CANCELLED, starts_at__lte=now)
            )
            .order_by("-starts_at")[:SHOWN]
        ),
        # A cancelled session whose time is still to come did not happen "before".
        "called_off": PreparedQuery(lambda: mine().filter(status=Status.CANCELLED, starts_at__gt=now).order_by("starts_at")[:SHOWN]),
    }


_LISTS = {role: _booking_lists(role) for role in (Role.CLIENT, Role.COACH)}


def sessions_of(person, now):
    """{"upcoming", "past", "called_off"}: a client's or a coach's sessions, as Bookings."""
    lists = _LISTS[Role.COACH if person.role == Role.COACH else Role.CLIENT]
    return {name: query.objects(person=person.pk, now=now) for name, query in lists.items()}


_ENTRIES = PreparedQuery(
    lambda: WaitlistEntry.objects.waiting()
    .filter(client_id=Arg("client", IntegerField()))
    .select_related("coach", "session_type")
    .only("weekdays", "parts_of_day", "time_zone", "until", "coach__display_name", "session_type__name")
    .order_by("joined_at", "pk")
)

_OFFERS = PreparedQuery(
    lambda: WaitlistOffer.objects.filter(
        client_id=Arg("client", IntegerField()), status=OfferStatus.OPEN, expires_at__gt=Arg("now", DateTimeField())
    )
    .select_related("coach")
    .only("starts_at", "expires_at", "coach__display_name")
    .order_by("expires_at")
)


def waitlists_of(client, now):
    """(the client's entries still waiting, the times held for them now), as on their
    sessions page."""
    return _ENTRIES.objects(client=client.pk), _OFFERS.objects(client=client.pk, now=now)
