"""Alice writes to Carol in a real browser: the urgent tick shows the crisis resources at
once, Carol's open page shows the message without a reload, and every page passes axe."""

import pytest
from django.conf import settings
from django.test import Client

from clients.models import CoachAssignment
from messaging import conversations as door
from messaging.models import MessagingSettings
from tests.browser import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in_as(page, live_server, user):
    django_client = Client()
    django_client.force_login(user)
    cookie = django_client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.clear_cookies()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}])


def test_alice_ticks_urgent_and_carols_open_page_shows_it_without_a_reload(live_server, page, chromium, alice, carol, erin):
    CoachAssignment.objects.create(client=alice, coach=carol, assigned_by=erin)
    MessagingSettings.objects.create(user=carol, office_hours="Weekdays, 9 am to 5 pm Eastern")

    # Carol has the conversation open in her own browser.
    carols_context = chromium.new_context(viewport={"width": 390, "height": 844})
    carols_page = carols_context.new_page()
    carols_page.set_default_timeout(20000)
    log_in_as(carols_page, live_server, carol)

    log_in_as(page, live_server, alice)
    page.goto(live_server.url + "/me/")
    page.get_by_role("link", name="Messages with your coach").click()
    page.get_by_role("link", name="Carol Rivera").click()
    assert page.get_by_text("Carol Rivera usually replies within one working day.").is_visible()
    assert page.get_by_text("Messages are not an emergency service").is_visible()
    assert axe_violations(page) == []

    carols_page.goto(f"{live_server.url}/messages/with/{alice.pk}/")
    assert carols_page.get_by_text("No messages yet.").is_visible()

    panel = page.locator("#crisis-resources")
    assert panel.is_hidden()
    page.get_by_label("Your message").fill("It is a bad night. See https://example.org")
    page.get_by_label("This is urgent for me").check()
    assert panel.is_visible()  # at once, before sending
    page.get_by_role("button", name="Send").click()
    assert page.get_by_role("heading", name="Thank you for telling us. You do not have to carry this alone.").is_visible()
    assert page.get_by_role("link", name="988").first.is_visible()
    assert page.get_by_role("link", name="https://example.org").count() == 0
    assert axe_violations(page) == []

    # Carol's page asks for new messages every few seconds.
    carols_page.get_by_text("It is a bad night. See https://example.org").wait_for()
    assert carols_page.get_by_text("Urgent", exact=True).is_visible()
    assert axe_violations(carols_page) == []
    carols_page.get_by_label("Your message").fill("I am here. Can you call 988 now? I will write in the morning.")
    carols_page.get_by_role("button", name="Send").click()
    assert carols_page.get_by_text("Message sent.").is_visible()
    carols_page.goto(live_server.url + "/messages/")
    assert axe_violations(carols_page) == []
    carols_context.close()

    page.reload()
    assert page.get_by_text("I am here. Can you call 988 now?").is_visible()
    page.get_by_role("link", name="Change your message of").click()
    page.get_by_label("Your message").fill("It is a bad night.")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Message changed.").is_visible()
    assert page.get_by_text("(changed)").is_visible()
    assert door.may_write(carol, alice)


def test_erins_pages_and_the_settings_pass_axe(live_server, page, alice, carol, erin):
    CoachAssignment.objects.create(client=alice, coach=carol, assigned_by=erin)
    door.use_conversation(alice, carol.pk, door.SEND, text="Words Erin never sees")
    log_in_as(page, live_server, erin)
    page.goto(live_server.url + "/messages/all/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Times and history").click()
    assert page.get_by_role("cell", name="message.sent").is_visible()
    assert page.get_by_text("Words Erin never sees").count() == 0
    assert axe_violations(page) == []

    log_in_as(page, live_server, carol)
    page.goto(live_server.url + "/messages/settings/")
    page.get_by_label("When you read messages").fill("Mornings")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Saved.").is_visible()
    assert axe_violations(page) == []


def test_after_a_sign_out_elsewhere_the_poll_stops_and_draws_nothing(live_server, page, alice, carol, erin):
    from importlib import import_module

    CoachAssignment.objects.create(client=alice, coach=carol, assigned_by=erin)
    door.use_conversation(carol, alice.pk, door.SEND, text="Hello Alice")
    log_in_as(page, live_server, alice)
    page.goto(f"{live_server.url}/messages/with/{carol.pk}/")
    assert page.locator("#poller").count() == 1
    forms_before = page.locator("form").count()

    [cookie] = [c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    import_module(settings.SESSION_ENGINE).SessionStore(session_key=cookie["value"]).delete()
    # The next poll is answered with the sign-in page, which holds no new messages: the
    # poller goes, and nothing of the sign-in page is drawn into the conversation.
    page.locator("#poller").wait_for(state="detached", timeout=25000)
    assert page.locator("form").count() == forms_before
    assert page.get_by_text("Hello Alice").is_visible()
