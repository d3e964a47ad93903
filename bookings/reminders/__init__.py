"""Reminders before a session and the coach's morning agenda: when they are due, what
follows a booking when it moves or is cancelled, and sending one exactly once.

- `schedule(booking)` runs in the booking's transaction (confirm, reschedule): it owes
  the reminders for the session's start from the client's choices, and withdraws
  pending ones made for a start the session has left.
- `drop(booking)` runs in the cancellation's transaction: pending reminders go.
- The outbox's scan finds what is due; `reminder_for(work)` decides at send time
  whether the reminder still makes sense, and writes it.
"""

import logging
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts import audit
from core.zones import zone_named
from coaching.models import CoachProfile

from core import outbox
from core.models import OwedStatus, OwedWork

from ..models import Booking, ReminderPreference, Status
from .emails import agenda_message, reminder_message

log = logging.getLogger(__name__)

OFFSET_CHOICES = [
    (2880, "2 days before"),
    (1440, "1 day before"),
    (180, "3 hours before"),
    (60, "1 hour before"),
    (15, "15 minutes before"),
]


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
def set_preferences(
    user, *, email_reminders=None, offsets_minutes=None, morning_agenda=None, coach_notices_off=None, request=None
):
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
    if coach_notices_off is not None:
        prefs.coach_notices_off = sorted(set(coach_notices_off))
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
        coach_notices_off=prefs.coach_notices_off,
    )
    now = timezone.now()
    for booking in Booking.objects.filter(client=user, status=Status.CONFIRMED, starts_at__gt=now).select_for_update():
        schedule(booking, now=now)
    return prefs


# --- following the booking -------------------------------------------------------------

REMINDER = "booking.reminder"
AGENDA = "coach.agenda"


def _about(booking):
    return f"booking:{booking.pk}"


def schedule(booking, *, now=None):
    """Owe the reminders `booking` should have now; call it inside the booking's transaction.
    Pending ones made for a start the session has left, or for choices since turned off, go."""
    now = now or timezone.now()
    starts = booking.starts_at.isoformat()
    wanted = offsets_for(booking.client) if booking.status == Status.CONFIRMED else []
    outbox.withdraw(
        about=_about(booking),
        kind=REMINDER,
        keep=lambda work: work.payload["session_starts_at"] == starts and work.payload["offset_minutes"] in wanted,
    )
    # One whose time has already passed at booking is not owed: the confirmation says it all.
    return [
        outbox.owe(
            REMINDER,
            key=f"reminder:{booking.pk}:{minutes}:{starts}",
            due_at=booking.starts_at - timedelta(minutes=minutes),
            about=_about(booking),
            booking_id=booking.pk,
            offset_minutes=minutes,
            session_starts_at=starts,
        )
        for minutes in wanted
        if booking.starts_at - timedelta(minutes=minutes) > now
    ]


def drop(booking):
    """The session is off: its pending reminders are no longer owed (sent ones stay as history)."""
    return outbox.withdraw(about=_about(booking), kind=REMINDER)


# Why a reminder was not sent: the kind goes into the audit trail, the words to the admins' page.
SKIPPED_BECAUSE = {
    "not_on": "the session is no longer on",
    "moved": "the session moved",
    "started": "the session had already started when the reminder could go out",
    "turned_off": "the client turned this reminder off",
    "later_one_due": "a later reminder of the same session was due too",
}


def _why_not(work, booking, now):
    """The kind of reason (a key of SKIPPED_BECAUSE) not to send this reminder, or None."""
    offset = work.payload["offset_minutes"]
    if booking.status != Status.CONFIRMED:
        return "not_on"
    if booking.starts_at.isoformat() != work.payload["session_starts_at"]:
        return "moved"
    if booking.starts_at <= now:
        return "started"
    if offset not in offsets_for(booking.client):
        return "turned_off"
    later_one_due = (
        OwedWork.objects.filter(
            about=work.about,
            kind=REMINDER,
            due_at__lte=now,
            payload__session_starts_at=work.payload["session_starts_at"],
            payload__offset_minutes__lt=offset,
        )
        .exclude(status=OwedStatus.SKIPPED)
        .exists()
    )
    if later_one_due:
        return "later_one_due"
    return None


@outbox.email(REMINDER, label="Reminder before a session")
def reminder_for(work, *, now=None):
    """A reminder whose time passed while nothing ran goes late only while the session has
    not started; when a later reminder of the same session is due too, only that one goes:
    an outage is never followed by a burst of reminders."""
    now = now or timezone.now()
    booking = (
        Booking.objects.select_related("client__reminder_preference", "coach")
        .filter(pk=work.payload["booking_id"])
        .first()
    )
    if booking is None:
        raise outbox.Skip("the booking is gone")
    because = _why_not(work, booking, now)
    if because:
        audit.record("reminder.skipped", obj=booking, work_id=work.pk, offset_minutes=work.payload["offset_minutes"], because=because)
        raise outbox.Skip(SKIPPED_BECAUSE[because])
    return reminder_message(work, booking, now=now)


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


def owe_agendas(now=None):
    """Owe an agenda to every coach whose morning has come, who has not opted out and has a
    session today still to come. Returns the rows owed by this call."""
    now = now or timezone.now()
    opted_out = ReminderPreference.objects.filter(morning_agenda=False).values("user_id")
    made = []
    for coach in CoachProfile.objects.exclude(user_id__in=opted_out).only("id", "time_zone"):
        local = now.astimezone(coach_zone(coach))
        if local.hour < settings.AGENDA_HOUR:
            continue
        _start, end = day_bounds(local.date(), coach_zone(coach))
        if not Booking.objects.filter(
            coach=coach, status=Status.CONFIRMED, starts_at__gt=now, starts_at__lt=end
        ).exists():
            continue
        key = f"agenda:{coach.pk}:{local.date().isoformat()}"
        if OwedWork.objects.filter(key=key).exists():
            continue
        made.append(
            outbox.owe(AGENDA, key=key, due_at=now, about=f"coach:{coach.pk}", coach_id=coach.pk, day=local.date().isoformat())
        )
    return made


@outbox.email(AGENDA, label="Coach's morning agenda")
def agenda_for(work, *, now=None):
    now = now or timezone.now()
    coach = CoachProfile.objects.select_related("user").filter(pk=work.payload["coach_id"]).first()
    if coach is None:
        raise outbox.Skip("the coach is gone")
    day = date.fromisoformat(work.payload["day"])
    sessions = agenda_sessions(coach, day)
    if not preferences_for(coach.user).morning_agenda:
        raise outbox.Skip("the coach turned the agenda off")
    if not any(booking.starts_at > now for booking in sessions):
        audit.record("agenda.skipped", obj=coach, work_id=work.pk, day=day.isoformat())
        raise outbox.Skip("the day's sessions had all started")
    return agenda_message(work, coach, day, sessions, now=now)


def record_failure(sender, *, work, error, **kwargs):
    """A reminder that failed for good goes into its booking's audit trail."""
    if work.kind == REMINDER:
        audit.record("reminder.failed", obj=Booking(pk=work.payload["booking_id"]), work_id=work.pk)


outbox.work_failed.connect(record_failure, dispatch_uid="bookings.reminders.record_failure")
