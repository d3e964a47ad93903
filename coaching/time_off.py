"""Time off: whole days or part days in the coach's zone, stored as UTC instants."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import DateTimeField, IntegerField

from core.prepared import Arg, PreparedQuery

from .models import TimeOff


def local_instant(day, at, zone):
    """The instant a wall-clock time on a date happens in `zone`: the first occurrence
    when the clocks go back; a time the clocks skip counts with the offset before the
    jump (zoneinfo's fold=0), i.e. as far past the jump as it was past the gap's start."""
    return datetime.combine(day, at).replace(tzinfo=zone).astimezone(UTC)


def span(coach, first_day, last_day, start_time=None, end_time=None):
    """(starts_at, ends_at) in UTC. Without times: whole days, from midnight of the first
    day to midnight after the last, in the coach's zone."""
    zone = ZoneInfo(coach.time_zone)
    if start_time is None and end_time is None:
        return local_instant(first_day, time(0), zone), local_instant(last_day + timedelta(days=1), time(0), zone)
    return local_instant(first_day, start_time, zone), local_instant(last_day, end_time, zone)


def add_time_off(coach, first_day, last_day, start_time=None, end_time=None, note=""):
    starts_at, ends_at = span(coach, first_day, last_day, start_time, end_time)
    return TimeOff.objects.create(
        coach=coach,
        starts_at=starts_at,
        ends_at=ends_at,
        whole_days=start_time is None and end_time is None,
        note=note,
    )


# The time off page lists it on every visit: compiled once (core.prepared).
_COMING = PreparedQuery(lambda: TimeOff.objects.filter(coach=Arg("coach", IntegerField()), ends_at__gt=Arg("now", DateTimeField())))


def time_off_to_come(coach, now):
    """The coach's time off not over at `now`, first first."""
    return _COMING.objects(coach=coach.pk, now=now)
