"""Busy time that comes from bookings, for the slot engine.

The engine (`bookings/availability.py`) asks this module for the instants a coach or a
client is already taken. It returns intervals in one query for many coaches at once.
"""


def live_booking_intervals(coach_ids, start, end):
    """{coach_id: [(starts_at, ends_at), ...]} of live bookings and unexpired holds,
    buffers included, overlapping [start, end). Filled in by the Booking model's issue;
    until Booking exists there are none."""
    return {coach_id: [] for coach_id in coach_ids}


def live_booking_counts(coach_ids, start, end):
    """{coach_id: {local_date_iso: count}} of live bookings and unexpired holds starting
    in [start, end), counted per day of the coach's own zone (for the daily cap). Filled
    in by the Booking model's issue; until Booking exists there are none."""
    return {coach_id: {} for coach_id in coach_ids}


def calendar_events(coach, start, end):
    """[{"uid", "start", "end", "summary"}] of the coach's sessions overlapping [start, end),
    UTC datetimes, for the coach's calendar page and ICS feed. Summaries stay discreet
    (no substance or diagnosis). Filled in by the Booking model's issue; until Booking
    exists there are none."""
    return []
