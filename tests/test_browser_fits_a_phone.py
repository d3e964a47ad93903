"""Item 21 of issue 14 (nothing scrolls sideways on a 390 px phone: the coach's sessions,
a client's record and the notes list) and item 20's error pages and favicon, in Chromium
with the demo data. The crawl (test_browser_crawl.py) checks every other page."""

import io

import pytest
from django.core.management import call_command

from accounts.models import User
from tests.browser import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FITS = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())
    return {person.email.split("@")[0]: person for person in User.objects.all()}


def test_the_coachs_tables_and_a_clients_record_fit_a_phone(live_server, page, demo):
    alice = demo["alice"]
    sign_in(page, live_server, demo["carol"])
    for path in ["/coaches/sessions/", f"/coaches/clients/{alice.pk}/", "/coaches/notes/"]:
        page.goto(live_server.url + path)
        assert page.locator("main table").count() or path == "/coaches/notes/", path
        assert page.evaluate(FITS), path
    # A long table scrolls inside its own region, which the keyboard can reach.
    page.goto(live_server.url + "/coaches/sessions/")
    assert page.locator(".table-scroll").first.get_attribute("tabindex") == "0"
    page.context.clear_cookies()
    sign_in(page, live_server, demo["erin"])
    for path in ["/coaches/notes/", "/team/", "/audit/", "/bookings/manage/", "/client/intakes/review/"]:
        page.goto(live_server.url + path)
        assert page.evaluate(FITS), path
        assert [v for v in axe_violations(page) if v[1] in ("serious", "critical")] == [], path


def test_error_pages_are_in_our_layout_on_a_phone(live_server, page, demo):
    response = page.goto(live_server.url + "/nowhere/")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "We could not find that page"
    assert page.get_by_role("link", name="Waypoint's home page").is_visible()
    assert page.get_by_role("link", name="see who you can call or text, at any hour").is_visible()
    assert page.get_by_role("banner").get_by_role("link", name="Need help now?").is_visible()
    assert page.evaluate(FITS)
    assert axe_violations(page) == []

    sign_in(page, live_server, demo["alice"])
    response = page.goto(live_server.url + "/coaches/sessions/")
    assert response.status == 403
    assert page.get_by_role("heading", level=1).inner_text() == "This page is not open to you"
    page.get_by_role("link", name="Back to your space").click()
    page.wait_for_url("**/me/")
    assert axe_violations(page) == []


def test_the_browser_gets_our_favicon(live_server, page):
    page.goto(live_server.url + "/")
    for selector in ["link[rel=icon][type='image/svg+xml']", "link[rel=icon][sizes='32x32']"]:
        href = page.locator(selector).get_attribute("href")
        response = page.context.request.get(live_server.url + href)
        assert response.status == 200 and response.headers["content-type"].startswith("image/"), href
    response = page.context.request.get(live_server.url + "/favicon.ico")
    assert response.status == 200 and response.headers["content-type"].startswith("image/")
