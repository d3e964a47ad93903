"""Property tests of the slot engine on plain data (no database): whatever the hours,
zone, busy time, buffers, notice and horizon, every slot it returns is one a coach would
accept, and it returns every such slot."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bookings.availability import compute_slots
from coaching.models import CoachProfile

ZONES = [
    "America/New_York",
    "Europe/London",
    "Australia/Sydney",
    "Australia/Lord_Howe",  # a 30-minute DST shift
    "Asia/Kathmandu",  # a +5:45 offset
    "America/Sao_Paulo",
    "UTC",
]
# Windows that start near the year's DST changes as often as anywhere else.
ANCHORS = [
    datetime(2026, 3, 6, tzinfo=UTC),
    datetime(2026, 3, 27, tzinfo=UTC),
    datetime(2026, 4, 3, tzinfo=UTC),
    datetime(2026, 10, 2, tzinfo=UTC),
    datetime(2026, 10, 23, tzinfo=UTC),
    datetime(2026, 10, 30, tzinfo=UTC),
    datetime(2026, 6, 15, tzinfo=UTC),
]


@st.composite
def day_ranges(draw):
    """Sorted, disjoint wall-clock ranges of one weekday, minutes on a 5-minute grid; the
    last may end at midnight (1440). Half the days are night shifts, from midnight-1:00
    until 3:00-5:00: across every hour the zones above skip or repeat, so a change
    night's hours are drawn often."""
    if draw(st.booleans()):
        return [(draw(st.integers(0, 12)) * 5, draw(st.integers(36, 60)) * 5)]
    cuts = sorted(draw(st.sets(st.integers(0, 288), min_size=0, max_size=6)))
    ranges = []
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        ranges.append((start * 5, end * 5))
    return ranges


@st.composite
def scenarios(draw):
    zone = draw(st.sampled_from(ZONES))
    hour_rows = []
    for weekday in range(7):
        for start, end in draw(day_ranges()):
            # An end of 00:00 is midnight, as WeeklyHours stores it.
            hour_rows.append((weekday, time(start // 60, start % 60), time(end // 60 % 24, end % 60)))
    anchor = draw(st.sampled_from(ANCHORS)) + timedelta(minutes=draw(st.integers(0, 7 * 24 * 12)) * 5)
    start = anchor + timedelta(minutes=draw(st.integers(-3 * 24 * 12, 3 * 24 * 12)) * 5)
    end = start + timedelta(minutes=draw(st.integers(0, 9 * 24 * 12)) * 5)
    busy, bookings = [], []
    for _ in range(draw(st.integers(0, 8))):
        busy_start = start + timedelta(minutes=draw(st.integers(-24 * 12, 9 * 24 * 12)) * 5)
        busy.append((busy_start, busy_start + timedelta(minutes=draw(st.integers(1, 48)) * 5)))
    for _ in range(draw(st.integers(0, 8))):
        # Live bookings come from the bookings app as the time they block, their own
        # buffers already included.
        booking_start = start + timedelta(minutes=draw(st.integers(-24 * 12, 9 * 24 * 12)) * 5)
        bookings.append((booking_start, booking_start + timedelta(minutes=draw(st.integers(2, 30)) * 5)))
    coach = CoachProfile(
        display_name="Carol Rivera",
        time_zone=zone,
        slot_step_minutes=draw(st.sampled_from([5, 10, 15, 20, 30, 60])),
        buffer_before_minutes=draw(st.sampled_from([0, 5, 10, 15, 30])),
        buffer_after_minutes=draw(st.sampled_from([0, 5, 10, 15, 30])),
        min_notice_hours=draw(st.integers(0, 48)),
        horizon_days=draw(st.integers(1, 30)),
    )
    return {
        "coach": coach,
        "duration": draw(st.sampled_from([10, 20, 30, 50, 60, 90])),
        "start": start,
        "end": end,
        "now": anchor,
        "hour_rows": hour_rows,
        "busy": busy,
        "bookings": bookings,
    }


def run(s):
    return compute_slots(
        s["coach"],
        s["duration"],
        s["start"],
        s["end"],
        now=s["now"],
        hour_rows=s["hour_rows"],
        blocked=s["busy"],
        padded=s["bookings"],
    )


def first_instant(local_date, minutes, zone):
    """A working range begins at the first occurrence of its wall time; a wall time the
    clocks skip begins at the first minute that exists after it."""
    for m in range(minutes, minutes + 24 * 60):
        day, rest = local_date + timedelta(days=m // 1440), m % 1440
        naive = datetime(day.year, day.month, day.day, rest // 60, rest % 60)
        moment = naive.replace(tzinfo=zone).astimezone(UTC)
        if moment.astimezone(zone).replace(tzinfo=None) == naive:
            return moment
    raise AssertionError("no existing minute")


def last_instant(local_date, minutes, zone):
    """A working range ends at the last occurrence of its wall time (fall back: the second)."""
    day, rest = local_date + timedelta(days=minutes // 1440), minutes % 1440
    naive = datetime(day.year, day.month, day.day, rest // 60, rest % 60)
    moment = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if moment.astimezone(zone).replace(tzinfo=None) == naive:
        return moment
    return first_instant(local_date, minutes, zone)


def working_intervals(s, slot):
    """The coach's working intervals (UTC) on the local days around a slot, from the raw rows."""
    zone = ZoneInfo(s["coach"].time_zone)
    local_day = slot.astimezone(zone).date()
    intervals = []
    for day in (local_day - timedelta(days=1), local_day, local_day + timedelta(days=1)):
        for weekday, start_time, end_time in s["hour_rows"]:
            if weekday == day.weekday():
                start = start_time.hour * 60 + start_time.minute
                end = end_time.hour * 60 + end_time.minute or 24 * 60  # 00:00 ends at midnight
                intervals.append((first_instant(day, start, zone), last_instant(day, end, zone)))
    return intervals


def session_with_buffers(s, slot):
    coach = s["coach"]
    return (
        slot - timedelta(minutes=coach.buffer_before_minutes),
        slot + timedelta(minutes=s["duration"] + coach.buffer_after_minutes),
    )


@settings(max_examples=200, deadline=None)
@given(scenarios())
def test_every_slot_is_one_the_coach_would_accept(s):
    slots = run(s)
    coach, zone = s["coach"], ZoneInfo(s["coach"].time_zone)
    assert slots == sorted(set(slots))
    for slot in slots:
        assert slot.tzinfo == UTC
        first, last = session_with_buffers(s, slot)
        # No time off touches the session plus its buffers, and neither does the time any
        # live booking blocks: the exclusion constraint compares that with the new
        # booking's own blocked range, the session plus the coach's buffers.
        assert all(not (busy_start < last and first < busy_end) for busy_start, busy_end in s["busy"])
        assert all(not (b_start < last and first < b_end) for b_start, b_end in s["bookings"])
        # The whole session plus buffers lies inside one working range in the coach's zone.
        assert any(start <= first and last <= end for start, end in working_intervals(s, slot))
        # On the coach's grid, in wall-clock minutes of the coach's zone.
        local = slot.astimezone(zone)
        assert local.second == 0 and (local.hour * 60 + local.minute) % coach.slot_step_minutes == 0
        # Not before now + notice, not past the horizon, inside the window asked for.
        assert slot >= s["now"] + timedelta(hours=coach.min_notice_hours)
        assert slot <= s["now"] + timedelta(days=coach.horizon_days)
        assert s["start"] <= slot < s["end"]
    # A wall-clock time that happens twice (fall back) is offered once.
    local_times = [slot.astimezone(zone).replace(tzinfo=None) for slot in slots]
    assert len(local_times) == len(set(local_times))


def naive_oracle(s):
    """Every grid wall time of every local day, taken at its first occurrence, checked
    one by one against the rules, with none of the engine's shortcuts."""
    coach, zone = s["coach"], ZoneInfo(s["coach"].time_zone)
    earliest = max(s["start"], s["now"] + timedelta(hours=coach.min_notice_hours))
    latest = min(s["end"], s["now"] + timedelta(days=coach.horizon_days, seconds=1))
    found = []
    day = earliest.astimezone(zone).date() - timedelta(days=1)
    while day <= latest.astimezone(zone).date() + timedelta(days=1):
        for minute in range(0, 24 * 60, coach.slot_step_minutes):
            naive = datetime(day.year, day.month, day.day, minute // 60, minute % 60)
            slot = naive.replace(tzinfo=zone).astimezone(UTC)
            if slot.astimezone(zone).replace(tzinfo=None) != naive:
                continue  # skipped by the clocks
            if not earliest <= slot < latest:
                continue
            first, last = session_with_buffers(s, slot)
            if any(busy_start < last and first < busy_end for busy_start, busy_end in s["busy"] + s["bookings"]):
                continue
            if any(start <= first and last <= end for start, end in working_intervals(s, slot)):
                found.append(slot)
        day += timedelta(days=1)
    return sorted(set(found))


@settings(max_examples=120, deadline=None)
@given(scenarios())
def test_the_engine_offers_every_slot_the_rules_allow(s):
    assert run(s) == naive_oracle(s)
