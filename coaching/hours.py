"""Weekly hours: wall-clock ranges in the coach's own zone, several per day."""

from django.db.models import IntegerField, Q

from core.prepared import Arg, PreparedQuery

from .models import MIDNIGHT, Weekday, WeeklyHours


def overlapping_hours(coach, weekday, start_time, end_time, *, exclude_pk=None):
    """The coach's other ranges on that weekday that overlap [start_time, end_time).
    Ranges that only touch (9-12 and 12-5) do not overlap: the engine joins them.
    An end of 00:00 is midnight, later than every start."""
    ranges = WeeklyHours.objects.filter(Q(end_time__gt=start_time) | Q(end_time=MIDNIGHT), coach=coach, weekday=weekday)
    if end_time != MIDNIGHT:
        ranges = ranges.filter(start_time__lt=end_time)
    if exclude_pk is not None:
        ranges = ranges.exclude(pk=exclude_pk)
    return list(ranges)


# The hours page and the calendar ask them on every visit: compiled once (core.prepared).
_WEEK = PreparedQuery(lambda: WeeklyHours.objects.filter(coach=Arg("coach", IntegerField())))


def weekly_hours(coach):
    """The coach's WeeklyHours, in the model's order (day, then start)."""
    return _WEEK.objects(coach=coach.pk)


def hours_by_weekday(coach):
    """[(weekday label, [WeeklyHours])] for all seven days, Monday first."""
    rows = weekly_hours(coach)
    return [(label, [row for row in rows if row.weekday == value]) for value, label in Weekday.choices]
