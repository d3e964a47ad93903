"""The directory shows each coach's initials, price range and next open time, from a
fixed number of queries whatever the number of coaches; the home page leads to it."""

from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import TZ_COOKIE
from bookings.availability import open_slots
from core.wording import when_in_words
from tests.factories import CoachUserFactory, bookable_coach

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
# A Wednesday at 8 am in New York: Carol (9 to 5, an hour's notice) is next open at 9 am.
EARLY = datetime(2026, 3, 4, 8, 0, tzinfo=NEW_YORK)


@pytest.fixture
def frozen_early(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: EARLY)


def test_each_coach_shows_initials_prices_and_next_open_time(client, carol, frozen_early):
    coach, paid = bookable_coach(carol, price_cents=6000)
    coach.session_types.create(name="Intro call", duration_minutes=20, price_cents=0)
    coach.session_types.create(name="Long session", duration_minutes=80, price_cents=9050)
    client.cookies[TZ_COOKIE] = quote("America/New_York", safe="")
    html = client.get(reverse("coaching:directory")).content.decode()
    assert '<span class="avatar" aria-hidden="true">CR</span>' in html
    assert "<strong>Price:</strong> Free intro call; sessions $60 to $90.50<br>" in html
    first = open_slots(coach, coach.session_types.get(price_cents=0), EARLY, EARLY.replace(day=5))[0]
    assert first == EARLY.replace(hour=9)
    assert f"<strong>Next open time:</strong> {when_in_words(first, NEW_YORK)} <span class=\"muted\">(Intro call)</span>" in html


def test_a_coach_with_no_open_time_says_so(client, carol, frozen_early):
    coach, _ = bookable_coach(carol)
    coach.weekly_hours.all().delete()
    html = client.get(reverse("coaching:directory")).content.decode()
    assert "<strong>Next open time:</strong> none in the next two weeks" in html
    assert "<strong>Price:</strong> sessions $60<br>" in html


def test_the_directory_costs_the_same_queries_for_one_or_five_coaches(client, carol):
    def queries():
        cache.clear()
        with CaptureQueriesContext(connection) as counted:
            assert client.get(reverse("coaching:directory")).status_code == 200
        return len(counted)

    bookable_coach(carol)
    one = queries()
    for _ in range(4):
        bookable_coach(CoachUserFactory())
    assert queries() == one


def test_the_home_page_leads_a_visitor_to_find_a_coach(client):
    html = client.get(reverse("home")).content.decode()
    assert f'<a class="button" href="{reverse("coaching:directory")}">Find a coach</a>' in html
