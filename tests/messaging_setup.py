"""Alice and Carol, matched by Erin, and how to write between them in tests."""

import pytest
from django.db import connection

from clients.models import CoachAssignment
from messaging import conversations as door


@pytest.fixture
def matched(alice, carol, erin):
    """Alice is matched with Carol by Erin: the two may write to each other."""
    return CoachAssignment.objects.create(client=alice, coach=carol, assigned_by=erin)


def send(sender, receiver, text, **changes):
    return door.use_conversation(sender, receiver.pk, door.SEND, text=text, **changes)


def stored_text(message_id):
    with connection.cursor() as cursor:
        cursor.execute('SELECT "text" FROM "messaging_message" WHERE id = %s', [message_id])
        return cursor.fetchone()[0]
