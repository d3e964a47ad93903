"""The sessions page's lists: a client's or a coach's sessions coming up, cancelled before
their time and before, and a client's waitlists and the times held for them.

Each list is one query compiled once per process (core.prepared) with only the columns the
page shows: the person's sealed names are opened only for the coach, who sees them. The
rows come back as model instances with those fields (and the coach, and for a coach the
client, attached); any other field is deferred, as with `only()`.
"""

from django.db.models import DateTimeField, IntegerField, Q

from accounts.models import Role, User
from coaching.models import CoachProfile, SessionType
from core.prepared import Arg, PreparedQuery

from .models import Booking, OfferStatus, Status, WaitlistEntry, WaitlistOffer

# How many cancelled and past sessions the page lists.
SHOWN = 50

_BOOKING = ("pk", "coach_id", "client_id", "starts_at", "status", "cancelled_by")
_COACH = ("coach__pk", "coach__display_name", "coach__user_id")
_CLIENT = ("client__pk", "client__name", "client__email", "client__preferred_name", "client__pronouns")


def _instance(model, names, values):
    """A `model` instance with these fields (in any order) and the others deferred."""
    given = dict(zip(names, values, strict=True))
    fields = [f.attname for f in model._meta.concrete_fields if f.attname in given]
    return model.from_db("default", fields, [given[name] for name in fields])


def _attname(model, name):
    return model._meta.pk.attname if name == "pk" else name


def _booking_lists(role):
    fields = _BOOKING + _COACH + (_CLIENT if role == Role.COACH else ())
    now = Arg("now", DateTimeField())

    def mine():
        person = Q(coach__user_id=Arg("person", IntegerField())) if role == Role.COACH else Q(client_id=Arg("person", IntegerField()))
        return Booking.objects.filter(person).exclude(status=Status.EXPIRED)

    return {
        "upcoming": PreparedQuery(
            lambda: mine()
            .filter(ends_at__gt=now)
            .filter(Q(status=Status.CONFIRMED) | Q(status=Status.PENDING_PAYMENT, hold_expires_at__gt=now))
            .values_list(*fields)
        ),
        "past": PreparedQuery(
            lambda: mine()
            .filter(
                Q(ends_at__lte=now, status=Status.CONFIRMED)
                | Q(status__in=(Status.COMPLETED, Status.NO_SHOW))
                | Q(status=Status.CANCELLED, starts_at__lte=now)
            )
            .order_by("-starts_at")
            .values_list(*fields)[:SHOWN]
        ),
        # A cancelled session whose time is still to come did not happen "before".
        "called_off": PreparedQuery(
            lambda: mine().filter(status=Status.CANCELLED, starts_at__gt=now).order_by("starts_at").values_list(*fields)[:SHOWN]
        ),
    }


_LISTS = {role: _booking_lists(role) for role in (Role.CLIENT, Role.COACH)}


def _bookings(rows, with_client):
    shown = []
    for row in rows:
        booking = _instance(Booking, [_attname(Booking, f) for f in _BOOKING], row[: len(_BOOKING)])
        rest = row[len(_BOOKING) :]
        booking.coach = _instance(CoachProfile, ["id", "display_name", "user_id"], rest[: len(_COACH)])
        if with_client:
            booking.client = _instance(User, ["id", "name", "email", "preferred_name", "pronouns"], rest[len(_COACH) :])
        shown.append(booking)
    return shown


def sessions_of(person, now):
    """{"upcoming", "past", "called_off"}: a client's or a coach's sessions, as Bookings."""
    lists = _LISTS[Role.COACH if person.role == Role.COACH else Role.CLIENT]
    with_client = person.role == Role.COACH
    return {name: _bookings(query.rows(person=person.pk, now=now), with_client) for name, query in lists.items()}


_ENTRIES = PreparedQuery(
    lambda: WaitlistEntry.objects.waiting()
    .filter(client_id=Arg("client", IntegerField()))
    .order_by("joined_at", "pk")
    .values_list("pk", "weekdays", "parts_of_day", "time_zone", "until", "coach__pk", "coach__display_name", "session_type__pk", "session_type__name")
)

_OFFERS = PreparedQuery(
    lambda: WaitlistOffer.objects.filter(
        client_id=Arg("client", IntegerField()), status=OfferStatus.OPEN, expires_at__gt=Arg("now", DateTimeField())
    )
    .order_by("expires_at")
    .values_list("pk", "starts_at", "expires_at", "coach__pk", "coach__display_name")
)


def waitlists_of(client, now):
    """(the client's entries still waiting, the times held for them now), as on their
    sessions page."""
    entries = []
    for pk, weekdays, parts, zone, until, coach_pk, coach_name, type_pk, type_name in _ENTRIES.rows(client=client.pk):
        entry = _instance(WaitlistEntry, ["id", "weekdays", "parts_of_day", "time_zone", "until"], [pk, weekdays, parts, zone, until])
        entry.coach = _instance(CoachProfile, ["id", "display_name"], [coach_pk, coach_name])
        entry.session_type = _instance(SessionType, ["id", "name"], [type_pk, type_name])
        entries.append(entry)
    offers = []
    for pk, starts_at, expires_at, coach_pk, coach_name in _OFFERS.rows(client=client.pk, now=now):
        offer = _instance(WaitlistOffer, ["id", "starts_at", "expires_at"], [pk, starts_at, expires_at])
        offer.coach = _instance(CoachProfile, ["id", "display_name"], [coach_pk, coach_name])
        offers.append(offer)
    return entries, offers

