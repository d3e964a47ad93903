"""Open slots grouped by day in the viewer's zone: the one time picker, for booking on the
coach page and for moving a session."""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlencode

from core.wording import clock_in_words, day_in_words

MAX_WEEKS_AHEAD = 52


@dataclass
class SlotLink:
    starts_at: datetime
    time_label: str  # "3:30 pm"
    full_label: str  # "Tuesday 3 March, 3:30 pm"
    url: str


def viewer_week(now, zone, week):
    """[start, end) in UTC of the `week`-th seven days from today in the viewer's zone
    (`week` as a query string gives it: anything but a whole number is this week)."""
    try:
        week = max(0, min(int(week), MAX_WEEKS_AHEAD))
    except (TypeError, ValueError):
        week = 0
    today = now.astimezone(zone).date()
    first = today + timedelta(weeks=week)
    start = datetime.combine(first, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(first + timedelta(days=7), time(0), tzinfo=zone).astimezone(UTC)
    return week, start, end


def booking_url(coach, session_type, starts_at):
    query = urlencode({"coach": coach.pk, "type": session_type.pk, "start": start_param(starts_at)})
    return f"/bookings/new/?{query}"


def start_param(starts_at):
    return starts_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def group_by_day(slots, zone, url_for):
    """[(day title, [SlotLink])] in the viewer's zone, days in order; `url_for(slot)` is
    where picking that time leads."""
    days, titles = {}, {}
    for slot in slots:
        local = slot.astimezone(zone)
        day = local.date()
        if day not in titles:  # when_in_words' day, worked out once a day, not once a time
            titles[day] = day_in_words(local)
        clock = clock_in_words(local)
        days.setdefault(day, []).append(SlotLink(slot, clock, f"{titles[day]}, {clock}", url_for(slot)))
    return [(titles[day], links) for day, links in days.items()]
