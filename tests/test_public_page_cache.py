"""The coach page and the directory come from the shared cache, and every change shows at once."""

from datetime import timedelta
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.urls import reverse

from accounts.middleware import TZ_COOKIE
from bookings import transitions
from tests.factories import bookable_coach, local_time

pytestmark = pytest.mark.django_db


@pytest.fixture
def carols(carol):
    coach, session_type = bookable_coach(carol, min_notice_hours=0, meeting_link="https://meet.example.org/carol-private")
    return coach, session_type


def redis_keys(pattern):
    return redis.Redis.from_url(settings.REDIS_URL).keys(pattern)


def offered(client, coach, session_type, week=0):
    response = client.get(reverse("coaching:coach", args=[coach.pk]), {"type": session_type.pk, "week": week})
    return response.content.decode().count('class="slot"'), response.content.decode()


def test_a_time_alice_holds_leaves_carols_page_at_once(client, alice, carols):
    coach, session_type = carols
    client.cookies[TZ_COOKIE] = quote("America/New_York", safe="")
    before, _ = offered(client, coach, session_type, week=1)
    assert offered(client, coach, session_type, week=1)[0] == before  # the second view is the cached one
    start = local_time(coach, 8, 10)
    transitions.place_hold(alice, session_type, start)
    after, html = offered(client, coach, session_type, week=1)
    assert after < before
    assert start.strftime("%Y-%m-%dT%H:%M:%SZ").replace(":", "%3A") not in html


def test_time_off_and_a_new_bio_show_at_once(client, carols):
    coach, session_type = carols
    client.cookies[TZ_COOKIE] = quote("America/New_York", safe="")
    before, _ = offered(client, coach, session_type, week=1)
    start = local_time(coach, 7, 0)
    coach.time_off.create(starts_at=start, ends_at=start + timedelta(days=14))
    assert offered(client, coach, session_type, week=1)[0] == 0 < before

    client.get(reverse("coaching:directory"))
    coach.bio = "New: evenings on Thursdays."
    coach.save()
    assert "New: evenings on Thursdays." in client.get(reverse("coaching:coach", args=[coach.pk])).content.decode()
    assert "New: evenings on Thursdays." in client.get(reverse("coaching:directory")).content.decode()


def test_an_unlisted_coach_leaves_the_directory_and_her_page_at_once(client, carol, carols):
    coach, _ = carols
    assert client.get(reverse("coaching:coach", args=[coach.pk])).status_code == 200
    assert "Carol" in client.get(reverse("coaching:directory")).content.decode()
    carol.is_active = False
    carol.save()
    assert client.get(reverse("coaching:coach", args=[coach.pk])).status_code == 404
    assert f'href="/coaches/{coach.pk}/"' not in client.get(reverse("coaching:directory")).content.decode()
    carol.is_active = True
    carol.save()
    coach.is_listed = False
    coach.save()
    assert client.get(reverse("coaching:coach", args=[coach.pk])).status_code == 404
    client.force_login(carol)
    assert client.get(reverse("coaching:coach", args=[coach.pk])).status_code == 200  # her own page, not the cached public one


def test_the_shared_cache_holds_no_private_field_of_the_coach(client, carols):
    coach, session_type = carols
    client.get(reverse("coaching:coach", args=[coach.pk]))
    client.get(reverse("coaching:directory"))
    server = redis.Redis.from_url(settings.REDIS_URL)
    stored = b"".join(server.get(key) or b"" for key in redis_keys("*coaching:*"))
    assert stored
    assert coach.feed_token.encode() not in stored
    assert b"carol-private" not in stored


def test_viewers_in_two_zones_each_see_their_own_times(client, carols):
    coach, session_type = carols
    client.cookies[TZ_COOKIE] = quote("America/New_York", safe="")
    _, new_york = offered(client, coach, session_type, week=1)
    client.cookies[TZ_COOKIE] = quote("Asia/Tokyo", safe="")
    _, tokyo = offered(client, coach, session_type, week=1)
    assert "9:00 am</a>" in new_york and "9:00 am</a>" not in tokyo
    assert "11:00 pm</a>" in tokyo


def test_open_times_are_kept_a_minute_at_most(client, carols):
    # The clock passing minimum notice moves them too, and writes nothing.
    coach, session_type = carols
    client.cookies[TZ_COOKIE] = quote("America/New_York", safe="")
    offered(client, coach, session_type, week=1)
    keys = redis_keys("*coaching:open:*")
    assert len(keys) == 1
    assert 0 < redis.Redis.from_url(settings.REDIS_URL).ttl(keys[0]) <= 60


def test_a_second_view_asks_the_shared_cache_only_for_the_card(client, carols, monkeypatch):
    """The page's HTML (50 KB) is copied into each process under its card's version: a view
    after the first fetches only the small card from Redis; a change still shows at once."""
    from django.core.cache import cache

    coach, session_type = carols
    url = reverse("coaching:coach", args=[coach.pk])
    client.get(url)
    asked = []
    real_get = cache.get
    monkeypatch.setattr(cache, "get", lambda key, *args, **kwargs: asked.append(key) or real_get(key, *args, **kwargs))
    assert client.get(url).status_code == 200
    assert asked == [f"coaching:coach:{coach.pk}"]
    coach.bio = "Now also on Saturdays."
    coach.save()
    assert "Now also on Saturdays." in client.get(url).content.decode()


def test_each_process_keeps_its_own_card_and_the_shared_cache_only_its_version(client, carols):
    """A view unpickles no card: Redis holds the card's version, and a process whose card is
    of another version (another process dropped and remade it) builds its own again."""
    from coaching import public_page

    coach, session_type = carols
    url = reverse("coaching:coach", args=[coach.pk])
    client.get(url)
    server = redis.Redis.from_url(settings.REDIS_URL)
    [key] = redis_keys(f"*coaching:coach:{coach.pk}")
    assert len(server.get(key)) < 32  # a number, not the coach
    version, card, _until = public_page._CARDS[coach.pk]
    assert card[0] == version and card[1].pk == coach.pk and [t.pk for t in card[2]] == [session_type.pk]
    # Another process changed the coach: it dropped the version, and a new one was made.
    type(coach).objects.filter(pk=coach.pk).update(bio="Changed elsewhere.")
    server.delete(key)
    assert "Changed elsewhere." in client.get(url).content.decode()
    assert public_page._CARDS[coach.pk][0] != version


def _token_and_next(html):
    token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    back = html.split('id="zone-next" value="', 1)[1].split('"', 1)[0]
    return token, back


def test_a_whole_page_kept_in_memory_still_carries_each_requests_own_token_way_back_and_menu(alice, bob, carols):
    """The whole coach page is kept per process, with holes for the CSRF token and the zone
    form's way back: each request gets its own, each viewer's menu is their own, a message
    waiting is shown, and the token works."""
    from django.middleware.csrf import _unmask_cipher_token
    from django.test import Client

    from coaching.views import NEXT_HOLE, TOKEN_HOLE
    from tests.messaging_setup import send

    coach, session_type = carols
    url = reverse("coaching:coach", args=[coach.pk])
    visitor = Client(enforce_csrf_checks=True)
    pages = [visitor.get(url, {"type": session_type.pk, "from": n}).content.decode() for n in range(3)]
    tokens = [_token_and_next(html)[0] for html in pages]
    assert len(set(tokens)) == 3 and {_unmask_cipher_token(t) for t in tokens} == {visitor.cookies["csrftoken"].value}
    assert [_token_and_next(html)[1] for html in pages] == [f"{url}?type={session_type.pk}&amp;from={n}" for n in range(3)]
    assert not any(TOKEN_HOLE in html or NEXT_HOLE in html for html in pages)
    assert "Sign in" in pages[0] and 'id="sign-out"' not in pages[0]

    alices = Client()
    alices.force_login(alice)
    mine = alices.get(url).content.decode()
    assert 'id="sign-out"' in mine and "Sign in</a>" not in mine
    # Bob has a message waiting: his menu says so, Alice's did not.
    from clients.models import CoachAssignment

    CoachAssignment.objects.create(client=bob, coach=coach.user, assigned_by=coach.user)
    send(coach.user, bob, "Hello Bob")
    bobs = Client()
    bobs.force_login(bob)
    assert 'class="badge">1 new' in bobs.get(url).content.decode()
    assert 'class="badge">1 new' not in alices.get(url).content.decode()

    # The token of a kept page is accepted; the message the change leaves is shown.
    token, back = _token_and_next(visitor.get(url).content.decode())
    changed = visitor.post(reverse("coaching:zone"), {"csrfmiddlewaretoken": token, "zone": "Europe/Oslo", "next": url})
    assert changed.status_code == 302
    assert "Times now show in Europe/Oslo." in visitor.get(url).content.decode()
    assert "Times now show in Europe/Oslo." not in visitor.get(url).content.decode()  # shown once, never kept
