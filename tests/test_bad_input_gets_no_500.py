"""Inputs that used to crash a page now get a clear form error, a 400, or the page with
its defaults. (The fuzz test in test_fuzz_no_server_errors.py looks for more.)"""

from datetime import time

import pytest
from django.urls import reverse
from icalendar import Calendar

from bookings.models import SessionNote
from coaching.models import CoachProfile, TimeOff
from tests.factories import CoachProfileFactory, WeeklyHoursFactory, bookable_coach, past_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def carol_bookable(carol):
    return bookable_coach(carol)


@pytest.mark.parametrize("cookie", ["America", "Etc", "x" * 300, "America%2F", "..%2Fetc"])
def test_a_time_zone_cookie_that_names_no_zone_shows_times_in_utc(client, carol, cookie):
    profile = CoachProfileFactory(user=carol, display_name="Carol Rivera")
    WeeklyHoursFactory(coach=profile, weekday=0, start_time=time(9), end_time=time(17))
    client.cookies["waypoint_tz"] = cookie
    assert client.get(reverse("home")).status_code == 200
    response = client.get(reverse("coaching:coach", args=[profile.pk]))
    assert response.status_code == 200
    assert response.context["viewer_zone"] == "UTC"


@pytest.mark.parametrize("start", ["9999-12-31T23:00:00Z", "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59.999999-12:00"])
def test_a_start_at_the_calendars_edge_is_a_time_that_is_no_longer_open(client, alice, carol_bookable, start):
    coach, session_type = carol_bookable
    client.force_login(alice)
    query = {"coach": coach.pk, "type": session_type.pk, "start": start}
    response = client.get(reverse("bookings:new"), query)
    assert response.status_code == 200
    assert response.context["problem"] == "That time is no longer open. Here are the times that are still open."
    response = client.post(reverse("bookings:new"), query)
    assert response.status_code == 409
    assert response.context["problem"] == "That time is no longer open. Here are the times that are still open."


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_time_off_in_year_9999_or_year_1_is_a_form_error(client, carol, carol_bookable, day):
    client.force_login(carol)
    response = client.post(reverse("coaching:time_off"), {"first_day": day})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Please pick days between a year ago and 5 years from now."]
    assert TimeOff.objects.count() == 0


def test_an_unknown_note_format_is_refused_in_words(client, alice, carol, carol_bookable):
    coach, session_type = carol_bookable
    booking = past_session(coach, session_type, alice)
    client.force_login(carol)
    url = reverse("coaching:session_note", args=[booking.pk])
    response = client.post(url, {"format": "essay", "summary": "We talked."}, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert [str(m) for m in response.context["messages"]] == ["Please choose one of the note formats offered (DAP or SOAP)."]
    assert SessionNote.objects.count() == 0


def test_a_coach_cannot_put_a_line_break_in_their_name(client, carol, carol_bookable):
    client.force_login(carol)
    response = client.post(
        reverse("coaching:settings"),
        {"display_name": "Carol\rX-INJECTED:yes", "languages": "English", "time_zone": "America/New_York"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["display_name"] == ["Please write your name on one line, without special characters."]
    assert CoachProfile.objects.get(user=carol).display_name == "Carol Rivera"


def test_a_line_break_already_in_a_name_does_not_break_the_feed(client, carol, carol_bookable):
    coach, _ = carol_bookable
    CoachProfile.objects.filter(pk=coach.pk).update(display_name="Carol\r\nX-INJECTED:yes\rRivera")
    response = client.get(reverse("coaching:feed", args=[coach.feed_token]))
    assert response.status_code == 200
    body = response.content
    assert body.count(b"\r") == body.count(b"\r\n")
    assert b"X-INJECTED" not in [line.split(b":")[0] for line in body.split(b"\r\n")]
    assert str(Calendar.from_ical(body)["x-wr-calname"]) == "Waypoint: Carol X-INJECTED:yes Rivera"


def test_choosing_a_zone_with_a_next_that_is_not_a_path_goes_home(client):
    response = client.post(reverse("coaching:zone"), {"zone": "Europe/London", "next": "5"})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("coach", ["0257-05-03", "9" * 40, "-1", "²"])
def test_a_coach_that_is_not_an_id_finds_no_booking_page(client, alice, carol_bookable, coach):
    _, session_type = carol_bookable
    client.force_login(alice)
    response = client.get(reverse("bookings:new"), {"coach": coach, "type": session_type.pk, "start": "2026-12-01T15:00:00Z"})
    assert response.status_code == 404
