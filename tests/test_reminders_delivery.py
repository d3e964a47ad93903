"""Through a real Celery worker on Redis to a real SMTP server: each due reminder is
delivered once, whoever hands it over and however often; transient refusals are
retried with back-off, permanent ones recorded."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from accounts.models import AuditEvent
from bookings import cancellation, reminders, tasks
from bookings.models import Reminder
from tests.reminders_setup import confirmed_sessions, wait_until

pytestmark = pytest.mark.usefixtures("quick_passwords")


def statuses(rows):
    return [(row.pk, row.status) for row in Reminder.objects.filter(pk__in=[r.pk for r in rows]).order_by("pk")]


def reminder_id(reminder):
    return f"<reminder-{reminder.pk}-{int(reminder.session_starts_at.timestamp())}@waypoint.localhost>"


def test_a_due_reminder_is_delivered_once_over_smtp(celery_worker_process, smtp_sink, alice, carol):
    reminders.set_preferences(alice, offsets_minutes=[60])
    _coach, [booking] = confirmed_sessions(alice, carol, [3])
    reminder = Reminder.objects.get(booking=booking)

    assert reminders.scan(now=reminder.due_at) == [reminder.pk]
    assert wait_until(lambda: smtp_sink.reminder_ids() == [reminder_id(reminder)])

    # Handed over again (a second scan after the requeue window, a redelivered task): nothing more.
    assert reminders.scan(now=reminder.due_at) == []
    assert tasks.send_reminder.delay(reminder_id=reminder.pk).get(timeout=10) is None
    assert smtp_sink.reminder_ids() == [reminder_id(reminder)]
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == ("sent", 1)
    [message] = [m for m in smtp_sink.messages if m["Message-ID"] == reminder_id(reminder)]
    assert message["To"] == "alice@example.com"
    assert message["From"] == "Waypoint <hello@waypoint.localhost>"


def test_two_scans_at_once_send_each_reminder_once(celery_worker_process, smtp_sink, alice, carol):
    reminders.set_preferences(alice, offsets_minutes=[60])
    _coach, bookings = confirmed_sessions(alice, carol, range(2, 10))
    rows = list(Reminder.objects.filter(booking__in=bookings).order_by("pk"))
    now = max(row.due_at for row in rows)
    handed = []
    start = threading.Barrier(2)

    def scan():
        start.wait()
        try:
            handed.append(reminders.scan(now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # However the two scans split them, together they handed each over once...
    assert sorted(handed[0] + handed[1]) == [row.pk for row in rows]
    # ...and a task for every one of them a second time still sends nothing twice.
    for row in rows:
        tasks.send_reminder.delay(reminder_id=row.pk)
    assert tasks.send_reminder.delay(reminder_id=rows[0].pk).get(timeout=15) is None

    assert sorted(smtp_sink.reminder_ids()) == sorted(reminder_id(row) for row in rows)
    assert statuses(rows) == [(row.pk, "sent") for row in rows]


def test_a_refusal_worth_retrying_is_retried_with_back_off(celery_worker_process, smtp_sink, settings, alice, carol):
    settings.REMINDER_RETRY_BASE_SECONDS = 0.2
    reminders.set_preferences(alice, offsets_minutes=[60])
    _coach, [booking] = confirmed_sessions(alice, carol, [3])
    reminder = Reminder.objects.get(booking=booking)
    smtp_sink.answers = ["421 4.3.0 Mailbox busy, try again later", "451 4.7.1 Greylisted"]

    reminders.scan(now=reminder.due_at)

    assert wait_until(lambda: smtp_sink.reminder_ids() == [reminder_id(reminder)])
    assert wait_until(lambda: Reminder.objects.filter(pk=reminder.pk, status="sent").exists())
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts, smtp_sink.answers) == ("sent", 3, [])


def test_a_permanent_refusal_is_recorded_on_the_reminder(celery_worker_process, smtp_sink, alice, carol):
    reminders.set_preferences(alice, offsets_minutes=[60])
    _coach, [booking] = confirmed_sessions(alice, carol, [3])
    reminder = Reminder.objects.get(booking=booking)
    smtp_sink.answers = ["550 5.1.1 No such mailbox"]

    reminders.scan(now=reminder.due_at)

    assert wait_until(lambda: Reminder.objects.filter(pk=reminder.pk, status="failed").exists())
    reminder.refresh_from_db()
    assert (reminder.attempts, reminder.last_error) == (1, "550 SMTPDataError: (550, b'5.1.1 No such mailbox')")
    assert smtp_sink.reminder_ids() == []
    assert list(reminders.failures()) == [reminder]
    event = AuditEvent.objects.get(action="reminder.failed")
    assert event.details["row_id"] == reminder.pk


def test_a_reminder_refused_again_and_again_gives_up_after_the_last_try(
    celery_worker_process, smtp_sink, settings, alice, carol
):
    settings.REMINDER_RETRY_BASE_SECONDS = 0.1
    settings.REMINDER_MAX_ATTEMPTS = 2
    reminders.set_preferences(alice, offsets_minutes=[60])
    _coach, [booking] = confirmed_sessions(alice, carol, [3])
    reminder = Reminder.objects.get(booking=booking)
    smtp_sink.answers = ["421 4.3.0 busy", "421 4.3.0 still busy", "250 would have been accepted"]

    reminders.scan(now=reminder.due_at)

    assert wait_until(lambda: Reminder.objects.filter(pk=reminder.pk, status="failed").exists())
    reminder.refresh_from_db()
    assert (reminder.attempts, reminder.last_error) == (
        2,
        "gave up after 2 tries: 421 SMTPDataError: (421, b'4.3.0 still busy')",
    )
    assert smtp_sink.reminder_ids() == []


def test_a_moved_session_is_reminded_at_its_new_time_and_a_cancelled_one_not_at_all(
    celery_worker_process, smtp_sink, alice, bob, carol, dave
):
    from tests.bookings_setup import local_time

    reminders.set_preferences(alice, offsets_minutes=[60])
    reminders.set_preferences(bob, offsets_minutes=[60])
    coach, [alices] = confirmed_sessions(alice, carol, [3])
    _dave, [bobs] = confirmed_sessions(bob, dave, [3], zone="Europe/London")
    old_due = alices.starts_at - timedelta(hours=1)
    bobs_due = bobs.starts_at - timedelta(hours=1)

    alices = cancellation.reschedule_by_client(alices, local_time(coach, 5, 14), actor=alice)
    cancellation.cancel_by_client(bobs, actor=bob)

    assert reminders.scan(now=max(old_due, bobs_due)) == []
    [moved] = Reminder.objects.filter(booking=alices)
    assert moved.due_at == alices.starts_at - timedelta(hours=1)
    assert reminders.scan(now=moved.due_at) == [moved.pk]
    assert wait_until(lambda: Reminder.objects.filter(pk=moved.pk, status="sent").exists())
    assert smtp_sink.reminder_ids() == [reminder_id(moved)]
    assert Reminder.objects.filter(booking=bobs).count() == 0
