"""Busy time that comes from bookings, for the slot engine.

The engine (`bookings/availability.py`) asks this module for the instants a coach or a
client is already taken. It returns intervals in one query for many coaches at once.
"""


def live_booking_intervals(coach_ids, start, end):
    """{coach_id: [(starts_at, ends_at), ...]} of live bookings and unexpired holds,
    buffers included, overlapping [start, end). Filled in by the Booking model's issue;
    until Booking exists there are none."""
    return {coach_id: [] for coach_id in coach_ids}
