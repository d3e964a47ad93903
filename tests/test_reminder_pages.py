"""Reminder choices for clients and coaches, and the admins' list of reminders that
could not be sent, over HTTP; one page checked with axe on a phone."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from bookings import reminders
from bookings.models import Reminder, ReminderPreference
from tests.browser import axe_violations
from tests.reminders_setup import confirmed_sessions

pytestmark = pytest.mark.usefixtures("quick_passwords")


@pytest.mark.django_db
def test_alice_chooses_one_reminder_an_hour_before_and_her_session_follows(client, alice, carol):
    _coach, [booking] = confirmed_sessions(alice, carol, [3])
    client.force_login(alice)

    page = client.get("/bookings/reminders/").content.decode()
    assert '<input type="checkbox" name="email_reminders" id="id_email_reminders" checked>' in page
    assert "1 day before" in page and "1 hour before" in page

    answer = client.post("/bookings/reminders/", {"email_reminders": "on", "offsets_minutes": ["60"]})

    assert answer.headers["Location"] == "/bookings/reminders/"
    prefs = ReminderPreference.objects.get(user=alice)
    assert (prefs.email_reminders, prefs.offsets_minutes) == (True, [60])
    assert list(Reminder.objects.filter(booking=booking).values_list("offset_minutes", flat=True)) == [60]


@pytest.mark.django_db
def test_reminders_on_with_no_time_picked_is_refused_kindly(client, alice):
    client.force_login(alice)

    answer = client.post("/bookings/reminders/", {"email_reminders": "on"})

    assert answer.status_code == 200
    assert "Pick at least one time, or turn e-mail reminders off." in answer.content.decode()
    assert not ReminderPreference.objects.filter(user=alice).exists()


@pytest.mark.django_db
def test_bob_turns_reminders_off(client, bob):
    client.force_login(bob)

    client.post("/bookings/reminders/", {"offsets_minutes": ["60"]})

    assert ReminderPreference.objects.get(user=bob).email_reminders is False


@pytest.mark.django_db
def test_carol_turns_her_morning_e_mail_off_and_erin_has_no_such_page(client, carol, erin):
    client.force_login(carol)
    assert "E-mail me my day&#x27;s sessions each morning" in client.get("/bookings/reminders/").content.decode()

    client.post("/bookings/reminders/", {})

    assert ReminderPreference.objects.get(user=carol).morning_agenda is False
    client.force_login(erin)
    assert client.get("/bookings/reminders/").status_code == 403
    client.logout()
    assert client.get("/bookings/reminders/").headers["Location"] == "/accounts/login/?next=/bookings/reminders/"


def failed_reminder(alice, carol):
    _coach, [booking] = confirmed_sessions(alice, carol, [3])
    reminder = Reminder.objects.get(booking=booking, offset_minutes=60)
    Reminder.objects.filter(pk=reminder.pk).update(
        status="failed", sent_at=timezone.now(), finished_at=timezone.now(), attempts=1,
        last_error="550 SMTPRecipientsRefused: mailbox unavailable",
    )
    return reminder


@pytest.mark.django_db
def test_erin_sees_a_failed_reminder_and_sends_it_again(client, alice, carol, erin):
    reminder = failed_reminder(alice, carol)
    client.force_login(erin)

    page = client.get("/bookings/reminders/failures/").content.decode()
    assert "550 SMTPRecipientsRefused: mailbox unavailable" in page
    assert "alice@example.com" in page

    answer = client.post(f"/bookings/reminders/failures/{reminder.pk}/again/")

    assert answer.headers["Location"] == "/bookings/reminders/failures/"
    reminder.refresh_from_db()
    assert (reminder.status, reminder.sent_at, reminder.attempts) == ("pending", None, 0)
    assert "None. Every reminder so far has gone out" in client.get("/bookings/reminders/failures/").content.decode()


@pytest.mark.django_db
def test_a_reminder_for_a_session_that_has_started_is_not_tried_again(alice, carol, erin):
    reminder = failed_reminder(alice, carol)

    with pytest.raises(ValueError):
        reminders.try_again(reminder, actor=erin, now=reminder.session_starts_at + timedelta(minutes=1))
    reminder.refresh_from_db()
    assert reminder.status == "failed"


@pytest.mark.django_db
def test_only_admins_see_failed_reminders(client, alice, carol):
    reminder = failed_reminder(alice, carol)
    for person in (alice, carol):
        client.force_login(person)
        assert client.get("/bookings/reminders/failures/").status_code == 403
        assert client.post(f"/bookings/reminders/failures/{reminder.pk}/again/").status_code == 403
    reminder.refresh_from_db()
    assert reminder.status == "failed"


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_alice_sets_her_reminders_on_a_phone_and_the_page_passes_axe(live_server, page, alice):
    sign_in(page, live_server, alice)
    page.goto(live_server.url + "/bookings/reminders/")
    assert axe_violations(page) == []

    page.get_by_label("1 day before").uncheck()
    page.get_by_label("15 minutes before").check()
    page.get_by_role("button", name="Save").click()

    assert "Saved." in page.locator("body").inner_text()
    assert ReminderPreference.objects.get(user=alice).offsets_minutes == [60, 15]
    assert axe_violations(page) == []
