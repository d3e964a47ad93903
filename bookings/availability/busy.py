"""Busy time that comes from bookings, for the slot engine and the coach's calendar and feed.

The engine (`bookings/availability/`) asks this module for the instants a coach or a
client is already taken (or held for one waiting client by a waitlist offer). It returns intervals in one query for many coaches at once.
"""

from collections import defaultdict

from django.conf import settings
from django.db import connection
from django.db.models import DateTimeField, IntegerField
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from coaching.feed import session_title
from coaching.models import CoachProfile
from core.prepared import Arg, PreparedQuery

from ..models import SHOWN_STATUSES, Booking, OfferStatus, Status, WaitlistOffer


def live_busy(coach_ids, start, end, *, now=None, for_client=None):
    """What the slot engine needs from bookings, in ONE query for any number of coaches:

    - {coach_id: [(blocked_from, blocked_until), ...]}: live bookings, unexpired holds and
      open waitlist offers overlapping [start, end), the coach's buffers included, in time
      order;
    - {coach_id: {"YYYY-MM-DD": n}}: those starting in [start, end), counted per local
      date in the coach's own zone (for the daily cap).

    An open offer holds its time for the client it was offered to: it blocks everyone
    but `for_client`."""
    now = now or timezone.now()
    intervals = {coach_id: [] for coach_id in coach_ids}
    counts = {coach_id: defaultdict(int) for coach_id in coach_ids}
    if coach_ids:
        local_date = (
            "CASE WHEN {t}.starts_at >= %s AND {t}.starts_at < %s "
            "THEN to_char({t}.starts_at AT TIME ZONE c.time_zone, 'YYYY-MM-DD') END"
        )
        sql = (
            f"SELECT b.coach_id, b.blocked_from, b.blocked_until, {local_date.format(t='b')} "
            f"FROM {Booking._meta.db_table} b JOIN {CoachProfile._meta.db_table} c ON c.id = b.coach_id "
            f"WHERE b.coach_id = ANY(%s) AND b.blocked_from < %s AND b.blocked_until > %s "
            f"AND (b.status = %s OR (b.status = %s AND b.hold_expires_at > %s)) "
            f"UNION ALL "
            f"SELECT o.coach_id, o.blocked_from, o.blocked_until, {local_date.format(t='o')} "
            f"FROM {WaitlistOffer._meta.db_table} o JOIN {CoachProfile._meta.db_table} c ON c.id = o.coach_id "
            f"WHERE o.coach_id = ANY(%s) AND o.blocked_from < %s AND o.blocked_until > %s "
            f"AND o.status = %s AND o.expires_at > %s AND o.client_id IS DISTINCT FROM %s "
            f"ORDER BY 2"
        )
        ids = list(coach_ids)
        client_id = getattr(for_client, "pk", for_client)
        params = [start, end, ids, end, start, Status.CONFIRMED, Status.PENDING_PAYMENT, now]
        params += [start, end, ids, end, start, OfferStatus.OPEN, now, client_id]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for coach_id, blocked_from, blocked_until, local_date in cursor.fetchall():
                intervals[coach_id].append((blocked_from, blocked_until))
                if local_date is not None:
                    counts[coach_id][local_date] += 1
    return intervals, {coach_id: dict(days) for coach_id, days in counts.items()}


def live_booking_intervals(coach_ids, start, end):
    """The first half of `live_busy`."""
    return live_busy(coach_ids, start, end)[0]


def live_booking_counts(coach_ids, start, end):
    """The second half of `live_busy`."""
    return live_busy(coach_ids, start, end)[1]


def _calendar_bookings(coach, start, end):
    return (
        Booking.objects.filter(
            coach=coach,
            status__in=SHOWN_STATUSES,
            starts_at__lt=end,
            ends_at__gt=start,
        )
        .select_related("client", "session_type")
        .order_by("starts_at")
    )


# The calendar page's sessions, compiled once (core.prepared): the client's names only.
_CALENDAR = PreparedQuery(
    lambda: Booking.objects.filter(
        coach=Arg("coach", IntegerField()),
        status__in=SHOWN_STATUSES,
        starts_at__lt=Arg("end", DateTimeField()),
        ends_at__gt=Arg("start", DateTimeField()),
    )
    .order_by("starts_at")
    .values_list("pk", "starts_at", "ends_at", "client__name", "client__email", "client__preferred_name", "client__pronouns")
)


def calendar_events(coach, start, end):
    """[{"uid", "start", "end", "summary"}] of the coach's confirmed and past sessions
    overlapping [start, end), UTC datetimes, for the coach's own calendar page (behind
    a sign-in). Summaries carry the client's name only: no health details."""
    events = []
    for pk, starts_at, ends_at, name, email, preferred_name, pronouns in _CALENDAR.rows(coach=coach.pk, start=start, end=end):
        client = User(name=name, email=email, preferred_name=preferred_name, pronouns=pronouns)
        events.append(
            {
                "uid": uid_of_booking(pk),
                "start": starts_at,
                "end": ends_at,
                "summary": f"Session with {client.known_as_with_pronouns}",
                "url": reverse("bookings:detail", args=[pk]),
            }
        )
    return events


def feed_events(coach, start, end):
    """The same sessions for the ICS feed, which calendar providers fetch and keep: a
    neutral title with the booking's reference (and the client's initials only if the
    coach turned them on), and the session's page, which needs a sign-in."""
    return [
        {
            "uid": booking_uid(booking),
            "start": booking.starts_at,
            "end": booking.ends_at,
            "summary": session_title(
                booking.short_reference, client_name=booking.client.name, with_initials=coach.feed_shows_initials
            ),
            "url": settings.SITE_URL + reverse("bookings:detail", args=[booking.pk]),
        }
        for booking in _calendar_bookings(coach, start, end)
    ]


def booking_uid(booking):
    return uid_of_booking(booking.pk)


def uid_of_booking(pk):
    return f"booking-{pk}@waypoint"
