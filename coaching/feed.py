"""A coach's calendar as an ICS feed that calendar apps subscribe to, at a secret,
revocable address that expires. Events come as dicts {uid, start, end, summary, and
optionally url} (UTC datetimes), so the bookings app can add its sessions without this
module knowing about bookings.

A calendar provider fetches and keeps the feed on its own servers, and the address sits
in the coach's calendar settings: nothing in it may name a client. Sessions are
"Waypoint session" with a reference, the client's initials only when the coach asks for
them, and a link to the session's page, which needs a sign-in.
"""

import hashlib
import logging
import secrets
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import DateTimeField, IntegerField
from django.utils import timezone
from icalendar import Calendar, Event
from redis.exceptions import RedisError

from accounts.models import Role
from core.prepared import Arg, PreparedQuery

from .models import CoachProfile, TimeOff

log = logging.getLogger(__name__)

SESSION_TITLE = "Waypoint session"
# The calendar page warns this long before the address stops working.
EXPIRY_WARNING = timedelta(days=7)
RATE_WINDOW_SECONDS = 3600


_TIME_OFF = PreparedQuery(
    lambda: TimeOff.objects.filter(
        coach=Arg("coach", IntegerField()), starts_at__lt=Arg("end", DateTimeField()), ends_at__gt=Arg("start", DateTimeField())
    ).values_list("pk", "starts_at", "ends_at")
)


def time_off_events(coach, start, end):
    return [
        {"uid": f"time-off-{pk}@waypoint", "start": starts_at, "end": ends_at, "summary": "Time off"}
        for pk, starts_at, ends_at in _TIME_OFF.rows(coach=coach.pk, start=start, end=end)
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
        if item.get("url"):
            event.add("url", item["url"])
            event.add("description", f"Details, after signing in to Waypoint: {item['url']}")
        calendar.add_component(event)
    return calendar.to_ical()


def initials(name):
    """"Alice Moreno" -> "A. M.": the first letters of the first and last names, no more."""
    words = [word for word in one_line(name or "").split(" ") if any(c.isalpha() for c in word)]
    if not words:
        return ""
    letters = [next(c for c in word if c.isalpha()).upper() for word in (words[:1] + words[1:][-1:])]
    return " ".join(f"{letter}." for letter in letters)


def session_title(reference, *, client_name="", with_initials=False):
    """A session's title in a calendar outside Waypoint: never a full name."""
    parts = [SESSION_TITLE, reference]
    if with_initials and initials(client_name):
        parts.append(initials(client_name))
    return " · ".join(parts)


def reset_feed_token(coach):
    """A new secret address; the old one stops working at once."""
    coach.feed_token = secrets.token_urlsafe(32)
    coach.feed_token_created_at = timezone.now()
    coach.save(update_fields=["feed_token", "feed_token_created_at"])
    return coach.feed_token


def coach_for_feed(token):
    """The coach whose address this is, expired or not (the view answers each differently)."""
    # The feed is a coach's: it stops answering when its owner is no longer an active coach.
    return CoachProfile.objects.filter(feed_token=token, user__is_active=True, user__role=Role.COACH).first()


def expires_at(coach):
    return coach.feed_token_created_at + timedelta(days=settings.FEED_TOKEN_DAYS)


def has_expired(coach, now):
    return now >= expires_at(coach)


def expires_soon(coach, now):
    """Within the last week of the address's life (or past it): the calendar page says so."""
    return expires_at(coach) - now <= EXPIRY_WARNING


def allow_request(token):
    """At most FEED_REQUESTS_PER_HOUR fetches of one address an hour (a fixed window in the
    shared cache). The key is a hash: the cache never holds a working address. With the
    cache down the feed still answers; the limit is a brake, not a lock."""
    key = "feed-requests:" + hashlib.sha256(token.encode()).hexdigest()
    try:
        if cache.add(key, 1, timeout=RATE_WINDOW_SECONDS):
            return True
        return cache.incr(key) <= settings.FEED_REQUESTS_PER_HOUR
    except ValueError:
        # The window ended between add and incr.
        cache.set(key, 1, timeout=RATE_WINDOW_SECONDS)
        return True
    except (RedisError, OSError):
        log.warning("the cache did not answer; the calendar feed is not rate-limited meanwhile", exc_info=True)
        return True
