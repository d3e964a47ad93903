"""Each transition is guarded: it refuses states it may not leave, does nothing twice,
and writes the audit trail. The constraints hold even when the functions are bypassed."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from accounts.audit import history
from bookings import eligibility, transitions
from bookings.availability import busy
from bookings.errors import NotAllowed
from bookings.models import Booking, CancelledBy, Status
from tests.factories import bookable_coach, demo_paid, local_time

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def carols(carol):
    return bookable_coach(carol, buffer_before_minutes=5, buffer_after_minutes=10)


def test_a_hold_copies_price_policy_and_buffers_and_is_audited(alice, carols):
    coach, session_type = carols
    ten_am = local_time(coach, 3, 10)

    booking = transitions.place_hold(alice, session_type, ten_am)

    assert (booking.starts_at, booking.ends_at) == (ten_am, ten_am + timedelta(minutes=50))
    assert (booking.blocked_from, booking.blocked_until) == (ten_am - timedelta(minutes=5), ten_am + timedelta(minutes=60))
    assert (booking.price_cents, booking.currency, booking.cancellation_notice_hours, booking.max_reschedules) == (6000, "usd", 24, 2)
    assert [(e.action, e.actor_email) for e in history(booking)] == [("booking.held", "alice@example.com")]


def test_confirming_twice_confirms_once(alice, carols):
    coach, session_type = carols
    booking = demo_paid(transitions.place_hold(alice, session_type, local_time(coach, 3, 10)))

    again = transitions.confirm(booking)

    assert again.status == Status.CONFIRMED
    assert [e.action for e in history(booking)].count("booking.confirmed") == 1


def test_transitions_refuse_states_they_may_not_leave(alice, carols):
    coach, session_type = carols
    hold = transitions.place_hold(alice, session_type, local_time(coach, 3, 10))

    with pytest.raises(NotAllowed):
        transitions.cancel(hold, by=CancelledBy.CLIENT, actor=alice)
    with pytest.raises(NotAllowed):
        transitions.reschedule(hold, hold.starts_at + timedelta(hours=2), actor=alice)
    confirmed = demo_paid(hold)
    with pytest.raises(NotAllowed, match="has not ended yet"):
        transitions.complete(confirmed)
    with pytest.raises(NotAllowed, match="has not started yet"):
        transitions.mark_no_show(confirmed, actor=coach.user)
    with pytest.raises(NotAllowed):
        transitions.expire(confirmed)
    cancelled = transitions.cancel(confirmed, by=CancelledBy.COACH, actor=coach.user)
    with pytest.raises(NotAllowed):
        transitions.confirm(cancelled)
    assert Booking.objects.get(pk=hold.pk).status == Status.CANCELLED


def test_a_session_that_ended_is_completed_or_marked_missed(alice, carols):
    coach, session_type = carols
    booking = demo_paid(transitions.place_hold(alice, session_type, local_time(coach, 3, 10)))
    after = booking.ends_at + timedelta(minutes=1)

    assert transitions.complete(booking, now=after).status == Status.COMPLETED
    assert transitions.mark_no_show(booking, actor=coach.user, now=after).status == Status.NO_SHOW
    assert [e.action for e in history(booking)][:2] == ["booking.no_show", "booking.completed"]


def test_the_intake_gate_hook_can_refuse_a_booking(alice, carols, monkeypatch):
    coach, session_type = carols
    monkeypatch.setattr(eligibility, "may_book", lambda client, session_type: False)

    with pytest.raises(NotAllowed, match="not open to you yet"):
        transitions.place_hold(alice, session_type, local_time(coach, 3, 10))
    assert Booking.objects.count() == 0


def insert(client, coach, session_type, start, status=Status.CONFIRMED):
    end = start + timedelta(minutes=50)
    return Booking.objects.create(
        coach=coach, client=client, session_type=session_type, starts_at=start, ends_at=end,
        blocked_from=start - timedelta(minutes=5), blocked_until=end + timedelta(minutes=10),
        price_cents=6000, currency="usd", cancellation_notice_hours=24, max_reschedules=2, status=status,
    )


def test_the_database_refuses_overlaps_even_without_the_booking_function(alice, bob, carols):
    coach, session_type = carols
    ten_am = local_time(coach, 3, 10)
    insert(alice, coach, session_type, ten_am)

    with pytest.raises(IntegrityError), transaction.atomic():
        insert(bob, coach, session_type, ten_am + timedelta(minutes=55))  # inside carol's 10-minute buffer
    with pytest.raises(IntegrityError), transaction.atomic():
        insert(alice, bob_coach(), session_type, ten_am + timedelta(minutes=30))  # alice twice at once
    insert(bob, coach, session_type, ten_am + timedelta(minutes=75))  # buffers back to back: allowed
    insert(bob, coach, session_type, ten_am, status=Status.CANCELLED)  # cancelled time is free

    assert Booking.objects.count() == 3


def bob_coach():
    from tests.factories import CoachUserFactory

    coach, _type = bookable_coach(CoachUserFactory(name="Dana Other"))
    return coach


def test_busy_time_has_buffers_counts_per_local_day_and_a_discreet_calendar(alice, bob, carols):
    coach, session_type = carols
    held = transitions.place_hold(alice, session_type, local_time(coach, 3, 15))
    paid = demo_paid(transitions.place_hold(bob, session_type, local_time(coach, 4, 10)))
    stale = transitions.place_hold(bob, session_type, local_time(coach, 5, 10))
    Booking.objects.filter(pk=stale.pk).update(hold_expires_at=stale.created_at - timedelta(minutes=1))
    window = (held.starts_at - timedelta(days=1), held.starts_at + timedelta(days=4))

    intervals = busy.live_booking_intervals([coach.pk], *window)
    counts = busy.live_booking_counts([coach.pk], *window)
    events = busy.calendar_events(coach, *window)

    assert intervals == {coach.pk: [(held.blocked_from, held.blocked_until), (paid.blocked_from, paid.blocked_until)]}
    assert counts == {
        coach.pk: {
            held.starts_at.astimezone(coach_zone(coach)).date().isoformat(): 1,
            paid.starts_at.astimezone(coach_zone(coach)).date().isoformat(): 1,
        }
    }
    assert events == [
        {
            "uid": f"booking-{paid.pk}@waypoint", "start": paid.starts_at, "end": paid.ends_at,
            "summary": "Session with Bob Lee", "url": f"/bookings/{paid.pk}/",
        }
    ]


def coach_zone(coach):
    from zoneinfo import ZoneInfo

    return ZoneInfo(coach.time_zone)


def test_missed_can_be_recorded_until_a_week_after_the_end(alice, carols):
    coach, session_type = carols
    booking = demo_paid(transitions.place_hold(alice, session_type, local_time(coach, 3, 10)))
    transitions.complete(booking, now=booking.ends_at + timedelta(minutes=1))

    with pytest.raises(NotAllowed, match="up to 7 days after it ended"):
        transitions.mark_no_show(booking, actor=coach.user, now=booking.ends_at + timedelta(days=7, minutes=1))
    marked = transitions.mark_no_show(booking, actor=coach.user, now=booking.ends_at + timedelta(days=7))
    assert marked.status == Status.NO_SHOW
