"""Busy time that comes from bookings, for the slot engine and the coach's calendar and feed.

The engine (`bookings/availability.py`) asks this module for the instants a coach or a
client is already taken. It returns intervals in one query for many coaches at once.
"""

from collections import defaultdict

from django.utils import timezone

from .models import Booking, Status


def _live(now=None):
    """Confirmed bookings and holds that have not run out yet."""
    now = now or timezone.now()
    return Booking.objects.filter(status=Status.CONFIRMED) | Booking.objects.filter(
        status=Status.PENDING_PAYMENT, hold_expires_at__gt=now
    )


def live_booking_intervals(coach_ids, start, end):
    """{coach_id: [(blocked_from, blocked_until), ...]} of live bookings and unexpired holds,
    the coach's buffers included, overlapping [start, end), in time order."""
    intervals = {coach_id: [] for coach_id in coach_ids}
    rows = (
        _live()
        .filter(coach_id__in=list(coach_ids), blocked_from__lt=end, blocked_until__gt=start)
        .order_by("blocked_from")
        .values_list("coach_id", "blocked_from", "blocked_until")
    )
    for coach_id, blocked_from, blocked_until in rows:
        intervals[coach_id].append((blocked_from, blocked_until))
    return intervals


def live_booking_counts(coach_ids, start, end):
    """{coach_id: {"YYYY-MM-DD": n}}: live sessions starting in [start, end), counted per
    local date in the coach's own zone (for the coach's daily cap)."""
    counts = {coach_id: defaultdict(int) for coach_id in coach_ids}
    rows = (
        _live()
        .filter(coach_id__in=list(coach_ids), starts_at__gte=start, starts_at__lt=end)
        .select_related("coach")
        .only("coach_id", "starts_at", "coach__time_zone")
    )
    for booking in rows:
        local_date = timezone.localtime(booking.starts_at, _zone(booking.coach.time_zone)).date()
        counts[booking.coach_id][local_date.isoformat()] += 1
    return {coach_id: dict(days) for coach_id, days in counts.items()}


def calendar_events(coach, start, end):
    """[{"uid", "start", "end", "summary"}] of the coach's confirmed and past sessions
    overlapping [start, end), UTC datetimes, for the coach's calendar page and ICS feed.
    Summaries carry the client's name only: a calendar is not the place for health details."""
    rows = (
        Booking.objects.filter(
            coach=coach,
            status__in=(Status.CONFIRMED, Status.COMPLETED, Status.NO_SHOW),
            starts_at__lt=end,
            ends_at__gt=start,
        )
        .select_related("client", "session_type")
        .order_by("starts_at")
    )
    return [
        {
            "uid": booking_uid(booking),
            "start": booking.starts_at,
            "end": booking.ends_at,
            "summary": f"Waypoint session with {booking.client.name or 'a client'}",
        }
        for booking in rows
    ]


def booking_uid(booking):
    return f"booking-{booking.pk}@waypoint"


def _zone(name):
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)
