"""What must be sent before a session, as rows in PostgreSQL: each reminder and each
coach's morning agenda is a row written in the same transaction as the change that
owes it, so a broker that is down loses nothing, and a worker claims a row (sets
`sent_at`) before it sends, so nothing goes out twice.

Imported by `bookings/models.py`; the rules live in `outbox.py` and `reminders.py`.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from coaching.models import CoachProfile


class SendStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Not sent"
    FAILED = "failed", "Could not be sent"


class OutboxRow(models.Model):
    """The fields every row of the outbox shares. `sent_at` is the claim: set by the one
    UPDATE that wins, cleared again only when a send failed in a way worth retrying or
    its worker died (the lease ran out)."""

    status = models.CharField(max_length=10, choices=SendStatus.choices, default=SendStatus.PENDING)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Reminder(OutboxRow):
    booking = models.ForeignKey("bookings.Booking", on_delete=models.CASCADE, related_name="reminders")
    offset_minutes = models.PositiveIntegerField()
    # The start this reminder was made for: a reminder for a time the session has left is never sent.
    session_starts_at = models.DateTimeField()
    due_at = models.DateTimeField()

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "offset_minutes", "session_starts_at"], name="reminder_once_per_offset_and_start"
            ),
        ]
        indexes = [
            # The due scan: unsent rows by due time. Sent rows (almost all of them) are not in it.
            models.Index(fields=["due_at"], name="reminder_due_unsent", condition=Q(sent_at__isnull=True)),
            # Claims whose worker died: few rows, found by when they were claimed.
            models.Index(fields=["sent_at"], name="reminder_sending", condition=Q(status="sending")),
            models.Index(fields=["-finished_at"], name="reminder_failed", condition=Q(status="failed")),
        ]

    def __str__(self):
        return f"Reminder {self.pk} ({self.get_status_display()})"


class CoachAgenda(OutboxRow):
    """One coach's morning e-mail of one day's sessions (the day in the coach's zone)."""

    coach = models.ForeignKey(CoachProfile, on_delete=models.CASCADE, related_name="agendas")
    day = models.DateField()

    class Meta:
        ordering = ["-day", "id"]
        constraints = [models.UniqueConstraint(fields=["coach", "day"], name="agenda_once_per_coach_and_day")]
        indexes = [models.Index(fields=["created_at"], name="agenda_unsent", condition=Q(sent_at__isnull=True))]

    def __str__(self):
        return f"Agenda {self.day} for coach {self.coach_id}"


def default_offsets():
    return list(settings.REMINDER_OFFSETS_MINUTES)


class ReminderPreference(models.Model):
    """A person's choices: a client's reminders (on or off, and how long before), a
    coach's morning agenda. No row means the defaults."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference")
    email_reminders = models.BooleanField(default=True)
    offsets_minutes = ArrayField(models.PositiveIntegerField(), default=default_offsets, blank=True)
    morning_agenda = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Reminder choices of user {self.user_id}"
