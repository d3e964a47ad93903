"""Safe on a shared or watched screen: nothing a signed-in person saw stays in the
browser's caches, clients are signed out when they walk away, Quick exit is on every
client page, and no tab says more than "Waypoint"."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.shared_screen import CLIENT_LAST_SEEN_KEY
from clients.models import ProgressSettings
from tests.factories import CoachProfileFactory, IntakeFactory

pytestmark = pytest.mark.django_db

ALICES_PAGES = [
    "dashboard",
    "clients:intake_summary",
    "clients:progress",
    "clients:progress_check_in",
    "clients:progress_goals",
    "clients:progress_settings",
    "clients:my_data",
    "clients:delete_account",
    "bookings:mine",
    "bookings:reminder_settings",
    "coaching:directory",
    "crisis",
]


def titles(response):
    return re.findall(r"<title>(.*?)</title>", response.content.decode(), flags=re.S)


def idle_for(client, minutes):
    session = client.session
    session[CLIENT_LAST_SEEN_KEY] = (timezone.now() - timedelta(minutes=minutes)).isoformat()
    session.save()


@pytest.fixture
def alice_with_intake(alice):
    IntakeFactory(client=alice)
    ProgressSettings.objects.create(client=alice, substances=["alcohol", "opioids"])
    return alice


def test_every_page_alice_sees_is_kept_out_of_every_cache(client, alice_with_intake):
    client.force_login(alice_with_intake)
    answers = [client.get(reverse(name)) for name in ALICES_PAGES]
    assert [(r.status_code, r["Cache-Control"]) for r in answers] == [(200, "no-store, private")] * len(ALICES_PAGES)


def test_staff_pages_are_kept_out_of_caches_too_and_public_pages_are_not_changed(client, carol, erin):
    CoachProfileFactory(user=carol)
    client.force_login(carol)
    assert client.get(reverse("coaching:calendar"))["Cache-Control"] == "no-store, private"
    client.force_login(erin)
    assert client.get(reverse("clients:review_queue"))["Cache-Control"] == "no-store, private"
    client.logout()
    assert client.get(reverse("home")).has_header("Cache-Control") is False


def test_alice_idle_for_an_hour_is_signed_out(client, alice):
    client.force_login(alice)
    client.get(reverse("dashboard"))
    idle_for(client, 60)
    response = client.get(reverse("bookings:mine"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={reverse('bookings:mine')}"
    assert "_auth_user_id" not in client.session


def test_alice_active_59_minutes_ago_stays_signed_in(client, alice):
    client.force_login(alice)
    client.get(reverse("dashboard"))
    idle_for(client, 59)
    assert client.get(reverse("bookings:mine")).status_code == 200
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_the_idle_limit_is_a_setting(client, alice, settings):
    settings.CLIENT_IDLE_TIMEOUT = timedelta(minutes=10)
    client.force_login(alice)
    client.get(reverse("dashboard"))
    idle_for(client, 11)
    assert client.get(reverse("dashboard")).status_code == 302


def test_staff_keep_their_own_limit(client, carol):
    CoachProfileFactory(user=carol)
    client.force_login(carol)
    client.get(reverse("dashboard"))
    idle_for(client, 61)
    assert client.get(reverse("dashboard")).status_code == 200


def test_stay_signed_in_is_a_post_that_counts_as_activity(client, alice):
    client.force_login(alice)
    client.get(reverse("dashboard"))
    idle_for(client, 59)
    assert client.get(reverse("still_here")).status_code == 405
    assert client.post(reverse("still_here")).status_code == 204
    seen = timezone.now() - timezone.datetime.fromisoformat(client.session[CLIENT_LAST_SEEN_KEY])
    assert seen < timedelta(minutes=1)
    client.logout()
    assert client.post(reverse("still_here")).status_code == 302


def test_alices_pages_carry_the_idle_notice_and_staff_pages_do_not(client, alice, carol):
    client.force_login(alice)
    html = client.get(reverse("dashboard")).content.decode()
    assert 'data-idle-seconds="3600"' in html
    assert '<button type="button" data-stay-signed-in>Stay signed in</button>' in html
    assert "js/idle-notice.js" in html
    CoachProfileFactory(user=carol)
    client.force_login(carol)
    html = client.get(reverse("dashboard")).content.decode()
    assert "idle-notice" not in html


QUICK_EXIT = '<a class="quick-exit" href="https://www.weather.gov/" rel="noreferrer" data-quick-exit>Quick exit</a>'


def test_quick_exit_is_a_plain_link_on_every_page_alice_sees(client, alice_with_intake):
    client.force_login(alice_with_intake)
    pages = [client.get(reverse(name)).content.decode() for name in ALICES_PAGES]
    assert [QUICK_EXIT in html for html in pages] == [True] * len(ALICES_PAGES)
    # With JavaScript, Quick exit signs her out as it leaves.
    assert [html.count('data-sign-out-url="/accounts/logout/"') for html in pages] == [1] * len(ALICES_PAGES)


def test_quick_exit_is_on_public_pages_too_and_leaves_for_the_configured_page(client, settings):
    settings.QUICK_EXIT_URL = "https://forecast.example/today"
    for name in ("home", "coaching:directory", "crisis", "account_login", "account_signup"):
        html = client.get(reverse(name)).content.decode()
        assert '<a class="quick-exit" href="https://forecast.example/today" rel="noreferrer" data-quick-exit>Quick exit</a>' in html
        assert 'data-exit-url="https://forecast.example/today"' in html
        assert "data-sign-out-url" not in html


def test_staff_pages_have_no_quick_exit(client, carol):
    CoachProfileFactory(user=carol)
    client.force_login(carol)
    assert "data-quick-exit" not in client.get(reverse("coaching:calendar")).content.decode()


def test_every_tab_says_only_waypoint(client, alice_with_intake, carol, erin):
    client.force_login(alice_with_intake)
    seen = {name: titles(client.get(reverse(name))) for name in ALICES_PAGES}
    coach = CoachProfileFactory(user=carol, display_name="Carol Rivera")
    seen["coach_page"] = titles(client.get(reverse("coaching:coach", args=[coach.pk])))
    client.force_login(erin)
    seen["review_queue"] = titles(client.get(reverse("clients:review_queue")))
    client.logout()
    for name in ("home", "account_login", "account_signup", "account_reset_password"):
        seen[name] = titles(client.get(reverse(name)))
    assert {name: found for name, found in seen.items() if found != ["Waypoint"]} == {}


def test_a_clients_idle_timer_is_written_at_most_once_a_minute(client, alice):
    # A session write on every page only to move the timer was the largest cost of a
    # signed-in page (bench/pages.py); once a minute is enough.
    client.force_login(alice)
    idle_for(client, 0.5)
    half_a_minute_ago = client.session[CLIENT_LAST_SEEN_KEY]
    client.get(reverse("dashboard"))
    assert client.session[CLIENT_LAST_SEEN_KEY] == half_a_minute_ago

    idle_for(client, 2)
    before = timezone.now()
    client.get(reverse("dashboard"))
    assert before <= timezone.datetime.fromisoformat(client.session[CLIENT_LAST_SEEN_KEY]) <= timezone.now()
