"""Weekly hours may run until midnight: 00:00 as an end is the end of the day. A coach
stores it, sees it as "midnight", and clients are offered the day's last hour."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from bookings.availability import open_slots
from coaching.calendar import week_grid
from coaching.models import WeeklyHours
from tests.factories import CoachProfileFactory, SessionTypeFactory, WeeklyHoursFactory

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
MONDAY, TUESDAY = 0, 1


@pytest.fixture
def carol_profile(carol):
    return CoachProfileFactory(user=carol, display_name="Carol Rivera", time_zone="America/New_York")


def errors_of(response):
    form = response.context["form"]
    return [str(message) for messages in form.errors.values() for message in messages]


def test_carol_works_until_midnight_and_her_last_hour_is_offered(client, carol, carol_profile):
    client.force_login(carol)

    response = client.post(reverse("coaching:hours"), {"weekday": MONDAY, "start_time": "23:00", "end_time": "00:00"})

    assert response.status_code == 302
    assert list(WeeklyHours.objects.filter(coach=carol_profile).values_list("weekday", "start_time", "end_time")) == [
        (MONDAY, time(23), time(0))
    ]
    assert "11:00 pm – midnight" in client.get(reverse("coaching:hours")).content.decode()
    hour = SessionTypeFactory(coach=carol_profile, name="Late session", duration_minutes=60)
    monday = datetime(2026, 3, 9, tzinfo=NEW_YORK)
    slots = open_slots(carol_profile, hour, monday, monday + timedelta(days=1), now=datetime(2026, 3, 1, tzinfo=UTC))
    assert slots == [datetime(2026, 3, 10, 3, 0, tzinfo=UTC)]  # 23:00 EDT, ending at midnight


def test_hours_until_midnight_overlap_later_hours_and_touch_earlier_ones(client, carol, carol_profile):
    WeeklyHoursFactory(coach=carol_profile, weekday=TUESDAY, start_time=time(22), end_time=time(0))
    client.force_login(carol)

    late = client.post(reverse("coaching:hours"), {"weekday": TUESDAY, "start_time": "23:00", "end_time": "23:30"})
    assert errors_of(late) == [
        "This overlaps your hours 22:00–midnight on that day. Change that range instead, or pick times that do not overlap."
    ]
    also_until_midnight = client.post(reverse("coaching:hours"), {"weekday": TUESDAY, "start_time": "21:00", "end_time": "00:00"})
    assert errors_of(also_until_midnight) == [
        "This overlaps your hours 22:00–midnight on that day. Change that range instead, or pick times that do not overlap."
    ]
    # Touching is not overlapping: 20:00-22:00 joins the late range.
    assert client.post(reverse("coaching:hours"), {"weekday": TUESDAY, "start_time": "20:00", "end_time": "22:00"}).status_code == 302
    assert WeeklyHours.objects.filter(coach=carol_profile).count() == 2


def test_an_end_before_the_start_is_still_refused_by_the_database(carol_profile):
    with pytest.raises(IntegrityError), transaction.atomic():
        WeeklyHours.objects.create(coach=carol_profile, weekday=MONDAY, start_time=time(15), end_time=time(14))
    WeeklyHours.objects.create(coach=carol_profile, weekday=MONDAY, start_time=time(15), end_time=time(0))
    assert WeeklyHours.objects.filter(coach=carol_profile).count() == 1


def test_carols_calendar_shows_hours_until_midnight(carol_profile):
    WeeklyHoursFactory(coach=carol_profile, weekday=MONDAY, start_time=time(23), end_time=time(0))
    monday = date(2026, 3, 9)
    days = week_grid(carol_profile, monday, today=monday)
    assert [(entry.kind, entry.label) for entry in days[0].entries] == [("hours", "11:00 pm – midnight")]
