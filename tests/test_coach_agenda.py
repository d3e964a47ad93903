"""The coach's morning e-mail: the day's sessions at 7 am in the coach's zone, once,
only on days with sessions, and never to a coach who turned it off."""

from datetime import datetime, time, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from bookings import cancellation, reminders, transitions
from coaching.models import CoachProfile
from core import outbox
from core.models import OwedStatus, OwedWork
from tests.factories import bookable_coach, local_time


NEW_YORK = ZoneInfo("America/New_York")


def at(coach_day, hour, minute=0):
    return datetime.combine(coach_day, time(hour, minute), NEW_YORK)


def deliver_at(work, moment):
    # An agenda decides by the clock when it is delivered (have the day's sessions all
    # started), so a delivery "at" another moment moves the clock there.
    with mock.patch.object(timezone, "now", return_value=moment):
        return outbox.deliver(work.pk)


@pytest.fixture
def carols_day(alice, bob, carol):
    """Carol (New York) has alice at 10 am and bob at 2 pm the day after tomorrow."""
    coach, session_type = bookable_coach(carol, price_cents=0)
    first = transitions.place_hold(alice, session_type, local_time(coach, 2, 10))
    second = transitions.place_hold(bob, session_type, local_time(coach, 2, 14))
    return coach, first.starts_at.astimezone(NEW_YORK).date(), [first, second]


def test_carol_gets_her_day_at_seven_in_her_zone_once(carols_day):
    coach, day, _sessions = carols_day

    assert reminders.owe_agendas(at(day, 6, 59)) == []
    [agenda] = reminders.owe_agendas(at(day, 7, 0))
    assert reminders.owe_agendas(at(day, 7, 15)) == []
    assert deliver_at(agenda, at(day, 7, 1)) == OwedStatus.DONE
    assert deliver_at(agenda, at(day, 7, 1)) is None

    [message] = mail.outbox
    assert message.to == ["carol@example.com"]
    assert message.subject == f"Your sessions on {day:%A} {day.day} {day:%B}"
    assert message.body.startswith("2 sessions today, the first at 10:00 am.")
    assert "- 10:00 am to 10:50 am: Alice Moreno, One-to-one session" in message.body
    assert "- 2:00 pm to 2:50 pm: Bob Lee, One-to-one session" in message.body
    assert list(OwedWork.objects.filter(kind=reminders.AGENDA).values_list("about", "payload", "status", "attempts")) == [
        (f"coach:{coach.pk}", {"coach_id": coach.pk, "day": day.isoformat()}, OwedStatus.DONE, 1)
    ]


def test_dave_has_no_sessions_and_gets_nothing(carols_day, dave):
    _coach, day, _sessions = carols_day
    bookable_coach(dave, zone="America/New_York")

    made = reminders.owe_agendas(at(day, 8))

    assert list(
        CoachProfile.objects.filter(pk__in=[work.payload["coach_id"] for work in made]).values_list("user__email", flat=True)
    ) == ["carol@example.com"]
    assert OwedWork.objects.filter(kind=reminders.AGENDA).count() == 1


def test_carol_turns_the_morning_e_mail_off(carols_day, carol):
    _coach, day, _sessions = carols_day

    reminders.set_preferences(carol, morning_agenda=False)

    assert reminders.owe_agendas(at(day, 8)) == []
    assert OwedWork.objects.filter(kind=reminders.AGENDA).count() == 0


def test_an_agenda_late_after_every_session_started_is_skipped(carols_day):
    _coach, day, _sessions = carols_day
    [agenda] = reminders.owe_agendas(at(day, 7))

    assert deliver_at(agenda, at(day, 14, 5)) == OwedStatus.SKIPPED
    assert mail.outbox == []
    agenda.refresh_from_db()
    assert (agenda.status, agenda.last_error) == (OwedStatus.SKIPPED, "the day's sessions had all started")


def test_a_cancelled_session_leaves_the_agenda(carols_day, alice):
    _coach, day, [first, _second] = carols_day
    cancellation.cancel_by_client(first, actor=alice, now=first.starts_at - timedelta(days=2))
    [agenda] = reminders.owe_agendas(at(day, 7))

    assert deliver_at(agenda, at(day, 7)) == OwedStatus.DONE

    [message] = mail.outbox
    assert message.body.startswith("1 session today, the first at 2:00 pm.")
    assert "Alice Moreno" not in message.body
