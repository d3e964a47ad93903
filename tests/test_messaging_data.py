"""Messages are in Alice's "Download my data" and go with "Delete my account"; Bob's stay."""

import json

import pytest
from django.urls import reverse

from accounts.export import delete_account
from accounts.models import AuditEvent
from clients.models import CoachAssignment
from core.models import OwedWork
from messaging.models import Conversation, Message, MessagingSettings
from messaging.notices import NEW_MESSAGE
from tests.messaging_setup import send

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_conversations(alice, bob, carol, erin, matched):
    CoachAssignment.objects.create(client=bob, coach=carol, assigned_by=erin)
    send(alice, carol, "Alice's words", urgent=True)
    send(carol, alice, "Carol to Alice")
    deleted = send(alice, carol, "Taken back")
    from messaging import conversations as door

    door.use_conversation(alice, carol.pk, door.DELETE, message_id=deleted.message_id)
    send(bob, carol, "Bob's words")
    MessagingSettings.objects.create(user=alice, email_on_new_message=False)


def test_alices_download_has_her_messages_and_nothing_of_bob(client, alice, two_conversations):
    client.force_login(alice)
    sections = {s["name"]: s["records"] for s in json.loads(client.get(reverse("clients:my_data_json")).content)["sections"]}
    rows = [(r["conversation_with"], r["from"], r["text"], r["urgent"], r["deleted"]) for r in sections["messages"]]
    assert rows == [
        ("Carol Rivera", "you", "Alice's words", True, False),
        ("Carol Rivera", "Carol Rivera", "Carol to Alice", False, False),
        ("Carol Rivera", "you", "", False, True),
    ]
    [read] = AuditEvent.objects.filter(action="message.exported")
    assert read.actor_id == alice.pk and len(read.details["message_ids"]) == 2
    page = client.get(reverse("clients:my_data_section", args=["messages"])).content.decode()
    assert "Your messages with your coach" in page and "Carol to Alice" in page and "Bob&#x27;s words" not in page


def test_deleting_alices_account_erases_her_conversations_and_keeps_bobs(alice, bob, carol, two_conversations):
    alices = Conversation.objects.get(client=alice)
    assert OwedWork.objects.filter(kind=NEW_MESSAGE, about=f"messaging.conversation:{alices.pk}").exists()

    delete_account(alice)

    assert list(Conversation.objects.values_list("client_id", flat=True)) == [bob.pk]
    assert [m.text.reveal() for m in Message.objects.all()] == ["Bob's words"]
    assert not MessagingSettings.objects.filter(user=alice).exists()
    assert not OwedWork.objects.filter(about=f"messaging.conversation:{alices.pk}").exists()
    erased = AuditEvent.objects.get(action="conversation.erased")
    assert (erased.object_id, erased.details) == (str(alices.pk), {"client_id": alice.pk, "messages": 3, "because": "account_deleted"})
