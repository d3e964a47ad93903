"""Background work for bookings: thin tasks that take ids, fetch, and call the rules.

All are idempotent. E-mails are claimed by a conditional UPDATE before they are sent,
so a task delivered twice sends one message.
"""

import logging
import smtplib
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from .errors import BookingRefused
from .models import Booking, Notice, Status

log = logging.getLogger(__name__)


def enqueue(task, **kwargs):
    """Send a task to the broker; a broker that is down must not undo a committed booking."""
    try:
        # issue 5: fire-and-forget, no publish retries, so a dead Redis costs the request < 1 s.
        from . import outbox

        outbox.enqueue(task, **kwargs)
    except Exception:  # the beat scan picks up what was not sent
        log.exception("could not enqueue %s %s", task.name, kwargs)


@shared_task(name="bookings.send_notice", bind=True, max_retries=5)
def send_notice(self, *, notice_id):
    from . import emails

    now = timezone.now()
    claimed = (
        _claimable_notices(now).filter(pk=notice_id).update(claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    notice = Notice.objects.select_related("booking__client", "booking__coach", "booking__session_type").get(pk=notice_id)
    try:
        emails.send(notice)
    except (smtplib.SMTPException, OSError) as exc:
        Notice.objects.filter(pk=notice_id).update(claimed_at=None, last_error=str(exc)[:300])
        raise self.retry(exc=exc, countdown=min(600, 30 * 2**self.request.retries)) from exc
    Notice.objects.filter(pk=notice_id).update(sent_at=timezone.now())
    return True


def _claimable_notices(now):
    """Unsent notices nobody holds: never claimed, or claimed by a worker that died
    (its lease, longer than a task may run, has passed)."""
    lease_ended = now - timedelta(minutes=settings.REMINDER_CLAIM_LEASE_MINUTES)
    return Notice.objects.filter(sent_at=None).filter(Q(claimed_at=None) | Q(claimed_at__lt=lease_ended))


@shared_task(name="bookings.resend_unsent_notices")
def resend_unsent_notices():
    """Notices whose task never reached the broker, or ran out of retries, get another go."""
    stale = timezone.now() - timedelta(minutes=5)
    ids = list(
        _claimable_notices(timezone.now()).filter(created_at__lt=stale, attempts__lt=6).values_list("pk", flat=True)[:200]
    )
    for notice_id in ids:
        enqueue(send_notice, notice_id=notice_id)
    return len(ids)


@shared_task(name="bookings.cancel_open_intents")
def cancel_open_intents(*, booking_id):
    from . import payments

    booking = Booking.objects.filter(pk=booking_id).first()
    if booking is None:
        log.info("booking %s is gone", booking_id)
        return
    payments.cancel_open_intents(booking)


@shared_task(name="bookings.expire_holds")
def expire_holds():
    """Release holds whose 15 minutes are up (the periodic half of expiry: the booking
    function also expires a coach's stale holds before it books)."""
    from . import transitions

    now = timezone.now()
    expired = 0
    for booking_id in Booking.objects.filter(status=Status.PENDING_PAYMENT, hold_expires_at__lte=now).values_list(
        "pk", flat=True
    ):
        try:
            transitions.expire(Booking(pk=booking_id), now=now)
            expired += 1
        except BookingRefused:
            continue
    return expired


@shared_task(name="bookings.complete_past_sessions")
def complete_past_sessions():
    from . import transitions

    now = timezone.now()
    done = 0
    for booking_id in Booking.objects.filter(status=Status.CONFIRMED, ends_at__lte=now).values_list("pk", flat=True):
        try:
            transitions.complete(Booking(pk=booking_id), now=now)
            done += 1
        except BookingRefused:
            continue
    return done


# --- Reminders and morning agendas (issue 5) ------------------------------------------


@shared_task(name="bookings.scan_reminders")
def scan_reminders():
    from . import reminders

    return len(reminders.scan())


def _deliver_or_retry(task, deliver, what, row_id):
    """Run `deliver(row_id)`; a TryLater becomes a retry after its countdown."""
    from . import reminders

    try:
        return deliver(row_id)
    except reminders.TryLater as later:
        log.info("%s %s: %s; again in %ss", what, row_id, later, later.countdown)
        raise task.retry(countdown=later.countdown) from later


@shared_task(name="bookings.send_reminder", bind=True, max_retries=None)
def send_reminder(self, *, reminder_id):
    """The row counts the attempts and gives up; a lost retry is found by the scan."""
    from . import reminders

    return _deliver_or_retry(self, reminders.deliver, "reminder", reminder_id)


@shared_task(name="bookings.send_reminders")
def send_reminders(*, reminder_ids):
    """A chunk from the scan; each reminder is claimed on its own, and one refused for now
    is retried alone, with back-off."""
    from . import outbox, reminders

    for reminder_id, countdown in reminders.deliver_all(reminder_ids):
        try:
            send_reminder.apply_async(kwargs={"reminder_id": reminder_id}, countdown=countdown, ignore_result=True)
        except outbox.broker_errors():
            log.warning("reminder %s left for the scan", reminder_id)
    return len(reminder_ids)


@shared_task(name="bookings.scan_agendas")
def scan_agendas():
    from . import reminders

    return len(reminders.scan_agendas())


@shared_task(name="bookings.send_agenda", bind=True, max_retries=None)
def send_agenda(self, *, agenda_id):
    from . import reminders

    return _deliver_or_retry(self, reminders.deliver_agenda, "agenda", agenda_id)
