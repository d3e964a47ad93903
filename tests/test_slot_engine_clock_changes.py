"""The slot engine on the nights the clocks change. A wall-clock time the clocks skip is
not offered, and one they repeat is offered once.

Lord Howe Island moves its clocks by thirty minutes, not an hour. With a one-hour change
a skipped time offered anyway lands on the real time an hour later (2:30 on 3:30, still
on the grid); with a half-hour change it lands off the grid (2:00 on 2:30), on a time
the coach never offered."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bookings.availability import compute_slots
from coaching.models import CoachProfile
from tests.test_slot_engine_properties import ZONES, naive_oracle, run, scenarios

LORD_HOWE = ZoneInfo("Australia/Lord_Howe")


def carols_night(day):
    """Carol, on Lord Howe Island, works 1:00-4:00 in the night to `day` (a Sunday) and
    offers 20-minute sessions every 20 minutes: what the engine offers, as local clock
    readings with their UTC offsets."""
    coach = CoachProfile(
        display_name="Carol Rivera", time_zone="Australia/Lord_Howe", slot_step_minutes=20, min_notice_hours=0, horizon_days=30
    )
    midnight = datetime.combine(day, time(0), LORD_HOWE)
    slots = compute_slots(
        coach,
        20,
        midnight,
        midnight + timedelta(days=1),
        now=midnight - timedelta(days=1),
        hour_rows=[(day.weekday(), time(1), time(4))],
    )
    assert all(slot.tzinfo == UTC for slot in slots)
    return [slot.astimezone(LORD_HOWE).strftime("%H:%M %z") for slot in slots]


def test_on_the_spring_forward_night_the_skipped_half_hour_is_not_offered():
    # 4 October 2026: at 2:00 the clocks jump to 2:30, so 2:00 and 2:20 never happen.
    assert carols_night(date(2026, 10, 4)) == [
        "01:00 +1030",
        "01:20 +1030",
        "01:40 +1030",
        "02:40 +1100",
        "03:00 +1100",
        "03:20 +1100",
        "03:40 +1100",
    ]


def test_on_the_fall_back_night_the_repeated_half_hour_is_offered_once():
    # 5 April 2026: at 2:00 the clocks go back to 1:30, so 1:40 happens twice; it is
    # offered at its first occurrence only.
    assert carols_night(date(2026, 4, 5)) == [
        "01:00 +1100",
        "01:20 +1100",
        "01:40 +1100",
        "02:00 +1030",
        "02:20 +1030",
        "02:40 +1030",
        "03:00 +1030",
        "03:20 +1030",
        "03:40 +1030",
    ]


# --- the property tests' scenarios, moved onto a night the clocks change --------------


def clock_changes(zone_name, year=2026):
    """The instants (UTC) in `year` at which `zone_name` changes its clocks."""
    zone = ZoneInfo(zone_name)
    changes, moment = [], datetime(year, 1, 1, tzinfo=UTC)
    while moment.year == year:
        later = moment + timedelta(minutes=30)
        if moment.astimezone(zone).utcoffset() != later.astimezone(zone).utcoffset():
            changes.append(later)
        moment = later
    return changes


CHANGES = {name: clock_changes(name) for name in ZONES if clock_changes(name)}


@st.composite
def change_nights(draw):
    """A scenario of the property tests whose window always holds a night the clocks
    change (Lord Howe's half hour among them), its busy time and bookings moved along."""
    s = draw(scenarios())
    coach = s["coach"]
    if coach.time_zone not in CHANGES or draw(st.booleans()):
        coach.time_zone = draw(st.sampled_from(sorted(CHANGES)))
    change = draw(st.sampled_from(CHANGES[coach.time_zone]))
    now = change - timedelta(hours=coach.min_notice_hours, minutes=draw(st.integers(0, 48 * 12)) * 5)
    start = now - timedelta(minutes=draw(st.integers(0, 24 * 12)) * 5)
    shift = start - s["start"]
    coach.horizon_days = max(coach.horizon_days, 7)
    return {
        **s,
        "now": now,
        "start": start,
        "end": change + timedelta(minutes=draw(st.integers(1, 2 * 24 * 12)) * 5),
        "busy": [(busy_start + shift, busy_end + shift) for busy_start, busy_end in s["busy"]],
        "bookings": [(booking_start + shift, booking_end + shift) for booking_start, booking_end in s["bookings"]],
    }


@settings(max_examples=150, deadline=None)
@given(change_nights())
def test_on_the_nights_the_clocks_change_each_wall_time_is_offered_once_and_only_if_it_happens(s):
    zone, step = ZoneInfo(s["coach"].time_zone), s["coach"].slot_step_minutes
    slots = run(s)
    local_times = [slot.astimezone(zone) for slot in slots]
    walls = [moment.replace(tzinfo=None) for moment in local_times]
    assert len(walls) == len(set(walls))
    assert all((moment.hour * 60 + moment.minute) % step == 0 for moment in local_times)
    assert slots == naive_oracle(s)
