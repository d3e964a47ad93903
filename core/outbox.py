"""The one outbox: every side effect is owed work, recorded in the caller's transaction
and delivered once by Celery.

- `owe(kind, key=..., due_at=..., **ids)` is all domain code does about a side effect.
  It runs inside the caller's transaction: a rolled-back change owes nothing, and a
  committed one is delivered even if the broker was down at the time.
- Work that is due now is handed to a worker after commit; whatever could not be handed
  over (Redis down) or is due later is found by `scan`, which beat runs every minute.
- `deliver(work_id)` claims the row with one conditional UPDATE (of two workers, or a
  task delivered twice, one gets it) and runs the handler registered for its kind.
  A failure worth retrying (SMTP 4xx, a timeout, a refused connection, `TryLater`) makes
  the row pending again after a bounded back-off; anything else fails it for good,
  where admins see it and can try again. A worker that dies holding a claim leaves the
  row `sending`; once the lease (longer than a task may run) is over, the scan takes it
  back.
- Every e-mail, of every kind, is checked for discretion at send time: a subject or
  sender that names what the sessions are about is never sent.

Handlers are registered by the apps above this one (`@outbox.email(kind)` returns the
message to send, `@outbox.action(kind)` does the work) when Django loads them. This
module imports nothing of ours, and it is the only code that enqueues Celery tasks.
"""

import logging
import re
import smtplib
import socket
import threading
from dataclasses import dataclass
from datetime import timedelta

from celery import current_app
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import get_connection
from django.db import IntegrityError, connection, transaction
from django.dispatch import Signal
from django.utils import timezone
from kombu.exceptions import KombuError
from kombu.exceptions import OperationalError as BrokerDown
from redis.exceptions import RedisError

from .discretion import require_discreet
from .models import OwedStatus, OwedWork

log = logging.getLogger(__name__)

DELIVER_TASK = "core.deliver_owed"
BROKER_ERRORS = (BrokerDown, KombuError, RedisError, OSError)


# Sent with `work` and `error` when owed work fails for good, so the app that owed it can
# write it into its own records (the audit trail lives above this module).
work_failed = Signal()


class Skip(Exception):
    """Nothing to do any more (the session moved, the person opted out): recorded, not retried."""


class TryLater(Exception):
    """A failure worth another try (a service that is down or busy)."""


@dataclass(frozen=True)
class Handler:
    kind: str
    label: str
    run: object
    is_email: bool


_handlers = {}


def _register(kind, label, is_email):
    def wrap(function):
        if kind in _handlers and _handlers[kind].run is not function:
            raise ValueError(f"a handler for {kind!r} is already registered")
        _handlers[kind] = Handler(kind, label or kind, function, is_email)
        return function

    return wrap


def email(kind, *, label=""):
    """Register `function(work) -> EmailMessage` as the delivery of `kind`."""
    return _register(kind, label, True)


def action(kind, *, label=""):
    """Register `function(work) -> None` as the delivery of `kind`."""
    return _register(kind, label, False)


def handler_for(kind):
    return _handlers.get(kind)


def kinds():
    return dict(_handlers)


# --- owing --------------------------------------------------------------------------------

# A payload is read by workers, shown on the deliveries page and copied into backups, and
# it is not encrypted: it holds ids, numbers, flags and instants, never what a person wrote.
# The handler reads the words from their (sealed) home when it runs.
INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?)?")
# Another service's id for one of our things, such as Stripe's "cus_Nf3a9", or one of our
# own codes ("mismatch"): no spaces, so never a sentence someone wrote.
SERVICE_ID = re.compile(r"[a-z]{2,6}_[A-Za-z0-9]{1,64}|[a-z][a-z0-9_.:-]{0,40}")


def _refuse_free_text(payload):
    for name, value in payload.items():
        if value is None or isinstance(value, (bool, int)):
            continue
        if isinstance(value, str) and (INSTANT.fullmatch(value) or SERVICE_ID.fullmatch(value)):
            continue
        # The value itself is not repeated: it may be the very text that must not be stored.
        raise ValueError(f"owed work carries ids, numbers, flags and ISO dates only; {name!r} is none of these")



def owe(kind, *, key, due_at=None, about="", **payload):
    """Record `kind` as owed, once per `key`, inside the caller's transaction. Returns the row
    (the existing one when the key was owed before)."""
    if kind not in _handlers:
        raise ValueError(f"nothing delivers {kind!r}: register a handler first")
    _refuse_free_text(payload)
    now = timezone.now()
    due_at = due_at or now
    try:
        with transaction.atomic():
            work = OwedWork.objects.create(
                kind=kind, key=key, about=about, payload=payload, due_at=due_at, available_at=due_at
            )
    except IntegrityError:
        return OwedWork.objects.get(key=key)
    if due_at <= now:
        transaction.on_commit(lambda: hand_over([work.pk]))
    return work


def withdraw(*, about, kind, keep=lambda work: False):
    """Pending work about one thing that is no longer owed (work already being delivered
    checks for itself). Returns how many rows went."""
    doomed = [w.pk for w in OwedWork.objects.filter(about=about, kind=kind, status=OwedStatus.PENDING) if not keep(w)]
    if doomed:
        OwedWork.objects.filter(pk__in=doomed, status=OwedStatus.PENDING).delete()
    return len(doomed)


def hand_over(work_ids):
    """Give work to the broker now. Fire and forget, no publish retries: a dead Redis must
    not hold a request, and the scan is the retry. Returns whether the broker took it."""
    try:
        current_app.tasks[DELIVER_TASK].apply_async(kwargs={"work_ids": list(work_ids)}, ignore_result=True, retry=False)
    except BROKER_ERRORS as exc:
        log.warning("broker unavailable, owed work %s left for the scan: %s", work_ids, exc)
        return False
    return True


# --- the scan -----------------------------------------------------------------------------


def _table():
    return connection.ops.quote_name(OwedWork._meta.db_table)


def recover_stalled(*, now=None):
    """Claims older than the lease: their worker died. Pending again, at once.

    The lease is measured on the wall clock, never on a scan's `now`: a scan run for a
    later moment (a test, a catch-up) must not take a claim from a worker still working."""
    lease_ended = timezone.now() - timedelta(minutes=settings.OUTBOX_CLAIM_LEASE_MINUTES)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_table()} SET status = %s, claimed_at = NULL, enqueued_at = NULL, available_at = %s, "
            "last_error = 'the worker stopped while delivering; delivered again' "
            "WHERE status = %s AND claimed_at <= %s RETURNING id",
            [OwedStatus.PENDING, now or timezone.now(), OwedStatus.SENDING, lease_ended],
        )
        return [row[0] for row in cursor.fetchall()]


def pick_due(now, *, limit):
    """Mark up to `limit` due rows as handed over and return their ids. Rows another scan is
    marking right now are skipped (SKIP LOCKED), so two scans at once split the work; rows
    handed over recently are left to the task already queued."""
    requeue = now - timedelta(minutes=settings.OUTBOX_REQUEUE_MINUTES)
    table = _table()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET enqueued_at = %s WHERE id IN ("
            f"  SELECT id FROM {table} WHERE status = %s AND available_at <= %s"
            "   AND (enqueued_at IS NULL OR enqueued_at <= %s)"
            "  ORDER BY available_at LIMIT %s FOR UPDATE SKIP LOCKED"
            ") RETURNING id",
            [now, OwedStatus.PENDING, now, requeue, limit],
        )
        return sorted(row[0] for row in cursor.fetchall())


def scan(*, now=None):
    """Take back stalled claims, then hand what is due to the workers in chunks (one task
    per e-mail would spend more on Celery than on the e-mail), batch after batch, so a
    backlog after an outage drains in one run. Returns the ids handed over."""
    now = now or timezone.now()
    recovered = recover_stalled(now=now)
    if recovered:
        log.warning("owed work %s was claimed by a worker that stopped; delivering it again", recovered)
    batch = settings.OUTBOX_SCAN_BATCH
    chunk = max(1, settings.OUTBOX_DELIVER_CHUNK)
    handed = []
    while True:
        ids = pick_due(now, limit=batch)
        for start in range(0, len(ids), chunk):
            hand_over(ids[start : start + chunk])
        handed += ids
        if len(ids) < batch or len(handed) >= settings.OUTBOX_SCAN_MAX:
            return handed


# --- delivering -----------------------------------------------------------------------------


def claim(work_id, now):
    """Take the row for delivery. True for exactly one caller.

    The claim's commit does not wait for the disk: if PostgreSQL crashed and lost it, the
    row is simply pending again, and the outcome's write flushes it."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(
            f"UPDATE {_table()} SET status = %s, claimed_at = %s, attempts = attempts + 1 "
            "WHERE id = %s AND status = %s AND available_at <= %s RETURNING id",
            [OwedStatus.SENDING, now, work_id, OwedStatus.PENDING, now],
        )
        return cursor.fetchone() is not None


# An e-mail address, as mail servers quote it back ("<alice@example.org>: no such mailbox").
ADDRESS = re.compile(r"[^\s<>()\[\]{},;:'\"]+@[^\s<>()\[\]{},;:'\"]+")


def without_addresses(text):
    """An error as it is kept and shown to admins: the outcome stays, the person's address
    goes. The row outlives the account it was about."""
    return ADDRESS.sub("[address]", text)


def _finish(work_id, status, error=""):
    error = without_addresses(error)
    finished = OwedWork.objects.filter(pk=work_id, status=OwedStatus.SENDING).update(
        status=status, finished_at=timezone.now(), last_error=error[:300]
    )
    if finished and status == OwedStatus.FAILED:
        work_failed.send(sender=OwedWork, work=OwedWork.objects.get(pk=work_id), error=error[:300])
    return finished


def backoff_seconds(attempts):
    """30 s, 60 s, 120 s ... after the 1st, 2nd, 3rd failed attempt, never more than the cap."""
    base = settings.OUTBOX_RETRY_BASE_SECONDS
    return min(settings.OUTBOX_RETRY_MAX_SECONDS, base * 2 ** max(0, attempts - 1))


def _give_back(work, now, error):
    """Pending again, for the scan to hand over once the back-off has passed."""
    OwedWork.objects.filter(pk=work.pk, status=OwedStatus.SENDING).update(
        status=OwedStatus.PENDING,
        claimed_at=None,
        enqueued_at=None,
        available_at=now + timedelta(seconds=backoff_seconds(work.attempts)),
        last_error=without_addresses(error)[:300],
    )


def smtp_codes(exc):
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return [code for code, _message in exc.recipients.values()]
    code = getattr(exc, "smtp_code", None)
    return [code] if isinstance(code, int) else []


def is_transient(exc):
    """Worth another try: `TryLater`, a 4xx answer, a timeout, a dropped or refused
    connection, or the task's own time running out mid-delivery."""
    if isinstance(exc, (TryLater, SoftTimeLimitExceeded)):
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
    return without_addresses(text)[:300]


def check_discretion(message):
    """Refuse an e-mail whose subject or sender names what the sessions are about."""
    require_discreet(message.subject, message.from_email or "")


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
    """Send over one SMTP connection kept open per worker thread: a thousand reminders a
    minute cannot each pay for a new connection, greeting and goodbye. A connection the
    server closed while idle is replaced once; any other error drops it and rises."""
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


def deliver(work_id, *, now=None):
    """Claim and deliver one row. Returns its outcome (an OwedStatus), or None when someone
    else has it (done, being delivered, not yet due, or gone)."""
    now = now or timezone.now()
    if not claim(work_id, now):
        return None
    work = OwedWork.objects.get(pk=work_id)
    handler = handler_for(work.kind)
    if handler is None:
        _finish(work.pk, OwedStatus.FAILED, f"nothing delivers {work.kind!r}")
        return OwedStatus.FAILED
    try:
        if handler.is_email:
            try:
                message = handler.run(work)
                check_discretion(message)
            except (Skip, TryLater, SoftTimeLimitExceeded):
                raise
            except Exception as exc:
                # A message we cannot write (an indiscreet subject, a broken template) fails
                # for good, visibly: writing it again would only fail again.
                log.exception("%s %s could not be written", work.kind, work.pk)
                _finish(work.pk, OwedStatus.FAILED, f"could not be written: {exc}")
                return OwedStatus.FAILED
            send(message)
        else:
            handler.run(work)
    except Skip as skip:
        _finish(work.pk, OwedStatus.SKIPPED, str(skip))
        return OwedStatus.SKIPPED
    except Exception as exc:
        error = describe(exc)
        if not is_transient(exc):
            log.warning("%s %s failed for good: %s", work.kind, work.pk, error)
            _finish(work.pk, OwedStatus.FAILED, error)
            return OwedStatus.FAILED
        if work.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            _finish(work.pk, OwedStatus.FAILED, f"gave up after {work.attempts} tries: {error}")
            return OwedStatus.FAILED
        log.info("%s %s: %s; again in %ss", work.kind, work.pk, error, backoff_seconds(work.attempts))
        _give_back(work, now, error)
        if isinstance(exc, SoftTimeLimitExceeded):
            raise
        return OwedStatus.PENDING
    _finish(work.pk, OwedStatus.DONE)
    return OwedStatus.DONE


def deliver_all(work_ids):
    """A chunk from the scan, each row claimed on its own. Out of time, the rest are left
    for the scan to hand over again at once."""
    outcomes = {}
    for index, work_id in enumerate(work_ids):
        try:
            outcomes[work_id] = deliver(work_id)
        except SoftTimeLimitExceeded:
            OwedWork.objects.filter(pk__in=work_ids[index + 1 :], status=OwedStatus.PENDING).update(enqueued_at=None)
            break
    return outcomes


# --- for the admins ---------------------------------------------------------------------------


def failures():
    return OwedWork.objects.filter(status=OwedStatus.FAILED).order_by("-finished_at", "-id")


def waiting():
    """Work due now or overdue that has not been delivered yet (a service may be down)."""
    return OwedWork.objects.filter(status__in=(OwedStatus.PENDING, OwedStatus.SENDING), due_at__lte=timezone.now())


@transaction.atomic
def try_again(work_id):
    """An admin asks for failed work once more. Returns the row, or None if it had not failed."""
    work = OwedWork.objects.select_for_update().filter(pk=work_id, status=OwedStatus.FAILED).first()
    if work is None:
        return None
    now = timezone.now()
    OwedWork.objects.filter(pk=work.pk).update(
        status=OwedStatus.PENDING, claimed_at=None, enqueued_at=None, finished_at=None, attempts=0, available_at=now
    )
    transaction.on_commit(lambda: hand_over([work.pk]))
    return work
