"""The outbox: e-mails we owe, kept as rows in PostgreSQL and handed to Celery.

A row is written in the transaction of the change that owes it. Handing it to the
broker happens after commit and may fail (Redis down): that is logged, never raised
into the request, and the periodic scan hands over whatever is due and not yet
handed over. Sending is exactly-once in effect:

- `claim` is one `UPDATE ... WHERE sent_at IS NULL RETURNING id`; of two workers (or a
  task delivered twice) one gets the row, the other gets nothing and sends nothing;
- a transient SMTP failure (4xx, timeout, refused connection) gives the claim back, to
  be retried with bounded back-off; a permanent one (5xx) is recorded on the row;
- a worker that dies holding a claim leaves the row `sending`; once the lease (longer
  than any task may run) is over, `recover_stalled` gives it back to the scan.

Each message carries a Message-ID made from the row, the same on every attempt, so
even the one unavoidable window (the server accepted, the worker died before it
wrote `sent`) shows the recipient one message in any client that de-duplicates.
"""

import logging
import smtplib
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction

from .reminder_models import SendStatus

log = logging.getLogger(__name__)


def broker_errors():
    from kombu.exceptions import KombuError, OperationalError
    from redis.exceptions import RedisError

    return (OperationalError, KombuError, RedisError, OSError)


def enqueue(task, **kwargs):
    """Hand a task to the broker now. Fire and forget (no result subscription, which
    would wait on a dead Redis for many seconds) and no publish retries: the scan
    is the retry. Returns whether the broker took it."""
    try:
        task.apply_async(kwargs=kwargs, ignore_result=True, retry=False)
    except broker_errors() as exc:
        log.warning("broker unavailable, %s %s left for the scan: %s", task.name, kwargs, exc)
        return False
    return True


def enqueue_on_commit(task, **kwargs):
    transaction.on_commit(lambda: enqueue(task, **kwargs))


# --- sending ---------------------------------------------------------------------------

_smtp = threading.local()


def _drop_connection():
    held = getattr(_smtp, "connection", None)
    _smtp.connection = _smtp.key = None
    if held is not None:
        try:
            held.close()
        except Exception:  # it is being thrown away because it failed
            pass


def send(message):
    """Send over one SMTP connection kept open per worker thread: a thousand reminders
    a minute cannot each pay for a new connection, greeting and goodbye. A connection
    the server closed while idle is replaced once; any other error drops it and rises."""
    key = (settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT)
    held = getattr(_smtp, "connection", None)
    reused = held is not None and _smtp.key == key
    if not reused:
        _drop_connection()
        held = get_connection(fail_silently=False)
        held.open()
        _smtp.connection, _smtp.key = held, key
    message.connection = held
    try:
        return message.send(fail_silently=False)
    except smtplib.SMTPServerDisconnected:
        _drop_connection()
        if not reused:
            raise
        return send(message)
    except Exception:
        _drop_connection()
        raise


# --- sending outcomes ----------------------------------------------------------------


def smtp_codes(exc):
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return [code for code, _message in exc.recipients.values()]
    code = getattr(exc, "smtp_code", None)
    return [code] if isinstance(code, int) else []


def is_transient(exc):
    """Worth another try: a 4xx answer, a timeout, a dropped or refused connection, or
    the task's own time running out mid-send."""
    from celery.exceptions import SoftTimeLimitExceeded

    if isinstance(exc, SoftTimeLimitExceeded):
        return True
    codes = smtp_codes(exc)
    if codes:
        return all(400 <= code < 500 for code in codes)
    return isinstance(exc, (smtplib.SMTPServerDisconnected, socket.timeout, TimeoutError, ConnectionError, OSError))


def describe(exc):
    codes = smtp_codes(exc)
    text = f"{type(exc).__name__}: {exc}"
    if codes and not str(exc).startswith(str(codes[0])):
        text = f"{codes[0]} {text}"
    return text[:300]


def backoff_seconds(attempts):
    """30 s, 60 s, 120 s ... after the 1st, 2nd, 3rd failed attempt, never more than the cap."""
    base = settings.REMINDER_RETRY_BASE_SECONDS
    return min(settings.REMINDER_RETRY_MAX_SECONDS, base * 2 ** max(0, attempts - 1))


# --- rows ------------------------------------------------------------------------------


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


def claim(model, pk, now):
    """Take the row for sending. True for exactly one caller.

    The claim's commit does not wait for the disk: if PostgreSQL crashed and lost it,
    the row is simply pending again, and any later write (the outcome) flushes it."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(
            f"UPDATE {_table(model)} SET sent_at = %s, status = %s, attempts = attempts + 1 "
            "WHERE id = %s AND sent_at IS NULL AND status = %s RETURNING id",
            [now, SendStatus.SENDING, pk, SendStatus.PENDING],
        )
        return cursor.fetchone() is not None


def finish(model, pk, status, now, error=""):
    """Record the outcome of a claimed row (only the claimant's row is `sending`)."""
    return model.objects.filter(pk=pk, status=SendStatus.SENDING).update(
        status=status, finished_at=now, last_error=error[:300]
    )


def give_back(model, pk, now, error):
    """A transient failure: the row is pending again, and marked as handed over so the
    scan leaves it to the retry until the requeue window has passed."""
    return model.objects.filter(pk=pk, status=SendStatus.SENDING).update(
        status=SendStatus.PENDING, sent_at=None, enqueued_at=now, last_error=error[:300]
    )


def recover_stalled(model, *, now=None):
    """Rows claimed longer ago than the lease: their worker died. Back to pending.

    The lease is measured on the wall clock, never on a scan's `now`: a scan run for a
    later moment (a test, a catch-up) must not take a claim from a worker still sending."""
    from django.utils import timezone

    lease = (now or timezone.now()) - timedelta(minutes=settings.REMINDER_CLAIM_LEASE_MINUTES)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_table(model)} SET sent_at = NULL, status = %s, enqueued_at = NULL, "
            "last_error = 'the worker stopped while sending; sent again' "
            "WHERE status = %s AND sent_at <= %s RETURNING id",
            [SendStatus.PENDING, SendStatus.SENDING, lease],
        )
        return [row[0] for row in cursor.fetchall()]


def pick_due(model, now, *, due_column, limit):
    """Mark up to `limit` due rows as handed over and return their ids. Rows another
    scan is marking right now are skipped (SKIP LOCKED), so two scans at once split
    the work; rows handed over recently are left to the task already queued."""
    requeue = now - timedelta(minutes=settings.REMINDER_REQUEUE_MINUTES)
    table = _table(model)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET enqueued_at = %s WHERE id IN ("
            f"  SELECT id FROM {table} WHERE sent_at IS NULL AND {due_column} <= %s"
            "   AND (enqueued_at IS NULL OR enqueued_at <= %s)"
            f"  ORDER BY {due_column} LIMIT %s FOR UPDATE SKIP LOCKED"
            ") RETURNING id",
            [now, now, requeue, limit],
        )
        return sorted(row[0] for row in cursor.fetchall())
