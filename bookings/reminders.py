"""Reminders before a session and the coach's morning agenda: when they are due, what
follows a booking when it moves or is cancelled, and sending one exactly once.

- `schedule(booking)` runs in the booking's transaction (confirm, reschedule): it
  makes the reminder rows for the session's start from the client's choices, and
  removes pending ones made for a start the session has left.
- `drop(booking)` runs in the cancellation's transaction: pending reminders go.
- `scan(now)` (beat, every minute) gives back claims of dead workers and hands over
  what is due; `deliver(reminder_id)` claims one row and sends it.
- A reminder whose time passed while nothing ran is sent late only while the session
  has not started; otherwise it is skipped, and the skip recorded. When a later
  reminder of the same session is due too, only the later one goes out: an outage is
  never followed by a burst of reminders.
"""

import logging
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts import audit
from core.zones import zone_named
from coaching.models import CoachProfile

from . import outbox
from .models import Booking, Status
from .reminder_models import CoachAgenda, Reminder, ReminderPreference, SendStatus

log = logging.getLogger(__name__)

OFFSET_CHOICES = [
    (2880, "2 days before"),
    (1440, "1 day before"),
    (180, "3 hours before"),
    (60, "1 hour before"),
    (15, "15 minutes before"),
]


class TryLater(Exception):
    """A transient failure: the row is pending again; retry after `countdown` seconds."""

    def __init__(self, countdown, error):
        super().__init__(error)
        self.countdown = countdown


# --- choices ---------------------------------------------------------------------------


def preferences_for(user):
    """The person's saved choices, or the defaults (not saved)."""
    try:
        return user.reminder_preference
    except ReminderPreference.DoesNotExist:
        return ReminderPreference(user=user)


def offsets_for(user):
    prefs = preferences_for(user)
    if not prefs.email_reminders:
        return []
    return sorted(set(prefs.offsets_minutes), reverse=True)


@transaction.atomic
def set_preferences(user, *, email_reminders=None, offsets_minutes=None, morning_agenda=None, request=None):
    """Save a person's choices; a client's upcoming sessions follow them at once."""
    prefs, _ = ReminderPreference.objects.select_for_update().get_or_create(user=user)
    allowed = {minutes for minutes, _label in OFFSET_CHOICES}
    if offsets_minutes is not None:
        unknown = set(offsets_minutes) - allowed
        if unknown:
            raise ValueError(f"unknown reminder offsets {sorted(unknown)}")
        prefs.offsets_minutes = sorted(set(offsets_minutes), reverse=True)
    if email_reminders is not None:
        prefs.email_reminders = email_reminders
    if morning_agenda is not None:
        prefs.morning_agenda = morning_agenda
    prefs.save()
    user.reminder_preference = prefs
    audit.record(
        "reminders.preferences_changed",
        actor=user,
        obj=prefs,
        request=request,
        email_reminders=prefs.email_reminders,
        offsets_minutes=prefs.offsets_minutes,
        morning_agenda=prefs.morning_agenda,
    )
    now = timezone.now()
    for booking in Booking.objects.filter(client=user, status=Status.CONFIRMED, starts_at__gt=now).select_for_update():
        schedule(booking, now=now)
    return prefs


# --- following the booking -------------------------------------------------------------


def schedule(booking, *, now=None):
    """Make the reminders `booking` should have now; call it inside the booking's transaction."""
    now = now or timezone.now()
    pending = Reminder.objects.filter(booking=booking, sent_at=None)
    pending.exclude(session_starts_at=booking.starts_at).delete()
    if booking.status != Status.CONFIRMED:
        pending.delete()
        return []
    wanted = offsets_for(booking.client)
    pending.exclude(offset_minutes__in=wanted).delete()
    # One whose time has already passed at booking is not made: the confirmation says it all.
    rows = [
        Reminder(
            booking=booking,
            offset_minutes=minutes,
            session_starts_at=booking.starts_at,
            due_at=booking.starts_at - timedelta(minutes=minutes),
        )
        for minutes in wanted
        if booking.starts_at - timedelta(minutes=minutes) > now
    ]
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    return list(Reminder.objects.filter(booking=booking, session_starts_at=booking.starts_at).order_by("due_at"))


def drop(booking):
    """The session is off: its pending reminders vanish (sent ones stay as history)."""
    deleted, _ = Reminder.objects.filter(booking=booking, sent_at=None).delete()
    return deleted


# --- the scan ------------------------------------------------------------------------


def scan(*, now=None, limit=None):
    """Give back stalled claims, then hand what is due to the workers, in chunks (one task
    per reminder would spend more on Celery than on the e-mail). Batch after batch until
    nothing is left, so a backlog after an outage drains in one run. Returns the ids."""
    from . import tasks

    now = now or timezone.now()
    recovered = outbox.recover_stalled(Reminder)
    if recovered:
        log.warning("reminders %s were claimed by a worker that stopped; sending them again", recovered)
    batch = limit or settings.REMINDER_SCAN_BATCH
    chunk = max(1, settings.REMINDER_SEND_CHUNK)
    handed = []
    while True:
        ids = outbox.pick_due(Reminder, now, due_column="due_at", limit=batch)
        for start in range(0, len(ids), chunk):
            outbox.enqueue(tasks.send_reminders, reminder_ids=ids[start : start + chunk])
        handed += ids
        if len(ids) < batch or len(handed) >= settings.REMINDER_SCAN_MAX:
            return handed


def deliver_all(reminder_ids):
    """Send a chunk; a reminder to retry later comes back as (id, countdown)."""
    from celery.exceptions import SoftTimeLimitExceeded

    later = []
    for reminder_id in reminder_ids:
        try:
            deliver(reminder_id)
        except TryLater as again:
            later.append((reminder_id, again.countdown))
            if isinstance(again.__cause__, SoftTimeLimitExceeded):
                break  # out of time: the rest stay pending, and the scan hands them over again
    return later


def _skip(reminder, now, reason):
    outbox.finish(Reminder, reminder.pk, SendStatus.SKIPPED, now, reason)
    audit.record(
        "reminder.skipped",
        obj=reminder.booking,
        reminder_id=reminder.pk,
        offset_minutes=reminder.offset_minutes,
        reason=reason,
    )
    return SendStatus.SKIPPED


def _fail(model, row, booking, now, error):
    outbox.finish(model, row.pk, SendStatus.FAILED, now, error)
    audit.record(f"{model._meta.model_name}.failed", obj=booking, row_id=row.pk, error=error[:300])
    return SendStatus.FAILED


def _why_not(reminder, now):
    booking = reminder.booking
    if booking.status != Status.CONFIRMED:
        return "the session is no longer on"
    if booking.starts_at != reminder.session_starts_at:
        return "the session moved"
    if booking.starts_at <= now:
        return "the session had already started when the reminder could go out"
    if reminder.offset_minutes not in offsets_for(booking.client):
        return "the client turned this reminder off"
    if reminder.later_one_due:
        return "a later reminder of the same session was due too"
    return None


def _send(model, row, booking, build, now):
    try:
        message = build()
    except Exception as exc:
        # A message we cannot write (an indiscreet subject, a broken template) fails for good,
        # visibly: retrying would only fail again.
        log.exception("%s %s could not be written", model._meta.model_name, row.pk)
        return _fail(model, row, booking, now, f"could not be written: {exc}")
    try:
        outbox.send(message)
    except Exception as exc:
        error = outbox.describe(exc)
        if not outbox.is_transient(exc):
            log.warning("%s %s failed for good: %s", model._meta.model_name, row.pk, error)
            return _fail(model, row, booking, now, error)
        if row.attempts >= settings.REMINDER_MAX_ATTEMPTS:
            return _fail(model, row, booking, now, f"gave up after {row.attempts} tries: {error}")
        outbox.give_back(model, row.pk, now, error)
        raise TryLater(outbox.backoff_seconds(row.attempts), error) from exc
    outbox.finish(model, row.pk, SendStatus.SENT, timezone.now())
    return SendStatus.SENT


def deliver(reminder_id, *, now=None):
    """Claim and send one reminder. Returns its outcome, or None when someone else has it
    (already sent, being sent, or gone). Raises TryLater on a transient failure."""
    from .reminder_emails import reminder_message

    now = now or timezone.now()
    if not outbox.claim(Reminder, reminder_id, now):
        return None
    later_one = Reminder.objects.filter(
        booking=OuterRef("booking"),
        session_starts_at=OuterRef("session_starts_at"),
        offset_minutes__lt=OuterRef("offset_minutes"),
        due_at__lte=now,
    ).exclude(status=SendStatus.SKIPPED)
    reminder = (
        Reminder.objects.select_related("booking__client__reminder_preference", "booking__coach")
        .annotate(later_one_due=Exists(later_one))
        .get(pk=reminder_id)
    )
    reason = _why_not(reminder, now)
    if reason:
        return _skip(reminder, now, reason)
    return _send(Reminder, reminder, reminder.booking, lambda: reminder_message(reminder, now=now), now)


# --- the coach's morning agenda -------------------------------------------------------


def coach_zone(coach):
    return zone_named(coach.time_zone)


def day_bounds(day, zone):
    start = datetime.combine(day, time(0), zone)
    end = datetime.combine(day + timedelta(days=1), time(0), zone)
    return start, end


def agenda_sessions(coach, day):
    start, end = day_bounds(day, coach_zone(coach))
    return list(
        Booking.objects.filter(coach=coach, status=Status.CONFIRMED, starts_at__gte=start, starts_at__lt=end)
        .select_related("client", "session_type")
        .order_by("starts_at")
    )


def owe_agendas(now):
    """An agenda row for every coach whose morning has come, who has not opted out and
    has a session today still to come."""
    opted_out = ReminderPreference.objects.filter(morning_agenda=False).values("user_id")
    made = []
    for coach in CoachProfile.objects.exclude(user_id__in=opted_out).only("id", "time_zone"):
        local = now.astimezone(coach_zone(coach))
        if local.hour < settings.AGENDA_HOUR:
            continue
        start, end = day_bounds(local.date(), coach_zone(coach))
        if not Booking.objects.filter(
            coach=coach, status=Status.CONFIRMED, starts_at__gt=now, starts_at__lt=end
        ).exists():
            continue
        _agenda, created = CoachAgenda.objects.get_or_create(coach=coach, day=local.date())
        if created:
            made.append(_agenda.pk)
    return made


def scan_agendas(*, now=None):
    from . import tasks

    now = now or timezone.now()
    outbox.recover_stalled(CoachAgenda)
    owe_agendas(now)
    ids = outbox.pick_due(CoachAgenda, now, due_column="created_at", limit=settings.REMINDER_SCAN_BATCH)
    for agenda_id in ids:
        outbox.enqueue(tasks.send_agenda, agenda_id=agenda_id)
    return ids


def deliver_agenda(agenda_id, *, now=None):
    from .reminder_emails import agenda_message

    now = now or timezone.now()
    if not outbox.claim(CoachAgenda, agenda_id, now):
        return None
    agenda = CoachAgenda.objects.select_related("coach__user").get(pk=agenda_id)
    sessions = agenda_sessions(agenda.coach, agenda.day)
    if not preferences_for(agenda.coach.user).morning_agenda:
        outbox.finish(CoachAgenda, agenda.pk, SendStatus.SKIPPED, now, "the coach turned the agenda off")
        return SendStatus.SKIPPED
    if not any(booking.starts_at > now for booking in sessions):
        outbox.finish(CoachAgenda, agenda.pk, SendStatus.SKIPPED, now, "the day's sessions had all started")
        audit.record("agenda.skipped", obj=agenda.coach, agenda_id=agenda.pk, day=agenda.day.isoformat())
        return SendStatus.SKIPPED
    return _send(CoachAgenda, agenda, agenda.coach, lambda: agenda_message(agenda, sessions, now=now), now)


# --- for the admins -------------------------------------------------------------------


def failures():
    return Reminder.objects.filter(status=SendStatus.FAILED).select_related(
        "booking__client", "booking__coach"
    ).order_by("-finished_at", "-id")


def agenda_failures():
    return CoachAgenda.objects.filter(status=SendStatus.FAILED).select_related("coach").order_by("-finished_at", "-id")


@transaction.atomic
def try_again(reminder, *, actor, now=None, request=None):
    """An admin sends a failed reminder once more, if its session is still to come."""
    now = now or timezone.now()
    reminder = Reminder.objects.select_for_update().select_related("booking").get(pk=reminder.pk)
    if reminder.status != SendStatus.FAILED:
        raise ValueError("Only a reminder that could not be sent can be tried again.")
    if reminder.booking.starts_at <= now or reminder.booking.status != Status.CONFIRMED:
        raise ValueError("This session has started or is no longer on, so the reminder would come too late.")
    Reminder.objects.filter(pk=reminder.pk).update(
        status=SendStatus.PENDING, sent_at=None, enqueued_at=None, finished_at=None, attempts=0
    )
    audit.record("reminder.retried", actor=actor, obj=reminder.booking, request=request, reminder_id=reminder.pk)
    from . import tasks

    outbox.enqueue_on_commit(tasks.send_reminder, reminder_id=reminder.pk)
    return reminder
