"""Demo messages for `manage.py seed_demo` (idempotent): Alice and Carol have written to
each other, through the same door as everyone else."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from . import conversations, notices
from .models import Conversation, MessagingSettings, ReplyTime

LINES = [
    ("alice", "Hi Carol, the week started rough. Can we talk about evenings at our next session?", 26),
    ("carol", "Of course, Alice. Thank you for telling me. Jot down what the evenings look like, and we will start there.", 25),
    ("alice", "Will do. Tuesday went better: I had a plan for after work and stuck to it.", 3),
]


def seed(people):
    alice, carol = people["alice"], people["carol"]
    MessagingSettings.objects.update_or_create(
        user=carol, defaults={"office_hours": "Weekdays, 9 am to 5 pm Eastern", "reply_time": ReplyTime.ONE_DAY}
    )
    if Conversation.objects.filter(client=alice, coach=carol).exists():
        return
    now = timezone.now()
    # Demo data e-mails nobody: the new-message e-mails the door owes are taken back in the
    # same transaction, before any worker could be handed them.
    with transaction.atomic():
        for who, text, hours_ago in LINES:
            sender, other = (alice, carol) if who == "alice" else (carol, alice)
            conversations.use_conversation(sender, other.pk, conversations.SEND, text=text, now=now - timedelta(hours=hours_ago))
        notices.withdraw_for(Conversation.objects.filter(client=alice, coach=carol))
