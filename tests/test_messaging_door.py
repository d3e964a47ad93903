"""The one door to messages: who may write to whom, sealed text, an audit line per read
and write, edits for five minutes, deletion that keeps the message's place."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from accounts.models import AuditEvent
from bookings.models import Status
from core.encryption import reveal
from messaging import conversations as door
from messaging.models import Conversation, Message
from tests.factories import bookable_coach, past_session
from tests.messaging_setup import send, stored_text

pytestmark = pytest.mark.django_db


def test_alices_words_are_ciphertext_in_the_database_and_carol_reads_them(alice, carol, matched):
    sent = send(alice, carol, "The evenings are hard since the move.")
    raw = stored_text(sent.message_id)
    assert "evenings" not in raw and raw.startswith("gAAAAA")
    view = door.use_conversation(carol, alice.pk, door.READ)
    assert [(m.author_name, m.text) for m in view.messages] == [("Alice Moreno", "The evenings are hard since the move.")]


def test_each_read_writes_one_audit_line_naming_the_messages_shown(alice, carol, matched):
    first = send(alice, carol, "One")
    second = send(carol, alice, "Two")
    door.use_conversation(carol, alice.pk, door.READ)
    door.use_conversation(alice, carol.pk, door.READ)
    reads = AuditEvent.objects.filter(action="message.read").order_by("id")
    assert [(e.actor_id, e.details) for e in reads] == [
        (carol.pk, {"client_id": alice.pk, "message_ids": [first.message_id, second.message_id]}),
        (alice.pk, {"client_id": alice.pk, "message_ids": [first.message_id, second.message_id]}),
    ]
    sent = AuditEvent.objects.filter(action="message.sent").order_by("id")
    assert list(sent.values_list("actor_id", "details__message_id")) == [(alice.pk, first.message_id), (carol.pk, second.message_id)]


def test_a_poll_with_nothing_new_reads_nothing_and_writes_no_audit_line(alice, carol, matched):
    sent = send(alice, carol, "Hello")
    assert door.use_conversation(carol, alice.pk, door.POLL, after=sent.message_id) == []
    assert AuditEvent.objects.filter(action="message.read").count() == 0
    newer = send(alice, carol, "Still there?")
    assert [m.text for m in door.use_conversation(carol, alice.pk, door.POLL, after=sent.message_id)] == ["Still there?"]
    assert AuditEvent.objects.get(action="message.read").details == {"client_id": alice.pk, "message_ids": [newer.message_id]}


def test_the_newest_messages_are_shown_and_older_ones_are_paged(alice, carol, matched):
    sent = [send(alice, carol, f"Message {n}") for n in range(door.PAGE_SIZE + 3)]
    view = door.use_conversation(carol, alice.pk, door.READ)
    assert [m.text for m in view.messages] == [f"Message {n}" for n in range(3, door.PAGE_SIZE + 3)]
    assert view.older_than == sent[3].message_id
    older = door.use_conversation(carol, alice.pk, door.READ, before=view.older_than)
    assert [m.text for m in older.messages] == ["Message 0", "Message 1", "Message 2"]
    assert older.older_than is None


def test_one_conversation_per_client_and_coach(alice, carol, matched):
    send(alice, carol, "One")
    send(carol, alice, "Two")
    send(alice, carol, "Three")
    assert Conversation.objects.count() == 1
    assert Message.objects.count() == 3


def test_alice_may_change_her_message_for_five_minutes_only(alice, carol, matched):
    now = timezone.now()
    sent = send(alice, carol, "See you Tuesday", now=now)
    changed = door.use_conversation(alice, carol.pk, door.EDIT, message_id=sent.message_id, text="See you Wednesday", now=now + timedelta(minutes=4))
    assert (changed.text, changed.edited_at) == ("See you Wednesday", now + timedelta(minutes=4))
    with pytest.raises(door.MessageRefused, match="for 5 minutes after sending"):
        door.use_conversation(alice, carol.pk, door.EDIT, message_id=sent.message_id, text="Thursday", now=now + timedelta(minutes=5))
    assert door.use_conversation(carol, alice.pk, door.READ).messages[0].text == "See you Wednesday"
    assert AuditEvent.objects.filter(action="message.edited").count() == 1


def test_only_the_author_changes_or_deletes_a_message(alice, carol, matched):
    sent = send(alice, carol, "Mine")
    for action in (door.EDIT, door.DELETE):
        with pytest.raises(Http404):
            door.use_conversation(carol, alice.pk, action, message_id=sent.message_id, text="Carol's words")
    assert door.use_conversation(alice, carol.pk, door.READ).messages[0].text == "Mine"


def test_a_deleted_message_keeps_its_place_and_history_without_its_text(alice, carol, matched):
    sent = send(alice, carol, "I should not have said that.")
    send(carol, alice, "Thank you for writing.")
    door.use_conversation(alice, carol.pk, door.DELETE, message_id=sent.message_id)
    view = door.use_conversation(carol, alice.pk, door.READ)
    assert [(m.deleted, m.text) for m in view.messages] == [(True, ""), (False, "Thank you for writing.")]
    assert reveal(Message.objects.get(pk=sent.message_id).text) == ""
    assert list(AuditEvent.objects.filter(details__message_id=sent.message_id).values_list("action", flat=True).order_by("id")) == [
        "message.sent", "message.deleted"
    ]
    with pytest.raises(door.MessageRefused, match="deleted"):
        door.use_conversation(alice, carol.pk, door.EDIT, message_id=sent.message_id, text="again")


def test_an_empty_or_too_long_message_is_refused_with_a_reason(alice, carol, matched, settings):
    settings.MESSAGE_MAX_CHARS = 20
    with pytest.raises(door.MessageRefused, match="write your message first"):
        send(alice, carol, "   \n ")
    with pytest.raises(door.MessageRefused, match="up to 20 characters; this one has 21"):
        send(alice, carol, "x" * 21)
    assert Message.objects.count() == 0


def test_a_session_lets_them_write_for_ninety_days_after_it_and_then_only_read(alice, carol, settings):
    coach, session_type = bookable_coach(carol)
    session = past_session(coach, session_type, alice, days_ago=30, status=Status.COMPLETED)
    assert door.may_write(carol, alice) is True
    send(alice, carol, "Thanks for last month.")

    later = session.ends_at + timedelta(days=90, minutes=1)
    assert door.may_write(carol, alice, now=later - timedelta(minutes=2)) is True
    assert door.may_write(carol, alice, now=later) is False
    view = door.use_conversation(alice, carol.pk, door.READ, now=later)
    assert (view.may_write, [m.text for m in view.messages]) == (False, ["Thanks for last month."])
    with pytest.raises(door.MessageRefused, match="Book a session to write to them again"):
        send(alice, carol, "Are you there?", now=later)
    settings.MESSAGING_DAYS_AFTER_LAST_SESSION = 120
    assert door.may_write(carol, alice, now=later) is True


def test_a_cancelled_session_or_a_lapsed_hold_does_not_open_a_conversation(alice, carol):
    coach, session_type = bookable_coach(carol)
    past_session(coach, session_type, alice, days_ago=3, status=Status.CANCELLED)
    past_session(coach, session_type, alice, days_ago=5, status=Status.EXPIRED)
    assert door.may_write(carol, alice) is False
    with pytest.raises(Http404):
        door.use_conversation(alice, carol.pk, door.READ)


def test_only_a_client_marks_a_message_urgent_and_the_coachs_answer_clears_it(alice, carol, matched):
    send(alice, carol, "Hard night.", urgent=True)
    conversation = Conversation.objects.get()
    assert conversation.urgent_at is not None
    send(carol, alice, "I am here. Let's talk tomorrow morning.", urgent=True)
    conversation.refresh_from_db()
    assert conversation.urgent_at is None
    assert list(Message.objects.order_by("pk").values_list("urgent", flat=True)) == [True, False]


def test_erin_sees_times_and_counts_never_the_text(alice, carol, erin, matched):
    send(alice, carol, "Private words")
    send(carol, alice, "More private words")
    record = door.inspect(erin, Conversation.objects.get().pk)
    assert [(side, edited, deleted) for _at, side, edited, deleted in record.sent] == [("client", False, False), ("coach", False, False)]
    assert "Private" not in repr(record)
    assert AuditEvent.objects.filter(action="conversation.inspected", actor=erin).count() == 1
    with pytest.raises(Http404):
        door.inspect(carol, Conversation.objects.get().pk)


def test_erins_audit_trail_about_alice_lists_carols_reads_of_their_messages(client, alice, bob, carol, erin, matched):
    from django.urls import reverse

    send(alice, carol, "Hello")
    door.use_conversation(carol, alice.pk, door.READ)
    client.force_login(erin)
    page = client.get(reverse("accounts:audit"), {"client": "alice@example.com", "kind": "message."})
    assert [(e.action, e.actor_email) for e in page.context["page"]] == [
        ("message.read", "carol@example.com"), ("message.sent", "alice@example.com")
    ]
    assert list(client.get(reverse("accounts:audit"), {"client": "bob@example.com", "kind": "message."}).context["page"]) == []
