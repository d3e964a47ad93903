"""Through a real Celery worker on Redis to a real SMTP server: each due reminder is
delivered once, whoever hands it over and however often; a refusal worth retrying makes
it wait out a back-off and go once due, a permanent one is recorded."""

import threading
import time
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from accounts.models import AuditEvent
from bookings import cancellation, reminders
from core import outbox, tasks
from core.models import OwedStatus, OwedWork
from tests.factories import local_time
from tests.reminders_setup import confirmed_sessions, wait_until



def reminders_of(*bookings):
    return OwedWork.objects.filter(kind=reminders.REMINDER, about__in=[f"booking:{b.pk}" for b in bookings])


def statuses(rows):
    return list(OwedWork.objects.filter(pk__in=[r.pk for r in rows]).order_by("pk").values_list("pk", "status"))


def reminder_id(work):
    return f"<reminder-{work.pk}@waypoint.localhost>"


def confirmations_delivered():
    """The confirmations went to the worker as each booking committed; they are another
    test's business, but a scan would hand over any still waiting."""
    assert wait_until(
        lambda: not OwedWork.objects.exclude(kind=reminders.REMINDER)
        .filter(status__in=[OwedStatus.PENDING, OwedStatus.SENDING])
        .exists()
    )


def their_time_has_come(rows):
    """The sessions are days away (so none is late); their reminders fall due now."""
    due = timezone.now() - timedelta(minutes=1)
    OwedWork.objects.filter(pk__in=[r.pk for r in rows]).update(due_at=due, available_at=due)
    return list(OwedWork.objects.filter(pk__in=[r.pk for r in rows]).order_by("pk"))


def has(work, **fields):
    return OwedWork.objects.filter(pk=work.pk, **fields).exists()


def test_a_due_reminder_is_delivered_once_over_smtp(celery_worker_process, smtp_sink, alice, carol):
    reminders.set_preferences(alice, offsets_minutes=[60])
    _coach, [booking] = confirmed_sessions(alice, carol, [3])
    confirmations_delivered()
    [reminder] = their_time_has_come(reminders_of(booking))

    assert outbox.scan() == [reminder.pk]
    assert wait_until(lambda: smtp_sink.reminder_ids() == [reminder_id(reminder)])
    assert wait_until(lambda: has(reminder, status="done"))

    # Handed over again (a second scan, a redelivered task): nothing more.
    assert outbox.scan() == []
    assert tasks.deliver_owed.delay(work_ids=[reminder.pk]).get(timeout=10) == 1
    assert smtp_sink.reminder_ids() == [reminder_id(reminder)]
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == ("done", 1)
    [message] = [m for m in smtp_sink.messages if m["Message-ID"] == reminder_id(reminder)]
    assert message["To"] == "alice@example.com"
    assert message["From"] == "Waypoint <hello@waypoint.localhost>"


def test_two_scans_at_once_send_each_reminder_once(celery_worker_process, smtp_sink, alice, carol):
    reminders.set_preferences(alice, offsets_minutes=[60])
    _coach, bookings = confirmed_sessions(alice, carol, range(2, 10))
    confirmations_delivered()
    rows = their_time_has_come(reminders_of(*bookings))
    assert len(rows) == 8
    handed = []
    start = threading.Barrier(2)

    def scan():
        start.wait()
        try:
            handed.append(outbox.scan())
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
        tasks.deliver_owed.delay(work_ids=[row.pk])
    # The solo worker takes tasks in order: once this one is done, so are all before it.
    assert tasks.deliver_owed.delay(work_ids=[rows[0].pk]).get(timeout=15) == 1

    assert sorted(smtp_sink.reminder_ids()) == sorted(reminder_id(row) for row in rows)
    assert statuses(rows) == [(row.pk, "done") for row in rows]
    assert sorted(OwedWork.objects.filter(pk__in=[r.pk for r in rows]).values_list("attempts", flat=True)) == [1] * 8


def test_a_refusal_worth_retrying_waits_out_its_back_off_and_goes_once_due(
    celery_worker_process, smtp_sink, settings, alice, carol
):
    settings.OUTBOX_RETRY_BASE_SECONDS = 0.5
    reminders.set_preferences(alice, offsets_minutes=[60])
    _coach, [booking] = confirmed_sessions(alice, carol, [3])
    confirmations_delivered()
    [reminder] = their_time_has_come(reminders_of(booking))
    smtp_sink.answers = ["421 4.3.0 Mailbox busy, try again later", "451 4.7.1 Greylisted"]

    # First try: refused for now, pending again after the first back-off (0.5 s).
    before = timezone.now()
    assert outbox.scan() == [reminder.pk]
    assert wait_until(lambda: has(reminder, status="pending", attempts=1))
    after = timezone.now()
    reminder.refresh_from_db()
    assert (reminder.claimed_at, reminder.enqueued_at, reminder.last_error) == (
        None,
        None,
        "421 SMTPDataError: (421, b'4.3.0 Mailbox busy, try again later')",
    )
    assert before + timedelta(seconds=0.5) <= reminder.available_at <= after + timedelta(seconds=0.5)
    # Until then no scan hands it over; then the next one does.
    assert outbox.scan(now=reminder.available_at - timedelta(milliseconds=1)) == []
    assert wait_until(lambda: timezone.now() >= reminder.available_at)

    # Second try: refused again, and the back-off doubles (1 s).
    before = timezone.now()
    assert outbox.scan() == [reminder.pk]
    assert wait_until(lambda: has(reminder, status="pending", attempts=2))
    after = timezone.now()
    reminder.refresh_from_db()
    assert reminder.last_error == "451 SMTPDataError: (451, b'4.7.1 Greylisted')"
    assert before + timedelta(seconds=1) <= reminder.available_at <= after + timedelta(seconds=1)
    assert outbox.scan(now=reminder.available_at - timedelta(milliseconds=1)) == []
    assert wait_until(lambda: timezone.now() >= reminder.available_at)

    # Third try, once due: delivered, once.
    assert outbox.scan() == [reminder.pk]
    assert wait_until(lambda: smtp_sink.reminder_ids() == [reminder_id(reminder)])
    assert wait_until(lambda: has(reminder, status="done"))
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts, smtp_sink.answers) == ("done", 3, [])


def test_a_permanent_refusal_is_recorded_on_the_reminder(celery_worker_process, smtp_sink, alice, carol):
    reminders.set_preferences(alice, offsets_minutes=[60])
    _coach, [booking] = confirmed_sessions(alice, carol, [3])
    confirmations_delivered()
    [reminder] = their_time_has_come(reminders_of(booking))
    smtp_sink.answers = ["550 5.1.1 No such mailbox"]

    assert outbox.scan() == [reminder.pk]

    assert wait_until(lambda: has(reminder, status="failed"))
    reminder.refresh_from_db()
    assert (reminder.attempts, reminder.last_error) == (1, "550 SMTPDataError: (550, b'5.1.1 No such mailbox')")
    assert smtp_sink.reminder_ids() == []
    assert list(outbox.failures()) == [reminder]
    # Failed for good: no scan hands it over again until an admin asks.
    assert outbox.scan() == []


def test_a_reminder_that_failed_for_good_is_in_the_bookings_audit_trail(celery_worker_process, smtp_sink, alice, carol):
    reminders.set_preferences(alice, offsets_minutes=[60])
    _coach, [booking] = confirmed_sessions(alice, carol, [3])
    confirmations_delivered()
    [reminder] = their_time_has_come(reminders_of(booking))
    smtp_sink.answers = ["550 5.1.1 No such mailbox"]

    outbox.scan()

    assert wait_until(lambda: has(reminder, status="failed"))
    event = AuditEvent.objects.get(action="reminder.failed")
    assert (event.object_id, event.details["work_id"]) == (str(booking.pk), reminder.pk)


def test_a_reminder_refused_again_and_again_gives_up_after_the_last_try(
    celery_worker_process, smtp_sink, settings, alice, carol
):
    settings.OUTBOX_RETRY_BASE_SECONDS = 0.1
    settings.OUTBOX_MAX_ATTEMPTS = 2
    reminders.set_preferences(alice, offsets_minutes=[60])
    _coach, [booking] = confirmed_sessions(alice, carol, [3])
    confirmations_delivered()
    [reminder] = their_time_has_come(reminders_of(booking))
    smtp_sink.answers = ["421 4.3.0 busy", "421 4.3.0 still busy", "250 would have been accepted"]

    assert outbox.scan() == [reminder.pk]
    assert wait_until(lambda: has(reminder, status="pending", attempts=1))
    reminder.refresh_from_db()
    assert wait_until(lambda: timezone.now() >= reminder.available_at)
    assert outbox.scan() == [reminder.pk]

    assert wait_until(lambda: has(reminder, status="failed"))
    reminder.refresh_from_db()
    assert (reminder.attempts, reminder.last_error) == (
        2,
        "gave up after 2 tries: 421 SMTPDataError: (421, b'4.3.0 still busy')",
    )
    assert smtp_sink.reminder_ids() == []
    assert smtp_sink.answers == ["250 would have been accepted"]
    time.sleep(0.2)
    assert outbox.scan() == []


def test_a_moved_session_is_reminded_at_its_new_time_and_a_cancelled_one_not_at_all(
    celery_worker_process, smtp_sink, alice, bob, carol, dave
):
    reminders.set_preferences(alice, offsets_minutes=[60])
    reminders.set_preferences(bob, offsets_minutes=[60])
    coach, [alices] = confirmed_sessions(alice, carol, [3])
    _dave, [bobs] = confirmed_sessions(bob, dave, [3], zone="Europe/London")
    old_due = alices.starts_at - timedelta(hours=1)
    bobs_due = bobs.starts_at - timedelta(hours=1)

    alices = cancellation.reschedule_by_client(alices, local_time(coach, 5, 14), actor=alice)
    cancellation.cancel_by_client(bobs, actor=bob)
    confirmations_delivered()  # and the e-mails about the move and the cancellation

    assert outbox.scan(now=max(old_due, bobs_due)) == []
    [moved] = reminders_of(alices)
    assert (moved.due_at, moved.payload["session_starts_at"]) == (
        alices.starts_at - timedelta(hours=1),
        alices.starts_at.isoformat(),
    )
    [moved] = their_time_has_come([moved])
    assert outbox.scan() == [moved.pk]
    assert wait_until(lambda: has(moved, status="done"))
    assert smtp_sink.reminder_ids() == [reminder_id(moved)]
    assert reminders_of(bobs).count() == 0
