"""The e-mail that says only "You have a new message on Waypoint", as owed work.

Each side of a conversation is told at most once per MESSAGE_NOTICE_MINUTES: the first
message after a quiet spell is told MESSAGE_NOTICE_DELAY_SECONDS later (a minute); messages
within the window share one notice, due when the window ends. The notice reads the conversation again when it is
sent: a person who has read their messages meanwhile, or turned notices off, gets none.
"""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from core import outbox
from core.models import OwedWork

from .models import Conversation, Message, MessagingSettings

NEW_MESSAGE = "message.new"
SUBJECT = "You have a new message on Waypoint"


def about(conversation_pk):
    return f"messaging.conversation:{conversation_pk}"


def wants_notices(person):
    return not MessagingSettings.objects.filter(user=person, email_on_new_message=False).exists()


def owe_notice(conversation, recipient, now):
    """Call under the conversation's row lock, in the message's transaction; sets the
    recipient's side's notice time on `conversation` (the caller saves it)."""
    if not wants_notices(recipient):
        return None
    field = "client_notice_at" if recipient.pk == conversation.client_id else "coach_notice_at"
    last = getattr(conversation, field)
    if last is not None and last > now:
        return None  # a notice is already owed for the end of this window; it will tell of this one too
    window = timedelta(minutes=settings.MESSAGE_NOTICE_MINUTES)
    # A short wait first: someone who has the conversation open reads it by the page's
    # poll, and is not e-mailed about what they have just read.
    earliest = now + timedelta(seconds=settings.MESSAGE_NOTICE_DELAY_SECONDS)
    due = earliest if last is None or earliest >= last + window else last + window
    setattr(conversation, field, due)
    return outbox.owe(
        NEW_MESSAGE,
        key=f"{NEW_MESSAGE}:{conversation.pk}:{recipient.pk}:{int(due.timestamp())}",
        due_at=due,
        about=about(conversation.pk),
        conversation_id=conversation.pk,
        recipient_id=recipient.pk,
    )


def withdraw_for(conversations):
    """Notices not sent yet about these conversations are owed no more (they are being erased)."""
    OwedWork.objects.filter(kind=NEW_MESSAGE, about__in=[about(c.pk) for c in conversations]).delete()


def has_unread(conversation, person):
    read_at = conversation.client_read_at if person.pk == conversation.client_id else conversation.coach_read_at
    return (
        Message.objects.filter(conversation=conversation, deleted_at__isnull=True, sent_at__gte=read_at).exclude(author=person).exists()
    )


@outbox.email(NEW_MESSAGE, label="New message notice")
def new_message_notice(work):
    conversation = Conversation.objects.select_related("client", "coach").filter(pk=work.payload["conversation_id"]).first()
    if conversation is None:
        raise outbox.Skip("the conversation is gone")
    recipient_id = work.payload["recipient_id"]
    if recipient_id not in (conversation.client_id, conversation.coach_id):
        raise outbox.Skip("not one of the two")
    recipient = conversation.client if recipient_id == conversation.client_id else conversation.coach
    if not recipient.is_active:
        raise outbox.Skip("the account is closed")
    if not wants_notices(recipient):
        raise outbox.Skip("notices turned off")
    if not has_unread(conversation, recipient):
        raise outbox.Skip("already read")
    path = reverse("messaging:conversation", args=[conversation.other_id(recipient)])
    return EmailMessage(
        subject=SUBJECT,
        body=render_to_string("messaging/email/new_message.txt", {"url": settings.SITE_URL + path}),
        to=[recipient.email],
    )
