"""Moving a session offers every open time, a week at a time and grouped by day in the
client's own zone, with the picker the coach page books with (issue 14, item 18)."""

import re
import pytest
from django.urls import reverse
from django.utils import timezone

from bookings import transitions
from bookings.models import Booking
from bookings.web.views import open_times_for_move
from coaching.slot_days import start_param, viewer_week
from core.wording import clock_in_words
from tests.factories import bookable_coach, demo_paid, local_time

pytestmark = pytest.mark.django_db


@pytest.fixture
def alices_session(alice, carol):
    coach, session_type = bookable_coach(carol, zone="America/New_York")
    alice.time_zone = "Europe/London"
    alice.save(update_fields=["time_zone"])
    return demo_paid(transitions.place_hold(alice, session_type, local_time(coach, 3, 10)))


def move_links(html):
    return re.findall(r'<a class="slot" href="([^"]+)" aria-label="Move to ([^"]+)">([^<]+)</a>', html)


def test_every_open_time_of_the_week_is_offered_afternoons_too_grouped_by_day(client, alice, alices_session):
    client.force_login(alice)
    html = client.get(reverse("bookings:reschedule", args=[alices_session.pk])).content.decode()

    _, start, end = viewer_week(timezone.now(), alice.zone, 0)
    expected = open_times_for_move(alices_session, start, end)
    links = move_links(html)
    assert len(links) == len(expected) > 8 * 7  # every time, not eight a day
    assert [href.split("start=")[1] for href, _, _ in links] == [start_param(slot).replace(":", "%3A") for slot in expected]
    # The coach works 9 to 5 in New York: 9 am there is 2 pm in London, and the last start
    # (4:10 pm for 50 minutes) is after 9 pm for Alice.
    assert "2:00 pm" in [label for _, _, label in links]
    assert any(label.endswith("pm") and label.startswith(("9:", "8:")) for _, _, label in links)
    assert "Times are shown in <strong>Europe/London</strong>" in html
    # Grouped by day: one heading per day with open times.
    assert html.count("<h4>") == len({slot.astimezone(alice.zone).date() for slot in expected})


def test_the_next_week_comes_as_a_fragment_for_htmx_and_as_a_page_without(client, alice, alices_session):
    client.force_login(alice)
    url = reverse("bookings:reschedule", args=[alices_session.pk]) + "?week=1"
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    page = client.get(url).content.decode()
    assert "<html" not in fragment and "<html" in page
    assert move_links(fragment) and move_links(fragment) == move_links(page)
    assert "Earlier week" in fragment


def test_a_picked_time_is_confirmed_then_moved(client, alice, alices_session):
    client.force_login(alice)
    url = reverse("bookings:reschedule", args=[alices_session.pk])
    href, full_label, _ = move_links(client.get(url).content.decode())[-1]
    confirm = client.get(href.replace("&amp;", "&"))
    assert b"Move your session?" in confirm.content
    new_start = re.search(r'name="start" value="([^"]+)"', confirm.content.decode()).group(1)

    response = client.post(url, {"start": new_start})
    assert response.status_code == 302
    moved = Booking.objects.get(pk=alices_session.pk)
    assert moved.starts_at.isoformat() == new_start and moved.reschedule_count == 1
    assert clock_in_words(moved.starts_at.astimezone(alice.zone)) in full_label


def test_a_time_that_is_not_open_is_not_confirmed(client, alice, alices_session):
    client.force_login(alice)
    url = reverse("bookings:reschedule", args=[alices_session.pk])
    coach = alices_session.coach
    night = local_time(coach, 4, 3)  # 3 am on the coach's clock: outside their hours
    response = client.get(url, {"start": start_param(night)}, follow=True)
    assert b"Move your session?" not in response.content
    assert b"That time is no longer open. Please pick another." in response.content
    response = client.post(url, {"start": night.isoformat()}, follow=True)
    assert Booking.objects.get(pk=alices_session.pk).starts_at == alices_session.starts_at
    assert response.status_code == 200


def test_the_counts_read_as_words(client, alice, alices_session):
    client.force_login(alice)
    Booking.objects.filter(pk=alices_session.pk).update(reschedule_count=1, max_reschedules=2)
    html = client.get(reverse("bookings:reschedule", args=[alices_session.pk])).content.decode()
    assert "You can move it 2 times in all; you have moved it 1 time." in html
