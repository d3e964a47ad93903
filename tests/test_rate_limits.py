"""Booking, paying, cancelling and moving are rate limited per person and per address,
on the shared Redis cache. Over a limit, a friendly 429 page in the site's layout, and
nothing changes."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from redis.exceptions import ConnectionError as RedisDown

from bookings import transitions
from bookings.models import Booking, Status
from bookings.web import limits
from tests.factories import bookable_coach, demo_paid, local_time

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def carols(carol):
    return bookable_coach(carol)


@pytest.fixture
def limits_of(settings):
    def set_to(**rules):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, **rules}

    return set_to


def hold(client, coach, session_type, start, **extra):
    return client.post(
        "/bookings/new/", {"coach": coach.pk, "type": session_type.pk, "start": start.isoformat()}, **extra
    )


def test_alice_is_paused_after_too_many_attempts_to_book_and_nothing_is_held(client, alice, bob, carols, limits_of):
    coach, session_type = carols
    limits_of(book="3/h/person,100/h/ip")
    taken = local_time(coach, 3, 10)
    transitions.place_hold(bob, session_type, taken)
    client.force_login(alice)
    for _ in range(5):
        assert client.get(f"/bookings/new/?coach={coach.pk}&type={session_type.pk}&start={taken.isoformat()}").status_code == 200

    answers = [hold(client, coach, session_type, taken).status_code for _ in range(3)]
    paused = hold(client, coach, session_type, local_time(coach, 3, 14))

    assert answers == [409, 409, 409]
    assert paused.status_code == 429
    assert paused["Retry-After"] == "300"
    page = paused.content.decode()
    assert "<title>Waypoint</title>" in page and "A short pause" in page
    assert 'class="skip-link"' in page  # the site's own layout
    assert limits.MESSAGE in page
    assert Booking.objects.filter(client=alice).count() == 0

    client.force_login(bob)
    demo_paid(Booking.objects.get(client=bob))
    assert hold(client, coach, session_type, local_time(coach, 3, 14)).status_code == 302


def test_one_address_is_paused_whoever_signs_in_from_it(client, alice, bob, carols, limits_of):
    coach, session_type = carols
    limits_of(book="100/h/person,2/h/ip")
    client.force_login(alice)
    assert hold(client, coach, session_type, local_time(coach, 3, 10)).status_code == 302
    client.force_login(bob)
    assert hold(client, coach, session_type, local_time(coach, 3, 10)).status_code == 409

    assert hold(client, coach, session_type, local_time(coach, 3, 14)).status_code == 429
    assert hold(client, coach, session_type, local_time(coach, 3, 14), REMOTE_ADDR="203.0.113.9").status_code == 302
    assert list(Booking.objects.order_by("pk").values_list("client__email", flat=True)) == [
        "alice@example.com",
        "bob@example.com",
    ]


def test_the_pay_page_script_is_told_in_words_it_can_show(client, alice, carols, limits_of):
    coach, session_type = carols
    limits_of(pay="1/h/person,100/h/ip")
    booking = transitions.place_hold(alice, session_type, local_time(coach, 3, 10))
    client.force_login(alice)
    url = f"/bookings/{booking.pk}/pay/999999/charge/"

    first = client.post(url, HTTP_ACCEPT="application/json")
    second = client.post(url, HTTP_ACCEPT="application/json")

    assert first.status_code == 404
    assert (second.status_code, second.json()) == (429, {"next": "error", "message": limits.MESSAGE})


@pytest.mark.parametrize("action, path", [("cancel", "cancel"), ("move", "reschedule")])
def test_cancelling_and_moving_are_limited_too(client, alice, carols, limits_of, action, path):
    coach, session_type = carols
    limits_of(**{action: "1/h/person,100/h/ip"})
    booking = demo_paid(transitions.place_hold(alice, session_type, local_time(coach, 3, 10)))
    client.force_login(alice)

    first = client.post(f"/bookings/{booking.pk}/{path}/", {"start": "not offered"})
    second = client.post(f"/bookings/{booking.pk}/{path}/", {"start": "not offered"})

    assert first.status_code in (200, 302)
    assert second.status_code == 429
    booking.refresh_from_db()
    expected_status = Status.CANCELLED if action == "cancel" else Status.CONFIRMED
    assert (booking.status, booking.starts_at) == (expected_status, local_time(coach, 3, 10))


def test_a_new_window_starts_the_count_again(alice, limits_of):
    limits_of(book="2/m/person")
    request = RequestFactory().post("/bookings/new/")
    request.user = alice
    minute = 60 * 29_000_000  # the start of some minute

    assert [limits.over_limit(request, "book", now=minute + second) for second in (0, 20, 40)] == [False, False, True]
    assert limits.over_limit(request, "book", now=minute + 60) is False


def test_with_the_cache_down_people_can_still_book(client, alice, carols, limits_of, monkeypatch):
    coach, session_type = carols
    limits_of(book="1/h/person,1/h/ip")

    def down(*args, **kwargs):
        raise RedisDown("Connection refused")

    monkeypatch.setattr(cache, "add", down)
    client.force_login(alice)

    assert hold(client, coach, session_type, local_time(coach, 3, 10)).status_code == 302
    demo_paid(Booking.objects.get(client=alice))
    assert hold(client, coach, session_type, local_time(coach, 3, 14)).status_code == 302


def test_a_rule_that_cannot_be_read_is_refused_by_name():
    with pytest.raises(ValueError, match="a rate limit reads count/period/scope"):
        limits.parse("10/hour/person")
    assert limits.parse("10/h/person, 30/h/ip") == [(10, 3600, "person"), (30, 3600, "ip")]
