"""Carol's calendar feed is fetched and kept by her calendar provider: it names no
client, its address expires, and it is rate-limited and kept out of caches and indexes."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from bookings import transitions
from coaching.feed import initials
from coaching.models import CoachProfile
from tests.factories import bookable_coach, demo_paid, local_time

pytestmark = pytest.mark.django_db


@pytest.fixture
def carols(carol):
    return bookable_coach(carol)


@pytest.fixture
def alices_session(alice, carols):
    coach, session_type = carols
    return demo_paid(transitions.place_hold(alice, session_type, local_time(coach, 3, 10)))


def feed_of(client, coach):
    return client.get(reverse("coaching:feed", args=[coach.feed_token]))


def sessions_in(response):
    calendar = Calendar.from_ical(response.content)
    return [
        (str(event["summary"]), str(event["url"]), str(event["description"]))
        for event in calendar.walk("VEVENT")
        if str(event["uid"]).startswith("booking-")
    ]


def test_the_feed_shows_a_reference_and_a_link_never_alices_name(client, carols, alices_session):
    coach, _ = carols
    response = feed_of(client, coach)

    page = f"{settings.SITE_URL}/bookings/{alices_session.pk}/"
    assert response.status_code == 200
    assert sessions_in(response) == [
        (f"Waypoint session · #{alices_session.pk}", page, f"Details, after signing in to Waypoint: {page}")
    ]
    for trace_of_alice in (b"Alice", b"Moreno", b"alice@example.com"):
        assert trace_of_alice not in response.content


def test_carol_may_show_initials_and_still_no_name_is_sent(client, carol, carols, alices_session):
    coach, _ = carols
    client.force_login(carol)
    response = client.post(reverse("coaching:feed_settings"), {"feed_shows_initials": "on"})
    assert response.status_code == 302
    client.logout()

    assert [summary for summary, _url, _text in sessions_in(feed_of(client, coach))] == [
        f"Waypoint session · #{alices_session.pk} · A. M."
    ]
    assert b"Alice" not in feed_of(client, coach).content

    client.force_login(carol)
    client.post(reverse("coaching:feed_settings"), {})
    client.logout()
    assert [summary for summary, _url, _text in sessions_in(feed_of(client, coach))] == [f"Waypoint session · #{alices_session.pk}"]


def test_initials_are_the_first_letters_of_the_first_and_last_names_only():
    assert initials("Alice Moreno") == "A. M."
    assert initials("  mary ann de la cruz ") == "M. C."
    assert initials("Élodie") == "É."
    assert initials("") == ""
    assert initials("- 42") == ""


def test_the_linked_booking_page_needs_a_sign_in(client, alices_session, carol):
    page = reverse("bookings:detail", args=[alices_session.pk])
    response = client.get(page)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    client.force_login(carol)
    assert client.get(page).status_code == 200


@pytest.mark.parametrize("age_days, status", [(89, 200), (90, 410), (400, 410)])
def test_a_feed_address_works_for_ninety_days(client, carols, age_days, status):
    coach, _ = carols
    CoachProfile.objects.filter(pk=coach.pk).update(feed_token_created_at=timezone.now() - timedelta(days=age_days))
    response = feed_of(client, coach)
    assert response.status_code == status
    if status == 410:
        assert response.content == b"This calendar address has expired. Make a new one on your calendar page in Waypoint."


def test_the_lifetime_of_a_feed_address_is_a_setting(client, carols, settings):
    coach, _ = carols
    settings.FEED_TOKEN_DAYS = 10
    CoachProfile.objects.filter(pk=coach.pk).update(feed_token_created_at=timezone.now() - timedelta(days=11))
    assert feed_of(client, coach).status_code == 410
    settings.FEED_TOKEN_DAYS = 12
    assert feed_of(client, coach).status_code == 200


def test_the_calendar_page_warns_a_week_before_and_one_click_makes_a_new_address(client, carol, carols):
    coach, _ = carols
    client.force_login(carol)
    made = timezone.now() - timedelta(days=82)
    CoachProfile.objects.filter(pk=coach.pk).update(feed_token_created_at=made)
    response = client.get(reverse("coaching:calendar"))
    assert (response.context["feed_expires_soon"], response.context["feed_expired"]) == (False, False)
    assert "This address works until" in response.content.decode()

    CoachProfile.objects.filter(pk=coach.pk).update(feed_token_created_at=made - timedelta(days=2))
    response = client.get(reverse("coaching:calendar"))
    assert response.context["feed_expires_soon"] is True
    assert "This address stops working on" in response.content.decode()

    old = coach.feed_token
    assert client.post(reverse("coaching:reset_feed")).status_code == 302
    coach.refresh_from_db()
    assert coach.feed_token != old
    assert timezone.now() - coach.feed_token_created_at < timedelta(minutes=1)
    assert client.get(reverse("coaching:calendar")).context["feed_expires_soon"] is False
    client.logout()
    assert feed_of(client, coach).status_code == 200
    assert client.get(reverse("coaching:feed", args=[old])).status_code == 404


def test_every_feed_answer_stays_out_of_indexes_and_shared_caches(client, carols):
    coach, _ = carols
    answers = [feed_of(client, coach), client.get(reverse("coaching:feed", args=["guessed"]))]
    CoachProfile.objects.filter(pk=coach.pk).update(feed_token_created_at=timezone.now() - timedelta(days=100))
    answers.append(feed_of(client, coach))
    assert [(r.status_code, r["X-Robots-Tag"], r["Cache-Control"]) for r in answers] == [
        (200, "noindex", "private, max-age=300"),
        (404, "noindex", "private, max-age=300"),
        (410, "noindex", "private, max-age=300"),
    ]


def test_requests_are_limited_per_feed_address(client, carols, dave, settings):
    coach, _ = carols
    daves, _ = bookable_coach(dave)
    settings.FEED_REQUESTS_PER_HOUR = 3
    assert [feed_of(client, coach).status_code for _ in range(4)] == [200, 200, 200, 429]
    refused = feed_of(client, coach)
    assert (refused.status_code, refused["Retry-After"], refused["X-Robots-Tag"]) == (429, "3600", "noindex")
    assert feed_of(client, daves).status_code == 200
