"""Fixtures and helpers for the reminder tests: a real SMTP sink wired into Django's
SMTP backend, and confirmed sessions made through the real transitions."""

import pytest
from django.test import override_settings

from bookings import transitions
from tests.factories import bookable_coach, local_time
from tests.smtp_sink import SmtpSink


@pytest.fixture
def smtp_sink(settings):
    with SmtpSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = sink.port
        settings.EMAIL_TIMEOUT = 5
        yield sink


def confirmed_sessions(client, coach_user, days, *, hour=10, zone="America/New_York"):
    """Free sessions (confirmed at once, no Stripe) for `client` with `coach_user`, one a day.
    One client's many sessions stand for a real day's many clients here, so the limits on
    one client's free calls (tested in test_no_hoarding.py) are lifted."""
    coach, session_type = bookable_coach(coach_user, zone=zone, price_cents=0)
    with override_settings(BOOKING_MAX_FREE_CALLS_PER_COACH=len(days), BOOKING_MAX_FREE_CALLS=len(days)):
        return coach, [transitions.place_hold(client, session_type, local_time(coach, day, hour)) for day in days]


def wait_until(predicate, timeout=15):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()
