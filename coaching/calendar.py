"""A coach's week at a glance, in the coach's own zone: hours, time off and sessions."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .feed import time_off_events
from .hours import weekly_hours
from core.wording import clock_in_words, day_in_words, end_of_hours_in_words


MINUTES_A_DAY = 24 * 60
ROW_MINUTES = 30  # one row of the time grid
GRID_DAY = (8, 18)  # hours always shown, when nothing falls outside them


@dataclass
class Entry:
    kind: str  # "hours", "away" or "session"
    label: str  # what a person reads: "9:00 am – 12:00 pm"
    summary: str = ""
    url: str = ""  # a session's page
    start_minute: int = 0  # on the day's wall clock, 0 to 1440
    end_minute: int = MINUTES_A_DAY
    row: int = 0  # where the time grid draws it (see place_on_grid)
    span: int = 1



def _minute_of_day(moment, day, zone):
    local = moment.astimezone(zone)
    if local.date() > day:
        return MINUTES_A_DAY
    return local.hour * 60 + local.minute


@dataclass
class Day:
    date: object
    title: str
    is_today: bool
    entries: list = field(default_factory=list)
    column: int = 0  # the time grid's column


def week_start(today, week=0):
    """The Monday of the week `week` weeks after the one holding `today`."""
    return today - timedelta(days=today.weekday()) + timedelta(weeks=week)


def _range_label(start, end, day_start, day_end, zone):
    if start <= day_start and end >= day_end:
        return "All day"
    first = clock_in_words(max(start, day_start).astimezone(zone))
    last = "midnight" if end >= day_end else clock_in_words(end.astimezone(zone))
    return f"{first} – {last}"


def first_shown_day(today, week=0):
    """The first day of the calendar's page `week`: that week's Monday, except that on a
    Sunday "this week" starts today, so the coming week shows too. "Next week" then
    starts the day after those eight, and "Previous week" is the week ending today."""
    if today.weekday() != 6:
        return week_start(today, week)
    return today if week == 0 else week_start(today, week + 1)


def days_shown(first_day):
    return 8 if first_day.weekday() == 6 else 7


def week_grid(coach, monday, *, today, session_events=()):
    """The Days from `monday` (a local date in the coach's zone): a week, or a Sunday and
    the week after it. Queries: weekly hours and time off, one each, whatever it holds."""
    zone = ZoneInfo(coach.time_zone)
    count = days_shown(monday)
    start = datetime.combine(monday, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(monday + timedelta(days=count), time(0), tzinfo=zone).astimezone(UTC)
    hours = weekly_hours(coach)
    away = time_off_events(coach, start, end)
    days = []
    for offset in range(count):
        day = monday + timedelta(days=offset)
        day_start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
        day_end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
        entries = []
        for row in hours:
            if row.weekday == day.weekday():
                end_minute = (row.end_time.hour * 60 + row.end_time.minute) or MINUTES_A_DAY
                label = f"{clock_in_words(row.start_time)} – {end_of_hours_in_words(row.end_time)}"
                start_minute = row.start_time.hour * 60 + row.start_time.minute
                entries.append((datetime.combine(day, row.start_time), Entry("hours", label, "", "", start_minute, end_minute)))
        for item in list(away) + list(session_events):
            if item["start"] < day_end and item["end"] > day_start:
                kind = "away" if item["uid"].startswith("time-off-") else "session"
                label = _range_label(item["start"], item["end"], day_start, day_end, zone)
                local_start = max(item["start"], day_start).astimezone(zone).replace(tzinfo=None)
                start_minute = _minute_of_day(max(item["start"], day_start), day, zone)
                end_minute = _minute_of_day(min(item["end"], day_end), day, zone) if item["end"] < day_end else MINUTES_A_DAY
                entries.append(
                    (local_start, Entry(kind, label, item["summary"], item.get("url", ""), start_minute, end_minute))
                )
        if any(entry.kind == "away" and entry.label == "All day" for _, entry in entries):
            # Away all day is not a working day, whatever the weekly hours say.
            entries = [pair for pair in entries if pair[1].kind != "hours"]
        entries.sort(key=lambda pair: (pair[0], pair[1].kind))
        days.append(
            Day(date=day, title=day_in_words(day), is_today=day == today, entries=[e for _, e in entries], column=offset + 2)
        )
    return days


def place_on_grid(days):
    """Give every entry its row and height on the time grid (30-minute rows after a row of
    day names), over the hours from GRID_DAY widened to whatever the days hold. Returns
    the hour labels, [(row, "9:00 am"), ...], and the number of rows below the day names."""
    timed = [e for day in days for e in day.entries if not (e.start_minute == 0 and e.end_minute == MINUTES_A_DAY)]
    first = min([GRID_DAY[0] * 60, *(e.start_minute for e in timed)]) // 60
    last = -(-max([GRID_DAY[1] * 60, *(e.end_minute for e in timed)]) // 60)
    top, bottom = first * 60, last * 60
    for day in days:
        for entry in day.entries:
            start, end = max(entry.start_minute, top), min(max(entry.end_minute, entry.start_minute + 1), bottom)
            entry.row = 2 + (start - top) // ROW_MINUTES
            entry.span = max(1, -(-(end - start) // ROW_MINUTES))
    return [(2 + (hour - first) * 60 // ROW_MINUTES, clock_in_words(time(hour))) for hour in range(first, last)], (last - first) * 2

