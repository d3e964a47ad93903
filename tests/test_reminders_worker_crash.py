"""A worker killed in the middle of sending (SIGKILL, no goodbye) and started again:
every reminder arrives, none twice. The one it was delivering is taken back by the scan
once its claim's lease is over; the rest of its chunk once the requeue window is."""

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.db.models import F
from django.utils import timezone

from bookings import reminders
from config.celery import app
from core import outbox
from core.models import OwedStatus, OwedWork
from tests.reminders_setup import confirmed_sessions, wait_until

ROOT = Path(__file__).resolve().parent.parent


def start_worker(sink_port):
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{connection.settings_dict['USER']}@{connection.settings_dict['HOST']}:"
            f"{connection.settings_dict['PORT']}/{connection.settings_dict['NAME']}"
        ),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink_port),
        "EMAIL_TIMEOUT": "5",
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--without-gossip",
         "--without-mingle", "--without-heartbeat", "--loglevel=WARNING"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.fixture
def workers():
    started = []
    yield started
    for process in started:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=15)
    # The killed worker's unacknowledged message would come back in an hour; it is a
    # no-op (the row is claimed), but it must not wander into a later test run.
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete("unacked", "unacked_index")
    client.close()


def test_a_worker_killed_mid_run_and_restarted_sends_nothing_twice_and_loses_nothing(
    transactional_db, smtp_sink, workers, alice, carol
):
    reminders.set_preferences(alice, offsets_minutes=[60])
    _coach, bookings = confirmed_sessions(alice, carol, range(2, 8))
    # The confirmations are another test's business: their tasks go, and no scan takes them.
    app.control.purge()
    OwedWork.objects.exclude(kind=reminders.REMINDER).update(status=OwedStatus.DONE)
    owed = OwedWork.objects.filter(kind=reminders.REMINDER, about__in=[f"booking:{b.pk}" for b in bookings])
    # Their hour has come (the sessions are days away, so none is late).
    due = timezone.now() - timedelta(minutes=1)
    owed.update(due_at=due, available_at=due)
    rows = list(owed.order_by("pk"))
    assert len(rows) == 6
    smtp_sink.hold_at = 3  # the third reminder is mid-conversation with the server when the worker dies

    assert outbox.scan() == [row.pk for row in rows]
    workers.append(start_worker(smtp_sink.port))
    assert smtp_sink.held.wait(timeout=30)
    workers[0].send_signal(signal.SIGKILL)
    workers[0].wait(timeout=10)
    smtp_sink.release.set()
    assert len(smtp_sink.reminder_ids()) == 2
    assert list(owed.values_list("status", flat=True).order_by("status")) == [
        "done", "done", "pending", "pending", "pending", "sending"
    ]

    workers.append(start_worker(smtp_sink.port))
    # Soon after, the scan leaves them be: the dead worker's claim and its chunk are still fresh.
    assert outbox.scan() == []
    # Ten minutes on, past the claim's lease and the requeue window, the scan hands them over again.
    waiting = owed.filter(status__in=["pending", "sending"])
    assert waiting.filter(status="sending").count() == 1
    waiting.update(enqueued_at=F("enqueued_at") - timedelta(minutes=10))
    waiting.filter(status="sending").update(claimed_at=F("claimed_at") - timedelta(minutes=10))
    assert outbox.scan() == [row.pk for row in rows[2:]]
    assert wait_until(lambda: len(smtp_sink.reminder_ids()) == 6, timeout=30)
    assert wait_until(lambda: owed.filter(status="done").count() == 6)

    assert sorted(smtp_sink.reminder_ids()) == sorted(f"<reminder-{r.pk}@waypoint.localhost>" for r in rows)
    assert sorted(owed.values_list("status", "attempts")) == [("done", 1)] * 5 + [("done", 2)]
