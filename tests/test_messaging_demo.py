"""The demo has Alice and Carol writing to each other, once however often it is seeded."""

import pytest
from django.core.management import call_command

from accounts.models import User
from messaging import conversations as door
from messaging.models import Conversation, MessagingSettings

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_alice_and_carol_one_conversation_with_an_unread_message_for_carol():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    alice, carol = User.objects.get(email="alice@waypoint.test"), User.objects.get(email="carol@waypoint.test")
    assert Conversation.objects.filter(client=alice, coach=carol).count() == 1 and Conversation.objects.count() == 1
    assert door.unread_counts(carol) == {Conversation.objects.get().pk: 1}
    assert MessagingSettings.objects.get(user=carol).office_hours == "Weekdays, 9 am to 5 pm Eastern"
    view = door.use_conversation(carol, alice.pk, door.READ)
    # Carol sees Alice as Alice asked in her intake.
    assert [m.author_name for m in view.messages] == ["Alice (she/her)", "You", "Alice (she/her)"]
