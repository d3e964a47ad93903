"""Every time the slot engine offers can be held, and every time on the grid it does
not offer is refused: what a client sees is what `place_hold` accepts. The new
session's own buffers count against the time other bookings block, exactly as the
database's exclusion constraint compares the two."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookings.availability import first_available, open_slots
from bookings.errors import SlotTaken
from bookings.transitions import place_hold
from coaching.models import CoachProfile, SessionType, TimeOff, WeeklyHours
from tests.factories import demo_paid, local_time

pytestmark = [pytest.mark.django_db]

MONDAY, SUNDAY = 0, 6


@pytest.fixture(autouse=True)
def bob_stands_for_everyone_else(settings):
    # Bob's holds here stand for other people's bookings; how much one client may hold is
    # tested in test_no_hoarding.py.
    settings.BOOKING_MAX_UNPAID_HOLDS = 100


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def held(client, session_type, start, *, now):
    """Whether `place_hold` accepts `start`; the hold is rolled back either way."""
    with transaction.atomic():
        try:
            place_hold(client, session_type, start, now=now)
        except SlotTaken:
            return False
        finally:
            transaction.set_rollback(True)
    return True


@pytest.fixture
def carols_monday(carol):
    """Carol works Mondays 9:00-18:00 UTC, keeps 15 minutes free before each session and
    30 after, and offers 50-minute sessions on a 15-minute grid."""
    coach = CoachProfile.objects.create(
        user=carol, display_name="Carol Rivera", time_zone="UTC", buffer_before_minutes=15, buffer_after_minutes=30, min_notice_hours=0
    )
    WeeklyHours.objects.create(coach=coach, weekday=MONDAY, start_time=time(9), end_time=time(18))
    session = SessionType.objects.create(coach=coach, name="Coaching session", duration_minutes=50, price_cents=6000)
    return coach, session


NOW = utc(2026, 3, 1)
MONDAY_9_MARCH = utc(2026, 3, 9)


def test_a_time_whose_own_buffers_would_reach_another_booking_is_not_offered(alice, bob, carols_monday):
    coach, session = carols_monday
    # Bob's sessions block 12:15-13:50 and 14:15-15:50 with carol's buffers.
    place_hold(bob, session, utc(2026, 3, 9, 12, 30), now=NOW)
    place_hold(bob, session, utc(2026, 3, 9, 14, 30), now=NOW)

    slots = open_slots(coach, session, MONDAY_9_MARCH, MONDAY_9_MARCH + timedelta(days=1), now=NOW)

    # 11:00 would end at 11:50 and its 30 free minutes after run into bob's 12:15; 16:00
    # would start 15 free minutes at 15:45, inside bob's afternoon.
    assert [f"{slot:%H:%M}" for slot in slots] == ["09:15", "09:30", "09:45", "10:00", "10:15", "10:30", "10:45", "16:15", "16:30"]
    assert [held(alice, session, slot, now=NOW) for slot in slots] == [True] * 9
    assert held(alice, session, utc(2026, 3, 9, 11, 0), now=NOW) is False
    assert held(alice, session, utc(2026, 3, 9, 16, 0), now=NOW) is False


def test_first_available_leaves_out_times_whose_buffers_reach_another_booking(bob, carols_monday):
    coach, session = carols_monday
    place_hold(bob, session, utc(2026, 3, 9, 12, 30), now=NOW)
    place_hold(bob, session, utc(2026, 3, 9, 14, 30), now=NOW)

    openings = first_available(session, utc(2026, 3, 9, 10, 45), utc(2026, 3, 10), now=NOW, limit=3)

    assert [opening.starts_at for opening in openings] == [utc(2026, 3, 9, 10, 45), utc(2026, 3, 9, 16, 15), utc(2026, 3, 9, 16, 30)]


def test_alice_is_offered_only_new_times_she_can_move_her_session_to(client, alice, bob, carol):
    coach = CoachProfile.objects.create(
        user=carol,
        display_name="Carol Rivera",
        time_zone="UTC",
        buffer_before_minutes=15,
        buffer_after_minutes=30,
        min_notice_hours=0,
        horizon_days=5,  # one working day in reach
    )
    session = SessionType.objects.create(coach=coach, name="Coaching session", duration_minutes=50, price_cents=6000)
    day = local_time(coach, 3, 0)
    WeeklyHours.objects.create(coach=coach, weekday=day.weekday(), start_time=time(9), end_time=time(18))
    booking = demo_paid(place_hold(alice, session, local_time(coach, 3, 9, 15)))
    place_hold(bob, session, local_time(coach, 3, 12, 30))
    place_hold(bob, session, local_time(coach, 3, 14, 30))
    client.force_login(alice)

    days = client.get(f"/bookings/{booking.pk}/reschedule/").context["days"]
    offered = [link.starts_at for _day, links in days for link in links]

    # Her own session blocks 9:00-10:35: from there nothing fits before bob's 12:15.
    assert offered == [local_time(coach, 3, 16, 15), local_time(coach, 3, 16, 30)]
    answer = client.post(f"/bookings/{booking.pk}/reschedule/", {"start": offered[0].isoformat()})
    booking.refresh_from_db()
    assert (answer.status_code, booking.starts_at) == (302, local_time(coach, 3, 16, 15))


def test_a_full_day_stays_full_to_its_last_hour_when_the_clocks_go_back(alice, bob, carol):
    coach = CoachProfile.objects.create(
        user=carol, display_name="Carol Rivera", time_zone="America/New_York", min_notice_hours=0, daily_cap=1, slot_step_minutes=30
    )
    WeeklyHours.objects.create(coach=coach, weekday=SUNDAY, start_time=time(0), end_time=time(0, 30))
    WeeklyHours.objects.create(coach=coach, weekday=SUNDAY, start_time=time(23), end_time=time(0))  # until midnight
    call = SessionType.objects.create(coach=coach, name="Check-in", duration_minutes=30, price_cents=3000)
    now = utc(2026, 10, 20)
    # Sunday 1 November 2026 in New York lasts 25 hours: 04:00 UTC to 05:00 UTC the next day.
    place_hold(bob, call, utc(2026, 11, 1, 4, 0), now=now)  # 00:00 EDT, the day's one session

    half_past_eleven = utc(2026, 11, 2, 4, 30)  # 23:30 EST, 24.5 hours after bob's start
    assert open_slots(coach, call, half_past_eleven, half_past_eleven + timedelta(hours=1), now=now) == []
    assert held(alice, call, half_past_eleven, now=now) is False


# --- the property: offered if and only if bookable -----------------------------------

# Each zone with the local dates its clocks change in 2026, and a plain summer day.
CLOCK_CHANGES = {
    "America/New_York": [date(2026, 3, 8), date(2026, 11, 1)],
    "Europe/London": [date(2026, 3, 29), date(2026, 10, 25)],
    "Australia/Sydney": [date(2026, 4, 5), date(2026, 10, 4)],
    "Australia/Lord_Howe": [date(2026, 4, 5), date(2026, 10, 4)],  # a 30-minute shift
    "Asia/Kathmandu": [],  # +5:45, never changes
    "UTC": [],
}
QUARTER = timedelta(minutes=15)


def quarter_time(quarter):
    """The wall-clock time `quarter` quarter-hours into the day; the 96th, 24:00, is stored
    as 00:00 (midnight)."""
    return time(quarter // 4 % 24, quarter % 4 * 15)


@st.composite
def day_hours(draw):
    """One or two disjoint wall-clock ranges on a 15-minute grid."""
    cuts = sorted(draw(st.sets(st.integers(0, 96), min_size=2, max_size=4)))
    return [(quarter_time(start), quarter_time(end)) for start, end in zip(cuts[::2], cuts[1::2], strict=False)]


@st.composite
def scenarios(draw):
    zone_name = draw(st.sampled_from(sorted(CLOCK_CHANGES)))
    zone = ZoneInfo(zone_name)
    day = draw(st.sampled_from([*CLOCK_CHANGES[zone_name], date(2026, 6, 15)]))
    midnight = datetime.combine(day, time(0), zone).astimezone(UTC)
    start = midnight + draw(st.integers(-24, 96)) * QUARTER
    end = start + draw(st.integers(4, 72)) * QUARTER
    now = start - draw(st.integers(0, 48)) * QUARTER
    # Hours on the three local days the window can touch; the rest of the week is off.
    weekdays = [(day + timedelta(days=offset)).weekday() for offset in (-1, 0, 1)]
    return {
        "zone": zone_name,
        "hours": {weekday: draw(day_hours()) for weekday in weekdays},
        "step": draw(st.sampled_from([15, 20, 30, 60])),
        # The buffers when the existing bookings were made, and now: a coach may change them.
        "buffers_then": (draw(st.sampled_from([0, 15, 45])), draw(st.sampled_from([0, 10, 30]))),
        "buffers_now": (draw(st.sampled_from([0, 15, 45])), draw(st.sampled_from([0, 10, 30]))),
        "notice": draw(st.integers(0, 6)),
        "horizon": draw(st.integers(1, 3)),
        "cap": draw(st.sampled_from([None, 1, 2])),
        "time_off": [
            (start + draw(st.integers(-16, 80)) * QUARTER, draw(st.integers(1, 16)) * QUARTER) for _ in range(draw(st.integers(0, 2)))
        ],
        "duration": draw(st.sampled_from([15, 30, 50, 60, 90])),
        "other_duration": draw(st.sampled_from([20, 50])),
        # Existing bookings: which of the times then offered bob took, and whether his hold
        # was made long enough ago to have run out by now.
        "bookings": [(draw(st.integers(0, 200)), draw(st.booleans())) for _ in range(draw(st.integers(0, 4)))],
        "start": start,
        "end": end,
        "now": now,
    }


def set_up(s, carol, bob):
    coach = CoachProfile.objects.create(
        user=carol,
        display_name="Carol Rivera",
        time_zone=s["zone"],
        slot_step_minutes=s["step"],
        buffer_before_minutes=s["buffers_then"][0],
        buffer_after_minutes=s["buffers_then"][1],
        min_notice_hours=s["notice"],
        horizon_days=s["horizon"],
        daily_cap=s["cap"],
    )
    WeeklyHours.objects.bulk_create(
        WeeklyHours(coach=coach, weekday=weekday, start_time=first, end_time=last)
        for weekday, ranges in s["hours"].items()
        for first, last in ranges
    )
    TimeOff.objects.bulk_create(TimeOff(coach=coach, starts_at=off, ends_at=off + length) for off, length in s["time_off"])
    session = SessionType.objects.create(coach=coach, name="Coaching session", duration_minutes=s["duration"], price_cents=6000)
    other = SessionType.objects.create(coach=coach, name="Check-in", duration_minutes=s["other_duration"], price_cents=3000)
    around = (s["start"] - timedelta(hours=6), s["end"] + timedelta(hours=6))
    for pick, run_out in s["bookings"]:
        # A hold made 20 minutes ago has run out by now; place_hold clears it first.
        then = s["now"] - timedelta(minutes=20) if run_out else s["now"]
        offered = open_slots(coach, other, *around, now=then)
        if offered:
            # An offered time must be accepted: this is the property too.
            place_hold(bob, other, offered[pick % len(offered)], now=then)
    coach.buffer_before_minutes, coach.buffer_after_minutes = s["buffers_now"]
    coach.save(update_fields=["buffer_before_minutes", "buffer_after_minutes"])
    return coach, session


def grid_times(s):
    """Every whole minute in [start, end) whose wall-clock minute in the coach's zone is on
    the grid; both occurrences of a repeated (fall-back) time."""
    zone = ZoneInfo(s["zone"])
    moment, times = s["start"], []
    while moment < s["end"]:
        local = moment.astimezone(zone)
        if (local.hour * 60 + local.minute) % s["step"] == 0:
            times.append(moment)
        moment += timedelta(minutes=1)
    return times


# The examples share alice, bob and carol; everything else each one makes lives in a
# savepoint that is rolled back after it, so every example starts from the same database.
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(s=scenarios())
def test_a_time_is_offered_if_and_only_if_place_hold_accepts_it(alice, bob, carol, s):
    with transaction.atomic():
        coach, session = set_up(s, carol, bob)
        offered = open_slots(coach, session, s["start"], s["end"], now=s["now"])
        grid = grid_times(s)
        assert set(offered) <= set(grid)
        disagreements = [
            (moment, moment in offered) for moment in grid if held(alice, session, moment, now=s["now"]) != (moment in offered)
        ]
        assert disagreements == []
        transaction.set_rollback(True)
