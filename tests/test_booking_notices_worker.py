"""A real Celery worker on Redis sends a booking's e-mails after commit, once each."""

import time

import pytest

from bookings import tasks, transitions
from bookings.models import Notice
from tests.bookings_setup import bookable_coach, local_time

pytestmark = pytest.mark.usefixtures("quick_passwords")


def test_a_free_booking_is_confirmed_by_e_mail_through_a_real_worker(
    celery_worker_process, alice, carol, mailoutbox
):
    coach, session_type = bookable_coach(carol, price_cents=0)

    booking = transitions.place_hold(alice, session_type, local_time(coach, 3, 10))
    notice = Notice.objects.get(booking=booking)
    deadline = time.monotonic() + 10
    while not Notice.objects.filter(pk=notice.pk, sent_at__isnull=False).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    notice.refresh_from_db()
    # Enqueued again by hand, the worker finds it claimed and sends nothing more.
    assert tasks.send_notice.delay(notice_id=notice.pk).get(timeout=10) is False
    assert notice.sent_at is not None
    assert len(mailoutbox) == 1
