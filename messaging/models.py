"""Messages between a client and their coach: one conversation per pair.

What people write is sealed (`EncryptedTextField`); only what the lists need stays in
clear: who the two people are, when messages were sent, read, edited or deleted, and
whether the client marked one urgent. Reading and writing the text goes through
messaging/conversations.py, the one door.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Role
from core.encryption import EncryptedTextField


class ReplyTime(models.TextChoices):
    FEW_HOURS = "few_hours", "within a few hours"
    ONE_DAY = "one_day", "within one working day"
    TWO_DAYS = "two_days", "within two working days"
    WEEK = "week", "within a week"


class MessagingSettings(models.Model):
    """One person's choices: notice e-mails (everyone), office hours and reply time (coaches)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messaging_settings")
    email_on_new_message = models.BooleanField(default=True)
    # A coach's own words for their clients ("Weekdays, 9 am to 5 pm Eastern"): not health information.
    office_hours = models.CharField(max_length=200, blank=True)
    reply_time = models.CharField(max_length=20, choices=ReplyTime.choices, default=ReplyTime.ONE_DAY)


class ConversationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The conversations `user` takes part in. Admins see none here: what they see
        (that one exists, its times and counts) comes through the door's `inspect`."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role == Role.CLIENT:
            return self.filter(client=user)
        if user.role == Role.COACH:
            return self.filter(coach=user)
        return self.none()


class Conversation(models.Model):
    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversations_as_client")
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversations_as_coach")
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(null=True, blank=True)
    # The client ticked "This is urgent for me"; cleared when the coach answers. The
    # coach's list puts these first.
    urgent_at = models.DateTimeField(null=True, blank=True)
    # Each side's messages sent at or after their own read mark are unread for them.
    client_read_at = models.DateTimeField(default=timezone.now)
    coach_read_at = models.DateTimeField(default=timezone.now)
    # When each side's latest notice e-mail was (or will be) due: the next is at least
    # MESSAGE_NOTICE_MINUTES later.
    client_notice_at = models.DateTimeField(null=True, blank=True)
    coach_notice_at = models.DateTimeField(null=True, blank=True)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "coach"], name="one_conversation_per_client_and_coach")]
        indexes = [models.Index(fields=["coach", "urgent_at", "last_message_at"])]

    def __str__(self):
        return f"Conversation {self.pk}"

    def side_of(self, user):
        """"client" or "coach": which of the two `user` is (None for anyone else)."""
        if user.pk == self.client_id:
            return "client"
        if user.pk == self.coach_id:
            return "coach"
        return None

    def other_id(self, user):
        return self.coach_id if user.pk == self.client_id else self.client_id


class Message(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    # A deleted message keeps its row (and its place in the conversation) without its text.
    deleted_at = models.DateTimeField(null=True, blank=True)
    text = EncryptedTextField(blank=True)
    urgent = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["conversation", "sent_at"])]

    def __str__(self):
        return f"Message {self.pk}"
