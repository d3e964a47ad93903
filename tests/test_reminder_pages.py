"""Reminder choices for clients and coaches, and the admins' list of what the outbox could
not deliver (a reminder among it), over HTTP; one page checked with axe on a phone."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import AuditEvent
from bookings import reminders
from bookings.models import ReminderPreference
from core import outbox
from core.models import OwedStatus, OwedWork
from tests.browser import axe_violations, sign_in
from tests.reminders_setup import confirmed_sessions



def reminders_of(booking):
    return OwedWork.objects.filter(kind=reminders.REMINDER, about=f"booking:{booking.pk}")


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
    assert list(reminders_of(booking).values_list("payload__offset_minutes", flat=True)) == [60]


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
    reminder = reminders_of(booking).get(payload__offset_minutes=60)
    OwedWork.objects.filter(pk=reminder.pk).update(
        status=OwedStatus.FAILED, claimed_at=timezone.now(), finished_at=timezone.now(), attempts=1,
        last_error="550 SMTPRecipientsRefused: mailbox unavailable",
    )
    return booking, reminder


@pytest.mark.django_db
def test_erin_sees_a_failed_reminder_and_sends_it_again(client, alice, carol, erin):
    booking, reminder = failed_reminder(alice, carol)
    client.force_login(erin)

    page = client.get("/deliveries/").content.decode()
    assert "550 SMTPRecipientsRefused: mailbox unavailable" in page
    assert f"<td>Reminder before a session</td>\n    <td>booking:{booking.pk}</td>" in page
    assert f'action="/deliveries/{reminder.pk}/again/"' in page

    answer = client.post(f"/deliveries/{reminder.pk}/again/")

    assert answer.headers["Location"] == "/deliveries/"
    reminder.refresh_from_db()
    assert (reminder.status, reminder.claimed_at, reminder.finished_at, reminder.attempts) == ("pending", None, None, 0)
    retried = AuditEvent.objects.get(action="outbox.retried")
    assert (retried.actor, retried.details) == (
        erin, {"work_id": reminder.pk, "kind": "booking.reminder", "about": f"booking:{booking.pk}"}
    )
    page = client.get("/deliveries/").content.decode()
    assert "It will be tried again in a moment." in page
    assert "None. Everything so far has gone out or was not needed any more." in page


@pytest.mark.django_db
def test_trying_again_what_has_not_failed_changes_nothing(client, alice, carol, erin):
    _coach, [booking] = confirmed_sessions(alice, carol, [3])
    pending = reminders_of(booking).get(payload__offset_minutes=60)
    client.force_login(erin)

    answer = client.post(f"/deliveries/{pending.pk}/again/", follow=True)

    assert "That one is no longer waiting for a retry." in answer.content.decode()
    assert (OwedWork.objects.get(pk=pending.pk).status, OwedWork.objects.get(pk=pending.pk).available_at) == (
        "pending",
        pending.available_at,
    )


@pytest.mark.django_db
def test_a_reminder_tried_again_after_its_session_started_is_not_sent(alice, carol, erin):
    booking, reminder = failed_reminder(alice, carol)
    started = booking.starts_at + timedelta(minutes=1)

    with mock.patch.object(timezone, "now", return_value=started):
        assert outbox.try_again(reminder.pk) is not None
        assert outbox.deliver(reminder.pk) == OwedStatus.SKIPPED

    reminder.refresh_from_db()
    assert (reminder.status, reminder.last_error) == (
        "skipped",
        "the session had already started when the reminder could go out",
    )
    assert mail.outbox == []


@pytest.mark.django_db
def test_only_admins_see_failed_reminders(client, alice, carol):
    _booking, reminder = failed_reminder(alice, carol)
    for person in (alice, carol):
        client.force_login(person)
        assert client.get("/deliveries/").status_code == 403
        assert client.post(f"/deliveries/{reminder.pk}/again/").status_code == 403
    reminder.refresh_from_db()
    assert reminder.status == "failed"


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
