"""Redis down: a booking still commits, quickly, and what it owes is kept in
PostgreSQL. Once the broker is back, the minute scan hands over the confirmation and,
each when its time comes, the reminders; each goes out exactly once."""

import time
from datetime import timedelta

from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from bookings import reminders
from bookings.models import Booking
from bookings.notices import CoachNoticeKind, NoticeKind
from config.celery import app
from core import outbox, tasks
from core.models import OwedWork
from tests.factories import bookable_coach, local_time
from tests.outbox_setup import broker_down
from tests.reminders_setup import wait_until



def subjects(sink):
    return [message["Subject"] for message in sink.messages]


def falls_due(work):
    """Its time has come (the session is days away, so it is not late)."""
    due = timezone.now() - timedelta(minutes=1)
    OwedWork.objects.filter(pk=work.pk).update(due_at=due, available_at=due)


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
    owed = OwedWork.objects.filter(about=f"booking:{booking.pk}")
    assert list(owed.filter(kind__in=NoticeKind.values).values_list("kind", "status", "enqueued_at")) == [
        (NoticeKind.CONFIRMATION, "pending", None)
    ]
    day_before, hour_before = owed.filter(kind=reminders.REMINDER).order_by("due_at")
    assert (day_before.payload["offset_minutes"], hour_before.payload["offset_minutes"]) == (1440, 60)
    assert (day_before.status, hour_before.status) == ("pending", "pending")

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        # The beat's minute scan finds the confirmation (and the coach's news) nobody could hand over.
        assert tasks.scan_outbox.delay().get(timeout=10) == 2
        assert wait_until(lambda: len(smtp_sink.messages) == 2)
        # The reminders, each when its time comes; the scans run again and again.
        for arrived, reminder in enumerate((day_before, hour_before), start=3):
            falls_due(reminder)
            assert outbox.scan() == [reminder.pk]
            assert outbox.scan() == []
            assert wait_until(lambda arrived=arrived: len(smtp_sink.messages) == arrived)
            assert wait_until(lambda pk=reminder.pk: OwedWork.objects.filter(pk=pk, status="done").exists())
        assert tasks.scan_outbox.delay().get(timeout=10) == 0
        # A task delivering the hour's reminder once more sends nothing.
        assert tasks.deliver_owed.delay(work_ids=[hour_before.pk]).get(timeout=10) == 1

    when = f"{start.astimezone(alice.zone):%A} {start.astimezone(alice.zone).day} {start.astimezone(alice.zone):%B}"
    assert sorted(subject.split(" on ")[0] for subject in subjects(smtp_sink)[:2]) == ["New session", "Your session"]
    assert f"Your session on {when}" in subjects(smtp_sink)[:2]
    assert subjects(smtp_sink)[2:] == [
        f"Reminder: your session on {when}, 9:00 am",
        f"Reminder: your session on {when}, 9:00 am",
    ]
    assert [m["Message-ID"] for m in smtp_sink.messages[2:]] == [
        f"<reminder-{day_before.pk}@waypoint.localhost>",
        f"<reminder-{hour_before.pk}@waypoint.localhost>",
    ]
    assert list(owed.order_by("pk").values_list("kind", "status", "attempts")) == [
        (NoticeKind.CONFIRMATION, "done", 1),
        (reminders.REMINDER, "done", 1),
        (reminders.REMINDER, "done", 1),
        (CoachNoticeKind.BOOKED, "done", 1),
    ]
