"""In a real browser: Quick exit leaves at once for a neutral page and Back does not
return to Waypoint; the idle notice can be answered with the keyboard."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session

from clients.models import ProgressSettings
from tests.browser import axe_violations, main_menu
from tests.test_browser_progress_check_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

START = "https://news.example/"
WEATHER = "https://weather.example/forecast"


@pytest.fixture
def elsewhere(page, live_server, settings):
    """Two pages that are not Waypoint: where the tab was before, and where Quick exit leaves for."""
    settings.QUICK_EXIT_URL = WEATHER
    before = f'<!doctype html><title>News</title><a href="{live_server.url}/">Waypoint</a>'
    page.route(START, lambda route: route.fulfill(body=before, content_type="text/html"))
    page.route(WEATHER, lambda route: route.fulfill(body="<!doctype html><title>Weather</title>Sunny", content_type="text/html"))
    page.goto(START)
    page.get_by_role("link", name="Waypoint").click()
    page.wait_for_url(live_server.url + "/")
    return page


def signed_in_sessions():
    return [s for s in Session.objects.all() if "_auth_user_id" in s.get_decoded()]


def test_escape_twice_leaves_and_back_does_not_return_to_waypoint(elsewhere, live_server, alice):
    page = elsewhere
    ProgressSettings.objects.create(client=alice, substances=["alcohol"])
    sign_in(page, live_server, alice)  # a POST: the browser adds a page to the history
    main_menu(page).get_by_role("link", name="Progress").click()
    page.wait_for_url(live_server.url + "/client/progress/")
    page.goto(live_server.url + "/client/progress/settings/")
    page.get_by_role("button", name="Save").click()  # another POST
    page.wait_for_url(live_server.url + "/client/progress/")
    assert signed_in_sessions() != []

    page.keyboard.press("Escape")
    page.wait_for_timeout(300)
    assert page.url == live_server.url + "/client/progress/"  # once is not enough
    page.keyboard.press("Escape")
    page.wait_for_url(WEATHER)

    page.go_back()
    page.wait_for_load_state()
    assert page.url == START
    # Quick exit signed Alice out: any Waypoint page left in the browser needs a sign-in.
    assert signed_in_sessions() == []


def test_the_quick_exit_button_replaces_the_page_at_once(elsewhere, live_server):
    page = elsewhere
    page.get_by_role("link", name="Need help now?").first.click()
    page.wait_for_url(live_server.url + "/help-now/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Quick exit").click()
    page.wait_for_url(WEATHER)
    page.go_back()
    page.wait_for_load_state()
    assert page.url == START


def test_without_javascript_quick_exit_is_a_plain_link(chromium, live_server, settings):
    settings.QUICK_EXIT_URL = WEATHER
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.route(WEATHER, lambda route: route.fulfill(body="<!doctype html><title>Weather</title>Sunny", content_type="text/html"))
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Quick exit").click()
    page.wait_for_url(WEATHER)
    context.close()


def test_alice_is_asked_a_minute_before_and_can_stay_signed_in_with_the_keyboard(page, live_server, alice, settings):
    # A short limit for the test: warned half-way, signed out at the end.
    settings.CLIENT_IDLE_TIMEOUT = timedelta(seconds=10)
    sign_in(page, live_server, alice)
    notice = page.get_by_role("dialog", name="Are you still there?")
    notice.wait_for(state="visible", timeout=10000)
    assert page.evaluate("document.activeElement.textContent") == "Stay signed in"
    assert axe_violations(page) == []
    page.keyboard.press("Enter")
    notice.wait_for(state="hidden")
    assert page.url == live_server.url + "/me/"
    # Left alone, the page signs her out and leaves what was on the screen.
    page.wait_for_url(live_server.url + "/", timeout=15000)
    assert main_menu(page).get_by_role("link", name="Sign in").is_visible()
    assert signed_in_sessions() == []
