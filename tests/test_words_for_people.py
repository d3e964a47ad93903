"""Words, not codes: dates that could be next year carry the year, the data page says what
the forms said (not `cut_down` or ISO timestamps), and "moved it once", not "1 times"."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings.errors import NotAllowed
from bookings.transitions import reschedule
from core.wording import day_in_words, how_many_times, when_in_words
from tests.factories import IntakeFactory, bookable_coach, local_time, past_session

CHICAGO = ZoneInfo("America/Chicago")
LATE_DECEMBER = datetime(2026, 12, 20, 15, 0, tzinfo=CHICAGO)


@pytest.fixture
def in_late_december(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: LATE_DECEMBER)


def test_a_date_next_year_carries_its_year_and_one_this_year_does_not(in_late_december):
    assert day_in_words(datetime(2027, 1, 5, 15, tzinfo=CHICAGO), CHICAGO) == "Tuesday 5 January 2027"
    assert when_in_words(datetime(2027, 1, 5, 15, tzinfo=CHICAGO), CHICAGO) == "Tuesday 5 January 2027, 3:00 pm"
    assert day_in_words(datetime(2026, 12, 29, 15, tzinfo=CHICAGO), CHICAGO) == "Tuesday 29 December"
    assert day_in_words(date(2025, 12, 29)) == "Monday 29 December 2025"
    # New Year's Eve evening in Chicago is already next year in UTC: the reader's zone decides.
    eve = datetime(2027, 1, 1, 3, tzinfo=ZoneInfo("UTC"))
    assert day_in_words(eve, CHICAGO) == "Thursday 31 December"


def test_how_many_times_in_words():
    assert [how_many_times(n) for n in (1, 2, 3)] == ["once", "twice", "3 times"]


@pytest.mark.django_db
def test_a_session_moved_once_says_once(alice, carol):
    coach, session_type = bookable_coach(carol)
    session_type.max_reschedules = 1
    session_type.save()
    booking = past_session(coach, session_type, alice, hours=-72)
    booking.max_reschedules, booking.reschedule_count = 1, 1
    booking.save()
    with pytest.raises(NotAllowed) as refusal:
        reschedule(booking, local_time(coach, 5, 10))
    assert "has already been moved once, the most we allow" in str(refusal.value)


@pytest.mark.django_db
def test_the_data_page_shows_words_not_codes_or_timestamps(client, alice):
    IntakeFactory(client=alice)
    client.force_login(alice)
    html = "".join(client.get(reverse("clients:my_data_section", args=[name])).content.decode() for name in ("profile", "intake"))
    assert "<dt>Goal</dt><dd>Cut down / controlled drinking or use</dd>" in html
    assert "<dt>Status</dt><dd>Waiting for review</dd>" in html
    assert "cut_down" not in html
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", html)
    joined = alice.date_joined.astimezone(CHICAGO)
    assert f"<dt>Joined</dt><dd>{when_in_words(joined, CHICAGO)}</dd>" in html
