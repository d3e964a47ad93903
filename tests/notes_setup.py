"""Sessions that have happened, for the session-note tests (kept out of factories.py)."""

from datetime import timedelta

from django.utils import timezone

from bookings.models import Booking, Status
from tests.bookings_setup import bookable_coach


def past_session(coach, session_type, client, *, days_ago=1, hours=None, status=Status.CONFIRMED):
    """A booking of `client` with `coach` that started `days_ago` days ago (or `hours` ago)."""
    starts_at = timezone.now().replace(second=0, microsecond=0) - (timedelta(hours=hours) if hours else timedelta(days=days_ago))
    ends_at = starts_at + timedelta(minutes=session_type.duration_minutes)
    return Booking.objects.create(
        coach=coach,
        client=client,
        session_type=session_type,
        starts_at=starts_at,
        ends_at=ends_at,
        blocked_from=starts_at,
        blocked_until=ends_at,
        price_cents=session_type.price_cents,
        currency=session_type.currency,
        cancellation_notice_hours=session_type.cancellation_notice_hours,
        max_reschedules=session_type.max_reschedules,
        status=status,
        confirmed_at=starts_at - timedelta(days=2),
        meeting_link="https://meet.example.org/room",
    )


def coach_with_profile(user):
    return bookable_coach(user)
