"""The slot engine: which instants a client may book with a coach.

A coach's weekly hours are wall-clock ranges in the coach's own zone. For every local
date in the window we turn them into UTC instants with `zoneinfo`, so a DST change moves
nothing a person sees: 9:00 stays 9:00. A wall-clock time that does not exist (spring
forward) is skipped, and one that happens twice (fall back) is offered once, at its
first occurrence.

Everything is fetched up front in a fixed number of queries, whatever the number of
days or bookings, and the rest is integer arithmetic on epoch seconds:

- one query for weekly hours and time off of every coach asked about;
- one query, `bookings.availability.busy.live_busy`, for bookings, unexpired holds and open
  waitlist offers (the time each blocks, its own buffers included) and their count per
  local day (for the daily cap). An offer blocks everyone but the client it is held for.

A start is offered exactly when `place_hold` would accept it (for a client with no
session of their own at that time): the new session with its own buffers must not
overlap the time any live booking blocks (the database's exclusion constraint
compares those two ranges) nor touch time off.

`first_available` adds one query for the session types (with their coaches).
"""

import heapq
import math
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import islice
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils import timezone

from accounts.models import Role
from coaching.models import SessionType, TimeOff, WeeklyHours

from . import busy as booking_busy

MINUTE = 60
DAY_MINUTES = 24 * 60
DAY_SECONDS = 24 * 60 * 60
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


@dataclass(frozen=True)
class Opening:
    """One bookable start for `first_available`: when, with whom, for which session type."""

    starts_at: datetime
    coach: object
    session_type: object


@dataclass
class Plan:
    """Everything the engine needs for one coach, already fetched."""

    zone: ZoneInfo
    hours: dict  # weekday -> sorted, merged [(start_minute, end_minute)] in local wall-clock minutes
    blocked: list  # sorted, merged [(start, end)] epoch seconds: busy time widened by the buffers, not to overlap
    duration: int  # seconds
    buffer_before: int  # seconds
    buffer_after: int  # seconds
    step: int  # minutes
    lo: int  # epoch seconds, first allowed start (inclusive)
    hi: int  # epoch seconds, last allowed start (exclusive)
    daily_cap: int | None = None
    day_counts: dict | None = None  # local ISO date -> live bookings that day


# --- time arithmetic -------------------------------------------------------------


def _epoch(moment):
    """Whole epoch seconds, rounded up: slots are whole seconds, so `t >= moment` and
    `t < moment` hold for a slot exactly when they hold for the rounded value."""
    if timezone.is_naive(moment):
        raise ValueError("The slot engine works on aware datetimes only.")
    return math.ceil(moment.timestamp())


def _instant(local_date, minute, zone, fold=0):
    """(epoch seconds, exists) of a local wall-clock minute on a date."""
    if minute >= DAY_MINUTES:
        # A range that ends at midnight ends at the start of the next day.
        local_date = local_date + timedelta(days=minute // DAY_MINUTES)
        minute %= DAY_MINUTES
    naive = datetime.combine(local_date, time(minute // 60, minute % 60))
    aware = naive.replace(tzinfo=zone, fold=fold)
    moment = aware.astimezone(UTC)
    exists = moment.astimezone(zone).replace(tzinfo=None) == naive
    return int(moment.timestamp()), exists


def _boundary(local_date, minute, zone, *, end):
    """The instant a working range starts or ends. A repeated wall time (fall back) is
    widened to cover both occurrences; a missing one (spring forward) becomes the
    moment the clocks jump, i.e. the first wall-clock minute that exists after it."""
    seconds, exists = _instant(local_date, minute, zone, fold=1 if end else 0)
    if exists:
        return seconds
    for later in range(minute + 1, minute + DAY_MINUTES):
        seconds, exists = _instant(local_date, later, zone)
        if exists:
            return seconds
    raise ValueError(f"No existing local time after {minute} minutes on {local_date} in {zone}")


def _merge(intervals):
    merged = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1][1] = end
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def merge_hours(rows):
    """{weekday: [(start_minute, end_minute)]} from (weekday, start_time, end_time) rows,
    touching and overlapping ranges joined so a session may span 11:30-12:30 across
    9-12 and 12-17. (Read-only: the result is shared between calls.)"""
    return _merge_hours(tuple(rows))


@lru_cache(maxsize=4096)
def _merge_hours(rows):
    # Weekly hours change rarely and many coaches share the same week: keep the result.
    by_day = {}
    for weekday, start_time, end_time in rows:
        end = end_time.hour * 60 + end_time.minute or DAY_MINUTES
        by_day.setdefault(weekday, []).append((start_time.hour * 60 + start_time.minute, end))
    for weekday, ranges in by_day.items():
        if len(ranges) > 1:
            by_day[weekday] = _merge(ranges)
    return by_day


# --- the core ------------------------------------------------------------------------


def _ceil_to(value, step):
    return -(-value // step) * step


def working_ranges(plan, local_date):
    """[(start, end, start_minute, end_minute)] in epoch seconds for one local date."""
    result = []
    for start_minute, end_minute in plan.hours.get(local_date.weekday(), ()):
        start = _boundary(local_date, start_minute, plan.zone, end=False)
        end = _boundary(local_date, end_minute, plan.zone, end=True)
        if end > start:
            result.append((start, end, start_minute, end_minute))
    return result


def _local_dates(plan):
    first = datetime.fromtimestamp(plan.lo, UTC).astimezone(plan.zone).date()
    last = datetime.fromtimestamp(plan.hi, UTC).astimezone(plan.zone).date()
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _candidates(plan, local_date, start, end, start_minute, end_minute):
    """Grid starts (epoch seconds, ascending) whose session and buffers fit in [start, end)."""
    step = plan.step
    before, after, duration = plan.buffer_before, plan.buffer_after, plan.duration
    wall_length = (end_minute - start_minute) * MINUTE
    start_offset = _instant(local_date, start_minute, plan.zone)[0] - start
    end_offset = _instant(local_date, end_minute, plan.zone, fold=1)[0] - end
    if end - start == wall_length and start_offset == 0 and end_offset == 0:
        # No clock change inside this range: wall minutes map linearly onto instants.
        first = _ceil_to(start_minute * MINUTE + before, step * MINUTE) // MINUTE
        last = (end_minute * MINUTE - duration - after) // MINUTE
        for minute in range(first, last + 1, step):
            yield start + (minute - start_minute) * MINUTE
        return
    # A clock change falls inside this range: walk the wall-clock grid, skip minutes that
    # do not exist, and take each repeated minute once (its first occurrence, fold=0).
    # The walk does not stop at the end's wall-clock minute: a range that ends inside the
    # repeated hour ends at its second occurrence, so with an end at 1:30 the first 1:30
    # to 1:59 still lie inside it. First occurrences only grow with the wall clock, so
    # the first start that runs past the end is the last one worth trying.
    for minute in range(_ceil_to(start_minute, step), DAY_MINUTES, step):
        moment, exists = _instant(local_date, minute, plan.zone)
        if not exists:
            continue
        if moment + duration + after > end:
            break
        if moment - before >= start:
            yield moment


@lru_cache(maxsize=8192)
def _steady_offset(zone, ordinal):
    """The zone's UTC offset in seconds all through one local date, or None when the
    clocks change that day (or midnight itself is skipped or repeated)."""
    day = date.fromordinal(ordinal)
    midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
    offset = midnight.utcoffset()
    if midnight.replace(fold=1).utcoffset() != offset or (midnight + timedelta(days=1)).utcoffset() != offset:
        return None
    return int(offset.total_seconds())


def _day_candidates(plan, local_date):
    """Grid starts (epoch seconds, ascending) on one local date whose session and
    buffers fit in a working range."""
    ranges = plan.hours.get(local_date.weekday())
    if not ranges:
        return
    offset = _steady_offset(plan.zone, local_date.toordinal())
    if offset is None:
        for start, end, start_minute, end_minute in working_ranges(plan, local_date):
            yield from _candidates(plan, local_date, start, end, start_minute, end_minute)
        return
    # The usual day: wall-clock minutes map linearly onto instants, no zone lookups.
    base = (local_date.toordinal() - EPOCH_ORDINAL) * DAY_SECONDS - offset
    step_seconds = plan.step * MINUTE
    before, tail = plan.buffer_before, plan.duration + plan.buffer_after
    for start_minute, end_minute in ranges:
        first = _ceil_to(start_minute * MINUTE + before, step_seconds)
        last = end_minute * MINUTE - tail
        yield from range(base + first, base + last + 1, step_seconds)


def iter_slots(plan):
    """Every bookable start of a plan, as epoch seconds, ascending."""
    blocked = plan.blocked
    blocked_ends = [end for _, end in blocked]
    count = len(blocked)
    duration = plan.duration
    floor, hi = plan.lo, plan.hi
    counts = plan.day_counts or {}
    for local_date in _local_dates(plan):
        if plan.daily_cap is not None and counts.get(local_date.isoformat(), 0) >= plan.daily_cap:
            continue
        for moment in _day_candidates(plan, local_date):
            if moment < floor:
                continue
            if moment >= hi:
                return
            # The first blocked interval that ends after the session starts is the only
            # one that can overlap it (they are merged and sorted).
            index = bisect_right(blocked_ends, moment)
            if index < count and blocked[index][0] < moment + duration:
                continue
            floor = moment + 1  # never offer one instant twice
            yield moment


# --- fetching ------------------------------------------------------------------------


def fetch_hours_and_time_off(coach_ids, start, end):
    """({coach_id: [(weekday, start_time, end_time)]}, {coach_id: [(starts_at, ends_at)]})
    in ONE query, whatever the number of coaches."""
    hours = {coach_id: [] for coach_id in coach_ids}
    time_off = {coach_id: [] for coach_id in coach_ids}
    if not coach_ids:
        return hours, time_off
    sql = (
        f"SELECT coach_id, weekday, start_time, end_time, NULL::timestamptz, NULL::timestamptz "
        f"FROM {WeeklyHours._meta.db_table} WHERE coach_id = ANY(%s) "
        f"UNION ALL "
        f"SELECT coach_id, NULL, NULL, NULL, starts_at, ends_at "
        f"FROM {TimeOff._meta.db_table} WHERE coach_id = ANY(%s) AND starts_at < %s AND ends_at > %s"
    )
    ids = list(coach_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, [ids, ids, end, start])
        for coach_id, weekday, start_time, end_time, off_start, off_end in cursor.fetchall():
            if weekday is not None:
                hours[coach_id].append((weekday, start_time, end_time))
            else:
                time_off[coach_id].append((off_start, off_end))
    return hours, time_off


def _fetch_window(earliest, latest):
    """What to fetch busy time and counts for: two days either side of the starts asked
    about, so time off just before the first start still meets its buffer, a session
    running past the last start is seen, and the daily cap counts whole local days.
    One day is not enough for the cap: the day the clocks go back lasts 25 hours, and
    its first hour lies more than a day before a start late that evening."""
    return earliest - timedelta(days=2), latest + timedelta(days=2)


def _window(coach, start, end, now):
    """The instants a start may take: [start, end) ∩ [now + notice, now + horizon]."""
    earliest = max(start, now + timedelta(hours=coach.min_notice_hours))
    latest = min(end, now + timedelta(days=coach.horizon_days) + timedelta(seconds=1))
    return earliest, latest


def make_plan(coach, duration_minutes, earliest, latest, *, hour_rows, padded=(), blocked=(), day_counts=None):
    """A Plan from fetched data. `padded` intervals are what bookings block, their own
    buffers already included; `blocked` ones are time off. The new session plus the
    coach's buffers must not overlap either: a booking's range because the exclusion
    constraint compares it with the new booking's own blocked range, time off because
    the coach is away. That is the raw session not overlapping them widened by the
    buffers (after-buffer before them, before-buffer after them)."""
    before = coach.buffer_before_minutes * MINUTE
    after = coach.buffer_after_minutes * MINUTE
    # Intervals come from the database or the caller as aware datetimes.
    busy = [(int(s.timestamp()) - after, int(e.timestamp()) + before) for s, e in (*padded, *blocked)]
    return Plan(
        zone=ZoneInfo(coach.time_zone),
        hours=merge_hours(hour_rows),
        blocked=_merge(busy),
        duration=duration_minutes * MINUTE,
        buffer_before=before,
        buffer_after=after,
        step=coach.slot_step_minutes,
        lo=_epoch(earliest),
        hi=_epoch(latest),
        daily_cap=coach.daily_cap,
        day_counts=day_counts,
    )


def _to_datetime(seconds):
    return datetime.fromtimestamp(seconds, UTC)


# --- the contract ------------------------------------------------------------------


def compute_slots(coach, duration_minutes, start, end, *, now, hour_rows, padded=(), blocked=(), day_counts=None):
    """The engine without the database: sorted UTC starts in [start, end) from already
    fetched data. `open_slots` and `first_available` come through here, and so do the
    property tests."""
    earliest, latest = _window(coach, start, end, now)
    if earliest >= latest:
        return []
    plan = make_plan(
        coach, duration_minutes, earliest, latest, hour_rows=hour_rows, padded=padded, blocked=blocked, day_counts=day_counts
    )
    return [_to_datetime(moment) for moment in iter_slots(plan)]


@dataclass(frozen=True)
class Fetched:
    """What the engine fetched for one coach: the arguments of `compute_slots`."""

    hour_rows: list
    padded: list  # bookings, holds and other clients' open offers, their buffers included
    blocked: list  # time off
    day_counts: dict | None


def fetch(coach, earliest, latest, *, now, for_client=None):
    """Everything `compute_slots` needs for starts in [earliest, latest), in two queries."""
    fetch_start, fetch_end = _fetch_window(earliest, latest)
    hours, time_off = fetch_hours_and_time_off([coach.pk], fetch_start, fetch_end)
    intervals, counts = booking_busy.live_busy([coach.pk], fetch_start, fetch_end, now=now, for_client=for_client)
    day_counts = counts[coach.pk] if coach.daily_cap is not None else None
    return Fetched(hour_rows=hours[coach.pk], padded=intervals[coach.pk], blocked=time_off[coach.pk], day_counts=day_counts)


def open_slots(coach, session_type, start, end, *, now=None, busy=None, duration_minutes=None, for_client=None):
    """Every bookable start in [start, end) for `session_type` with `coach`, as sorted
    UTC datetimes, on the coach's grid (wall-clock minutes that are a multiple of
    `slot_step_minutes`), such that the session plus buffers fits in working hours,
    after now + minimum notice, within the horizon, and under the daily cap.

    `busy`, when given, is every (start, end) UTC interval the coach is taken and
    replaces what the engine would fetch; the session plus buffers must not touch
    any of it. When None, the engine fetches time off (buffers applied), live
    bookings and open waitlist offers from `bookings.availability.busy` (buffers
    already included). A waitlist offer holds its time for its client alone: pass
    `for_client` to see the times held for that client.

    `duration_minutes`, when given, replaces the session type's length: a booking keeps
    the length it was made with, even if the coach has changed the type since."""
    now = now or timezone.now()
    earliest, latest = _window(coach, start, end, now)
    if earliest >= latest:
        return []
    fetched = fetch(coach, earliest, latest, now=now, for_client=for_client)
    padded, blocked = fetched.padded, fetched.blocked
    if busy is not None:
        padded, blocked = [], list(busy)
        if any(timezone.is_naive(moment) for interval in blocked for moment in interval):
            raise ValueError("Busy intervals must be aware datetimes (UTC).")
    return compute_slots(
        coach,
        duration_minutes or session_type.duration_minutes,
        start,
        end,
        now=now,
        hour_rows=fetched.hour_rows,
        padded=padded,
        blocked=blocked,
        day_counts=fetched.day_counts,
    )


def is_open_slot(coach, session_type, starts_at, *, now=None, duration_minutes=None, for_client=None):
    """Whether `starts_at` is still bookable (by `for_client`, for whom a waitlist offer
    may hold it): the booking flow's re-check of a chosen slot."""
    slots = open_slots(
        coach,
        session_type,
        starts_at,
        starts_at + timedelta(seconds=1),
        now=now,
        duration_minutes=duration_minutes,
        for_client=for_client,
    )
    return slots == [starts_at]


def _tagged(moments, name, coach_id):
    for moment in moments:
        yield moment, name, coach_id


def first_available(session_type_or_duration, start, end, specialty=None, *, now=None, limit=10):
    """The earliest `limit` openings across every listed coach, as `Opening`s sorted by
    time (then coach name). Coaches are those offering an active session type of the
    same length (and, given a SessionType, the same free-or-paid kind), optionally with
    a specialty. Three queries whatever the number of coaches: session types with
    their coaches, hours and time off, and bookings with their daily counts."""
    now = now or timezone.now()
    if isinstance(session_type_or_duration, SessionType):
        duration = session_type_or_duration.duration_minutes
        # A free intro call matches other free calls, a paid session other paid ones.
        if session_type_or_duration.is_free:
            types = SessionType.objects.filter(price_cents=0)
        else:
            types = SessionType.objects.filter(price_cents__gt=0)
    else:
        duration = int(session_type_or_duration)
        types = SessionType.objects.all()
    # The same coaches as CoachProfile.objects.listed(), as a join rather than a subquery.
    types = types.filter(
        is_active=True, duration_minutes=duration, coach__is_listed=True, coach__user__is_active=True, coach__user__role=Role.COACH
    )
    if specialty:
        types = types.filter(coach__specialties__contains=[specialty])
    # One session type per coach: the cheapest that fits.
    chosen = {}
    for session_type in types.select_related("coach").order_by("coach_id", "price_cents", "pk"):
        chosen.setdefault(session_type.coach_id, session_type)
    streams = {
        coach_id: _tagged(slots, chosen[coach_id].coach.display_name, coach_id)
        for coach_id, slots in _slot_streams(chosen, start, end, now).items()
    }
    return [
        Opening(starts_at=_to_datetime(moment), coach=chosen[coach_id].coach, session_type=chosen[coach_id])
        for moment, _name, coach_id in islice(heapq.merge(*streams.values()), limit)
    ]


def _slot_streams(chosen, start, end, now):
    """{coach id: lazy slots} for {coach id: session type}, in three queries: hours and
    time off, and bookings with their daily counts."""
    windows = {}
    for coach_id, session_type in chosen.items():
        earliest, latest = _window(session_type.coach, start, end, now)
        if earliest < latest:
            windows[coach_id] = (earliest, latest)
    if not windows:
        return {}
    ids = list(windows)
    lo = min(w[0] for w in windows.values())
    hi = max(w[1] for w in windows.values())
    fetch_start, fetch_end = _fetch_window(lo, hi)
    hours, time_off = fetch_hours_and_time_off(ids, fetch_start, fetch_end)
    padded, counts = booking_busy.live_busy(ids, fetch_start, fetch_end, now=now)
    streams = {}
    for coach_id in ids:
        plan = make_plan(
            chosen[coach_id].coach,
            chosen[coach_id].duration_minutes,
            *windows[coach_id],
            hour_rows=hours[coach_id],
            padded=padded.get(coach_id, []),
            blocked=time_off[coach_id],
            day_counts=counts.get(coach_id, {}),
        )
        # Slots are generated lazily: each coach computes only as far as it is asked.
        streams[coach_id] = iter_slots(plan)
    return streams


def next_openings(session_types, start, end, *, now=None):
    """{coach id: the first start of that coach's session type} for one session type per
    coach (the directory's "next open time"), within `start`..`end`; a coach with none is
    left out. Three queries whatever the number of coaches."""
    now = now or timezone.now()
    chosen = {session_type.coach_id: session_type for session_type in session_types}
    found = {}
    for coach_id, slots in _slot_streams(chosen, start, end, now).items():
        first = next(iter(slots), None)
        if first is not None:
            found[coach_id] = _to_datetime(first)
    return found
