"""The e-mail "You have a new message on Waypoint": owed through the outbox, at most once
per conversation and person in fifteen minutes, none when already read or turned off."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from core import outbox
from core.discretion import indiscreet_words
from core.models import OwedStatus, OwedWork
from messaging import conversations as door
from messaging.models import Message, MessagingSettings
from messaging.notices import NEW_MESSAGE
from tests.messaging_setup import send

pytestmark = pytest.mark.django_db


def owed():
    return list(OwedWork.objects.filter(kind=NEW_MESSAGE).order_by("due_at", "pk"))


def deliver_all(mailoutbox):
    for work in owed():
        if work.status == OwedStatus.PENDING:
            outbox.deliver(work.pk, now=work.due_at)
    return [(m.to, m.subject) for m in mailoutbox]


def test_messages_within_fifteen_minutes_share_one_notice(alice, carol, matched, mailoutbox):
    start = timezone.now()
    for minutes in (0, 2, 9, 20):
        send(alice, carol, f"Message at {minutes}", now=start + timedelta(minutes=minutes))
    # The first a minute later; 2 and 9 wait for the end of its window; 20 for the end of the next.
    assert [(w.payload["recipient_id"], w.due_at - start) for w in owed()] == [
        (carol.pk, timedelta(minutes=1)), (carol.pk, timedelta(minutes=16)), (carol.pk, timedelta(minutes=31))
    ]

    assert deliver_all(mailoutbox) == [(["carol@example.com"], "You have a new message on Waypoint")] * 3
    body = mailoutbox[0].body
    assert f"{settings.SITE_URL}/messages/with/{alice.pk}/" in body and "Message at" not in body
    assert indiscreet_words(mailoutbox[0].subject + body) == []


def test_a_notice_is_never_sent_twice_within_fifteen_minutes(alice, carol, matched):
    start = timezone.now()
    for seconds in range(0, 3600, 45):
        send(alice, carol, "again", now=start + timedelta(seconds=seconds))
    dues = [w.due_at for w in owed()]
    assert [due - start for due in dues] == [timedelta(minutes=m) for m in (1, 16, 31, 46, 61)]


def test_carol_with_the_conversation_open_is_not_e_mailed(alice, carol, matched, mailoutbox):
    now = timezone.now()
    send(alice, carol, "Are you there?", now=now)
    [work] = owed()
    assert work.due_at == now + timedelta(minutes=1)
    after = Message.objects.get().pk - 1
    door.use_conversation(carol, alice.pk, door.POLL, after=after, now=now + timedelta(seconds=10))
    assert outbox.deliver(work.pk, now=work.due_at) == OwedStatus.SKIPPED
    assert mailoutbox == []


def test_the_other_side_has_its_own_window(alice, carol, matched):
    now = timezone.now()
    send(alice, carol, "Hi", now=now)
    send(carol, alice, "Hi Alice", now=now + timedelta(minutes=1))
    assert sorted(w.payload["recipient_id"] for w in owed()) == sorted([carol.pk, alice.pk])


def test_no_notice_when_carol_read_the_message_before_it_went(alice, carol, matched, mailoutbox):
    now = timezone.now()
    send(alice, carol, "First", now=now - timedelta(minutes=5))
    send(alice, carol, "Second", now=now - timedelta(minutes=1))  # owed for the end of the window
    [first, later] = owed()
    assert outbox.deliver(first.pk) == OwedStatus.DONE
    door.use_conversation(carol, alice.pk, door.READ)
    assert outbox.deliver(later.pk, now=later.due_at) == OwedStatus.SKIPPED
    assert len(mailoutbox) == 1


def test_alice_turned_notices_off(alice, carol, matched, mailoutbox):
    MessagingSettings.objects.create(user=alice, email_on_new_message=False)
    send(carol, alice, "Hello Alice")
    assert owed() == []
    # Turned off after one was owed: it is not sent either.
    send(alice, carol, "Hello Carol")
    MessagingSettings.objects.create(user=carol, email_on_new_message=False)
    [work] = owed()
    assert outbox.deliver(work.pk, now=work.due_at) == OwedStatus.SKIPPED
    assert mailoutbox == []


def test_a_rolled_back_message_owes_nothing(alice, carol, matched):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        send(alice, carol, "Never sent")
        raise RuntimeError
    assert owed() == []
