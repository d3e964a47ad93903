"""A coach's week at a glance, and the secret, revocable ICS feed."""

from datetime import UTC, datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from bookings.availability import busy as booking_busy
from coaching.feed import build_calendar
from coaching.models import CoachProfile
from tests.factories import CoachProfileFactory, TimeOffFactory, WeeklyHoursFactory

pytestmark = pytest.mark.django_db

WEDNESDAY_4_MARCH = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)


@pytest.fixture
def carol_profile(carol):
    profile = CoachProfileFactory(user=carol, display_name="Carol Rivera", time_zone="America/New_York")
    WeeklyHoursFactory(coach=profile, weekday=0, start_time=time(9), end_time=time(12))
    WeeklyHoursFactory(coach=profile, weekday=0, start_time=time(13), end_time=time(17))
    # Thursday 5 March, 12:30-1:30 pm New York (EST).
    TimeOffFactory(coach=profile, starts_at=datetime(2026, 3, 5, 17, 30, tzinfo=UTC), ends_at=datetime(2026, 3, 5, 18, 30, tzinfo=UTC), note="Dentist")
    # Saturday 7 March, the whole day.
    TimeOffFactory(coach=profile, starts_at=datetime(2026, 3, 7, 5, tzinfo=UTC), ends_at=datetime(2026, 3, 8, 5, tzinfo=UTC), whole_days=True)
    return profile


@pytest.fixture
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: WEDNESDAY_4_MARCH)


def grid(response):
    return [(day.title, [(e.kind, e.label) for e in day.entries]) for day in response.context["days"]]


def test_carol_sees_her_week_in_her_own_zone(client, carol, carol_profile, frozen_now, monkeypatch):
    session = {"uid": "booking-1@waypoint", "start": datetime(2026, 3, 2, 15, tzinfo=UTC), "end": datetime(2026, 3, 2, 15, 50, tzinfo=UTC), "summary": "Session with Alice M."}
    monkeypatch.setattr(booking_busy, "calendar_events", lambda coach, start, end: [session] if coach == carol_profile else [])
    client.force_login(carol)
    response = client.get(reverse("coaching:calendar"))
    assert grid(response) == [
        ("Monday 2 March", [("hours", "9:00 am – 12:00 pm"), ("session", "10:00 am – 10:50 am"), ("hours", "1:00 pm – 5:00 pm")]),
        ("Tuesday 3 March", []),
        ("Wednesday 4 March", []),
        ("Thursday 5 March", [("away", "12:30 pm – 1:30 pm")]),
        ("Friday 6 March", []),
        ("Saturday 7 March", [("away", "All day")]),
        ("Sunday 8 March", []),
    ]
    html = response.content.decode()
    assert "Session with Alice M." in html
    assert [day.is_today for day in response.context["days"]] == [False, False, True, False, False, False, False]
    assert client.get(reverse("coaching:calendar"), {"week": 1}).context["monday"].isoformat() == "2026-03-09"


def test_the_feed_lists_time_off_and_the_bookings_apps_events(client, carol_profile, frozen_now, monkeypatch):
    session = {"uid": "booking-1@waypoint", "start": datetime(2026, 3, 9, 14, tzinfo=UTC), "end": datetime(2026, 3, 9, 14, 50, tzinfo=UTC), "summary": "Coaching session"}
    monkeypatch.setattr(booking_busy, "feed_events", lambda coach, start, end: [session])
    response = client.get(reverse("coaching:feed", args=[carol_profile.feed_token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    events = [(str(e["summary"]), e.decoded("dtstart"), e.decoded("dtend")) for e in calendar.walk("VEVENT")]
    assert events == [
        ("Time off", datetime(2026, 3, 5, 17, 30, tzinfo=UTC), datetime(2026, 3, 5, 18, 30, tzinfo=UTC)),
        ("Time off", datetime(2026, 3, 7, 5, tzinfo=UTC), datetime(2026, 3, 8, 5, tzinfo=UTC)),
        ("Coaching session", datetime(2026, 3, 9, 14, tzinfo=UTC), datetime(2026, 3, 9, 14, 50, tzinfo=UTC)),
    ]
    # The private note about the dentist stays out of the feed.
    assert b"Dentist" not in response.content


def test_a_new_feed_address_retires_the_old_one(client, carol, carol_profile):
    old = carol_profile.feed_token
    client.force_login(carol)
    assert client.post(reverse("coaching:reset_feed")).status_code == 302
    new = CoachProfile.objects.get(pk=carol_profile.pk).feed_token
    assert new != old and len(new) >= 40
    client.logout()
    assert client.get(reverse("coaching:feed", args=[old])).status_code == 404
    assert client.get(reverse("coaching:feed", args=[new])).status_code == 200


def test_a_guessed_feed_address_is_404(client, carol_profile):
    assert client.get(reverse("coaching:feed", args=["not-the-token"])).status_code == 404


def test_another_coach_or_a_client_cannot_reset_carols_feed(client, alice, carol_profile, dave):
    old = carol_profile.feed_token
    client.force_login(alice)
    assert client.post(reverse("coaching:reset_feed")).status_code == 403
    client.force_login(dave)
    client.post(reverse("coaching:reset_feed"))  # resets dave's own, never carol's
    carol_profile.refresh_from_db()
    assert carol_profile.feed_token == old


def test_build_calendar_takes_plain_event_dicts(carol_profile):
    events = [{"uid": "x@waypoint", "start": datetime(2026, 3, 9, 14, tzinfo=UTC), "end": datetime(2026, 3, 9, 15, tzinfo=UTC), "summary": "Coaching session"}]
    calendar = Calendar.from_ical(build_calendar(carol_profile, events, stamp=WEDNESDAY_4_MARCH))
    assert str(calendar["x-wr-calname"]) == "Waypoint: Carol Rivera"
    assert [(str(e["uid"]), str(e["summary"])) for e in calendar.walk("VEVENT")] == [("x@waypoint", "Coaching session")]


def test_a_day_away_is_never_also_a_working_day(client, carol, carol_profile, frozen_now):
    # Monday 9 March is a working day in Carol's hours; she takes it off.
    WeeklyHoursFactory(coach=carol_profile, weekday=5, start_time=time(9), end_time=time(12))
    client.force_login(carol)
    days = dict(grid(client.get(reverse("coaching:calendar"))))
    assert days["Saturday 7 March"] == [("away", "All day")]
    html = client.get(reverse("coaching:calendar")).content.decode()
    assert html.count("Working") == 2


def test_this_week_on_a_sunday_shows_the_coming_week_too(client, carol, carol_profile, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 3, 8, 15, 0, tzinfo=UTC))  # Sunday 8 March, 11 am New York
    client.force_login(carol)
    response = client.get(reverse("coaching:calendar"))
    assert [title for title, _ in grid(response)] == [
        "Sunday 8 March", "Monday 9 March", "Tuesday 10 March", "Wednesday 11 March", "Thursday 12 March",
        "Friday 13 March", "Saturday 14 March", "Sunday 15 March",
    ]
    assert [day.is_today for day in response.context["days"]][:2] == [True, False]
    assert dict(grid(response))["Monday 9 March"] == [("hours", "9:00 am – 12:00 pm"), ("hours", "1:00 pm – 5:00 pm")]


def test_on_a_sunday_next_week_starts_after_the_eight_days_and_last_week_is_the_one_ending_today(client, carol, carol_profile, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 3, 8, 15, 0, tzinfo=UTC))  # Sunday 8 March
    client.force_login(carol)
    titles = {week: [title for title, _ in grid(client.get(reverse("coaching:calendar"), {"week": week}))] for week in (-1, 0, 1)}
    assert (titles[-1][0], titles[-1][-1]) == ("Monday 2 March", "Sunday 8 March")
    assert (titles[0][0], titles[0][-1]) == ("Sunday 8 March", "Sunday 15 March")
    assert (titles[1][0], titles[1][-1]) == ("Monday 16 March", "Sunday 22 March")
