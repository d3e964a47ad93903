"""A coach's calendar as an ICS feed that calendar apps subscribe to, at a secret,
revocable address. Events come as dicts {uid, start, end, summary} (UTC datetimes), so
the bookings app can add its sessions without this module knowing about bookings."""

import secrets
import unicodedata

from icalendar import Calendar, Event

from accounts.models import Role

from .models import CoachProfile, TimeOff


def time_off_events(coach, start, end):
    rows = TimeOff.objects.filter(coach=coach, starts_at__lt=end, ends_at__gt=start)
    return [
        {"uid": f"time-off-{row.pk}@waypoint", "start": row.starts_at, "end": row.ends_at, "summary": "Time off"}
        for row in rows
    ]


def one_line(text):
    """Text safe in one ICS property: a line break (or any control character) in a name
    would end the property early and let the rest be read as new ones."""
    cleaned = "".join(" " if unicodedata.category(c).startswith("C") else c for c in text)
    return " ".join(cleaned.split())


def build_calendar(coach, events, *, stamp):
    """The ICS bytes of `events` for `coach`. `stamp` is the DTSTAMP of every event."""
    calendar = Calendar()
    calendar.add("prodid", "-//Waypoint//Coach calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", one_line(f"Waypoint: {coach.display_name}"))
    calendar.add("x-wr-timezone", coach.time_zone)
    for item in sorted(events, key=lambda e: (e["start"], e["uid"])):
        event = Event()
        event.add("uid", item["uid"])
        event.add("dtstamp", stamp)
        event.add("dtstart", item["start"])
        event.add("dtend", item["end"])
        event.add("summary", one_line(item["summary"]))
        calendar.add_component(event)
    return calendar.to_ical()


def reset_feed_token(coach):
    """A new secret address; the old one stops working at once."""
    coach.feed_token = secrets.token_urlsafe(32)
    coach.save(update_fields=["feed_token"])
    return coach.feed_token


def coach_for_feed(token):
    # The feed is a coach's: it stops answering when its owner is no longer an active coach.
    return CoachProfile.objects.filter(feed_token=token, user__is_active=True, user__role=Role.COACH).first()
