"""Redis down: a booking still commits, quickly, and what it owes is kept in
PostgreSQL. Once the broker is back, the periodic scans send the confirmation and
the reminders, each exactly once."""

import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker

from bookings import reminders, tasks
from bookings.models import Booking, Notice, Reminder
from config.celery import app
from tests.bookings_setup import bookable_coach, local_time
from tests.reminders_setup import wait_until
from tests.smtp_sink import free_port

pytestmark = pytest.mark.usefixtures("quick_passwords")


def _fresh_connections():
    # Forget the pools (not close them: kombu keeps producer pools per broker URL and
    # hands the same ones back when the URL is restored).
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker_down():
    """Point the broker (and result store) at a port where nothing listens."""
    saved = app.conf.broker_url, app.conf.result_backend
    dead = f"redis://127.0.0.1:{free_port()}/5"
    app.conf.broker_url = app.conf.result_backend = dead
    _fresh_connections()
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.result_backend = saved
        _fresh_connections()


def subjects(sink):
    return [message["Subject"] for message in sink.messages]


def test_a_booking_made_while_redis_is_down_commits_and_everything_goes_out_once_it_is_back(
    transactional_db, client, smtp_sink, alice, carol
):
    coach, session_type = bookable_coach(carol, price_cents=0)
    start = local_time(coach, 3, 10)
    client.force_login(alice)

    with broker_down():
        began = time.monotonic()
        answer = client.post("/bookings/new/", {"coach": coach.pk, "type": session_type.pk, "start": start.isoformat()})
        took = time.monotonic() - began

    booking = Booking.objects.get(client=alice)
    assert (answer.status_code, answer.headers["Location"], booking.status) == (302, f"/bookings/{booking.pk}/", "confirmed")
    assert took < 3
    assert list(Notice.objects.filter(booking=booking).values_list("kind", "sent_at")) == [("confirmation", None)]
    day_before, hour_before = Reminder.objects.filter(booking=booking).order_by("due_at")
    assert (day_before.offset_minutes, hour_before.offset_minutes) == (1440, 60)

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        # Five minutes on, the beat's safety net finds the confirmation nobody handed over.
        Notice.objects.filter(booking=booking).update(created_at=booking.created_at - timedelta(minutes=6))
        assert tasks.resend_unsent_notices.delay().get(timeout=10) == 1
        assert wait_until(lambda: len(smtp_sink.messages) == 1)
        # The reminders, each when its time comes; the scans run again and again.
        for now in (day_before.due_at, day_before.due_at + timedelta(minutes=1), hour_before.due_at, hour_before.due_at):
            reminders.scan(now=now)
        assert wait_until(lambda: len(smtp_sink.messages) == 3)
        assert tasks.resend_unsent_notices.delay().get(timeout=10) == 0
        assert tasks.send_reminder.delay(reminder_id=hour_before.pk).get(timeout=10) is None

    when = f"{start.astimezone(alice.zone):%A} {start.astimezone(alice.zone).day} {start.astimezone(alice.zone):%B}"
    assert subjects(smtp_sink) == [
        f"Your session on {when}",
        f"Reminder: your session on {when}, 9:00 am",
        f"Reminder: your session on {when}, 9:00 am",
    ]
    assert [m["Message-ID"].split("-")[1] for m in smtp_sink.messages[1:]] == [str(day_before.pk), str(hour_before.pk)]
    assert list(Reminder.objects.filter(booking=booking).order_by("due_at").values_list("status", flat=True)) == [
        "sent",
        "sent",
    ]
