"""The slot engine with a real database: DST examples, time off, bookings, the daily
cap, notice and horizon, and a fixed number of queries."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.availability import busy as booking_busy
from bookings.availability import first_available, is_open_slot, open_slots
from coaching.models import Specialty
from tests.factories import CoachProfileFactory, SessionTypeFactory, TimeOffFactory, WeeklyHoursFactory

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
SUNDAY = 6


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def carol_profile(carol):
    return CoachProfileFactory(user=carol, display_name="Carol Rivera", time_zone="America/New_York")


@pytest.fixture
def dave_profile(dave):
    return CoachProfileFactory(user=dave, display_name="Dave Okafor", time_zone="Europe/London")


@pytest.fixture
def session(carol_profile):
    return SessionTypeFactory(coach=carol_profile, name="Coaching session", duration_minutes=50)


def sunday_nine_to_five(coach):
    return WeeklyHoursFactory(coach=coach, weekday=SUNDAY, start_time=time(9), end_time=time(17))


@pytest.mark.parametrize(
    ("day", "nine_am_utc", "london_wall"),
    [
        # 8 March 2026: New York springs forward (EST -5 -> EDT -4); London is still on GMT.
        (8, utc(2026, 3, 8, 13, 0), "13:00"),
        # 1 November 2026: New York falls back (EDT -4 -> EST -5); London is back on GMT.
        (1, utc(2026, 11, 1, 14, 0), "14:00"),
    ],
)
def test_nine_to_five_in_new_york_starts_at_nine_local_on_dst_sundays(carol_profile, session, day, nine_am_utc, london_wall):
    sunday_nine_to_five(carol_profile)
    month = 3 if day == 8 else 11
    start = datetime(2026, month, day, tzinfo=NEW_YORK)
    slots = open_slots(carol_profile, session, start, start + timedelta(days=1), now=utc(2026, month, 1) - timedelta(days=1))
    local = [slot.astimezone(NEW_YORK).strftime("%H:%M") for slot in slots]
    assert local[0] == "09:00"
    assert local[-1] == "16:00"  # 16:00 + 50 minutes ends before 17:00; 16:15 would not
    assert len(slots) == 29  # 9:00 to 16:00 every 15 minutes
    assert slots[0] == nine_am_utc
    # Alice's friend bob in London sees the same slot at London's wall-clock time.
    assert slots[0].astimezone(LONDON).strftime("%H:%M") == london_wall


def test_a_fall_back_half_past_one_is_offered_once(carol_profile):
    call = SessionTypeFactory(coach=carol_profile, name="Late check-in", duration_minutes=60, price_cents=0)
    WeeklyHoursFactory(coach=carol_profile, weekday=SUNDAY, start_time=time(1, 30), end_time=time(2, 30))
    now = utc(2026, 10, 20)

    ordinary = open_slots(carol_profile, call, datetime(2026, 10, 25, tzinfo=NEW_YORK), datetime(2026, 10, 26, tzinfo=NEW_YORK), now=now)
    assert ordinary == [utc(2026, 10, 25, 5, 30)]  # 1:30 EDT, the only hour that fits

    night = open_slots(carol_profile, call, datetime(2026, 11, 1, tzinfo=NEW_YORK), datetime(2026, 11, 2, tzinfo=NEW_YORK), now=now)
    half_past_one = [slot for slot in night if slot.astimezone(NEW_YORK).strftime("%H:%M") == "01:30"]
    assert half_past_one == [utc(2026, 11, 1, 5, 30)]  # the first 1:30 (EDT), not the second (06:30 UTC, EST)
    # The repeated hour is real time at work: 1:45 EDT also fits before 2:30 EST.
    assert night == [utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 5, 45)]


def test_hours_that_end_inside_the_repeated_hour_keep_their_last_slot(carol_profile):
    call = SessionTypeFactory(coach=carol_profile, name="Night call", duration_minutes=30, price_cents=0)
    carol_profile.slot_step_minutes = 30
    WeeklyHoursFactory(coach=carol_profile, weekday=SUNDAY, start_time=time(0), end_time=time(1, 30))
    start = datetime(2026, 11, 1, tzinfo=NEW_YORK)
    slots = open_slots(carol_profile, call, start, start + timedelta(days=1), now=utc(2026, 10, 20))
    # The hours run from 00:00 EDT to the second 1:30 (EST), 04:00-06:30 UTC. The first
    # 1:30 (EDT) ends at 06:00 UTC, inside them; the second 1:00 is the first one again.
    assert slots == [utc(2026, 11, 1, 4, 0), utc(2026, 11, 1, 4, 30), utc(2026, 11, 1, 5, 0), utc(2026, 11, 1, 5, 30)]


def test_hours_that_end_inside_londons_repeated_hour_keep_their_last_slot(dave_profile):
    call = SessionTypeFactory(coach=dave_profile, name="Night call", duration_minutes=15, price_cents=0)
    WeeklyHoursFactory(coach=dave_profile, weekday=SUNDAY, start_time=time(0), end_time=time(1, 45))
    start = datetime(2026, 10, 25, tzinfo=LONDON)
    slots = open_slots(dave_profile, call, start, start + timedelta(days=1), now=utc(2026, 10, 20))
    # 00:00 BST is 23:00 UTC the day before; the first 1:45 (BST) is 00:45 UTC, well before
    # the second 1:45 (GMT, 01:45 UTC) where the hours end.
    assert slots == [utc(2026, 10, 24, 23, 0) + timedelta(minutes=15 * n) for n in range(8)]
    assert slots[-1] == utc(2026, 10, 25, 0, 45)


def test_a_spring_forward_gap_is_skipped(carol_profile):
    call = SessionTypeFactory(coach=carol_profile, name="Early call", duration_minutes=30, price_cents=0)
    WeeklyHoursFactory(coach=carol_profile, weekday=SUNDAY, start_time=time(1, 30), end_time=time(3, 30))
    carol_profile.slot_step_minutes = 30
    start = datetime(2026, 3, 8, tzinfo=NEW_YORK)
    slots = open_slots(carol_profile, call, start, start + timedelta(days=1), now=utc(2026, 3, 1))
    # 2:00 and 2:30 do not exist that night; the clocks go from 1:59 EST to 3:00 EDT.
    assert [slot.astimezone(NEW_YORK).strftime("%H:%M %Z") for slot in slots] == ["01:30 EST", "03:00 EDT"]


def test_time_off_with_buffers_and_bookings_as_given_are_avoided(carol_profile, session, monkeypatch):
    carol_profile.buffer_before_minutes = 10
    carol_profile.buffer_after_minutes = 15
    carol_profile.save()
    WeeklyHoursFactory(coach=carol_profile, weekday=0, start_time=time(9), end_time=time(13))  # Monday
    # Monday 9 March 2026, New York on EDT: 9:00 local is 13:00 UTC.
    TimeOffFactory(coach=carol_profile, starts_at=utc(2026, 3, 9, 16, 30), ends_at=utc(2026, 3, 9, 17, 0))  # 12:30-1 pm
    booking_with_buffers = (utc(2026, 3, 9, 13, 50), utc(2026, 3, 9, 15, 5))  # 10:00-10:50 + 10 before, 15 after
    monkeypatch.setattr(
        booking_busy, "live_busy", lambda ids, start, end, now, for_client=None: ({carol_profile.pk: [booking_with_buffers]}, {carol_profile.pk: {}})
    )
    start = datetime(2026, 3, 9, tzinfo=NEW_YORK)
    slots = open_slots(carol_profile, session, start, start + timedelta(days=1), now=utc(2026, 3, 1))
    assert [slot.astimezone(NEW_YORK).strftime("%H:%M") for slot in slots] == [
        # 9:15 is the first grid start 10 minutes after 9:00, but it would run past 9:50,
        # where the booking and its buffers begin: nothing fits before the booking.
        "11:15",  # the booking with its buffers ends at 11:05; the next grid start
        # 11:30 would end at 12:20, and its 15-minute buffer would touch the time off at 12:30.
    ]


def test_busy_given_replaces_what_the_engine_fetches_and_gets_buffers(carol_profile, session):
    carol_profile.buffer_after_minutes = 15
    WeeklyHoursFactory(coach=carol_profile, weekday=0, start_time=time(9), end_time=time(13))
    TimeOffFactory(coach=carol_profile, starts_at=utc(2026, 3, 9, 13), ends_at=utc(2026, 3, 9, 16))  # all morning
    start = datetime(2026, 3, 9, tzinfo=NEW_YORK)
    busy = [(utc(2026, 3, 9, 14, 0), utc(2026, 3, 9, 15, 0))]  # 10:00-11:00 local
    slots = open_slots(carol_profile, session, start, start + timedelta(days=1), now=utc(2026, 3, 1), busy=busy)
    # Before 10:00 a session plus 15 minutes would touch the busy hour; from 11:00 on it fits,
    # up to 11:45 (ends 12:35, buffer to 12:50). The time off on record is not consulted.
    assert [slot.astimezone(NEW_YORK).strftime("%H:%M") for slot in slots] == ["11:00", "11:15", "11:30", "11:45"]


def test_minimum_notice_and_horizon_bound_the_slots(carol_profile, session):
    for weekday in range(7):
        WeeklyHoursFactory(coach=carol_profile, weekday=weekday, start_time=time(9), end_time=time(10))
    carol_profile.min_notice_hours = 24
    carol_profile.horizon_days = 3
    now = utc(2026, 6, 1, 13, 0)  # Monday 9:00 EDT
    slots = open_slots(carol_profile, session, now - timedelta(days=2), now + timedelta(days=30), now=now)
    # Tomorrow 9:00 is exactly 24 hours away; 4 June 9:00 is exactly 3 days away.
    assert slots == [utc(2026, 6, 2, 13, 0), utc(2026, 6, 3, 13, 0), utc(2026, 6, 4, 13, 0)]
    carol_profile.min_notice_hours = 25
    assert open_slots(carol_profile, session, now, now + timedelta(days=30), now=now) == slots[1:]


def test_the_daily_cap_closes_a_full_day(carol_profile, session, monkeypatch):
    carol_profile.daily_cap = 2
    WeeklyHoursFactory(coach=carol_profile, weekday=0, start_time=time(9), end_time=time(10))
    WeeklyHoursFactory(coach=carol_profile, weekday=1, start_time=time(9), end_time=time(10))
    monkeypatch.setattr(
        booking_busy, "live_busy", lambda ids, start, end, now, for_client=None: ({carol_profile.pk: []}, {carol_profile.pk: {"2026-03-09": 2, "2026-03-10": 1}})
    )
    start = datetime(2026, 3, 9, tzinfo=NEW_YORK)
    slots = open_slots(carol_profile, session, start, start + timedelta(days=2), now=utc(2026, 3, 1))
    assert slots == [utc(2026, 3, 10, 13, 0)]


def test_is_open_slot_rechecks_one_start(carol_profile, session):
    sunday_nine_to_five(carol_profile)
    now = utc(2026, 3, 1)
    assert is_open_slot(carol_profile, session, utc(2026, 3, 8, 13, 0), now=now) is True
    assert is_open_slot(carol_profile, session, utc(2026, 3, 8, 13, 5), now=now) is False  # off the grid
    assert is_open_slot(carol_profile, session, utc(2026, 3, 8, 12, 0), now=now) is False  # 8:00 local
    TimeOffFactory(coach=carol_profile, starts_at=utc(2026, 3, 8, 12), ends_at=utc(2026, 3, 8, 22))
    assert is_open_slot(carol_profile, session, utc(2026, 3, 8, 13, 0), now=now) is False


def test_one_coach_over_thirty_days_takes_one_query_whatever_the_bookings(carol_profile, session, monkeypatch):
    for weekday in range(5):
        WeeklyHoursFactory(coach=carol_profile, weekday=weekday, start_time=time(9), end_time=time(12))
        WeeklyHoursFactory(coach=carol_profile, weekday=weekday, start_time=time(13), end_time=time(17))
    days_off = [1, 7, 8, 10, 14, 15, 21, 22, 28, 29]  # every weekend, and Tuesday 10 March
    for day in days_off:
        local_day = datetime(2026, 3, day, tzinfo=NEW_YORK)
        TimeOffFactory(coach=carol_profile, starts_at=local_day, ends_at=local_day + timedelta(days=1))
    carol_profile.daily_cap = 4
    start = utc(2026, 3, 1)
    with CaptureQueriesContext(connection) as queries:
        slots = open_slots(carol_profile, session, start, start + timedelta(days=30), now=start)
    # Hours and time off in one query; live bookings with their daily counts in one more.
    assert len(queries) == 2
    # 21 weekdays from 2 to 30 March, one of them off; 9 starts in 9-12 and 13 in 13-17.
    assert len(slots) == 20 * (9 + 13)


def test_first_available_finds_the_earliest_slots_across_coaches(carol_profile, dave_profile):
    carol_profile.specialties = [Specialty.ALCOHOL]
    carol_profile.save()
    dave_profile.specialties = [Specialty.STIMULANTS]
    dave_profile.save()
    carol_call = SessionTypeFactory(coach=carol_profile, name="Intro call", duration_minutes=20, price_cents=0)
    dave_call = SessionTypeFactory(coach=dave_profile, name="Intro call", duration_minutes=20, price_cents=0)
    SessionTypeFactory(coach=dave_profile, name="Coaching session", duration_minutes=50)
    WeeklyHoursFactory(coach=carol_profile, weekday=0, start_time=time(9), end_time=time(9, 30))  # 13:00 UTC in March
    WeeklyHoursFactory(coach=dave_profile, weekday=0, start_time=time(9), end_time=time(9, 30))  # 09:00 UTC
    start, now = utc(2026, 3, 9), utc(2026, 3, 1)

    with CaptureQueriesContext(connection) as queries:
        openings = first_available(carol_call, start, start + timedelta(days=1), now=now, limit=3)
    # Session types, then hours and time off, then live bookings with their counts: one query each.
    assert len(queries) == 3
    assert [(o.starts_at, o.coach.display_name, o.session_type) for o in openings] == [
        (utc(2026, 3, 9, 9, 0), "Dave Okafor", dave_call),
        (utc(2026, 3, 9, 13, 0), "Carol Rivera", carol_call),
    ]
    only_alcohol = first_available(20, start, start + timedelta(days=1), Specialty.ALCOHOL, now=now)
    assert [(o.starts_at, o.coach.display_name) for o in only_alcohol] == [(utc(2026, 3, 9, 13, 0), "Carol Rivera")]
    assert first_available(35, start, start + timedelta(days=1), now=now) == []


def test_first_available_leaves_out_unlisted_coaches(carol_profile, dave_profile):
    SessionTypeFactory(coach=carol_profile, duration_minutes=50)
    SessionTypeFactory(coach=dave_profile, duration_minutes=50)
    for coach in (carol_profile, dave_profile):
        WeeklyHoursFactory(coach=coach, weekday=0, start_time=time(9), end_time=time(10))
    dave_profile.is_listed = False
    dave_profile.save()
    start = utc(2026, 3, 9)
    openings = first_available(50, start, start + timedelta(days=1), now=utc(2026, 3, 1))
    assert [o.coach.display_name for o in openings] == ["Carol Rivera"]


def test_time_off_just_before_the_notice_line_still_gets_its_buffer(carol_profile, session):
    carol_profile.buffer_before_minutes = 15
    carol_profile.min_notice_hours = 2
    WeeklyHoursFactory(coach=carol_profile, weekday=0, start_time=time(8), end_time=time(12))
    TimeOffFactory(coach=carol_profile, starts_at=utc(2026, 3, 9, 12), ends_at=utc(2026, 3, 9, 13))  # 8-9 am EDT
    now = utc(2026, 3, 9, 11)  # 7 am: the notice line is 9:00, where the time off ends
    slots = open_slots(carol_profile, session, now, now + timedelta(days=1), now=now)
    assert slots[0].astimezone(NEW_YORK).strftime("%H:%M") == "09:15"


def test_the_daily_cap_counts_the_whole_local_day_even_before_the_notice_line(carol_profile, session, monkeypatch):
    carol_profile.daily_cap = 1
    carol_profile.min_notice_hours = 2
    WeeklyHoursFactory(coach=carol_profile, weekday=0, start_time=time(8), end_time=time(17))
    asked = []

    def counts(ids, start, end, now, for_client=None):
        asked.append((start, end))
        # One booking at 8:00 local, before the notice line: the day is still full.
        return {carol_profile.pk: []}, ({carol_profile.pk: {"2026-03-09": 1}} if start <= utc(2026, 3, 9, 12) < end else {carol_profile.pk: {}})

    monkeypatch.setattr(booking_busy, "live_busy", counts)
    now = utc(2026, 3, 9, 14)  # 10 am EDT
    assert open_slots(carol_profile, session, now, now + timedelta(hours=8), now=now) == []
    assert asked[0][0] <= datetime(2026, 3, 9, tzinfo=NEW_YORK)


def test_a_slot_a_moment_before_the_notice_line_is_not_offered(carol_profile, session):
    WeeklyHoursFactory(coach=carol_profile, weekday=0, start_time=time(9), end_time=time(10))
    carol_profile.min_notice_hours = 1
    nine = utc(2026, 3, 9, 13)
    assert open_slots(carol_profile, session, nine - timedelta(hours=2), nine + timedelta(hours=2), now=nine - timedelta(hours=1)) == [nine]
    late = nine - timedelta(hours=1) + timedelta(microseconds=300)
    assert open_slots(carol_profile, session, nine - timedelta(hours=2), nine + timedelta(hours=2), now=late) == []
