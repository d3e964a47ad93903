"""A person's reminder choices. The reminders themselves are owed work in the outbox
(`core.outbox`); the rules live in `reminders.py`."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models


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
