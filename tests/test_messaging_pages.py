"""The messages pages: who reaches a conversation (everyone else gets a 404), the urgent
tick, the poll, unread counts, plain text, rate limits, and a page whose queries do not
grow with the messages on it."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEvent
from clients.models import CoachAssignment
from messaging.models import Conversation, Message, MessagingSettings, ReplyTime
from tests.messaging_setup import send

pytestmark = pytest.mark.django_db


def conversation_url(other, *rest):
    return reverse("messaging:conversation", args=[other.pk]) + "".join(rest)


@pytest.fixture
def alices_message(alice, carol, matched):
    return send(alice, carol, "Tuesday was better.")


@pytest.fixture
def bob_and_dave(bob, dave, erin):
    """Bob and Dave are matched too, so each has a conversation page of their own."""
    CoachAssignment.objects.create(client=bob, coach=dave, assigned_by=erin)
    return send(bob, dave, "Bob's own words.")


def urls_of_alice_and_carol(alice, carol, message):
    """Every page of the Alice–Carol conversation, as seen from each side."""
    return {
        "client side": [
            reverse("messaging:conversation", args=[carol.pk]),
            reverse("messaging:new_messages", args=[carol.pk]) + "?after=0",
            reverse("messaging:edit", args=[carol.pk, message.message_id]),
            reverse("messaging:delete", args=[carol.pk, message.message_id]),
        ],
        "coach side": [
            reverse("messaging:conversation", args=[alice.pk]),
            reverse("messaging:new_messages", args=[alice.pk]) + "?after=0",
        ],
    }


def status(client, user, url):
    client.force_login(user)
    return client.get(url, headers={"HX-Request": "true"}).status_code


def test_the_404_matrix_alice_and_carol_in_everyone_else_out(client, alice, bob, carol, dave, erin, alices_message, bob_and_dave):
    urls = urls_of_alice_and_carol(alice, carol, alices_message)
    seen = {
        name: [status(client, user, url) for url in urls["client side"] + urls["coach side"]]
        for name, user in [("alice", alice), ("bob", bob), ("carol", carol), ("dave", dave), ("erin", erin)]
    }
    assert seen == {
        # Alice's side works for her; the coach's side names a client, which she is not.
        "alice": [200, 200, 200, 200, 404, 404],
        # Bob is a client too: Carol is not his coach, and Alice is nobody he writes to.
        "bob": [404, 404, 404, 404, 404, 404],
        # Carol's side works; the client side names a coach, which she is not.
        "carol": [404, 404, 404, 404, 200, 200],
        "dave": [404, 404, 404, 404, 404, 404],
        "erin": [404, 404, 404, 404, 404, 404],
    }
    # Posting is refused the same way, and writes nothing.
    for user, other in [(bob, carol), (dave, alice), (erin, alice), (erin, carol)]:
        client.force_login(user)
        assert client.post(conversation_url(other), {"text": "Hello"}).status_code == 404
    assert Message.objects.filter(conversation__client=alice).count() == 1


def test_a_stranger_is_sent_to_sign_in(client, carol, alices_message):
    response = client.get(conversation_url(carol))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_carol_cannot_change_alices_message_by_its_id(client, alice, carol, alices_message):
    client.force_login(carol)
    assert client.post(reverse("messaging:edit", args=[alice.pk, alices_message.message_id]), {"text": "Changed"}).status_code == 404
    assert client.post(reverse("messaging:delete", args=[alice.pk, alices_message.message_id])).status_code == 404
    assert Message.objects.get().deleted_at is None


def test_alice_writes_and_carol_reads_it_above_her_box(client, alice, carol, matched):
    client.force_login(alice)
    response = client.post(conversation_url(carol), {"text": "Can we talk about evenings?"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Can we talk about evenings?" in page
    client.force_login(carol)
    assert "Can we talk about evenings?" in client.get(conversation_url(alice)).content.decode()


def test_the_box_says_messages_are_not_an_emergency_service_and_when_carol_replies(client, alice, carol, matched):
    MessagingSettings.objects.create(user=carol, office_hours="Weekdays, 9 am to 5 pm Eastern", reply_time=ReplyTime.ONE_DAY)
    client.force_login(alice)
    page = client.get(conversation_url(carol)).content.decode()
    assert "Messages are not an emergency service" in page
    assert "Carol Rivera usually replies within one working day. They read messages: Weekdays, 9 am to 5 pm Eastern." in page


def test_the_urgent_tick_shows_the_crisis_resources_at_once_and_puts_alice_first(client, alice, bob, carol, erin, matched):
    CoachAssignment.objects.create(client=bob, coach=carol, assigned_by=erin)
    client.force_login(alice)
    page = client.get(conversation_url(carol)).content.decode()
    assert '<section class="crisis-panel" id="crisis-resources" aria-labelledby="crisis-heading" hidden>' in page

    send(bob, carol, "A quick question about Tuesday.")
    response = client.post(conversation_url(carol), {"text": "It is a bad night.", "urgent": "on"}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0].endswith("?urgent=1#crisis-resources")
    assert '<section class="crisis-panel" id="crisis-resources" aria-labelledby="crisis-heading">' in page
    assert 'href="tel:988"' in page and "SAMHSA" in page and 'href="tel:911"' in page
    send(bob, carol, "And one more, not urgent.")

    client.force_login(carol)
    inbox = client.get(reverse("messaging:inbox")).content.decode()
    assert inbox.index("Alice Moreno") < inbox.index("Bob Lee")
    assert 'Alice Moreno</a>\n    <span class="badge urgent">Urgent</span>' in inbox
    assert "<strong>1 marked urgent by a client.</strong>" in client.get(reverse("dashboard")).content.decode()
    # Carol's answer takes it off the top.
    send(carol, alice, "I have read it. Call 988 if you need someone now; I will write in the morning.")
    assert "marked urgent" not in client.get(reverse("dashboard")).content.decode()


def test_without_the_tick_no_crisis_panel_is_shown_after_sending(client, alice, carol, matched):
    client.force_login(alice)
    response = client.post(conversation_url(carol), {"text": "Just saying hello."}, follow=True)
    assert 'id="crisis-resources" aria-labelledby="crisis-heading" hidden>' in response.content.decode()


def test_links_are_shown_as_text_and_markup_is_not_run(client, alice, carol, matched):
    send(alice, carol, 'Look: https://example.org/x <a href="https://evil.example">click</a> <script>alert(1)</script>')
    client.force_login(carol)
    page = client.get(conversation_url(alice)).content.decode()
    assert "Look: https://example.org/x &lt;a href=&quot;https://evil.example&quot;&gt;click&lt;/a&gt; &lt;script&gt;" in page
    assert 'href="https://example.org' not in page and 'href="https://evil.example"' not in page


def test_a_too_long_message_gets_a_clear_400_and_keeps_the_text(client, alice, carol, matched, settings):
    settings.MESSAGE_MAX_CHARS = 30
    client.force_login(alice)
    response = client.post(conversation_url(carol), {"text": "x" * 31})
    assert response.status_code == 400
    assert "A message can be up to 30 characters; this one has 31." in response.content.decode()
    assert Message.objects.count() == 0


def test_the_poll_brings_new_messages_and_a_poller_that_asks_after_them(client, alice, carol, alices_message):
    client.force_login(carol)
    url = reverse("messaging:new_messages", args=[alice.pk])
    nothing = client.get(url, {"after": alices_message.message_id}, headers={"HX-Request": "true"}).content.decode()
    assert "message-text" not in nothing and f"?after={alices_message.message_id}" in nothing
    newer = send(alice, carol, "Are you around?")
    page = client.get(url, {"after": alices_message.message_id}, headers={"HX-Request": "true"}).content.decode()
    assert "Are you around?" in page and "Tuesday was better." not in page
    assert f"?after={newer.message_id}" in page
    # Without htmx the same address is the conversation itself.
    assert client.get(url, {"after": 0})["Location"] == conversation_url(alice)
    assert client.get(url, {"after": "soon"}, headers={"HX-Request": "true"}).status_code == 400


def test_the_poll_does_not_count_as_activity(client, alice, carol, alices_message):
    from accounts.shared_screen import CLIENT_LAST_SEEN_KEY

    client.force_login(alice)
    client.get(conversation_url(carol))
    seen = client.session[CLIENT_LAST_SEEN_KEY]
    client.get(reverse("messaging:new_messages", args=[carol.pk]), {"after": 0}, headers={"HX-Request": "true", "X-Waypoint-Background": "1"})
    assert client.session[CLIENT_LAST_SEEN_KEY] == seen


def test_unread_counts_in_the_nav_and_on_both_dashboards(client, alice, carol, matched):
    send(alice, carol, "One")
    send(alice, carol, "Two")
    client.force_login(carol)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert 'Messages <span class="badge">2 new</span>' in dashboard
    assert "You have 2 new messages." in dashboard
    client.get(conversation_url(alice))
    assert "No new messages." in client.get(reverse("dashboard")).content.decode()

    send(carol, alice, "Three")
    client.force_login(alice)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert 'Messages <span class="badge">1 new</span>' in dashboard and "You have 1 new message." in dashboard


def test_the_conversation_that_reads_the_messages_shows_the_menu_without_them(client, alice, carol, matched):
    """The unread count comes with the signed-in person's own row, fetched before the page
    marks the conversation read: the page that reads them counts again, and shows none."""
    send(alice, carol, "One")
    client.force_login(carol)
    assert 'Messages <span class="badge">1 new</span>' in client.get(reverse("dashboard")).content.decode()
    page = client.get(conversation_url(alice)).content.decode()
    assert "One" in page and 'class="badge">1 new' not in page and "Messages</a>" in page


def test_a_page_back_does_not_mark_the_newest_messages_read(client, alice, carol, matched):
    sent = [send(alice, carol, f"Message {n}") for n in range(3)]
    client.force_login(carol)
    client.get(conversation_url(alice, f"?before={sent[-1].message_id}"))
    assert 'Messages <span class="badge">3 new</span>' in client.get(reverse("dashboard")).content.decode()
    assert client.get(conversation_url(alice, "?before=never")).status_code == 400


def test_sending_is_rate_limited_per_person(client, alice, carol, matched, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "message": "3/h/person"}
    client.force_login(alice)
    codes = [client.post(conversation_url(carol), {"text": f"Message {n}"}).status_code for n in range(4)]
    assert codes == [302, 302, 302, 429]
    assert Message.objects.count() == 3


def test_alice_turns_notices_off_and_carol_sets_her_office_hours(client, alice, carol):
    client.force_login(alice)
    assert client.post(reverse("messaging:settings"), {}).status_code == 302
    assert MessagingSettings.objects.get(user=alice).email_on_new_message is False
    client.force_login(carol)
    client.post(reverse("messaging:settings"), {"office_hours": "Mornings", "reply_time": "few_hours", "email_on_new_message": "on"})
    assert MessagingSettings.objects.filter(user=carol).values_list("office_hours", "reply_time", "email_on_new_message").get() == (
        "Mornings", "few_hours", True
    )
    assert client.post(reverse("messaging:settings"), {"reply_time": "never"}).status_code == 400


def test_erins_overview_shows_counts_and_times_and_no_text(client, alice, carol, erin, alices_message):
    send(carol, alice, "Carol's private reply")
    client.force_login(erin)
    page = client.get(reverse("messaging:overview")).content.decode()
    assert "<td>2</td>" in page and "Tuesday was better" not in page
    record = client.get(reverse("messaging:record", args=[Conversation.objects.get().pk])).content.decode()
    assert "2 messages" in record and "Tuesday" not in record and "private reply" not in record
    assert "message.sent" in record
    assert AuditEvent.objects.filter(action="conversation.inspected", actor=erin).count() == 1


def queries_for(client, url):
    assert client.get(url).status_code == 200
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["alice", "carol"])
def test_the_conversation_page_costs_the_same_for_one_or_five_messages(client, alice, carol, matched, who):
    reader, other = (alice, carol) if who == "alice" else (carol, alice)
    client.force_login(reader)
    send(alice, carol, "First")
    one = queries_for(client, conversation_url(other))
    for n in range(4):
        send(carol if n % 2 else alice, alice if n % 2 else carol, f"More {n}")
    five = queries_for(client, conversation_url(other))
    assert Message.objects.count() == 5
    assert one == five


def test_carols_inbox_costs_the_same_for_one_or_five_clients(client, carol, erin):
    from tests.factories import ClientFactory

    def add(count):
        for _ in range(count):
            person = ClientFactory()
            CoachAssignment.objects.create(client=person, coach=carol, assigned_by=erin)
            send(person, carol, "Hello")

    client.force_login(carol)
    add(1)
    one = queries_for(client, reverse("messaging:inbox"))
    add(4)
    five = queries_for(client, reverse("messaging:inbox"))
    assert Conversation.objects.count() == 5
    assert one == five
