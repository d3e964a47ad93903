"""Reminders follow the booking: owed when it is confirmed, moved when it moves, gone
when it is cancelled, and each sent once, late only while the session is still to come."""

from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import AuditEvent
from bookings import cancellation, reminders
from bookings.notices import CoachNoticeKind, NoticeKind
from core import outbox
from core.models import OwedStatus, OwedWork
from tests.factories import bookable_coach, local_time
from tests.reminders_setup import confirmed_sessions



def reminders_of(booking):
    return OwedWork.objects.filter(kind=reminders.REMINDER, about=f"booking:{booking.pk}")


def reminder_of(booking, offset_minutes):
    return reminders_of(booking).get(payload__offset_minutes=offset_minutes)


def due_times(booking):
    return list(reminders_of(booking).order_by("due_at").values_list("payload__offset_minutes", "due_at", "status"))


@contextmanager
def clock_at(moment):
    # A reminder decides by the clock when it is delivered (has the session started, is a
    # later one due too), so a delivery "at" another moment moves the clock there.
    with mock.patch.object(timezone, "now", return_value=moment):
        yield


def deliver_at(work, moment):
    with clock_at(moment):
        return outbox.deliver(work.pk)


def test_a_confirmed_session_gets_reminders_a_day_and_an_hour_before(alice, carol):
    _coach, [booking] = confirmed_sessions(alice, carol, [3])

    assert due_times(booking) == [
        (1440, booking.starts_at - timedelta(hours=24), "pending"),
        (60, booking.starts_at - timedelta(hours=1), "pending"),
    ]
    assert list(reminders_of(booking).order_by("due_at").values_list("key", "payload")) == [
        (
            f"reminder:{booking.pk}:{minutes}:{booking.starts_at.isoformat()}",
            {"booking_id": booking.pk, "offset_minutes": minutes, "session_starts_at": booking.starts_at.isoformat()},
        )
        for minutes in (1440, 60)
    ]


def test_a_session_booked_three_hours_ahead_gets_only_the_hour_reminder(alice, carol):
    from bookings import transitions

    coach, session_type = bookable_coach(carol, price_cents=0)
    start = local_time(coach, 2, 13)
    booking = transitions.place_hold(alice, session_type, start, now=start - timedelta(hours=3))

    assert due_times(booking) == [(60, start - timedelta(hours=1), "pending")]


def test_a_hold_waiting_for_payment_has_no_reminders_yet(alice, carol):
    from bookings import transitions

    coach, session_type = bookable_coach(carol, price_cents=6000)
    booking = transitions.place_hold(alice, session_type, local_time(coach, 3, 10))

    assert booking.status == "pending_payment"
    assert due_times(booking) == []


def test_moving_a_session_moves_its_pending_reminders(alice, carol):
    coach, [booking] = confirmed_sessions(alice, carol, [3])
    new_start = local_time(coach, 5, 14)

    booking = cancellation.reschedule_by_client(booking, new_start, actor=alice)

    assert due_times(booking) == [
        (1440, new_start - timedelta(hours=24), "pending"),
        (60, new_start - timedelta(hours=1), "pending"),
    ]


def test_a_reminder_already_sent_stays_and_the_new_time_gets_its_own(alice, carol):
    coach, [booking] = confirmed_sessions(alice, carol, [3])
    old_start = booking.starts_at
    day_before = reminder_of(booking, 1440)
    assert deliver_at(day_before, day_before.due_at) == OwedStatus.DONE
    new_start = local_time(coach, 6, 11)

    booking = cancellation.reschedule_by_client(booking, new_start, actor=alice, now=old_start - timedelta(hours=25))

    assert list(
        reminders_of(booking)
        .order_by("due_at")
        .values_list("payload__session_starts_at", "payload__offset_minutes", "status")
    ) == [
        (old_start.isoformat(), 1440, "done"),
        (new_start.isoformat(), 1440, "pending"),
        (new_start.isoformat(), 60, "pending"),
    ]


def test_cancelling_a_session_drops_its_pending_reminders_and_keeps_the_others(alice, bob, carol, dave):
    _coach, [booking] = confirmed_sessions(alice, carol, [3])
    _other, [bobs] = confirmed_sessions(bob, dave, [3], zone="Europe/London")

    cancellation.cancel_by_client(booking, actor=alice)

    assert due_times(booking) == []
    assert [row[0] for row in due_times(bobs)] == [1440, 60]


def test_a_client_who_turns_reminders_off_gets_none_and_one_who_picks_an_hour_gets_one(alice, bob, carol, dave):
    reminders.set_preferences(bob, email_reminders=False)
    reminders.set_preferences(alice, offsets_minutes=[60])

    _c, [alices] = confirmed_sessions(alice, carol, [3])
    _d, [bobs] = confirmed_sessions(bob, dave, [3], zone="Europe/London")

    assert due_times(alices) == [(60, alices.starts_at - timedelta(hours=1), "pending")]
    assert due_times(bobs) == []


def test_changing_choices_updates_the_sessions_already_booked(alice, carol):
    _coach, [booking] = confirmed_sessions(alice, carol, [3])

    reminders.set_preferences(alice, offsets_minutes=[2880, 60])

    assert due_times(booking) == [
        (2880, booking.starts_at - timedelta(hours=48), "pending"),
        (60, booking.starts_at - timedelta(hours=1), "pending"),
    ]
    with pytest.raises(ValueError):
        reminders.set_preferences(alice, offsets_minutes=[7])


def test_a_due_reminder_is_sent_once_even_when_delivered_twice(alice, carol):
    _coach, [booking] = confirmed_sessions(alice, carol, [3])
    hour_before = reminder_of(booking, 60)

    assert deliver_at(hour_before, hour_before.due_at) == OwedStatus.DONE
    assert deliver_at(hour_before, hour_before.due_at) is None

    assert len(mail.outbox) == 1
    hour_before.refresh_from_db()
    assert (hour_before.status, hour_before.attempts) == ("done", 1)


def test_a_reminder_is_not_delivered_before_it_is_due(alice, carol):
    _coach, [booking] = confirmed_sessions(alice, carol, [3])
    hour_before = reminder_of(booking, 60)

    assert deliver_at(hour_before, hour_before.due_at - timedelta(seconds=1)) is None

    assert mail.outbox == []
    hour_before.refresh_from_db()
    assert (hour_before.status, hour_before.attempts) == ("pending", 0)


def test_a_reminder_late_after_an_outage_goes_out_while_the_session_is_still_to_come(alice, carol):
    _coach, [booking] = confirmed_sessions(alice, carol, [3])
    hour_before = reminder_of(booking, 60)

    assert deliver_at(hour_before, booking.starts_at - timedelta(minutes=20)) == OwedStatus.DONE
    assert len(mail.outbox) == 1


def test_a_reminder_whose_session_has_started_is_skipped_and_recorded(alice, carol):
    _coach, [booking] = confirmed_sessions(alice, carol, [3])
    hour_before = reminder_of(booking, 60)

    assert deliver_at(hour_before, booking.starts_at + timedelta(minutes=5)) == OwedStatus.SKIPPED

    hour_before.refresh_from_db()
    assert (hour_before.status, hour_before.last_error) == (
        "skipped",
        "the session had already started when the reminder could go out",
    )
    assert mail.outbox == []
    event = AuditEvent.objects.get(action="reminder.skipped")
    assert (event.object_id, event.details) == (str(booking.pk), {"work_id": hour_before.pk, "offset_minutes": 60, "because": "started"})


def test_after_an_outage_only_the_latest_due_reminder_of_a_session_goes_out(alice, carol):
    _coach, [booking] = confirmed_sessions(alice, carol, [3])
    now = booking.starts_at - timedelta(minutes=30)
    day_before = reminder_of(booking, 1440)
    hour_before = reminder_of(booking, 60)

    assert deliver_at(day_before, now) == OwedStatus.SKIPPED
    assert deliver_at(hour_before, now) == OwedStatus.DONE
    assert len(mail.outbox) == 1
    day_before.refresh_from_db()
    assert day_before.last_error == "a later reminder of the same session was due too"


def test_the_reminder_is_in_the_clients_zone_with_link_calendar_and_policy_links(alice, carol):
    coach, [booking] = confirmed_sessions(alice, carol, [3])
    day_before = reminder_of(booking, 1440)

    assert deliver_at(day_before, day_before.due_at) == OwedStatus.DONE

    [message] = mail.outbox
    local = booking.starts_at.astimezone(alice.zone)
    when = f"{local:%A} {local.day} {local:%B}, {local.hour % 12 or 12}:{local.minute:02d} {'am' if local.hour < 12 else 'pm'}"
    assert message.subject == f"Reminder: your session on {when}"
    assert message.to == ["alice@example.com"]
    assert message.from_email == "Waypoint <hello@waypoint.localhost>"
    assert message.extra_headers["Message-ID"] == f"<reminder-{day_before.pk}@waypoint.localhost>"
    assert booking.meeting_link in message.body
    assert "America/Chicago time" in message.body
    assert f"http://127.0.0.1:8000/bookings/{booking.pk}/reschedule/" in message.body
    assert f"http://127.0.0.1:8000/bookings/{booking.pk}/cancel/" in message.body
    [(name, ics, kind)] = message.attachments
    assert (name, kind) == ("session.ics", "text/calendar")
    assert f"DTSTART:{booking.starts_at:%Y%m%dT%H%M%SZ}" in ics


def test_the_hour_reminder_offers_no_move_once_the_notice_has_passed(alice, carol):
    _coach, [booking] = confirmed_sessions(alice, carol, [3])
    hour_before = reminder_of(booking, 60)

    assert deliver_at(hour_before, hour_before.due_at) == OwedStatus.DONE

    [message] = mail.outbox
    assert f"/bookings/{booking.pk}/reschedule/" not in message.body
    assert f"/bookings/{booking.pk}/cancel/" in message.body


def test_two_scans_split_the_due_reminders_and_a_stalled_claim_comes_back(alice, carol):
    _coach, [booking] = confirmed_sessions(alice, carol, [3])
    confirmation = OwedWork.objects.get(kind=NoticeKind.CONFIRMATION, about=f"booking:{booking.pk}")
    coach_news = OwedWork.objects.get(kind=CoachNoticeKind.BOOKED, about=f"booking:{booking.pk}")
    day_before = reminder_of(booking, 1440)
    now = day_before.due_at + timedelta(seconds=1)

    # The confirmations, never handed over (this test's transaction never commits), are due too.
    assert outbox.pick_due(now, limit=10) == sorted([confirmation.pk, coach_news.pk, day_before.pk])
    assert outbox.pick_due(now, limit=10) == []
    # A worker claimed it and died; once the lease is over on the wall clock, the scan hands it over again.
    assert outbox.claim(day_before.pk, now) is True
    assert outbox.claim(day_before.pk, now) is False
    claimed = OwedWork.objects.filter(pk=day_before.pk)
    claimed.update(claimed_at=timezone.now() - timedelta(minutes=9))
    assert outbox.recover_stalled(now=now) == []
    claimed.update(claimed_at=timezone.now() - timedelta(minutes=10))
    assert outbox.recover_stalled(now=now) == [day_before.pk]
    assert outbox.pick_due(now, limit=10) == [day_before.pk]
    day_before.refresh_from_db()
    assert (day_before.status, day_before.claimed_at, day_before.attempts, day_before.last_error) == (
        "pending",
        None,
        1,
        "the worker stopped while delivering; delivered again",
    )
